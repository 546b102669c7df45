package dialogue

import (
	"fmt"
	"sync"
	"time"
	_ "time/tzdata" // the zone database travels with the binary
)

// Brussels is the zone in which the portal shows deadlines and meetings. The
// time-zone database is embedded, so loading it cannot fail on a machine
// without zoneinfo files (a slim container).
var Brussels = mustLoad("Europe/Brussels")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("dialogue: time zone %s: %v", name, err))
	}
	return loc
}

// zones caches loaded time zones: time.LoadLocation reads and parses the
// zone data on every call, and a calendar feed asks once per meeting.
var zones sync.Map // name → *time.Location

// LoadZone is time.LoadLocation with a cache.
func LoadZone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}
