package gen

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"golang.org/x/sync/errgroup"
)

// ExportOptions tunes [Establishment.WriteExports].
type ExportOptions struct {
	// Zip wraps each BEE file (ElevesSansAdresses, Communs, Structures,
	// Nomenclature) in a zip archive with that one entry, as schools
	// download them from SIECLE. The STS file stays plain XML.
	Zip bool
	// UTF8 writes UTF-8 instead of ISO-8859-15, still correctly declared,
	// as files re-saved by users are.
	UTF8 bool
}

// Files are the paths of the files [Establishment.WriteExports] wrote.
type Files struct {
	// Eleves is ElevesSansAdresses.xml, or ExportXML_ElevesSansAdresses.zip.
	Eleves string
	// Communs is Communs.xml, or ExportCommuns.zip.
	Communs string
	// Structures is Structures.xml, or Structures.zip.
	Structures string
	// Nomenclature is Nomenclature.xml, or Nomenclature.zip.
	Nomenclature string
	// STS is sts_emp_<UAI>_<YEAR>.xml.
	STS string
}

// The names of the exports.
const (
	ElevesXML       = "ElevesSansAdresses.xml"
	ElevesZip       = "ExportXML_ElevesSansAdresses.zip"
	CommunsXML      = "Communs.xml"
	CommunsZip      = "ExportCommuns.zip"
	StructuresXML   = "Structures.xml"
	StructuresZip   = "Structures.zip"
	NomenclatureXML = "Nomenclature.xml"
	NomenclatureZip = "Nomenclature.zip"
)

// STSFileName returns the name of the STS-Web export of an establishment
// and a school year: sts_emp_<UAI>_<YEAR>.xml.
func STSFileName(uai string, year int) string {
	return "sts_emp_" + uai + "_" + strconv.Itoa(year) + ".xml"
}

// exportClock is the time of day of the exports (HORODATAGE, zip times).
const exportHour, exportMin, exportSec = 7, 45, 12

// exportTime is the export's time stamp: Config.Today at 07:45:12 UTC.
func (e *Establishment) exportTime() time.Time {
	d := e.cfg().Today
	return time.Date(d.Year, d.Month, d.Day, exportHour, exportMin, exportSec, 0, time.UTC)
}

// WriteExports writes the establishment's SIECLE and STS-Web exports into
// dir (created if needed) and returns their paths. The files have the
// layouts of the real exports (see the package documentation), are
// indented, ISO-8859-15 encoded unless opts.UTF8, and are byte for byte
// the same for the same establishment: zip entries carry a fixed
// modification time, Config.Today at 07:45:12 UTC.
//
// The files are written concurrently under temporary names and renamed
// when all are complete: on error, nothing is written and files already in
// dir are left as they were. A value that cannot be written (a character
// outside ISO-8859-15, or forbidden in XML) is an error naming the file,
// the element and the character, not the value.
func (e *Establishment) WriteExports(dir string, opts ExportOptions) (Files, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Files{}, fmt.Errorf("gen: %w", err)
	}
	name := func(xmlName, zipName string) string {
		if opts.Zip {
			return filepath.Join(dir, zipName)
		}
		return filepath.Join(dir, xmlName)
	}
	f := Files{
		Eleves:       name(ElevesXML, ElevesZip),
		Communs:      name(CommunsXML, CommunsZip),
		Structures:   name(StructuresXML, StructuresZip),
		Nomenclature: name(NomenclatureXML, NomenclatureZip),
		STS:          filepath.Join(dir, STSFileName(e.cfg().UAI, e.cfg().Year)),
	}
	jobs := []struct {
		path, entry string
		zip, bee    bool
		write       func(*xmlWriter)
	}{
		{f.Eleves, ElevesXML, opts.Zip, true, e.writeEleves},
		{f.Communs, CommunsXML, opts.Zip, true, e.writeCommuns},
		{f.Structures, StructuresXML, opts.Zip, true, e.writeStructures},
		{f.Nomenclature, NomenclatureXML, opts.Zip, true, e.writeNomenclature},
		{f.STS, filepath.Base(f.STS), false, false, e.writeSTS},
	}
	// Each file is written to a temporary name, concurrently; they are
	// renamed once all are written, and removed on error.
	var g errgroup.Group
	for _, j := range jobs {
		g.Go(func() error {
			return e.writeFile(j.path+".tmp", j.path, j.entry, j.zip, opts.UTF8, j.bee, j.write)
		})
	}
	err := g.Wait()
	for _, j := range jobs {
		if err == nil {
			if rerr := os.Rename(j.path+".tmp", j.path); rerr != nil {
				err = fmt.Errorf("gen: %w", rerr)
			}
		}
		if err != nil {
			os.Remove(j.path + ".tmp")
		}
	}
	if err != nil {
		return Files{}, err
	}
	return f, nil
}

