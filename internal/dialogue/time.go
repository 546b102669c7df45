package dialogue

import (
	"fmt"
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
