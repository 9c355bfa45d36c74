package gen

import (
	"time"

	"github.com/lsusync/lsusync"
)

// The defaults of a zero [Config] field.
const (
	DefaultPupils           = 2000
	DefaultPeriods          = 3
	DefaultSubjectsPerClass = 12
	DefaultYear             = 2025
	DefaultUAI              = "0750001A"
	// PupilsPerClass sets the default number of classes: Pupils/25.
	PupilsPerClass = 25
	// PupilsPerTeacher sets the default number of teachers:
	// Pupils*3/40, 150 for 2,000 pupils.
	PupilsPerTeacher = 40.0 / 3
)

// Config describes the establishment to generate. Every zero field takes
// its documented default; [Config.Normalize] returns the config with the
// defaults filled in.
type Config struct {
	// Seed seeds the PCG generator; the same Config always gives the same
	// establishment.
	Seed int64
	// Pupils is the number of pupils (default 2,000).
	Pupils int
	// Classes is the number of divisions (default Pupils/25, at least 1:
	// 80 for 2,000 pupils).
	Classes int
	// Teachers is the number of teaching staff (default Pupils*3/40, at
	// least 20: 150 for 2,000 pupils). A few more people are added: the
	// head, the deputy and the CPE.
	Teachers int
	// Periods is the number of reporting periods of the year: 3
	// (trimesters, the default) or 2 (semesters).
	Periods int
	// SubjectsPerClass is the number of subjects a pupil takes, roughly
	// (default 12, from 4 to 16): division services plus group services.
	SubjectsPerClass int
	// Year is the first year of the school year (default 2025, for
	// 2025-2026).
	Year int
	// UAI is the establishment's code (default "0750001A").
	UAI string
	// Today is the reference date of the generated data: pupils whose
	// DATE_SORTIE is before it have left, and professeurs principaux whose
	// DATE_FIN is before it are no longer. It is also the export date.
	// Default: 1 December of Year.
	Today lsusync.Date
	// Content is what the bilans of [Establishment.StoreSnapshot] hold:
	// [ContentNone], the zero value, leaves them empty, as lsusync init
	// creates them; [ContentEndOfYear] fills them as at the end of the
	// school year (see [Establishment.FillContent]). It changes nothing
	// in the exports.
	Content Content
}

// Normalize returns c with every zero field set to its default, and out
// of range values clamped.
func (c Config) Normalize() Config {
	if c.Pupils <= 0 {
		c.Pupils = DefaultPupils
	}
	if c.Classes <= 0 {
		c.Classes = max(1, (c.Pupils+PupilsPerClass/2)/PupilsPerClass)
	}
	if c.Teachers <= 0 {
		c.Teachers = max(20, int(float64(c.Pupils)/PupilsPerTeacher+0.5))
	}
	if c.Periods != 2 {
		c.Periods = DefaultPeriods
	}
	if c.SubjectsPerClass <= 0 {
		c.SubjectsPerClass = DefaultSubjectsPerClass
	}
	c.SubjectsPerClass = min(max(c.SubjectsPerClass, 4), 16)
	if c.Year <= 0 {
		c.Year = DefaultYear
	}
	if c.UAI == "" {
		c.UAI = DefaultUAI
	}
	if c.Content != ContentEndOfYear {
		c.Content = ContentNone
	}
	if c.Today.IsZero() {
		c.Today = lsusync.Date{Year: c.Year, Month: time.December, Day: 1}
	}
	return c
}

// PeriodList returns the reporting periods of the school year: Periods
// periods of Year, after normalisation.
func (c Config) PeriodList() []lsusync.Period {
	c = c.Normalize()
	return Periods(c.Year, c.Periods)
}

// cfg returns the establishment's normalised Config: every zero field of
// a hand-built Establishment takes its default.
func (e *Establishment) cfg() Config { return e.Config.Normalize() }

// Periods returns the count periods of the school year starting in year:
// trimesters for 3, semesters for 2.
func Periods(year, count int) []lsusync.Period {
	ps := make([]lsusync.Period, max(count, 0))
	for i := range ps {
		ps[i] = lsusync.Period{Year: year, Index: i + 1, Count: count}
	}
	return ps
}