// writeFile writes one export to tmp, zipped or not; name is the final
// path, for errors.
func (e *Establishment) writeFile(tmp, name, entry string, zipped, utf8, bee bool, write func(*xmlWriter)) (err error) {
	out, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("gen: %w", cerr)
		}
	}()
	var w io.Writer = out
	var zw *zip.Writer
	if zipped {
		zw = zip.NewWriter(out)
		// Fast deflate: large pupil files compress tenfold at any level.
		zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(w, flate.BestSpeed)
		})
		w, err = zw.CreateHeader(&zip.FileHeader{Name: entry, Method: zip.Deflate, Modified: e.exportTime()})
		if err != nil {
			return fmt.Errorf("gen: %s: %w", name, err)
		}
	}
	x := newXMLWriter(w, utf8, bee)
	x.header()
	write(x)
	if err := x.flush(); err != nil {
		return fmt.Errorf("gen: %s: %w", filepath.Base(name), err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return fmt.Errorf("gen: %s: %w", name, err)
		}
	}
	return nil
}

// beeParams writes the BEE PARAMETRES header.
func (e *Establishment) beeParams(x *xmlWriter) {
	t := e.exportTime()
	x.open("PARAMETRES")
	x.leaf("UAJ", e.cfg().UAI)
	x.int("ANNEE_SCOLAIRE", e.cfg().Year)
	x.leaf("DATE_EXPORT", t.Format("02/01/2006"))
	x.leaf("HORODATAGE", t.Format("02/01/2006 15:04:05"))
	x.close()
}

// writeEleves writes ElevesSansAdresses.xml (BEE_ELEVES).
func (e *Establishment) writeEleves(x *xmlWriter) {
	x.open("BEE_ELEVES", "VERSION", "3.0")
	e.beeParams(x)
	x.open("DONNEES")
	x.open("ELEVES")
	for i := range e.Pupils {
		p := &e.Pupils[i]
		x.open("ELEVE", "ELEVE_ID", p.ID, "ELENOET", p.ELENOET)
		x.opt("ID_NATIONAL", p.INE)
		x.opt("INE_RNIE", p.INERNIE)
		x.opt("INE_BEA", p.INEBEA)
		x.leaf("NOM_DE_FAMILLE", p.LastName)
		x.leaf("NOM_USAGE", p.UsageName)
		x.leaf("PRENOM", p.FirstName)
		x.leaf("PRENOM2", p.FirstName2)
		x.leaf("PRENOM3", p.FirstName3)
		x.beeDate("DATE_NAISS", p.BirthDate)
		x.opt("CODE_SEXE", p.Sex)
		x.opt("CODE_PAYS", p.BirthCountry)
		x.opt("CODE_DEPARTEMENT_NAISS", p.BirthDept)
		x.opt("CODE_COMMUNE_INSEE_NAISS", p.BirthINSEE)
		x.opt("VILLE_NAISS", p.BirthCity)
		x.opt("CODE_MEF", p.MEF)
		x.opt("CODE_STATUT", p.Status)
		x.opt("CODE_REGIME", p.Regime)
		x.opt("DOUBLEMENT", p.Repeating)
		x.beeDate("DATE_ENTREE", p.EntryDate)
		x.beeDate("DATE_SORTIE", p.ExitDate)
		x.opt("CODE_MOTIF_SORTIE", p.ExitReason)
		x.close()
	}
	x.close()
	x.open("OPTIONS")
	for i := range e.Pupils {
		p := &e.Pupils[i]
		if len(p.Options) == 0 {
			continue
		}
		x.open("OPTION", "ELEVE_ID", p.ID, "ELENOET", p.ELENOET)
		for k, o := range p.Options {
			x.open("OPTIONS_ELEVE")
			x.int("NUM_OPTION", k+1)
			x.leaf("CODE_MODALITE_ELECT", o.Modality)
			x.leaf("CODE_MATIERE", o.Subject)
			x.close()
		}
		x.close()
	}
	x.close()
	x.open("STRUCTURES")
	for i := range e.Pupils {
		p := &e.Pupils[i]
		if p.Division == "" && len(p.Groups) == 0 {
			continue
		}
		x.open("STRUCTURES_ELEVE", "ELEVE_ID", p.ID, "ELENOET", p.ELENOET)
		if p.Division != "" {
			x.open("STRUCTURE")
			x.leaf("CODE_STRUCTURE", p.Division)
			x.leaf("TYPE_STRUCTURE", "D")
			x.close()
		}
		for _, g := range p.Groups {
			x.open("STRUCTURE")
			x.leaf("CODE_STRUCTURE", g)
			x.leaf("TYPE_STRUCTURE", "G")
			x.close()
		}
		x.close()
	}
	x.close()
	x.close()
	x.close()
}

