package sqlstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/lsusync/lsusync"
	"github.com/lsusync/lsusync/internal/jsonscan"
)

// The JSON columns of schema version 3 hold the JSON form of the lsusync
// types, their json tags, through encoding/json: a field added to the
// lsusync types is stored, and read back, with no change here.
//
//   - bilans.acquis: what a synchronisation writes of each acquis, in the
//     bilan's order: [{"subject": Subject, "teachers": [TeacherKey]}];
//   - bilans.head_teachers: the professeurs principaux, [TeacherKey];
//   - bilan_documents.content: the rest, what the sync never changes:
//     BilanContent's fields, and under "acquis" the AcquisContent of each
//     acquis that has some, with its subject key, sorted by that key.

// syncedAcquis is an acquis without its content: the JSON form of
// lsusync.Acquis without AcquisContent's fields.
type syncedAcquis struct {
	Subject  lsusync.Subject      `json:"subject"`
	Teachers []lsusync.TeacherKey `json:"teachers,omitempty"`
}

// document is the content of a bilan, as bilan_documents keeps it.
type document struct {
	lsusync.BilanContent
	Acquis []acquisDocument `json:"acquis,omitempty"`
}

// acquisDocument is the content of one acquis, with its key.
type acquisDocument struct {
	Subject lsusync.SubjectKey `json:"subject"`
	lsusync.AcquisContent
}

// encodeSynced returns the values of the columns acquis and head_teachers
// of b.
func encodeSynced(b *lsusync.Bilan) (acquis, heads string, err error) {
	as := make([]syncedAcquis, len(b.Acquis))
	for i := range b.Acquis {
		as[i] = syncedAcquis{Subject: b.Acquis[i].Subject, Teachers: b.Acquis[i].Teachers}
	}
	ab, err := json.Marshal(as)
	if err != nil {
		return "", "", fmt.Errorf("encoding the acquis of bilan %s: %w", b.Key(), err)
	}
	hs := b.HeadTeachers
	if hs == nil {
		hs = []lsusync.TeacherKey{}
	}
	hb, err := json.Marshal(hs)
	if err != nil {
		return "", "", fmt.Errorf("encoding the professeurs principaux of bilan %s: %w", b.Key(), err)
	}
	return string(ab), string(hb), nil
}

// encodeDocument returns the content document of b and its digest, or
// ok false when b holds no content: such a bilan has no document.
func encodeDocument(b *lsusync.Bilan) (content, digest string, ok bool, err error) {
	doc := document{BilanContent: b.BilanContent}
	for i := range b.Acquis {
		a := &b.Acquis[i]
		if !a.AcquisContent.IsZero() {
			doc.Acquis = append(doc.Acquis, acquisDocument{Subject: a.Subject.Key(), AcquisContent: a.AcquisContent})
		}
	}
	if doc.BilanContent.IsZero() && len(doc.Acquis) == 0 {
		return "", "", false, nil
	}
	// By key, so that the order of the acquis, which the row keeps, is
	// no change of content.
	slices.SortFunc(doc.Acquis, func(a, b acquisDocument) int { return a.Subject.Compare(b.Subject) })
	data, err := json.Marshal(&doc)
	if err != nil {
		return "", "", false, fmt.Errorf("encoding the content of bilan %s: %w", b.Key(), err)
	}
	sum := sha256.Sum256(data)
	return string(data), hex.EncodeToString(sum[:]), true, nil
}

// syncedCache decodes the acquis and head_teachers columns of the bilans
// of one read: the bilans of pupils who share their groups have the same
// text, decoded once.
type syncedCache struct {
	acquis map[string][]lsusync.Acquis
	heads  map[string][]lsusync.TeacherKey
}

func newSyncedCache() *syncedCache {
	return &syncedCache{acquis: make(map[string][]lsusync.Acquis), heads: make(map[string][]lsusync.TeacherKey)}
}

