package lsufile_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lsusync/lsusync/examples/lsufile"
)

// The reader agrees with the schema: a file xmllint refuses, the reader
// refuses; a file xmllint accepts, the reader accepts, but where it is
// stricter by design: a reference that names no element or an element of
// another kind, an empty list of references (see Read).

// node is an element of a document, as written: its raw name, its
// attributes, its children, and its text (for an element of text).
type node struct {
	name     string
	attrs    []xml.Attr
	children []*node
	text     string
	hasText  bool
}

// parseTree reads a document into nodes, without resolving namespaces
// (the names are kept as written).
func parseTree(t testing.TB, doc []byte) *node {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var stack []*node
	var root *node
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		switch tk := tok.(type) {
		case xml.StartElement:
			n := &node{name: qname(tk.Name), attrs: append([]xml.Attr(nil), tk.Attr...)}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && strings.TrimSpace(string(tk)) != "" {
				n := stack[len(stack)-1]
				n.text += string(tk)
				n.hasText = true
			}
		}
	}
	return root
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

func (n *node) clone() *node {
	c := *n
	c.attrs = append([]xml.Attr(nil), n.attrs...)
	c.children = make([]*node, len(n.children))
	for i, ch := range n.children {
		c.children[i] = ch.clone()
	}
	return &c
}

func (n *node) write(b *bytes.Buffer) {
	b.WriteString("<" + n.name)
	for _, a := range n.attrs {
		b.WriteString(" " + qname(a.Name) + `="`)
		xml.EscapeText(b, []byte(a.Value))
		b.WriteString(`"`)
	}
	if len(n.children) == 0 && !n.hasText {
		b.WriteString("/>")
		return
	}
	b.WriteString(">")
	if n.hasText {
		xml.EscapeText(b, []byte(n.text))
	}
	for _, c := range n.children {
		b.WriteString("\n")
		c.write(b)
	}
	b.WriteString("</" + n.name + ">")
}

func (n *node) bytes() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	n.write(&b)
	b.WriteString("\n")
	return b.Bytes()
}

// all returns every node of the tree, with its parent.
func (n *node) all(parent *node, out *[][2]*node) {
	*out = append(*out, [2]*node{n, parent})
	for _, c := range n.children {
		c.all(n, out)
	}
}

// tricky are the values a mutation gives an attribute or a text.
var tricky = []string{"", " ", "0", "00", "-1", "+1", "5", "999", "1000", "abc", "N", "D", "S", "Mme", "MME", "oui", "true", "1",
	"2025-13-01", "2025-02-29", "2024-02-29", "04/12/2025", "2025-12-01Z", "2025-12-01T10:00:00", " 2025-12-01",
	"EL_1", "P_2025_1_3", "1 2", "x\ry", strings.Repeat("é", 40), strings.Repeat("é", 41), strings.Repeat("a", 601),
	"0750001", "07500010", "01234", "PAR_AVN", "CPD_FRA", "EPI_ART", "DI_020700_S", "ENS_epp_1", "   x   "}

// mutate changes the tree at random: removes, duplicates or moves an
// element, adds an unknown one, removes, adds or changes an attribute,
// changes a text. It returns the mutation's description.
func mutate(r *rand.Rand, root *node) string {
	var nodes [][2]*node
	root.all(nil, &nodes)
	pick := nodes[r.IntN(len(nodes))]
	n, parent := pick[0], pick[1]
	switch k := r.IntN(9); {
	case k == 0 && parent != nil:
		for i, c := range parent.children {
			if c == n {
				parent.children = append(parent.children[:i], parent.children[i+1:]...)
				break
			}
		}
		return "remove <" + n.name + ">"
	case k == 1 && parent != nil:
		parent.children = append(parent.children, n.clone())
		return "duplicate <" + n.name + "> at the end of <" + parent.name + ">"
	case k == 2 && parent != nil && len(parent.children) > 1:
		i, j := r.IntN(len(parent.children)), r.IntN(len(parent.children))
		parent.children[i], parent.children[j] = parent.children[j], parent.children[i]
		return "swap two children of <" + parent.name + ">"
	case k == 3:
		n.children = append(n.children, &node{name: "inconnu"})
		return "add <inconnu> in <" + n.name + ">"
	case k == 4 && len(n.attrs) > 0:
		i := r.IntN(len(n.attrs))
		a := n.attrs[i]
		n.attrs = append(n.attrs[:i], n.attrs[i+1:]...)
		return "remove @" + qname(a.Name) + " of <" + n.name + ">"
	case k == 5 && len(n.attrs) > 0 || k == 6 && len(n.attrs) > 0:
		i := r.IntN(len(n.attrs))
		v := tricky[r.IntN(len(tricky))]
		if k == 6 && n.attrs[i].Name.Local != "xmlns" {
			// Another id of the file: a reference may name the wrong kind.
			var ids []string
			for _, x := range nodes {
				for _, a := range x[0].attrs {
					if a.Name.Local == "id" {
						ids = append(ids, a.Value)
					}
				}
			}
			if len(ids) > 0 {
				v = ids[r.IntN(len(ids))]
			}
		}
		n.attrs[i].Value = v
		return fmt.Sprintf("set @%s of <%s> to %q", qname(n.attrs[i].Name), n.name, v)
	case k == 7:
		names := []string{"id", "code", "libelle", "positionnement", "inconnu", "date-verrou", "nom"}
		a := xml.Attr{Name: xml.Name{Local: names[r.IntN(len(names))]}, Value: tricky[r.IntN(len(tricky))]}
		for _, b := range n.attrs {
			if b.Name == a.Name {
				return "nothing"
			}
		}
		n.attrs = append(n.attrs, a)
		return fmt.Sprintf("add @%s=%q to <%s>", a.Name.Local, a.Value, n.name)
	case k == 8 && n.hasText:
		n.text = tricky[r.IntN(len(tricky))]
		return fmt.Sprintf("set the text of <%s> to %q", n.name, n.text)
	}
	return "nothing"
}

