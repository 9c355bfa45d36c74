package gen

import (
	"slices"

	"github.com/lsusync/lsusync"
)

// Clone returns a deep copy of e, to modify one while keeping the other
// (New with the same Config gives an equal copy too).
func (e *Establishment) Clone() *Establishment {
	c := *e
	c.Subjects = slices.Clone(e.Subjects)
	c.MEFs = slices.Clone(e.MEFs)
	c.Programmes = slices.Clone(e.Programmes)
	c.Divisions = slices.Clone(e.Divisions)
	for i := range c.Divisions {
		d := &c.Divisions[i]
		d.MEFs = slices.Clone(d.MEFs)
		d.Services = cloneServices(d.Services)
	}
	c.Groups = slices.Clone(e.Groups)
	for i := range c.Groups {
		g := &c.Groups[i]
		g.Divisions = slices.Clone(g.Divisions)
		g.Services = cloneServices(g.Services)
	}
	c.Teachers = slices.Clone(e.Teachers)
	for i := range c.Teachers {
		t := &c.Teachers[i]
		t.HeadOf = slices.Clone(t.HeadOf)
		t.Disciplines = slices.Clone(t.Disciplines)
	}
	c.Pupils = slices.Clone(e.Pupils)
	for i := range c.Pupils {
		p := &c.Pupils[i]
		p.Groups = slices.Clone(p.Groups)
		p.Options = slices.Clone(p.Options)
	}
	return &c
}

func cloneServices(svs []Service) []Service {
	svs = slices.Clone(svs)
	for i := range svs {
		svs[i].Teachers = slices.Clone(svs[i].Teachers)
	}
	return svs
}

// Division returns the division with the given code, or nil.
func (e *Establishment) Division(code string) *Division {
	for i := range e.Divisions {
		if e.Divisions[i].Code == code {
			return &e.Divisions[i]
		}
	}
	return nil
}

// Group returns the group with the given code, or nil.
func (e *Establishment) Group(code string) *Group {
	for i := range e.Groups {
		if e.Groups[i].Code == code {
			return &e.Groups[i]
		}
	}
	return nil
}

// Teacher returns the teacher with the given key, or nil.
func (e *Establishment) Teacher(k lsusync.TeacherKey) *Teacher {
	for i := range e.Teachers {
		if e.Teachers[i].Key == k {
			return &e.Teachers[i]
		}
	}
	return nil
}

// Pupil returns the pupil with the given ELEVE_ID, or nil.
func (e *Establishment) Pupil(id string) *Pupil {
	for i := range e.Pupils {
		if e.Pupils[i].ID == id {
			return &e.Pupils[i]
		}
	}
	return nil
}

// PupilsOf returns the pupils whose D structure is the given division, in
// file order, as pointers into e.Pupils.
func (e *Establishment) PupilsOf(division string) []*Pupil {
	var out []*Pupil
	for i := range e.Pupils {
		if e.Pupils[i].Division == division {
			out = append(out, &e.Pupils[i])
		}
	}
	return out
}

// Present reports whether the pupil has not left on the given date: no
// DATE_SORTIE, or one not before it.
func (p *Pupil) Present(today lsusync.Date) bool {
	return p.ExitDate.IsZero() || !p.ExitDate.Before(today)
}
