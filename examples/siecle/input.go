package siecle

import (
	"archive/zip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Options name the NUMEN file and bound the input. The zero value reads
// real exports of any establishment, without NUMEN for [Open] and with
// the folder's numen.csv, if any, for [OpenDir].
type Options struct {
	// NUMEN, when not empty, is the path of the optional CSV file of the
	// teachers' NUMEN, which no export carries (see the package
	// documentation for its format): [Open] reads it, and [OpenDir] reads
	// it instead of the folder's numen.csv.
	NUMEN string
	// MaxFileSize is the largest file accepted, plain XML or zip, in
	// bytes; 0 means 512 MiB.
	MaxFileSize int64
	// MaxUncompressedSize is the largest XML document accepted once
	// decompressed from a zip, in bytes; 0 means 1 GiB. It is enforced
	// while reading, whatever the zip's headers say.
	MaxUncompressedSize int64
	// MaxDepth is the deepest element nesting accepted; 0 means 64. Real
	// exports nest 9 levels deep at most.
	MaxDepth int
	// MaxTokenSize is the longest single XML token accepted (a start tag
	// with its attributes, a text, a comment, a CDATA section), in bytes;
	// 0 means 1 MiB.
	MaxTokenSize int

	slow bool                            // tests: disable the tokenizer's fast paths
	open func(name string) (file, error) // tests: open the exports; nil is os.Open
}

// file is an opened export: an *os.File, or in tests a file in memory.
type file interface {
	io.Reader
	io.ReaderAt
	Stat() (fs.FileInfo, error)
	Close() error
}

// openFile opens the export at path p.
func (o *Options) openFile(p string) (file, error) {
	if o.open != nil {
		return o.open(p)
	}
	return os.Open(p)
}

func (o *Options) maxFile() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return 512 << 20
}

func (o *Options) maxUncompressed() int64 {
	if o.MaxUncompressedSize > 0 {
		return o.MaxUncompressedSize
	}
	return 1 << 30
}

func (o *Options) maxDepth() int {
	if o.MaxDepth > 0 {
		return o.MaxDepth
	}
	return 64
}

func (o *Options) maxToken() int {
	if o.MaxTokenSize > 0 {
		return max(o.MaxTokenSize, 64)
	}
	return 1 << 20
}

// input is one opened export: the XML stream and the names errors and
// notices give it.
type input struct {
	r     io.Reader
	name  string // the path as given; "archive.zip:entry.xml" in a zip
	short string // the base name; "archive.zip:entry.xml" in a zip
	close func() error
}

// openInput opens f, the file at path p: a plain XML file or a zip
// holding exactly one XML file (entries under __MACOSX/ and hidden files
// are ignored). The zip is recognised by its signature, not its name.
// openInput closes f when it fails, else the input's close does.
func openInput(f file, p string, o *Options) (*input, error) {
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, &Error{File: p, Msg: "a directory, not a file", Err: ErrWrongFile}
	}
	if st.Size() > o.maxFile() {
		f.Close()
		return nil, &Error{File: p, Value: fmt.Sprint(st.Size()), Msg: fmt.Sprintf("file larger than %d bytes (Options.MaxFileSize)", o.maxFile()), Err: ErrTooLarge}
	}
	var magic [4]byte
	n, _ := f.ReadAt(magic[:], 0) // leaves the offset of Read at 0
	if n == 4 && (string(magic[:]) == "PK\x03\x04" || string(magic[:]) == "PK\x05\x06") {
		in, err := openZip(f, st.Size(), p, o)
		if err != nil {
			f.Close()
			return nil, err
		}
		return in, nil
	}
	lr := &limitReader{r: f, n: o.maxFile(), file: p, what: "file larger than %d bytes (Options.MaxFileSize)"}
	return &input{r: lr, name: p, short: filepath.Base(p), close: f.Close}, nil
}

func openZip(f file, size int64, p string, o *Options) (*input, error) {
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return nil, &Error{File: p, Msg: "not a readable zip archive (" + err.Error() + "): re-download the export", Err: ErrWrongFile, problem: problemDamaged}
	}
	var xmls []*zip.File
	var names []string
	for _, zf := range zr.File {
		names = append(names, zf.Name)
		if zf.FileInfo().IsDir() || strings.HasPrefix(zf.Name, "__MACOSX/") {
			continue
		}
		base := path.Base(zf.Name)
		if strings.HasPrefix(base, ".") || !strings.EqualFold(path.Ext(base), ".xml") {
			continue
		}
		xmls = append(xmls, zf)
	}
	if len(xmls) != 1 {
		msg := "the zip holds no XML file"
		if len(xmls) > 1 {
			msg = fmt.Sprintf("the zip holds %d XML files, expected exactly one", len(xmls))
		}
		list := strings.Join(names, ", ")
		if len(list) > 300 {
			list = list[:300] + "..."
		}
		return nil, &Error{File: p, Value: list, Msg: msg + ": give the export zip as downloaded, or the XML file itself", Err: ErrWrongFile, problem: problemZipCount}
	}
	zf := xmls[0]
	rc, err := zf.Open()
	if err != nil {
		return nil, &Error{File: p + ":" + zf.Name, Msg: "cannot read the zip entry (" + err.Error() + ")", Err: ErrWrongFile, problem: problemDamaged}
	}
	name := p + ":" + zf.Name
	lr := &limitReader{r: rc, n: o.maxUncompressed(), file: name, what: "decompressed size larger than %d bytes (Options.MaxUncompressedSize)"}
	return &input{r: &zipEntryReader{r: lr, name: name}, name: name, short: filepath.Base(p) + ":" + zf.Name, close: func() error {
		rc.Close()
		return f.Close()
	}}, nil
}

// zipEntryReader turns the zip package's checksum and format errors into
// errors naming the entry.
type zipEntryReader struct {
	r    io.Reader
	name string
}

func (z *zipEntryReader) Read(b []byte) (int, error) {
	n, err := z.r.Read(b)
	if err != nil && err != io.EOF {
		if _, ok := err.(*Error); !ok {
			err = &Error{File: z.name, Msg: "cannot decompress the zip entry (" + err.Error() + "): re-download the export", Err: ErrWrongFile, problem: problemDamaged}
		}
	}
	return n, err
}

// limitReader fails once more than n bytes have been read: the bound is
// enforced on what is actually read, not on what headers announce.
type limitReader struct {
	r    io.Reader
	n    int64
	read int64
	file string
	what string
}

func (l *limitReader) Read(b []byte) (int, error) {
	if int64(len(b)) > l.n-l.read+1 {
		b = b[:l.n-l.read+1]
	}
	n, err := l.r.Read(b)
	l.read += int64(n)
	if l.read > l.n {
		return 0, &Error{File: l.file, Msg: fmt.Sprintf(l.what, l.n), Err: ErrTooLarge, strict: true}
	}
	return n, err
}
