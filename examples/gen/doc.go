// Package gen generates realistic French secondary establishments
// (collèges) and writes their SIECLE and STS-Web exports: the project's
// one deterministic source of test data, for the tests and benchmarks of
// the synchronizer, the SIECLE file source and the stores.
//
// [New] builds an [Establishment] from a [Config]: a plain, exported,
// mutable data model. From it:
//
//   - [Establishment.WriteExports] writes the five exports a school
//     downloads, with the real layouts: ElevesSansAdresses.xml
//     (BEE_ELEVES VERSION 3.0), Communs.xml (BEE_COMMUN), Structures.xml
//     (BEE_STRUCTURES), Nomenclature.xml (BEE_NOMENCLATURES), optionally
//     zipped as ExportXML_ElevesSansAdresses.zip, ExportCommuns.zip,
//     Structures.zip and Nomenclature.zip, and sts_emp_<UAI>_<YEAR>.xml
//     (STS_EDT), plain;
//   - [Establishment.Source] gives the domain values a Source reading
//     those exports gives, by the project's mapping
//     (docs/mapping.md);
//   - [Establishment.StoreSnapshot] gives the store `lsusync init` creates
//     from them, built by [Init], which any Source can use: syncing the
//     Source into that store changes nothing. With [Config].Content set
//     to [ContentEndOfYear], its bilans are filled as at the end of the
//     school year ([Establishment.FillContent], which fills alike a store
//     that lsusync init made of the exports).
//
// Tests simulate a later export by modifying the Establishment (rename a
// class, correct a pupil's name, add a teacher to a service, appoint a
// professeur principal, set a pupil's exit date) and calling WriteExports
// or Source again.
//
// # Realism
//
// The generated data has what real exports have, including their traps:
//
//   - four levels (6e to 3e), each with its own class code style: "6A",
//     "5 A" (a space), "4e 1", "3EME1"; one or two MEFs per class
//     (standard and bilangue);
//   - class labels often empty in STS (<LIBELLE_LONG/>), then taken from
//     Structures.xml, and sometimes empty in both (the code is the label);
//   - subjects with 6-digit codes with leading zeros; STS labels empty for
//     some (the Nomenclature.xml label is used), a subject absent from the
//     STS MATIERES; programmes with modalités S, O, F and N (not accepted
//     by LSU), a programme with no hours, a subject with no programme;
//   - division services and groups: LV2 and Latin groups spanning up to
//     three divisions, a section européenne (English again, to a group
//     of two or three divisions of 4e or 3e), half-classes carrying a
//     subject that the division has not, and the same subject and teacher
//     in a division and a group; a service with no teacher, a co-taught
//     service;
//   - the pupils' OPTIONS: English (O, and F for the section
//     européenne, beside the class's English: two acquis of one subject),
//     the LV2 (O) and Latin (F, where the programme of a class's MEF
//     without hours says O), which give the group services their
//     modalité;
//   - teachers of TYPE epp, local (no FONCTION, some without SEXE or
//     NOM_PATRONYMIQUE) and dir, a local ID equal to an epp ID, CIVILITE
//     1, 2, 3 or empty (the SEXE decides), NOM_USAGE empty for some,
//     teachers on leave (no FONCTION) with substitutes under SUPPLEANTS;
//   - professeurs principaux: one or two per class, some with a past
//     DATE_FIN replaced by a successor, some ending today, some with a
//     future DATE_FIN;
//   - pupils with ELEVE_ID and ELENOET; an INE in ID_NATIONAL (with
//     INE_RNIE and sometimes INE_BEA), or only INE_RNIE, or only INE_BEA,
//     or none; NOM_DE_FAMILLE and sometimes NOM_USAGE; one to three first
//     names; accented names with ISO-8859-15-only letters (Cœur, Œuvray,
//     Šimek, Žukauskas, Ÿvert) and apostrophes (D'Artagnan); a CODE_SEXE
//     sometimes absent; birth dates by level, some born abroad; a D
//     structure and zero to three G structures (LV2, Latin, half-class);
//     some who left (a past DATE_SORTIE), some leaving later or today, a
//     few in the "Inactifs" pseudo-division or with G structures only;
//   - an establishment name with an ampersand and apostrophes, so that
//     exports use entities (&amp; &apos;).
//
// # Content
//
// [ContentEndOfYear] fills the bilans as a collège has them in June:
// appreciations of 200 to 600 characters in most acquis, positionnements,
// averages, éléments de programme, the synthèse, the vie scolaire, the
// council and schooling dates, the signatory, and at realistic rates
// devoirs faits, modalités d'accompagnement, parcours, EPI and AP groups,
// compétences numériques, the socle of 3e and the responsables; past
// periods locked in most classes, a class's first period imported. Every
// value is within LSU's limits, read from lsusync.Fields. The zero
// [ContentNone] keeps the empty store of lsusync init.
//
// # Determinism
//
// The same Config always gives the same Establishment, and the same
// Establishment the same files, byte for byte (zip entries carry a fixed
// time: Config.Today at 07:45:12 UTC). Randomness comes from one
// math/rand/v2 PCG seeded with Config.Seed; there is no global state.
// Changing the generator's code may change the output of a given seed:
// the golden files of this package's tests tell.
//
// # Size and speed
//
// Generation and writing are linear and stream. On two cores, 100,000
// pupils (4,000 classes, 7,500 teachers) generate in about half a second,
// and their exports (a 155 MB ElevesSansAdresses.xml, a 20 MB STS file)
// write in about a second; see the package's benchmarks.
package gen
