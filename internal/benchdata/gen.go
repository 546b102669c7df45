package benchdata

import (
	"fmt"
	"strings"
	"time"
)

// generate builds the whole dataset in memory, in an order where every row
// can see what it depends on: meetings are planned first (their calls are
// documents), then each year's documents with the rounds on its notes, then
// numbers (which follow the dates), replies, compilations, agendas, ids and
// last the audit log, which describes all of it.
func (g *gen) generate() {
	g.makeUsers()
	g.planMeetings()
	for k := range g.years {
		g.makeYearDocuments(k)
	}
	g.makeDrafts()
	g.number()
	g.makePositions()
	g.compile()
	g.makeAgendas()
	g.assignIDs()
	g.makeAudit()
}

// yearSpan is bench year k: [start + k years, start + k+1 years).
func (g *gen) yearSpan(k int) (time.Time, time.Time) {
	return g.start.AddDate(k, 0, 0), g.start.AddDate(k+1, 0, 0)
}

// makeUsers creates 5 secretariat and 10 Presidency officers and 5 users per
// delegation (the first of a delegation's delegates its manager; agencies
// have observers), all set up three months before the window. The first
// secretariat officer was created from the command line, who then created
// everybody else.
func (g *gen) makeUsers() {
	base := g.start.AddDate(0, -3, 0)
	n := 0
	add := func(u *user) {
		u.createdAt = base.Add(time.Duration(n) * 7 * time.Minute)
		// Addresses from the documentation ranges (RFC 5737).
		nets := []string{"192.0.2.", "198.51.100.", "203.0.113."}
		u.addr = fmt.Sprintf("%s%d", nets[n/250%3], n%250+1)
		if len(g.users) > 0 {
			u.createdBy = g.users[0]
		}
		g.users = append(g.users, u)
		n++
	}
	for i := 1; i <= 5; i++ {
		u := &user{email: fmt.Sprintf("bench.secretariat.%d@%s", i, Domain), name: personName(g.r), role: "secretariat"}
		add(u)
		g.secretariat = append(g.secretariat, u)
	}
	for i := 1; i <= 10; i++ {
		u := &user{email: fmt.Sprintf("bench.presidency.%d@%s", i, Domain), name: personName(g.r), role: "presidency"}
		add(u)
		g.presidency = append(g.presidency, u)
	}
	for _, d := range g.delegations {
		role := "delegate"
		if d.kind == "observer" {
			role = "observer"
		}
		for i := 1; i <= 5; i++ {
			u := &user{
				email: fmt.Sprintf("bench.%s.%d@%s", strings.ToLower(d.code), i, Domain),
				name:  personName(g.r), role: role, del: d,
				manager: role == "delegate" && i == 1,
			}
			add(u)
			d.users = append(d.users, u)
		}
	}
}

func (g *gen) presidencyUser() *user  { return pick(g.r, g.presidency) }
func (g *gen) secretariatUser() *user { return pick(g.r, g.secretariat) }

// delegationUser is a user of d: mostly the first two, who do the work.
func (g *gen) delegationUser(d *delegation) *user {
	if chance(g.r, 0.7) {
		return d.users[g.r.IntN(2)]
	}
	return pick(g.r, d.users)
}
