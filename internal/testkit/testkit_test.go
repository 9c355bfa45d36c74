package testkit

import "testing"

func TestContainsToken(t *testing.T) {
	for _, tc := range []struct {
		text, v string
		want    bool
	}{
		{"né le 2014-07-10.", "2014-07-10", true},
		{"/tmp/TestRefusals2014951301/001/x.zip", "2014", false},
		{"année 2014", "2014", true},
		{"2014", "2014", true},
		{"DUPONTEL Marie", "DUPONT", false},
		{"M. DUPONT (1234)", "DUPONT", true},
		{"ÉLODIE", "LODIE", false},
		{"x", "", false},
		{"aa a", "a", true},
	} {
		if got := ContainsToken(tc.text, tc.v); got != tc.want {
			t.Errorf("ContainsToken(%q, %q) = %v, want %v", tc.text, tc.v, got, tc.want)
		}
	}
}
