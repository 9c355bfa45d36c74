// Package lsufile reads and writes LSU's import file, the file that
// school software gives LSU's "Échanges de données > Import" (root
// lsun-bilans, namespace urn:fr:edu:scolarite:lsun:bilans:import), so
// that a store's bilans périodiques go to LSU and come from the other
// tools (GEPI, SACoche, Pronote, the ENT).
//
// # Writing
//
// [Export] writes a store's bilans périodiques, for the classes and
// periods asked, in version 7.0 of the schema ([Version7]), or in the
// portable version 3.0 ([Version3]) with the lock dates, valid against
// both GEPI's schema of 2020 and version 7.0. The header's editeur,
// application and appliVersion are the caller's [Identity].
//
// It never writes a placeholder. Where other tools invent a value so
// that LSU accepts the file (an élément de programme "EP_0000", a
// teacher "MACHIN", a "-" for a missing synthèse, zeros for the vie
// scolaire), Export checks every bilan before it writes anything and
// leaves out those that cannot be valid: the [Report] names each by
// class, period and ELEVE_ID, with its reasons in French (« synthèse
// manquante », « acquis sans enseignant », « conseil de classe avant la
// date de scolarité »). [ExportOptions.Strict] refuses the whole file
// instead. Every limit, enumeration and French label the checks use is
// the declaration's ([lsusync.Fields]).
//
// What the schema cannot check, the writer does: each reference names an
// element of the right kind; an IDREFS is never empty (xmllint accepts
// one, Xerces and LSU do not); no list is empty; a (code, modalité) is
// given once among the disciplines (version 7.0 no longer enforces it);
// texts are in Unicode NFC, their lengths counted in characters, CR LF
// and CR written as LF; an id-be is unique as a number.
//
// Where the file's values come from:
//
//   - responsable-etab is the bilan's Signatory; when it is empty, the
//     establishment's HeadName, the head of establishment the SIECLE
//     export names (the actual head, never a placeholder). When both are
//     empty the bilan cannot be valid (« responsable de l'établissement
//     manquant »).
//   - eleve (nom, prenom) and its code-division are the store's pupil's;
//     enseignant's civilité and names are those of the store's teacher of
//     that key, and a key no stored teacher has is written with its type
//     and id-sts alone; periode is the bilan's period.
//   - disciplines are the subjects of the acquis and of the EPIs and APs.
//     One (code, modalité) may carry two labels across bilans (a label
//     changed during the year, kept by locked bilans): the file gives the
//     label most bilans carry, ties broken by the latest period, then by
//     alphabetical order.
//   - what the store holds and the file has no place for (Bilan.Content,
//     Acquis.Content, a responsable's country) is counted in one row of
//     the report, never dropped silently.
//
// The file is deterministic: stable ids made of the records' keys
// (EL_<id-be>, P_<year>_<index>_<count>, DI_<code>_<modalité>,
// ENS_<type>_<id-sts>) or numbered in sorted order, records in a fixed
// order, so that two exports of one store are byte-identical. Export
// streams: its memory grows with the shared lists (pupils, subjects,
// teachers, éléments de programme, EPI and AP groups) and one class's
// bilans, not with the number of bilans.
//
// # Reading
//
// [Read] reads versions 2.0 to 7.0 and checks, in Go, every constraint
// of the schema (there is no XSD validator in Go): a DOCTYPE is refused,
// the file's size and each token's are bounded, the namespace is checked,
// every reference is resolved and typed. A file the schema rejects is
// refused with an [*Error] naming its line, element and the rule broken,
// never a pupil's name, birth date or INE, nor a text the school wrote.
// xs:boolean is read as true, false, 1 or 0; dates with or without a
// time.
//
// # Importing
//
// [Import] writes the bilans of the pupils the store holds, for periods
// configured for their class (rule 1 of the synchronisation), as imported
// bilans ([lsusync.Bilan.Imported]), which a synchronisation never
// touches; with a store that batches, in one batch, otherwise class by
// class, each class atomically. It never replaces a locked bilan, nor a
// bilan en saisie directe that holds content (each is reported); it
// replaces a bilan it imported before (a corrected file imported again);
// a second import of the same file writes nothing. A pupil or a period
// the store lacks is reported, never created.
//
// A file's date-verrou is the bilan's LockDate (content): it does not
// make the stored bilan Locked, for a locked bilan could never be
// replaced by a corrected file. What the model has no field for (bilans
// de cycle, a socle domain without positionnement and id-lv of versions
// before 7.0, parcours-communs, vies-scolaires-communs...) is counted in
// one row of the report, never dropped silently.
package lsufile
