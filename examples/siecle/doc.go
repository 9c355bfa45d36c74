// Package siecle is the lsusync.Source of the real SIECLE (Base Élèves) and
// STS-Web XML exports, as schools download them.
//
// # Files
//
// [Open] reads the files named by [Files]; [OpenDir] reads a folder. Each
// file is a plain .xml file or a .zip archive holding exactly one XML file
// (as SIECLE delivers them; entries under __MACOSX/ and hidden files are
// ignored, and a zip with no or several XML files is refused, naming its
// entries). A zip is recognised by its signature, not its name.
//
//	file                                       root element       gives
//	ElevesSansAdresses.xml / ElevesAvecAdresses BEE_ELEVES         pupils, their division and groups, DATE_SORTIE (required)
//	Communs.xml (ExportCommuns.zip)            BEE_COMMUN         establishment name, address, head, phone, e-mail
//	Structures.xml                             BEE_STRUCTURES     class labels when STS-Web has none; classes STS-Web lacks
//	Nomenclature.xml                           BEE_NOMENCLATURES  subject labels STS-Web lacks; modalités d'élection
//	sts_emp_<UAI>_<YEAR>.xml                   STS_EDT            teachers, subjects, divisions, groups, services, professeurs principaux (required)
//
// Every file is recognised by its root element, never by its name: [Open]
// refuses a file given in the wrong slot, and [OpenDir] sorts the files of
// a folder by root element, refuses two files of the same kind (naming
// both), skips other SIECLE exports (BEE_RESPONSABLES...) and refuses any
// other XML file. EDT_STS files, and STS_EDT files carrying
// PARAMETRES/APPLICATION_SOURCE, go the other way (from a timetable
// program to STS-Web) and are refused as such.
//
// The values follow the project's binding mapping (notes/MAPPING.md): the
// UAI from PARAMETRES/UAJ (every file must give the same, and the same
// ANNEE_SCOLAIRE when they give one); classes are the STS-Web divisions
// plus the Structures.xml ones, labelled by STS LIBELLE_LONG, else
// Structures.xml LIBELLE_LONG, else the code; pupils belong to the class
// of their STRUCTURE of type D, with their groups (type G) in file order
// and their DATE_SORTIE; INE is ID_NATIONAL, else INE_RNIE, else INE_BEA;
// the last name is NOM_DE_FAMILLE, else NOM (files before 2016); the
// services of a class are the division's and those of every group whose
// DIVISIONS_APPARTENANCE includes it; subject labels come from STS-Web
// (LIBELLE_EDITION, LIBELLE_LONG, LIBELLE_COURT), else from
// Nomenclature.xml; the modality of a subject in a class is the
// CODE_MODALITE_ELECT of the first Nomenclature.xml PROGRAMME of one of
// the class's MEFs with HORAIRE > 0 ("N" gives none); professeurs
// principaux come from INDIVIDU/PROFS_PRINC with their dates. Empty
// elements mean absent, and values are trimmed; codes stay text, leading
// zeros and inner spaces kept.
//
// Pupils whose division is no class (SIECLE's "Inactifs", or none at all)
// are in no class; [Source.Diagnostics] counts them by division code,
// without any name.
//
// # NUMEN
//
// No export carries the teachers' NUMEN: STS-Web identifies teachers by
// INDIVIDU@ID and @TYPE only, which is LSU's key. A school that wants the
// NUMEN in the store supplies it in an optional CSV file ([Files].NUMEN, or
// numen.csv in the folder given to [OpenDir]):
//
//	type,id,numen
//	epp,4189,12E0123456ABC
//	local,17,
//
// The first line is that header. Each line is an STS-Web teacher type
// (epp, local or dir), the INDIVIDU@ID, and the 13-character NUMEN
// (letters and digits; an empty NUMEN is ignored, and never erases a
// stored one). The separator is ',' or ';' (as the header uses, for
// spreadsheets set to French); a UTF-8 byte-order mark is allowed. A line
// naming a teacher that STS-Web does not list is ignored and counted in
// [Diagnostics].UnknownNUMEN; a malformed line or a teacher given twice is
// refused.
//
// # Encodings
//
// Each file is read in the encoding its XML declaration names:
// ISO-8859-15 (what SIECLE writes; it differs from Latin-1 for € œ Œ š Š ž
// Ž Ÿ), ISO-8859-1, windows-1252 or UTF-8; no declaration means UTF-8, and
// a UTF-8 byte-order mark is skipped. Any other encoding is refused. A file
// that declares a single-byte encoding but whose bytes are UTF-8 (a file
// re-saved by an editor, which would give garbled names) is detected and
// refused, with the advice to re-download the export; so is a byte-order
// mark in a file declaring ISO-8859-15.
//
// # Errors and bounds
//
// Every refusal is an [*Error] naming the file, the line, the element or
// attribute, the record (ELEVE_ID, teacher key, division code) and the
// offending value, and matching [lsusync.ErrInvalid] and one of [ErrSyntax],
// [ErrEncoding], [ErrWrongFile], [ErrMismatch], [ErrTooLarge] or
// [ErrValue]. Values of pupils' names, birth dates and INE are never put
// in an error. Refused: malformed or truncated XML, a DOCTYPE (there is no
// DTD and no entity expansion), duplicate ELEVE_IDs, a pupil in two
// divisions, services naming a teacher or a subject that the file does not
// list, malformed dates (DD/MM/YYYY in SIECLE, YYYY-MM-DD in STS-Web,
// real calendar dates) and codes (ELEVE_ID a positive integer, UAI seven
// digits and a letter, subject codes six digits, CODE_SEXE 1 or 2,
// teacher TYPE epp, local or dir, teacher ID digits).
//
// Hostile input is bounded by [Options]: file size, decompressed size (a
// zip bomb is stopped while decompressing, whatever the zip headers say),
// nesting depth and token size.
//
// # Speed and memory
//
// Each file is read once, streaming, by a small strict XML tokenizer
// working on the raw bytes (the four encodings are ASCII-compatible, so
// only the values kept are decoded). Memory holds the domain values, not
// the document. The tokenizer agrees with encoding/xml on every element,
// attribute and text (a differential fuzz test checks it) and reads a
// 100,000-pupil ElevesSansAdresses.xml several times faster; see the
// package benchmarks.
//
// [ReadEleves] reads a lone BEE_ELEVES file, without the cross-file checks,
// to inspect pupils.
package siecle
