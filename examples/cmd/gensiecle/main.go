// Command gensiecle writes the SIECLE and STS-Web exports of a generated,
// realistic establishment (see package
// github.com/lsusync/lsusync/examples/gen): ElevesSansAdresses.xml,
// Communs.xml, Structures.xml, Nomenclature.xml and
// sts_emp_<UAI>_<YEAR>.xml.
//
// Usage:
//
//	gensiecle -dir OUT [-pupils N] [-classes N] [-teachers N] [-seed S]
//	          [-periods 3|2] [-subjects N] [-year YYYY] [-uai UAI] [-zip] [-utf8]
//
// The same flags always give the same files, byte for byte. Zero values
// take the generator's defaults (2,000 pupils, Pupils/25 classes,
// Pupils*3/40 teachers). With -zip, the four BEE files are written as the
// zip archives schools download (ExportXML_ElevesSansAdresses.zip,
// ExportCommuns.zip, Structures.zip, Nomenclature.zip); with -utf8, the
// files are UTF-8 instead of ISO-8859-15. The paths written are printed,
// one per line.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/lsusync/lsusync/examples/gen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gensiecle:", err)
		}
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gensiecle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		dir  = fs.String("dir", "", "output directory (required; created if needed)")
		cfg  gen.Config
		opts gen.ExportOptions
	)
	fs.IntVar(&cfg.Pupils, "pupils", 0, "number of pupils (0: 2000)")
	fs.IntVar(&cfg.Classes, "classes", 0, "number of classes (0: pupils/25)")
	fs.IntVar(&cfg.Teachers, "teachers", 0, "number of teachers (0: pupils*3/40)")
	fs.Int64Var(&cfg.Seed, "seed", 0, "random seed")
	fs.IntVar(&cfg.Periods, "periods", 0, "periods of the year, 3 or 2 (0: 3)")
	fs.IntVar(&cfg.SubjectsPerClass, "subjects", 0, "subjects per pupil, 4 to 16 (0: 12)")
	fs.IntVar(&cfg.Year, "year", 0, "first year of the school year (0: 2025)")
	fs.StringVar(&cfg.UAI, "uai", "", "establishment UAI (empty: 0750001A)")
	fs.BoolVar(&opts.Zip, "zip", false, "wrap the BEE files in zip archives")
	fs.BoolVar(&opts.UTF8, "utf8", false, "write UTF-8 instead of ISO-8859-15")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		fs.Usage()
		return errors.New("-dir is required")
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	for _, v := range []struct {
		name string
		n    int
	}{{"pupils", cfg.Pupils}, {"classes", cfg.Classes}, {"teachers", cfg.Teachers}, {"subjects", cfg.SubjectsPerClass}, {"year", cfg.Year}} {
		if v.n < 0 {
			return fmt.Errorf("-%s: %d is negative", v.name, v.n)
		}
	}
	if cfg.Periods != 0 && cfg.Periods != 2 && cfg.Periods != 3 {
		return fmt.Errorf("-periods: %d, want 3 or 2", cfg.Periods)
	}
	f, err := gen.New(cfg).WriteExports(*dir, opts)
	if err != nil {
		return err
	}
	for _, p := range []string{f.Eleves, f.Communs, f.Structures, f.Nomenclature, f.STS} {
		fmt.Fprintln(stdout, p)
	}
	return nil
}