// writeCommuns writes Communs.xml (BEE_COMMUN).
func (e *Establishment) writeCommuns(x *xmlWriter) {
	id := &e.Identity
	x.open("BEE_COMMUN", "VERSION", "2.0")
	e.beeParams(x)
	x.open("DONNEES")
	x.open("UAJ")
	x.leaf("SIGLE", id.Sigle)
	x.leaf("DENOM_PRINC", id.Name)
	x.leaf("DENOM_COMPL", id.NameCompl)
	x.leaf("NOM_RESP", id.HeadName)
	x.leaf("QUAL_RESP", id.HeadTitle)
	x.leaf("LIGNE1_ADRESSE", id.Line1)
	x.leaf("LIGNE2_ADRESSE", id.Line2)
	x.leaf("LIGNE3_ADRESSE", id.Line3)
	x.leaf("LIGNE4_ADRESSE", id.Line4)
	x.leaf("BOITE_POST", id.POBox)
	x.leaf("CODE_POSTAL", id.PostalCode)
	x.leaf("CODE_COMMUNE_INSEE", id.INSEECode)
	x.opt("COMMUNE_ETRANGERE", id.ForeignCity)
	x.leaf("CODE_PAYS", id.Country)
	x.leaf("TELEPHONE", id.Phone)
	x.leaf("TELECOPIE", id.Fax)
	x.leaf("MEL_1", id.Email)
	x.close()
	x.open("ANNEE_SCOLAIRE")
	x.beeDate("DATE_DEBUT_ELEVE", id.PupilYearFrom)
	x.beeDate("DATE_FIN_ELEVE", id.PupilYearTo)
	x.close()
	x.close()
	x.close()
}

// writeStructures writes Structures.xml (BEE_STRUCTURES).
func (e *Establishment) writeStructures(x *xmlWriter) {
	x.open("BEE_STRUCTURES", "VERSION", "2.0")
	e.beeParams(x)
	x.open("DONNEES")
	x.open("DIVISIONS")
	for i := range e.Divisions {
		d := &e.Divisions[i]
		if d.NotInStructures {
			continue
		}
		x.open("DIVISION", "CODE_STRUCTURE", d.Code)
		x.leaf("LIBELLE_LONG", d.Label)
		x.open("MEFS_APPARTENANCE")
		for _, m := range d.MEFs {
			x.open("MEF_APPARTENANCE")
			x.leaf("CODE_MEF", m)
			x.close()
		}
		x.close()
		x.close()
	}
	x.close()
	x.open("GROUPES")
	for i := range e.Groups {
		g := &e.Groups[i]
		x.open("GROUPE", "CODE_STRUCTURE", g.Code)
		x.leaf("LIBELLE_LONG", g.Label)
		x.open("DIVISIONS_APPARTENANCE")
		for _, d := range g.Divisions {
			x.open("DIVISION_APPARTENANCE")
			x.leaf("CODE_STRUCTURE", d)
			x.close()
		}
		x.close()
		x.close()
	}
	x.close()
	x.close()
	x.close()
}

