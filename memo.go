package lsusync

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
)

// memoVersion names the rules a memo covers: a change of what a class's
// synchronisation depends on, or of what it does, changes it, so that no
// memo of an older version matches.
const memoVersion = "lsusync-memo-2:"

// memoText returns the memo of a class (see [ClassMemos]): a digest of
// everything the synchronisation of the class depends on besides its
// stored records. That is the source data of the class, on the day of
// the sync: its code and label; each pupil as listed, every field, the
// groups, whether they have left, and whether another pupil of the source
// has their INE; its services; its current professeurs principaux. The
// rest of the plan changes only what the report says of the class, not
// what is written: where the source lists the pupils the class lost, and
// which fields the source gives for some pupil.
func (p *plan) memoText(data *ClassData, today Date) string {
	var b []byte
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	num := func(n int) { b = binary.AppendVarint(b, int64(n)) }
	date := func(d Date) { num(d.Year); num(int(d.Month)); num(d.Day) }
	key := func(k TeacherKey) { str(k.Type); str(k.ID) }
	flag := func(v bool) {
		if v {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	str(data.Code)
	str(data.Label)
	num(len(data.Enrolments))
	for i := range data.Enrolments {
		e := &data.Enrolments[i]
		st := &e.Student
		syncedValues(studentFields, st, func(_ *Field, text string, d Date) {
			str(text)
			date(d)
		})
		str(st.ID)
		str(st.Class)
		num(len(e.Groups))
		for _, g := range e.Groups {
			str(g)
		}
		num(len(e.Options))
		for _, o := range e.Options {
			str(o.Code)
			str(o.Modality)
		}
		flag(e.left(today))
		flag(st.INE != "" && p.ines[st.INE] != nil)
	}
	num(len(data.Services))
	for _, sv := range data.Services {
		str(sv.Subject.Code)
		str(sv.Subject.Label)
		str(sv.Subject.Modality)
		str(sv.Group)
		num(len(sv.Teachers))
		for _, k := range sv.Teachers {
			key(k)
		}
	}
	pp := headTeachers(data.HeadTeachers, today)
	num(len(pp))
	for _, k := range pp {
		key(k)
	}
	sum := sha256.Sum256(b)
	return memoVersion + base64.RawStdEncoding.EncodeToString(sum[:])
}
