package dialogue

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestProtocolOrder(t *testing.T) {
	if len(ProtocolCodes) != 27 || ProtocolCodes[0] != "BE" || ProtocolCodes[26] != "SE" {
		t.Fatalf("ProtocolCodes = %v", ProtocolCodes)
	}
	if ProtocolPosition("EL") != 8 || ProtocolPosition("GR") != 0 || ProtocolPosition("CY") != 13 {
		t.Fatal("EL is 8th, GR is not a code, CY is 13th")
	}
	ds := []Delegation{
		{Code: "EUROPOL", Kind: Observer, Name: "Europol"},
		{Code: "TN", Kind: Partner, Name: "Tunisia"},
		{Code: "SE", Kind: MemberState, Name: "Sweden", ProtocolOrder: 27},
		{Code: "COM", Kind: Institution, Name: "European Commission"},
		{Code: "DZ", Kind: Partner, Name: "Algeria"},
		{Code: "EL", Kind: MemberState, Name: "Greece", ProtocolOrder: 8},
		{Code: "BE", Kind: MemberState, Name: "Belgium", ProtocolOrder: 1},
	}
	SortProtocol(ds)
	var got []string
	for _, d := range ds {
		got = append(got, d.Code)
	}
	want := []string{"BE", "EL", "SE", "COM", "DZ", "TN", "EUROPOL"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestBuildCoverage(t *testing.T) {
	pri := []Priority{{ID: 1, Code: "i"}, {ID: 2, Code: "ii"}, {ID: 3, Code: "iii"}}
	par := []Delegation{{ID: 10, Code: "DZ"}, {ID: 11, Code: "TN"}}
	ins := []Initiative{
		{ID: 100, Code: "euromed-police", PriorityIDs: []int64{1, 2}, PartnerIDs: []int64{10, 11}},
		{ID: 101, Code: "eu4borders", PriorityIDs: []int64{2}, PartnerIDs: []int64{11, 99}}, // 99: not a partner here
		{ID: 102, Code: "other-dialogue", PriorityIDs: []int64{77}, PartnerIDs: []int64{10}},
	}
	c := BuildCoverage(pri, par, ins)
	counts := [][]int{}
	for _, row := range c.Cells {
		var r []int
		for _, cell := range row {
			r = append(r, len(cell))
		}
		counts = append(counts, r)
	}
	want := [][]int{{1, 1}, {1, 2}, {0, 0}}
	for i := range want {
		if !slices.Equal(counts[i], want[i]) {
			t.Fatalf("cell counts %v, want %v", counts, want)
		}
	}
	if c.Gaps() != 2 || c.Overlaps() != 1 {
		t.Fatalf("gaps %d overlaps %d, want 2 and 1", c.Gaps(), c.Overlaps())
	}
	if c.Cells[1][1][0].Code != "euromed-police" || c.Cells[1][1][1].Code != "eu4borders" {
		t.Fatal("initiatives must keep their order inside a cell")
	}
}

func TestMissionStatusOn(t *testing.T) {
	d := func(y int, m time.Month, day int) *time.Time {
		t := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		return &t
	}
	niger := Mission{MandateEndsOn: d(2024, 9, 30), ClosedOn: d(2024, 9, 30)}
	mali := Mission{MandateEndsOn: d(2027, 1, 31)}
	racc := Mission{MandateEndsOn: d(2026, 1, 31)}
	iraq := Mission{}
	cases := []struct {
		name string
		m    Mission
		day  time.Time
		want MissionStatus
	}{
		{"closed mission", niger, *d(2026, 11, 22), MissionClosed},
		{"the day before closure", niger, *d(2024, 9, 29), MissionEndingSoon},
		{"mandate ends within 180 days", mali, *d(2026, 11, 22), MissionEndingSoon},
		{"mandate far ahead", mali, *d(2026, 1, 1), MissionActive},
		{"last day of mandate", racc, *d(2026, 1, 31), MissionEndingSoon},
		{"mandate passed, no closure recorded", racc, *d(2026, 2, 1), MissionExpired},
		{"no end date", iraq, *d(2026, 11, 22), MissionActive},
	}
	for _, c := range cases {
		if got := c.m.StatusOn(c.day); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

func TestParseMarking(t *testing.T) {
	for in, want := range map[string]Marking{"": MarkingNone, "none": MarkingNone, "limite": MarkingLimite, " LIMITE ": MarkingLimite} {
		if got, err := ParseMarking(in); err != nil || got != want {
			t.Errorf("ParseMarking(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"RESTREINT UE", "EU SECRET", "confidentiel ue"} {
		if _, err := ParseMarking(in); err == nil || !strings.Contains(err.Error(), "cannot be held") {
			t.Errorf("ParseMarking(%q) = %v, want a refusal of classified documents", in, err)
		}
	}
	if _, err := ParseMarking("PUBLIC"); err == nil {
		t.Error("unknown marking accepted")
	}
}

func TestParseDistributionCodes(t *testing.T) {
	got, err := ParseDistributionCodes("COSI 11, MED 12;jai 79\nEUROPOL")
	if err != nil {
		t.Fatal(err)
	}
	want := []DistributionCode{{"COSI", 11}, {"MED", 12}, {"JAI", 79}, {"EUROPOL", 0}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if got[2].String() != "JAI 79" || got[3].String() != "EUROPOL" {
		t.Fatal("String()")
	}
	for in, reason := range map[string]string{
		"COSI 11, COSI 12": "twice",
		"JAI 07":           "running number",
		"JAI 0":            "running number",
		"JAI seventy":      "running number",
		"J 1":              "not a distribution code",
		"JAI 79 80":        "not a distribution code",
		"JAI 100000":       "running number",
	} {
		if _, err := ParseDistributionCodes(in); err == nil || !strings.Contains(err.Error(), reason) {
			t.Errorf("ParseDistributionCodes(%q) = %v, want error mentioning %q", in, err, reason)
		}
	}
}

func TestPresidencyPeriod(t *testing.T) {
	p := Presidency{Year: 2026, Semester: 2}
	if p.Period() != "July–December 2026" {
		t.Fatal(p.Period())
	}
	if !p.Contains(brussels(2026, 12, 31, 23, 59), Brussels) || p.Contains(brussels(2027, 1, 1, 0, 0), Brussels) {
		t.Fatal("Contains")
	}
}

// A semester is Brussels': the last evening of June in UTC is already
// July there. The semester after the second is the next year's first.
func TestSemesterAt(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want Presidency
	}{
		{time.Date(2026, 6, 30, 21, 59, 0, 0, time.UTC), Presidency{Year: 2026, Semester: 1}},
		{time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC), Presidency{Year: 2026, Semester: 2}},
		{time.Date(2030, 12, 31, 23, 30, 0, 0, time.UTC), Presidency{Year: 2031, Semester: 1}},
	} {
		if got := SemesterAt(c.at); got != c.want {
			t.Errorf("SemesterAt(%s) = %+v, want %+v", c.at, got, c.want)
		}
	}
	if got := (Presidency{Year: 2030, Semester: 2}).Next(); got != (Presidency{Year: 2031, Semester: 1}) {
		t.Errorf("after 2030/2: %+v", got)
	}
	if got := (Presidency{Year: 2031, Semester: 1}).Next(); got != (Presidency{Year: 2031, Semester: 2}) {
		t.Errorf("after 2031/1: %+v", got)
	}
}