// writeNomenclature writes Nomenclature.xml (BEE_NOMENCLATURES).
func (e *Establishment) writeNomenclature(x *xmlWriter) {
	x.open("BEE_NOMENCLATURES", "VERSION", "3.1")
	e.beeParams(x)
	x.open("DONNEES")
	x.open("MATIERES")
	for _, s := range e.Subjects {
		x.open("MATIERE", "CODE_MATIERE", s.Code)
		x.leaf("CODE_GESTION", s.Management)
		x.leaf("LIBELLE_COURT", s.NomShort)
		x.leaf("LIBELLE_LONG", s.NomLong)
		x.leaf("LIBELLE_EDITION", s.NomEdition)
		x.leaf("MATIERE_ETP", "0")
		x.close()
	}
	x.close()
	x.open("MEFS")
	for _, m := range e.MEFs {
		x.open("MEF", "CODE_MEF", m.Code)
		x.leaf("FORMATION", m.Formation)
		x.leaf("LIBELLE_LONG", m.Long)
		x.leaf("LIBELLE_EDITION", m.Edition)
		x.leaf("CODE_MEFSTAT", m.Stat)
		x.leaf("MEF_RATTACHEMENT", m.Code)
		x.leaf("NB_OPT_OBLIG", "0")
		x.leaf("NB_OPT_MINI", "0")
		x.close()
	}
	x.close()
	x.open("PROGRAMMES")
	for _, p := range e.Programmes {
		x.open("PROGRAMME")
		x.leaf("CODE_MEF", p.MEF)
		x.leaf("CODE_MATIERE", p.Subject)
		x.leaf("CODE_MODALITE_ELECT", p.Modality)
		x.leaf("HORAIRE", p.Hours)
		x.close()
	}
	x.close()
	x.open("OPTIONS_OBLIGATOIRES")
	for _, p := range e.Programmes {
		if p.Modality != "O" || !positive(p.Hours) {
			continue
		}
		x.open("OPTION_OBLIGATOIRE")
		x.leaf("CODE_MEF", p.MEF)
		x.leaf("CODE_MATIERE", p.Subject)
		x.leaf("RANG_OPTION", "1")
		x.close()
	}
	x.close()
	x.close()
	x.close()
}

// writeSTS writes sts_emp_<UAI>_<YEAR>.xml (STS_EDT).
func (e *Establishment) writeSTS(x *xmlWriter) {
	id := &e.Identity
	x.open("STS_EDT")
	x.open("PARAMETRES")
	x.open("UAJ", "CODE", e.cfg().UAI)
	x.open("ACADEMIE")
	x.leaf("CODE", id.AcademyCode)
	x.leaf("LIBELLE", id.AcademyLabel)
	x.close()
	x.leaf("SIGLE", id.Sigle)
	x.leaf("DENOM_PRINC", id.Name)
	x.leaf("DENOM_COMPL", id.NameCompl)
	x.leaf("CODE_NATURE", id.NatureCode)
	x.leaf("CODE_CATEGORIE", id.CategoryCode)
	x.leaf("ADRESSE", id.Line1)
	x.leaf("CODE_POSTAL", id.PostalCode)
	x.leaf("COMMUNE", id.City)
	x.leaf("BOITE_POSTALE", id.POBox)
	x.leaf("CEDEX", "")
	x.leaf("TELEPHONE", id.Phone)
	x.leaf("STATUT", id.Status)
	x.leaf("ETABLISSEMENT_SENSIBLE", id.Sensitive)
	x.close()
	x.open("ANNEE_SCOLAIRE", "ANNEE", strconv.Itoa(e.cfg().Year))
	x.stsDate("DATE_DEBUT", id.StartOfYear)
	x.stsDate("DATE_FIN", id.EndOfYear)
	x.close()
	x.close()

	x.open("NOMENCLATURES")
	x.open("MATIERES")
	for _, s := range e.Subjects {
		if s.NotInSTS {
			continue
		}
		x.open("MATIERE", "CODE", s.Code)
		x.leaf("CODE_GESTION", s.Management)
		x.leaf("LIBELLE_COURT", s.Short)
		x.leaf("LIBELLE_LONG", s.Long)
		x.leaf("LIBELLE_EDITION", s.Edition)
		x.close()
	}
	x.close()
	x.open("MEFS")
	for _, m := range e.MEFs {
		x.open("MEF", "CODE", m.Code)
		x.leaf("FORMATION", m.Formation)
		x.leaf("LIBELLE_COURT", m.Short)
		x.leaf("LIBELLE_LONG", m.Long)
		x.leaf("LIBELLE_EDITION", m.Edition)
		x.close()
	}
	x.close()
	x.close()

	// Head counts: planned from the model, computed from present pupils.
	today := e.cfg().Today
	present := func(p *Pupil) bool { return p.ExitDate.IsZero() || !p.ExitDate.Before(today) }
	perDiv := make(map[string]int, len(e.Divisions))
	perMEF := make(map[[2]string]int, len(e.Divisions))
	perGroupDiv := make(map[[2]string]int, len(e.Groups)*2)
	for i := range e.Pupils {
		p := &e.Pupils[i]
		if !present(p) {
			continue
		}
		perDiv[p.Division]++
		perMEF[[2]string{p.Division, p.MEF}]++
		for _, g := range p.Groups {
			perGroupDiv[[2]string{g, p.Division}]++
		}
	}

	x.open("DONNEES")
	for _, sub := range []bool{false, true} {
		list, item := "INDIVIDUS", "INDIVIDU"
		if sub {
			list, item = "SUPPLEANTS", "SUPPLEANT"
		}
		x.open(list)
		for i := range e.Teachers {
			if t := &e.Teachers[i]; t.Substitute == sub {
				writeIndividu(x, item, t)
			}
		}
		x.close()
	}
	x.open("STRUCTURE")
	x.open("DIVISIONS")
	for i := range e.Divisions {
		d := &e.Divisions[i]
		if d.NotInSTS {
			continue
		}
		x.open("DIVISION", "CODE", d.Code)
		x.leaf("LIBELLE_LONG", d.STSLabel)
		x.int("EFFECTIF_PREVU", d.Planned)
		x.int("EFFECTIF_CALCULE", perDiv[d.Code])
		x.open("MEFS_APPARTENANCE")
		for _, m := range d.MEFs {
			x.open("MEF_APPARTENANCE", "CODE", m)
			n := perMEF[[2]string{d.Code, m}]
			x.int("EFFECTIF_PREVU", n)
			x.int("EFFECTIF_CALCULE", n)
			x.close()
		}
		x.close()
		writeServices(x, d.Services)
		x.close()
	}
	x.close()
	x.open("GROUPES")
	for i := range e.Groups {
		g := &e.Groups[i]
		x.open("GROUPE", "CODE", g.Code)
		x.leaf("LIBELLE_LONG", g.Label)
		x.int("EFFECTIF_PREVU", g.Planned)
		x.open("DIVISIONS_APPARTENANCE")
		for _, d := range g.Divisions {
			x.open("DIVISION_APPARTENANCE", "CODE", d)
			x.int("EFFECTIF_PREVU", perGroupDiv[[2]string{g.Code, d}])
			x.close()
		}
		x.close()
		writeServices(x, g.Services)
		x.close()
	}
	x.close()
	x.close()
	x.close()
	x.close()
}

