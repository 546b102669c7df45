package store_test

import (
	"context"
	"testing"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

func TestMissions(t *testing.T) {
	st, _ := demoStore(t)
	ms, err := st.Missions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]dialogue.Mission{}
	frontex := 0
	for _, m := range ms {
		byName[m.Name] = m
		if m.FrontexWorkingArrangement {
			frontex++
		}
	}
	if niger := byName["EUCAP Sahel Niger"]; niger.StartedYear != 2012 || niger.StatusOn(demoNow) != dialogue.MissionClosed {
		t.Errorf("EUCAP Sahel Niger = %+v, status %s", niger, niger.StatusOn(demoNow))
	}
	if !byName["EUAM Ukraine"].FrontexWorkingArrangement || frontex != 1 {
		t.Errorf("EUAM Ukraine should be the only mission with a Frontex working arrangement (%d)", frontex)
	}
	if mali := byName["EUCAP Sahel Mali"]; mali.MandateEndsOn == nil || mali.MandateEndsOn.Format("2006-01-02") != "2027-01-31" {
		t.Errorf("EUCAP Sahel Mali = %+v", mali)
	}
}