// verdict is what a validator says of a file: nil for valid.
type verdict struct {
	desc    string
	path    string
	version string
	lint    string // xmllint's refusal against 7.0, "" if valid
	lint20  string // against 2020, for versions 2.0 and 3.0
	read    error
}

// checkAgreement validates the documents with xmllint and Read, and
// reports every disagreement.
func checkAgreement(t *testing.T, docs map[string][]byte, descs map[string]string) {
	t.Helper()
	dir := t.TempDir()
	var paths, old []string
	verdicts := make(map[string]*verdict)
	for name, doc := range docs {
		p := filepath.Join(dir, name+".xml")
		require.NoError(t, os.WriteFile(p, doc, 0o600))
		v := &verdict{desc: descs[name], path: p}
		if i := bytes.Index(doc, []byte(`schemaVersion="`)); i >= 0 && i+18 <= len(doc) {
			v.version = string(doc[i+15 : i+18])
		}
		verdicts[p] = v
		paths = append(paths, p)
		if v.version == "2.0" || v.version == "3.0" {
			old = append(old, p)
		}
		_, v.read = lsufile.Read(context.Background(), bytes.NewReader(doc), name, lsufile.ReadOptions{}, nil)
	}
	for p, msg := range xmllint(t, xsd7, paths...) {
		verdicts[p].lint = msg
	}
	for _, p := range old {
		verdicts[p].lint20 = "valid"
	}
	if len(old) > 0 {
		failed := xmllint(t, xsd2020, old...)
		for _, p := range old {
			verdicts[p].lint20 = failed[p]
		}
	}
	agreed, refused := 0, 0
	for _, v := range verdicts {
		valid := v.lint == "" || (v.version == "2.0" || v.version == "3.0") && v.lint20 == ""
		switch {
		case !valid && v.read == nil:
			t.Errorf("%s: xmllint refuses it and Read accepts it\n%s\n%s", v.desc, v.lint, v.lint20)
		case valid && v.read != nil && !errors.Is(v.read, lsufile.ErrReference):
			t.Errorf("%s: xmllint accepts it and Read refuses it: %v", v.desc, v.read)
		default:
			agreed++
			if v.read != nil {
				refused++
			}
		}
	}
	t.Logf("%d files: %d refused, %d accepted", agreed, refused, agreed-refused)
}

// TestReaderAgreesWithSchema mutates at random a file the writer made and
// LSU's sample, and checks that Read and xmllint agree on each mutation.
func TestReaderAgreesWithSchema(t *testing.T) {
	dir := samplesDir(t)
	sample, err := os.ReadFile(filepath.Join(dir, "gepi", "sample-bilan-complet.xml"))
	require.NoError(t, err)
	path, _ := export(t, newStore(t, generated(7, 30, 0)), lsufile.ExportOptions{})
	written, err := os.ReadFile(path)
	require.NoError(t, err)
	path3, _ := export(t, newStore(t, generated(7, 30, 0)), lsufile.ExportOptions{Schema: lsufile.Version3})
	written3, err := os.ReadFile(path3)
	require.NoError(t, err)
	n := 150
	if testing.Short() {
		n = 30
	}
	docs := make(map[string][]byte)
	descs := make(map[string]string)
	for b, base := range [][]byte{sample, written, written3} {
		tree := parseTree(t, base)
		r := rand.New(rand.NewPCG(uint64(b), 17))
		for i := range n {
			m := tree.clone()
			desc := mutate(r, m)
			if r.IntN(3) == 0 {
				desc += "; " + mutate(r, m)
			}
			name := fmt.Sprintf("base%d-%03d", b, i)
			docs[name] = m.bytes()
			descs[name] = fmt.Sprintf("base %d, mutation %d: %s", b, i, desc)
		}
	}
	checkAgreement(t, docs, descs)
}
