package dialogue

import (
	"strings"
	"testing"
	"time"
)

func TestEasterSunday(t *testing.T) {
	known := map[int]string{
		1818: "1818-03-22", // earliest possible date
		1943: "1943-04-25", // latest possible date
		2019: "2019-04-21", 2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05",
		2027: "2027-03-28", 2028: "2028-04-16", 2030: "2030-04-21", 2038: "2038-04-25", 2285: "2285-03-22",
	}
	for y, want := range known {
		if got := EasterSunday(y).Format("2006-01-02"); got != want {
			t.Errorf("Easter %d = %s, want %s", y, got, want)
		}
	}
}

func TestHolidayCalendars(t *testing.T) {
	var got []string
	for _, h := range Belgium.Holidays(2026) {
		got = append(got, h.Date.Format("01-02 ")+h.Name)
	}
	want := "01-01 New Year's Day|04-06 Easter Monday|05-01 Labour Day|05-14 Ascension Day|05-25 Whit Monday|" +
		"07-21 Belgian National Day|08-15 Assumption|11-01 All Saints' Day|11-11 Armistice Day|12-25 Christmas Day"
	if strings.Join(got, "|") != want {
		t.Fatalf("Belgium 2026:\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
	cases := []struct {
		cal  HolidayCalendar
		day  time.Time
		name string
	}{
		{EUInstitutions, date(2027, 3, 25), "Maundy Thursday"}, // Easter 2027 is 28 March
		{EUInstitutions, date(2027, 3, 26), "Good Friday"},
		{EUInstitutions, date(2027, 5, 7), "Day after Ascension Day"},
		{EUInstitutions, date(2026, 5, 9), "Europe Day (anniversary of the Schuman declaration)"},
		{EUInstitutions, date(2026, 12, 29), "End-of-year closure"},
		{Belgium, date(2030, 6, 10), "Whit Monday"}, // Easter 2030 is 21 April
		{Belgium, date(2026, 3, 26), ""},
	}
	for _, c := range cases {
		h, ok := c.cal.On(c.day)
		if (c.name == "") == ok || h.Name != c.name {
			t.Errorf("%s on %s: %q %v, want %q", c.cal.Code, c.day.Format("2006-01-02"), h.Name, ok, c.name)
		}
	}
}

func cosiAt(id int64, y int, m time.Month, d, h, min, hours int) Meeting {
	start := time.Date(y, m, d, h, min, 0, 0, Brussels)
	return Meeting{ID: id, Level: LevelCOSI, Title: "COSI", City: "Brussels", TimeZone: "Europe/Brussels",
		StartsAt: start, EndsAt: start.Add(time.Duration(hours) * time.Hour), Status: MeetingConfirmed}
}

func TestProposeSlots(t *testing.T) {
	wide := func(req SlotRequest) SlotRequest {
		req.From, req.To = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
		return req
	}
	type slot struct{ start, relation string }
	cases := []struct {
		name     string
		req      SlotRequest
		fits     []slot
		excluded []string // substrings of the reasons, in time order
	}{
		{
			name: "Tuesday morning COSI, half-day: Monday afternoon, Tuesday afternoon, Wednesday morning",
			req:  wide(SlotRequest{Length: HalfDay, COSI: []Meeting{cosiAt(1, 2026, 12, 8, 10, 0, 3)}}),
			fits: []slot{{"2026-12-07 14:30 CET", "the afternoon of the day before"}, {"2026-12-08 14:30 CET", "the afternoon after"}, {"2026-12-09 09:30 CET", "the morning of the day after"}},
		},
		{
			name:     "Monday COSI: the day before is a Sunday",
			req:      wide(SlotRequest{Length: FullDay, COSI: []Meeting{cosiAt(1, 2027, 2, 8, 10, 0, 7)}}),
			fits:     []slot{{"2027-02-09 09:30 CET", "the day after"}},
			excluded: []string{"is a Sunday"},
		},
		{
			name:     "Friday COSI: the day after is a Saturday",
			req:      wide(SlotRequest{Length: FullDay, COSI: []Meeting{cosiAt(1, 2027, 2, 12, 10, 0, 7)}}),
			fits:     []slot{{"2027-02-11 09:30 CET", "the day before"}},
			excluded: []string{"is a Saturday"},
		},
		{
			name:     "COSI the day before Ascension: Thursday is a holiday in Belgium and for the institutions",
			req:      wide(SlotRequest{Length: FullDay, COSI: []Meeting{cosiAt(1, 2027, 5, 5, 10, 0, 7)}}),
			fits:     []slot{{"2027-05-04 09:30 CEST", "the day before"}},
			excluded: []string{"Ascension Day"},
		},
		{
			name:     "COSI on 22 December: the institutions close from 24 December, the 23rd still works",
			req:      wide(SlotRequest{Length: FullDay, COSI: []Meeting{cosiAt(1, 2027, 12, 22, 10, 0, 7), cosiAt(2, 2027, 12, 23, 10, 0, 7)}}),
			fits:     []slot{{"2027-12-21 09:30 CET", "the day before"}},
			excluded: []string{"overlaps the COSI meeting of Wed 22 Dec", "overlaps the COSI meeting of Thu 23 Dec", "End-of-year closure"},
		},
		{
			name:     "year end: COSI on 4 January, the 3rd is a Sunday and 2 January a closing day anyway",
			req:      wide(SlotRequest{Length: FullDay, COSI: []Meeting{cosiAt(1, 2027, 1, 4, 10, 0, 7)}}),
			fits:     []slot{{"2027-01-05 09:30 CET", "the day after"}},
			excluded: []string{"is a Sunday"},
		},
		{
			name: "summer time starts on Sunday 29 March 2026: Monday's slot keeps its wall-clock hours",
			req:  wide(SlotRequest{Length: HalfDay, COSI: []Meeting{cosiAt(1, 2026, 3, 30, 14, 30, 3)}}),
			// Sunday afternoon excluded; the morning before and Tuesday morning fit, in CEST.
			fits:     []slot{{"2026-03-30 09:30 CEST", "the morning before"}, {"2026-03-31 09:30 CEST", "the morning of the day after"}},
			excluded: []string{"is a Sunday"},
		},
		{
			name: "a clash with a meeting of the same delegations is excluded, one of other delegations is not",
			req: func() SlotRequest {
				r := wide(SlotRequest{Length: HalfDay, COSI: []Meeting{cosiAt(1, 2026, 12, 8, 10, 0, 3)}, Delegations: []int64{7, 8}})
				other := Meeting{ID: 50, Title: "EMWP", StartsAt: time.Date(2026, 12, 8, 15, 0, 0, 0, Brussels), EndsAt: time.Date(2026, 12, 8, 17, 0, 0, 0, Brussels), Status: MeetingPlanned}
				unrelated := Meeting{ID: 51, Title: "Other", StartsAt: time.Date(2026, 12, 9, 10, 0, 0, 0, Brussels), EndsAt: time.Date(2026, 12, 9, 12, 0, 0, 0, Brussels), Status: MeetingPlanned}
				cancelled := Meeting{ID: 52, Title: "Gone", StartsAt: time.Date(2026, 12, 7, 15, 0, 0, 0, Brussels), EndsAt: time.Date(2026, 12, 7, 17, 0, 0, 0, Brussels), Status: MeetingCancelled}
				r.Others = []Meeting{other, unrelated, cancelled}
				r.OthersDelegations = map[int64][]int64{50: {8, 9}, 51: {9}, 52: {7}}
				return r
			}(),
			fits:     []slot{{"2026-12-07 14:30 CET", "the afternoon of the day before"}, {"2026-12-09 09:30 CET", "the morning of the day after"}},
			excluded: []string{`clashes with "EMWP"`},
		},
		{
			name: "only slots inside the period",
			req: SlotRequest{Length: FullDay, COSI: []Meeting{cosiAt(1, 2026, 12, 8, 10, 0, 7)},
				From: time.Date(2026, 12, 8, 0, 0, 0, 0, Brussels), To: time.Date(2026, 12, 31, 0, 0, 0, 0, Brussels)},
			fits: []slot{{"2026-12-09 09:30 CET", "the day after"}},
		},
	}
	for _, c := range cases {
		fits, excluded := ProposeSlots(c.req)
		var got []slot
		for _, s := range fits {
			got = append(got, slot{s.Start.In(Brussels).Format("2006-01-02 15:04 MST"), s.Relation})
			if len(s.Reasons) != 3 || !strings.Contains(s.Reasons[0], "Back-to-back") {
				t.Errorf("%s: reasons %v", c.name, s.Reasons)
			}
		}
		if len(got) != len(c.fits) {
			t.Errorf("%s:\n got %v\nwant %v\nexcluded %v", c.name, got, c.fits, excluded)
			continue
		}
		for i := range got {
			if got[i] != c.fits[i] {
				t.Errorf("%s: slot %d = %v, want %v", c.name, i, got[i], c.fits[i])
			}
		}
		if len(excluded) != len(c.excluded) {
			t.Errorf("%s: excluded %v, want reasons %v", c.name, excluded, c.excluded)
			continue
		}
		for i, e := range excluded {
			if !strings.Contains(e.Reason, c.excluded[i]) {
				t.Errorf("%s: excluded %d reason %q lacks %q", c.name, i, e.Reason, c.excluded[i])
			}
		}
	}
}

func TestCheckCadence(t *testing.T) {
	med := Dialogue{LaunchYear: 2026}
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, Brussels) }
	meeting := func(level MeetingLevel, start time.Time, status MeetingStatus, b2b int64) Meeting {
		return Meeting{Level: level, StartsAt: start, EndsAt: start.Add(3 * time.Hour), Status: status, BackToBackID: b2b}
	}
	now := at(2026, 11, 22)
	cases := []struct {
		name     string
		meetings []Meeting
		want     []CadenceStatus // launch SOM, launch ministerial, SOM 2027
	}{
		{"nothing at all in November of the launch year", nil, []CadenceStatus{CadenceAtRisk, CadenceAtRisk, CadenceAtRisk}},
		{"a SOM held, a ministerial planned in December, a SOM planned next year",
			[]Meeting{meeting(LevelSOM, at(2026, 6, 3), MeetingHeld, 0), meeting(LevelMinisterial, at(2026, 12, 10), MeetingConfirmed, 0), meeting(LevelSOM, at(2027, 3, 4), MeetingPlanned, 9)},
			[]CadenceStatus{CadenceMet, CadencePlanned, CadencePlanned}},
		{"a past meeting never marked held still counts; a cancelled one does not",
			[]Meeting{meeting(LevelSOM, at(2026, 10, 1), MeetingConfirmed, 0), meeting(LevelMinisterial, at(2026, 12, 1), MeetingCancelled, 0)},
			[]CadenceStatus{CadenceMet, CadenceAtRisk, CadenceAtRisk}},
		{"a meeting on 31 December late evening belongs to that year in Brussels",
			[]Meeting{meeting(LevelSOM, time.Date(2026, 12, 31, 23, 30, 0, 0, Brussels), MeetingPlanned, 0)},
			[]CadenceStatus{CadencePlanned, CadenceAtRisk, CadenceAtRisk}},
	}
	for _, c := range cases {
		got := CheckCadence(med, c.meetings, now)
		if len(got) != 3 {
			t.Fatalf("%s: %d checks, want 3 (launch SOM, launch ministerial, SOM 2027)", c.name, len(got))
		}
		for i, w := range c.want {
			if got[i].Status != w {
				t.Errorf("%s: check %q %d = %s (%s), want %s", c.name, got[i].Rule, got[i].Year, got[i].Status, got[i].Detail, w)
			}
		}
	}
	// A year that is over without a SOM is missed.
	later := CheckCadence(med, nil, at(2028, 2, 1))
	if later[2].Year != 2027 || later[2].Status != CadenceMissed {
		t.Fatalf("2027 without SOM seen in 2028: %+v", later[2])
	}
	// Not launched: no rule applies yet.
	if CheckCadence(Dialogue{}, nil, now) != nil {
		t.Fatal("a dialogue without launch year has cadence checks")
	}
}