// decode sets the acquis and professeurs principaux of b from the
// columns' values. The slices are b's own.
func (c *syncedCache) decode(b *lsusync.Bilan, acquis, heads []byte) error {
	as, ok := c.acquis[string(acquis)]
	if !ok {
		var sa []syncedAcquis
		if err := json.Unmarshal(acquis, &sa); err != nil {
			return fmt.Errorf("bilan %s: column acquis: %w", b.Key(), err)
		}
		if len(sa) > 0 {
			as = make([]lsusync.Acquis, len(sa))
			for i, a := range sa {
				as[i] = lsusync.Acquis{Subject: a.Subject, Teachers: a.Teachers}
			}
		}
		c.acquis[string(acquis)] = as
	}
	hs, ok := c.heads[string(heads)]
	if !ok {
		if err := json.Unmarshal(heads, &hs); err != nil {
			return fmt.Errorf("bilan %s: column head_teachers: %w", b.Key(), err)
		}
		if len(hs) == 0 {
			hs = nil
		}
		c.heads[string(heads)] = hs
	}
	shared := lsusync.Bilan{Acquis: as, HeadTeachers: hs}.Clone()
	b.Acquis, b.HeadTeachers = shared.Acquis, shared.HeadTeachers
	return nil
}

// documentDecoder decodes the content documents of one read. It reads a
// document as sqlstore writes it with jsonscan's decoder, several times
// faster than encoding/json, and any other that encoding/json reads (a
// member it does not know, a name in another case) with encoding/json:
// every document reads as encoding/json reads it. It is not safe for
// concurrent use.
type documentDecoder struct {
	s jsonscan.Scanner
}

// errNotWritten is the error of jsonscan's decoder, which decode
// recovers: the document is not as sqlstore writes it.
var errNotWritten = errors.New("not a document as sqlstore writes it")

func newDocumentDecoder() *documentDecoder {
	return &documentDecoder{s: jsonscan.NewScanner(nil, errNotWritten)}
}

// decode sets the content of b, whose acquis are decoded, from its
// document. The content of an acquis that b lacks (a program wrote the
// document so) becomes an acquis of its own, with its subject's code and
// modalité: content is never dropped.
func (dd *documentDecoder) decode(b *lsusync.Bilan, data []byte) error {
	var doc document
	if !dd.read(&doc, data) {
		doc = document{}
		if err := json.Unmarshal(data, &doc); err != nil {
			return fmt.Errorf("bilan %s: its content document: %w", b.Key(), err)
		}
	}
	setDocument(b, &doc)
	return nil
}

// setDocument sets the content of b from its document.
func setDocument(b *lsusync.Bilan, doc *document) {
	b.BilanContent = doc.BilanContent
	for _, ad := range doc.Acquis {
		found := false
		for i := range b.Acquis {
			if b.Acquis[i].Subject.Key() == ad.Subject {
				b.Acquis[i].AcquisContent = ad.AcquisContent
				found = true
				break
			}
		}
		if !found {
			b.Acquis = append(b.Acquis, lsusync.Acquis{
				Subject:       lsusync.Subject{Code: ad.Subject.Code, Modality: ad.Subject.Modality},
				AcquisContent: ad.AcquisContent,
			})
		}
	}
}

// read reads data into doc with jsonscan's decoder, and reports whether
// data is a document as sqlstore writes it: every member known, each
// once, and nothing after the document.
func (dd *documentDecoder) read(doc *document, data []byte) (ok bool) {
	d := &dd.s
	d.Reset(data)
	defer func() {
		if r := recover(); r != nil {
			if _, scan := r.(*jsonscan.Error); !scan {
				panic(r)
			}
			ok = false
		}
	}()
	var seenAcquis bool
	jsonscan.Read(d, &doc.BilanContent, documentPath{}, func(key []byte) bool {
		if string(key) != "acquis" || seenAcquis {
			return false
		}
		seenAcquis = true
		d.Array("acquis", func(int) {
			var ad acquisDocument
			var seenSubject bool
			jsonscan.Read(d, &ad.AcquisContent, documentPath{}, func(key []byte) bool {
				if string(key) != "subject" || seenSubject {
					return false
				}
				seenSubject = true
				jsonscan.Read(d, &ad.Subject, documentPath{}, nil)
				return true
			})
			doc.Acquis = append(doc.Acquis, ad)
		})
		return true
	})
	d.WS()
	return d.I == len(d.B)
}

// documentPath names a document in the errors of jsonscan's decoder,
// which read recovers.
type documentPath struct{}

func (documentPath) String() string { return "the content document" }
