package lsusync

// Establishment is the school: a collège or lycée identified by its UAI.
//
// A synchronisation updates every field but the UAI from the source, and a
// field that the source leaves empty keeps its stored value.
type Establishment struct {
	// UAI is the 8-character establishment code (UAJ in the SIECLE files),
	// such as "0750001A". A sync never changes it and refuses to run when
	// the source's UAI differs from the store's.
	UAI string `json:"uai"`
	// Name is the establishment's name (DENOM_PRINC).
	Name string `json:"name,omitempty"`
	// Address is the postal address.
	Address Address `json:"address,omitzero"`
	// HeadName is the head of establishment's name as SIECLE writes it
	// (NOM_RESP), kept whole.
	HeadName string `json:"headName,omitempty"`
	// Phone is the establishment's telephone number.
	Phone string `json:"phone,omitempty"`
	// Email is the establishment's e-mail address (MEL_1).
	Email string `json:"email,omitempty"`
	// Version is the record's version in the store (see [Version]); a
	// Source leaves it zero.
	Version Version `json:"-"`
}

// Address is a postal address as SIECLE and STS-Web give it.
type Address struct {
	Line1      string `json:"line1,omitempty"`
	Line2      string `json:"line2,omitempty"`
	Line3      string `json:"line3,omitempty"`
	Line4      string `json:"line4,omitempty"`
	PostalCode string `json:"postalCode,omitempty"`
	City       string `json:"city,omitempty"`
	Country    string `json:"country,omitempty"`
}

// mergeEstablishment merges the source's establishment into the stored
// one. There is one establishment: a field the source leaves empty is a
// field it does not carry (no Communs.xml: no e-mail, no head), and the
// stored value is kept without a warning.
func mergeEstablishment(stored, src Establishment) (Establishment, Item) {
	est := stored
	it := Item{Kind: KindEstablishment, Key: stored.UAI}
	it.mergeRecord(establishmentFields, &est, &src, nil)
	return est, it.settle()
}
