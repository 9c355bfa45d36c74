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
// a folder by root element and refuses two files of the same kind (naming
// both). [OpenDir] skips the SIECLE exports the sync does not need (root
// BEE_RESPONSABLES), each with a notice, and refuses any other .xml or
// .zip file, naming the root it has and the roots expected: an export
// whose root is damaged is never skipped without a word. Files of other
// extensions, and hidden files, are ignored. EDT_STS files, and STS_EDT
// files carrying PARAMETRES/APPLICATION_SOURCE, go the other way (from a
// timetable program to STS-Web) and are refused as such.
//
// # Values
//
// The mapping from the elements of the exports to the domain values, with
// the reason of each choice, is written out in docs/mapping.md at the root
// of the repository. In short: the UAI from PARAMETRES/UAJ (every file
// must give the same, and the same ANNEE_SCOLAIRE when they give one);
// classes are the STS-Web divisions plus the Structures.xml ones,
// labelled by STS LIBELLE_LONG, else Structures.xml LIBELLE_LONG, else
// the code; pupils belong to the class of their STRUCTURE of type D, with
// their groups (type G) in file order, their DATE_SORTIE and their OPTIONS
// (the subjects they chose with the modalité of their choice, in
// NUM_OPTION order, N left out), which give the services of their groups
// their modalité in a synchronisation; INE is
// ID_NATIONAL, else INE_RNIE, else INE_BEA; the last name is
// NOM_DE_FAMILLE, else NOM (files before 2016); the services of a class
// are the division's and those of every group whose
// DIVISIONS_APPARTENANCE includes it; subject labels come from STS-Web
// (LIBELLE_EDITION, LIBELLE_LONG, LIBELLE_COURT), else from
// Nomenclature.xml; the modality of a subject in a class is the
// CODE_MODALITE_ELECT of the first Nomenclature.xml PROGRAMME of one of
// the class's MEFs with HORAIRE > 0, else of the first with any HORAIRE
// (real files list options such as Latin with 0.00), "N" giving none:
// the modality of the services of the division;
// professeurs principaux come from INDIVIDU/PROFS_PRINC with their dates.
// Empty elements mean absent, and values are trimmed; codes stay text,
// leading zeros and inner spaces kept.
//
// Teachers keep their STS-Web key, TYPE and ID, except that LSU knows two
// types, epp and local: a person of TYPE dir (head of establishment,
// deputy, in STS-Web since 2017) is an epp teacher of the same ID, in
// INDIVIDUS, SUPPLEANTS, the services and the professeurs principaux
// alike. A dir and an epp person of the same ID would be one teacher in
// LSU, and are refused.
//
// # Notices
//
// The Source implements [lsusync.NoticeSource]: [Source.Notices] tells,
// in French for the school's staff and without personal data, what the
// reader noticed and does not serve, each notice with where it is (file,
// line, element, record key):
//
//   - warnings: each SIECLE export of the folder that is not read; the
//     elements skipped in a list whose items the sync uses, such as a
//     MEFS_APPARTENANCE/MEF written instead of MEF_APPARTENANCE, which
//     may carry data the sync then lacks (one notice per element name
//     and file, with a count); the pupils of a division that neither
//     STS-Web nor Structures.xml has, by division code, and the pupils
//     with no division; the STRUCTURES_ELEVE naming no pupil; the lines
//     of the NUMEN file naming no teacher of STS-Web;
//   - information: the pupils of SIECLE's "Inactifs" pseudo-division,
//     counted; the persons of type dir read as epp, counted.
//
// # NUMEN
//
// No export carries the teachers' NUMEN: STS-Web identifies teachers by
// INDIVIDU@ID and @TYPE only, which is LSU's key. A school that wants the
// NUMEN in the store supplies it in an optional CSV file, named by
// [Options].NUMEN ([OpenDir] reads the folder's numen.csv when it is
// empty):
//
//	type,id,numen
//	epp,4189,12E0123456ABC
//	local,17,
//
// The first line is that header. Each line is an STS-Web teacher type
// (epp, local or dir, read as epp as above), the INDIVIDU@ID, and the
// 13-character NUMEN (letters and digits; an empty NUMEN is ignored, and
// never erases a stored one). The separator is ',' or ';' (as the header
// uses, for spreadsheets set to French); a UTF-8 byte-order mark is
// allowed. A line naming a teacher that STS-Web does not list is ignored,
// and counted in a notice; a malformed line or a teacher given twice is
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
// offending value, and matching [lsusync.ErrInvalid] and one of
// [ErrSyntax], [ErrEncoding], [ErrWrongFile], [ErrMismatch], [ErrTooLarge]
// or [ErrValue]. Personal data is never put in an error: nothing of the
// pupils (the offending text of any error in BEE_ELEVES' data but the
// structures: names, birth and exit dates, sex, INE...), nothing of the
// staff in INDIVIDUS and SUPPLEANTS (names, birth dates, civility), not
// the head's name, not a NUMEN. Such an error says what is wrong without
// the value: how it is written ("written YYYY-MM-DD instead of
// DD/MM/YYYY", or its shape, where 9 stands for a digit and A for a
// letter) or what it breaks ("day 31 does not exist in February"). Codes,
// keys, the UAI and the dates of structures are shown.
//
// A damaged file can put personal data where names belong: NGUYEN is an
// attribute name in <NOM_DE_FAMILLE NGUYEN</NOM_DE_FAMILLE> and an end tag
// in <PRENOM>NGUYEN</NGUYEN>. So an error shows of the file, whatever the
// damage, only:
//
//   - the names of elements and attributes that the exports use (those
//     the reader knows and those of the exports it skips). Any other name
//     is described by its shape: "closed by an unexpected end tag (a name
//     of 6 letters)", "an unexpected attribute (a name of 6 letters)
//     without =". The one exception is the root element, shown as
//     written (up to 64 bytes) so that a damaged export (BEE_COMMUNX) is
//     recognised: it is the first tag of the file, before any data;
//   - text (a value, a reference, a byte) outside the parts that hold
//     personal data, which are BEE_ELEVES' data but the structures,
//     STS-Web's INDIVIDUS and SUPPLEANTS and Communs.xml's NOM_RESP, and
//     outside the stretch from the end of such a part to the next start
//     tag, where a damaged tag can leave a private value
//     (<NOM_RESP/>D'ARTAGNAN</NOM_RESP>). Inside those parts, only a
//     malformed key (ELEVE_ID, a teacher's TYPE or ID) or date of a
//     professeur principal is shown.
//
// Notices follow the same rule: in a list of personal data (ELEVES,
// INDIVIDUS, SUPPLEANTS, PROFS_PRINC), the elements whose name the
// exports do not use are counted without their names.
//
// When ctx is cancelled, [Open], [OpenDir], [ReadEleves] and the methods of
// the [Source] return an error that matches both ctx.Err() and
// [context.Cause] of ctx.
//
// Refused: malformed or truncated XML, a DOCTYPE (there is no DTD and no
// entity expansion), an unknown root, duplicate ELEVE_IDs, a pupil in two
// divisions or with two OPTION elements, a NUM_OPTION that is not a
// number, services naming a teacher or a subject that the file does
// not list, a dir and an epp person of the same ID, malformed dates
// (DD/MM/YYYY in SIECLE, YYYY-MM-DD in STS-Web, real calendar dates) and
// codes (ELEVE_ID a positive integer, UAI seven digits and a letter,
// subject codes six digits, CODE_SEXE 1 or 2, teacher TYPE epp, local or
// dir, teacher ID digits).
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
