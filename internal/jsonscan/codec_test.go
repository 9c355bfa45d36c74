package jsonscan

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestCodecsRefuseWhatTheyCannotRead checks that a content type the
// decoder would not read as encoding/json does is refused when its codec
// is made, not read wrong.
func TestCodecsRefuseWhatTheyCannotRead(t *testing.T) {
	type inner struct{ A string }
	for _, tc := range []struct {
		name string
		typ  reflect.Type
		want string
	}{
		{"float", reflect.TypeFor[struct{ F float64 }](), "kind float64"},
		{"embedded", reflect.TypeFor[struct{ inner }](), "embedded field inner"},
		{"string option", reflect.TypeFor[struct {
			N int `json:"n,string"`
		}](), `json option "string"`},
		{"map of ints", reflect.TypeFor[struct{ M map[string]int }](), "only maps of strings to strings"},
		{"names in two cases", reflect.TypeFor[struct {
			A string `json:"name"`
			B string `json:"Name"`
		}](), "differ only in case"},
		{"UnmarshalJSON", reflect.TypeFor[struct{ R json.RawMessage }](), "UnmarshalJSON"},
		{"recursive", reflect.TypeFor[recursive](), "recursive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(r.(string), tc.want) {
					t.Errorf("newCodec(%s) panicked with %v, want %q", tc.typ, r, tc.want)
				}
			}()
			newCodec(tc.typ)
		})
	}
}

type recursive struct{ Next *recursive }
