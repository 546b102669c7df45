package dialogue

import (
	"errors"
	"strings"
	"testing"
)

var validReferenceTests = []struct {
	in    string
	want  Reference
	short string // String()
	full  string // Full()
}{
	{"5559/26", Reference{Series: SeriesST, Number: 5559, Year: 2026}, "5559/26", "ST 5559/26"},
	{"ST 5559/26", Reference{Series: SeriesST, Number: 5559, Year: 2026}, "5559/26", "ST 5559/26"},
	{"st 5559/26", Reference{Series: SeriesST, Number: 5559, Year: 2026}, "5559/26", "ST 5559/26"},
	{"1/00", Reference{Series: SeriesST, Number: 1, Year: 2000}, "1/00", "ST 1/00"},
	{"99999/99", Reference{Series: SeriesST, Number: 99999, Year: 2099}, "99999/99", "ST 99999/99"},
	{"5559/06", Reference{Series: SeriesST, Number: 5559, Year: 2006}, "5559/06", "ST 5559/06"},
	{"6314/1/22 REV 1", Reference{Series: SeriesST, Number: 6314, Year: 2022, Revision: 1}, "6314/1/22 REV 1", "ST 6314/1/22 REV 1"},
	{"6314/2/22 REV 2", Reference{Series: SeriesST, Number: 6314, Year: 2022, Revision: 2}, "6314/2/22 REV 2", "ST 6314/2/22 REV 2"},
	{"6314/22 REV 1", Reference{Series: SeriesST, Number: 6314, Year: 2022, Revision: 1}, "6314/1/22 REV 1", "ST 6314/1/22 REV 1"},
	{"6314/12/22 rev 12", Reference{Series: SeriesST, Number: 6314, Year: 2022, Revision: 12}, "6314/12/22 REV 12", "ST 6314/12/22 REV 12"},
	{"9802/18 ADD 1", Reference{Series: SeriesST, Number: 9802, Year: 2018, Addendum: 1}, "9802/18 ADD 1", "ST 9802/18 ADD 1"},
	{"16072/22 COR 1", Reference{Series: SeriesST, Number: 16072, Year: 2022, Corrigendum: 1}, "16072/22 COR 1", "ST 16072/22 COR 1"},
	{"9802/1/18 REV 1 ADD 1", Reference{Series: SeriesST, Number: 9802, Year: 2018, Revision: 1, Addendum: 1}, "9802/1/18 REV 1 ADD 1", "ST 9802/1/18 REV 1 ADD 1"},
	{"16072/22 ADD 1 COR 1", Reference{Series: SeriesST, Number: 16072, Year: 2022, Addendum: 1, Corrigendum: 1}, "16072/22 ADD 1 COR 1", "ST 16072/22 ADD 1 COR 1"},
	{"9802/3/18 REV 3 ADD 2 COR 1", Reference{Series: SeriesST, Number: 9802, Year: 2018, Revision: 3, Addendum: 2, Corrigendum: 1}, "9802/3/18 REV 3 ADD 2 COR 1", "ST 9802/3/18 REV 3 ADD 2 COR 1"},
	{"WK 13259/20", Reference{Series: SeriesWK, Number: 13259, Year: 2020}, "WK 13259/20", "WK 13259/20"},
	{"WK 13259/2020 INIT", Reference{Series: SeriesWK, Number: 13259, Year: 2020}, "WK 13259/20", "WK 13259/20"},
	{"WK 13259/2020", Reference{Series: SeriesWK, Number: 13259, Year: 2020}, "WK 13259/20", "WK 13259/20"},
	{"wk 13259/20 init", Reference{Series: SeriesWK, Number: 13259, Year: 2020}, "WK 13259/20", "WK 13259/20"},
	{"WK 13259/1/2020 REV 1", Reference{Series: SeriesWK, Number: 13259, Year: 2020, Revision: 1}, "WK 13259/1/20 REV 1", "WK 13259/1/20 REV 1"},
	{"CM 1234/26", Reference{Series: SeriesCM, Number: 1234, Year: 2026}, "CM 1234/26", "CM 1234/26"},
	{"CM 1234/26 COR 2", Reference{Series: SeriesCM, Number: 1234, Year: 2026, Corrigendum: 2}, "CM 1234/26 COR 2", "CM 1234/26 COR 2"},
	// Whitespace tolerance.
	{"  ST   5559/26  ", Reference{Series: SeriesST, Number: 5559, Year: 2026}, "5559/26", "ST 5559/26"},
	{"ST\u00a05559/26", Reference{Series: SeriesST, Number: 5559, Year: 2026}, "5559/26", "ST 5559/26"},
	{"6314/1/22\u00a0REV\u00a01", Reference{Series: SeriesST, Number: 6314, Year: 2022, Revision: 1}, "6314/1/22 REV 1", "ST 6314/1/22 REV 1"},
	{"\t9802 / 18   Add   1\n", Reference{Series: SeriesST, Number: 9802, Year: 2018, Addendum: 1}, "9802/18 ADD 1", "ST 9802/18 ADD 1"},
}

