package lsufile

import (
	"encoding/binary"

	"github.com/lsusync/lsusync"
)

// groupData is an EPI or an AP of a pupil, as the file writes it: the EPI
// or AP (epi, acc-perso), the group that followed it (epi-groupe,
// acc-perso-groupe) and the pupil's comment (epi-eleve, acc-perso-eleve).
type groupData struct {
	title, theme, themeLabel, description string // the EPI or AP
	subjects                              []lsusync.Subject
	groupTitle, groupComment              string
	teaching                              []lsusync.Teaching
	comment                               string // the pupil's
}

func epiData(e *lsusync.PupilEPI) groupData {
	g := &e.Group
	return groupData{
		title: g.EPI.Title, theme: g.EPI.Theme, themeLabel: g.EPI.ThemeLabel, description: g.EPI.Description,
		subjects: g.EPI.Subjects, groupTitle: g.Title, groupComment: g.Comment, teaching: g.Teaching, comment: e.Comment,
	}
}

func apData(a *lsusync.PupilAP) groupData {
	g := &a.Group
	return groupData{
		title: g.AP.Title, description: g.AP.Description, subjects: g.AP.Subjects,
		groupTitle: g.Title, groupComment: g.Comment, teaching: g.Teaching, comment: a.Comment,
	}
}

// appendText appends s, clean, with its length.
func appendText(k []byte, s string) []byte {
	s, _, _ = clean(s)
	k = binary.AppendUvarint(k, uint64(len(s)))
	return append(k, s...)
}

// ofKey returns what identifies the EPI or AP in the file: two that
// differ in nothing the file writes are one element. A thématique's
// label is the thématique's, not the EPI's (see [chooseText]).
func (d *groupData) ofKey() string {
	k := appendText(nil, d.title)
	k = appendText(k, d.theme)
	k = appendText(k, d.description)
	k = binary.AppendUvarint(k, uint64(len(d.subjects)))
	for _, s := range d.subjects {
		k = appendText(appendText(k, s.Code), s.Modality)
	}
	return string(k)
}

// groupKey returns what identifies the group in the file.
func (d *groupData) groupKey() string {
	k := []byte(d.ofKey())
	k = appendText(k, d.groupTitle)
	k = appendText(k, d.groupComment)
	k = binary.AppendUvarint(k, uint64(len(d.teaching)))
	for _, t := range d.teaching {
		k = appendText(appendText(k, t.Teacher.Type), t.Teacher.ID)
		k = appendText(appendText(k, t.Subject.Code), t.Subject.Modality)
	}
	return string(k)
}