func writeIndividu(x *xmlWriter, item string, t *Teacher) {
	x.open(item, "ID", t.Key.ID, "TYPE", t.Key.Type)
	x.leaf("SEXE", t.Sex)
	x.leaf("CIVILITE", t.Civility)
	x.leaf("NOM_USAGE", t.UsageName)
	x.leaf("NOM_PATRONYMIQUE", t.BirthName)
	x.leaf("PRENOM", t.FirstName)
	x.stsDate("DATE_NAISSANCE", t.BirthDate)
	x.opt("GRADE", t.Grade)
	x.opt("FONCTION", t.Function)
	if len(t.HeadOf) > 0 {
		x.open("PROFS_PRINC")
		for _, h := range t.HeadOf {
			x.open("PROF_PRINC")
			x.leaf("CODE_STRUCTURE", h.Division)
			x.stsDate("DATE_DEBUT", h.Start)
			x.stsDate("DATE_FIN", h.End)
			x.close()
		}
		x.close()
	}
	if len(t.Disciplines) > 0 {
		x.open("DISCIPLINES")
		for _, d := range t.Disciplines {
			x.open("DISCIPLINE", "CODE", d.Code)
			x.leaf("LIBELLE_COURT", d.Label)
			x.leaf("NB_HEURES", d.Hours)
			x.close()
		}
		x.close()
	}
	x.close()
}

func writeServices(x *xmlWriter, svs []Service) {
	if len(svs) == 0 {
		x.leaf("SERVICES", "")
		return
	}
	x.open("SERVICES")
	for _, s := range svs {
		x.open("SERVICE", "CODE_MATIERE", s.Subject, "CODE_MOD_COURS", s.Course)
		if len(s.Teachers) == 0 {
			x.leaf("ENSEIGNANTS", "")
		} else {
			x.open("ENSEIGNANTS")
			for _, k := range s.Teachers {
				x.leaf("ENSEIGNANT", "", "ID", k.ID, "TYPE", k.Type)
			}
			x.close()
		}
		x.close()
	}
	x.close()
}