func TestParseReferenceValid(t *testing.T) {
	for _, tt := range validReferenceTests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseReference(tt.in)
			if err != nil {
				t.Fatalf("ParseReference(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("ParseReference(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if s := got.String(); s != tt.short {
				t.Errorf("String() = %q, want %q", s, tt.short)
			}
			if s := got.Full(); s != tt.full {
				t.Errorf("Full() = %q, want %q", s, tt.full)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate() = %v", err)
			}
			for _, s := range []string{got.String(), got.Full()} {
				back, err := ParseReference(s)
				if err != nil || back != got {
					t.Errorf("ParseReference(%q) = %+v, %v; want %+v", s, back, err, got)
				}
			}
		})
	}
}

var invalidReferenceTests = []struct {
	in     string
	reason string // substring of ReferenceError.Reason
}{
	{"", "empty"},
	{"   \u00a0 ", "empty"},
	{"5559", `missing "/year"`},
	{"ST 5559", `missing "/year"`},
	{"5559 26", `missing "/" between`},
	{"5559/", "missing the year"},
	{"5559/26/", "missing the year"},
	{"ST", "missing the document number"},
	{"/26", "missing the document number"},
	{"123456/26", "1 to 5 digits"},
	{"05559/26", "must not start with 0"},
	{"0/26", "between 1 and 99999"},
	{"5559/2026", "write 26 instead of 2026"},
	{"5559/6", "write 06 instead of 6"},
	{"5559/126", "two digits"},
	{"WK 13259/202", "two or four digits"},
	{"WK 13259/1995", "out of range"},
	{`XY 5559/26`, `unknown series "XY"`},
	{"REV 1", "must follow a document number"},
	{"5559/26 REV", "REV must be followed by a number"},
	{"5559/26 ADD", "ADD must be followed by a number"},
	{"6314/1/22 REV 2", "does not match REV 2"},
	{"6314/1/22", `needs a matching "REV 1"`},
	{"6314/1/22 ADD 1", `needs a matching "REV 1"`},
	{"9802/18 ADD 1 ADD 2", "ADD appears twice"},
	{"6314/1/22 REV 1 REV 1", "REV appears twice"},
	{"9802/18 ADD 1 REV 1", "REV must come before ADD"},
	{"16072/22 COR 1 ADD 1", "ADD must come before COR"},
	{"5559/26 REV 0", "between 1 and 99"},
	{"5559/26 REV 100", "between 1 and 99"},
	{"5559/26 ADD 01", "must not start with 0"},
	{"6314/01/22 REV 1", "must not start with 0"},
	{"5559/26 foo", `unexpected "foo"`},
	{"5559/26 3", `unexpected "3"`},
	{"5559/26 REV 1/2", `unexpected "/"`},
	{"5559-26", `unexpected character "-"`},
	{"5559/26.", `unexpected character "."`},
	{"５５５９/26", "unexpected character"},
	{"5559/26REV 1", "put a space between"},
	{"ST5559/26", "put a space between"},
	{"5559/26 INIT", "only used with WK"},
	{"WK 13259/1/20 INIT REV 1", "cannot be used with a revision"},
	{"WK 13259/20 INIT ADD 1", "cannot be combined"},
	{"WK 13259/20 ADD 1 INIT", "right after the year"},
	{"WK 13259/20 INIT INIT", "twice"},
	{"ST WK 1/26", `unexpected "WK" after ST`},
	{"5559/26\xff", "not valid text"},
}

func TestParseReferenceInvalid(t *testing.T) {
	for _, tt := range invalidReferenceTests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseReference(tt.in)
			if err == nil {
				t.Fatalf("ParseReference(%q) = %+v, want error", tt.in, got)
			}
			var re *ReferenceError
			if !errors.As(err, &re) {
				t.Fatalf("ParseReference(%q) error %T, want *ReferenceError", tt.in, err)
			}
			t.Log(err)
			if re.Input != tt.in {
				t.Errorf("Input = %q, want %q", re.Input, tt.in)
			}
			if !strings.Contains(re.Reason, tt.reason) {
				t.Errorf("Reason = %q, want it to mention %q", re.Reason, tt.reason)
			}
			if got != (Reference{}) {
				t.Errorf("got %+v with error, want zero Reference", got)
			}
		})
	}
}

func TestReferenceErrorMessage(t *testing.T) {
	_, err := ParseReference("5559")
	want := `invalid document reference "5559": missing "/year" (expected e.g. 5559/26)`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
}

func TestReferenceBase(t *testing.T) {
	r := Reference{Series: SeriesWK, Number: 9802, Year: 2018, Revision: 1, Addendum: 2, Corrigendum: 3}
	want := Reference{Series: SeriesWK, Number: 9802, Year: 2018}
	if got := r.Base(); got != want {
		t.Errorf("Base() = %+v, want %+v", got, want)
	}
	if r.Revision != 1 {
		t.Error("Base() modified the receiver")
	}
}

func TestSeriesValid(t *testing.T) {
	for _, s := range []Series{SeriesST, SeriesWK, SeriesCM} {
		if !s.Valid() {
			t.Errorf("%q.Valid() = false", s)
		}
	}
	for _, s := range []Series{"", "st", "XY", "ST "} {
		if s.Valid() {
			t.Errorf("%q.Valid() = true", s)
		}
	}
}

func TestReferenceValidate(t *testing.T) {
	ok := Reference{Series: SeriesST, Number: 5559, Year: 2026}
	tests := []struct {
		name   string
		mod    func(*Reference)
		reason string // "" means valid
	}{
		{"ok", func(*Reference) {}, ""},
		{"max parts", func(r *Reference) { r.Revision, r.Addendum, r.Corrigendum = 99, 99, 99 }, ""},
		{"no series", func(r *Reference) { r.Series = "" }, "series is missing"},
		{"bad series", func(r *Reference) { r.Series = "XY" }, `unknown series "XY"`},
		{"number 0", func(r *Reference) { r.Number = 0 }, "document number"},
		{"number too big", func(r *Reference) { r.Number = 100000 }, "document number"},
		{"year 1999", func(r *Reference) { r.Year = 1999 }, "year"},
		{"year 2100", func(r *Reference) { r.Year = 2100 }, "year"},
		{"two-digit year", func(r *Reference) { r.Year = 26 }, "year"},
		{"rev negative", func(r *Reference) { r.Revision = -1 }, "REV"},
		{"add 100", func(r *Reference) { r.Addendum = 100 }, "ADD"},
		{"cor 100", func(r *Reference) { r.Corrigendum = 100 }, "COR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.mod(&r)
			err := r.Validate()
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			var re *ReferenceError
			if !errors.As(err, &re) {
				t.Fatalf("Validate() = %v, want *ReferenceError", err)
			}
			if !strings.Contains(re.Reason, tt.reason) {
				t.Errorf("Reason = %q, want it to mention %q", re.Reason, tt.reason)
			}
		})
	}
}

// An out-of-range year must not print as a different, valid reference.
func TestReferenceStringOutOfRangeYear(t *testing.T) {
	r := Reference{Series: SeriesST, Number: 5559, Year: 1995}
	if got := r.String(); got != "5559/1995" {
		t.Errorf("String() = %q, want %q", got, "5559/1995")
	}
	if _, err := ParseReference(r.String()); err == nil {
		t.Error("out-of-range reference parsed back without error")
	}
}

func FuzzParseReference(f *testing.F) {
	for _, tt := range validReferenceTests {
		f.Add(tt.in)
	}
	for _, tt := range invalidReferenceTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ParseReference(in)
		if err != nil {
			var re *ReferenceError
			if !errors.As(err, &re) {
				t.Fatalf("ParseReference(%q) error %T, want *ReferenceError", in, err)
			}
			if re.Reason == "" || re.Input != in {
				t.Fatalf("ParseReference(%q) bad error %+v", in, re)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("ParseReference(%q) = %+v, but Validate() = %v", in, r, err)
		}
		for _, s := range []string{r.String(), r.Full()} {
			back, err := ParseReference(s)
			if err != nil {
				t.Fatalf("ParseReference(%q) = %+v, but ParseReference(%q): %v", in, r, s, err)
			}
			if back != r {
				t.Fatalf("ParseReference(%q) = %+v, but ParseReference(%q) = %+v", in, r, s, back)
			}
		}
	})
}

// Any reference that Validate accepts prints in both forms to text that
// parses back to the same reference.
func FuzzReferenceFormat(f *testing.F) {
	f.Add(uint8(0), 5559, 2026, 0, 0, 0)
	f.Add(uint8(1), 13259, 2020, 1, 0, 0)
	f.Add(uint8(2), 1234, 2026, 0, 1, 1)
	f.Add(uint8(0), 9802, 2018, 1, 1, 0)
	f.Add(uint8(0), 1, 1999, 0, 0, 0)
	f.Fuzz(func(t *testing.T, series uint8, number, year, rev, add, cor int) {
		r := Reference{
			Series:      []Series{SeriesST, SeriesWK, SeriesCM, "", "XY"}[int(series)%5],
			Number:      number,
			Year:        year,
			Revision:    rev,
			Addendum:    add,
			Corrigendum: cor,
		}
		if r.Validate() != nil {
			return
		}
		for _, s := range []string{r.String(), r.Full()} {
			back, err := ParseReference(s)
			if err != nil || back != r {
				t.Fatalf("%+v prints as %q, which parses to %+v, %v", r, s, back, err)
			}
		}
	})
}
