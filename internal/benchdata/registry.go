package benchdata

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// The 37 delegations of the bench: the member states, the Commission and the
// EEAS, the North African partners (the first wave of the Mediterranean
// dialogue's phased approach) and three agencies.
var (
	institutionCodes = []string{"COM", "EEAS"}
	partnerCodes     = []string{"DZ", "EG", "LY", "MA", "TN"}
	agencyCodes      = []string{"EUROPOL", "EUROJUST", "FRONTEX"}
)

// Capitals of the member states, for informal COSI meetings in the country
// of the Presidency.
var capitals = map[string][2]string{
	"BE": {"Brussels", "Europe/Brussels"}, "BG": {"Sofia", "Europe/Sofia"}, "CZ": {"Prague", "Europe/Prague"},
	"DK": {"Copenhagen", "Europe/Copenhagen"}, "DE": {"Berlin", "Europe/Berlin"}, "EE": {"Tallinn", "Europe/Tallinn"},
	"IE": {"Dublin", "Europe/Dublin"}, "EL": {"Athens", "Europe/Athens"}, "ES": {"Madrid", "Europe/Madrid"},
	"FR": {"Paris", "Europe/Paris"}, "HR": {"Zagreb", "Europe/Zagreb"}, "IT": {"Rome", "Europe/Rome"},
	"CY": {"Nicosia", "Asia/Nicosia"}, "LV": {"Riga", "Europe/Riga"}, "LT": {"Vilnius", "Europe/Vilnius"},
	"LU": {"Luxembourg", "Europe/Luxembourg"}, "HU": {"Budapest", "Europe/Budapest"}, "MT": {"Valletta", "Europe/Malta"},
	"NL": {"The Hague", "Europe/Amsterdam"}, "AT": {"Vienna", "Europe/Vienna"}, "PL": {"Warsaw", "Europe/Warsaw"},
	"PT": {"Lisbon", "Europe/Lisbon"}, "RO": {"Bucharest", "Europe/Bucharest"}, "SI": {"Ljubljana", "Europe/Ljubljana"},
	"SK": {"Bratislava", "Europe/Bratislava"}, "FI": {"Helsinki", "Europe/Helsinki"}, "SE": {"Stockholm", "Europe/Stockholm"},
}

// The Council Presidencies before the demo's (which start in 2025), as they
// were; earlier semesters, if ever needed, rotate in protocol order.
var pastPresidencies = map[int][2]string{
	2007: {"DE", "PT"}, 2008: {"SI", "FR"}, 2009: {"CZ", "SE"}, 2010: {"ES", "BE"}, 2011: {"HU", "PL"},
	2012: {"DK", "CY"}, 2013: {"IE", "LT"}, 2014: {"EL", "IT"}, 2015: {"LV", "LU"}, 2016: {"NL", "SK"},
	2017: {"MT", "EE"}, 2018: {"BG", "AT"}, 2019: {"RO", "FI"}, 2020: {"HR", "DE"}, 2021: {"PT", "SI"},
	2022: {"FR", "CZ"}, 2023: {"SE", "ES"}, 2024: {"BE", "HU"},
}

// The bench dialogue's priorities.
var benchPriorities = []struct{ code, title string }{
	{"firearms", "Firearms trafficking (bench)"},
	{"drugs", "Drug trafficking along the Balkan route (bench)"},
	{"smuggling", "Migrant smuggling along the Western Balkans route (bench)"},
}

// identityTables are the tables whose ids the generator gives itself.
var identityTables = []string{
	"users", "documents", "questions", "question_options", "rounds", "positions",
	"meetings", "agenda_items", "audit_log",
}

// loadRegistry reads what the demo load wrote, adds the bench dialogue and
// the Presidencies the window needs, and notes the ids and numbers taken.
func (g *gen) loadRegistry(ctx context.Context, tx pgx.Tx) error {
	g.byCode = map[string]*delegation{}
	rows, _ := tx.Query(ctx, `SELECT id, code, kind, name, coalesce(protocol_order, 0) FROM delegations ORDER BY id`)
	all := map[string]*delegation{}
	var d delegation
	if _, err := pgx.ForEachRow(rows, []any{&d.id, &d.code, &d.kind, &d.name, &d.order}, func() error {
		c := d
		all[c.code] = &c
		return nil
	}); err != nil {
		return fmt.Errorf("delegations: %w", err)
	}
	var ms []*delegation
	for _, x := range all {
		if x.kind == "member_state" {
			ms = append(ms, x)
		}
	}
	slices.SortFunc(ms, func(a, b *delegation) int { return a.order - b.order })
	if len(ms) != 27 {
		return fmt.Errorf("delegations: %d member states in the registry, want 27", len(ms))
	}
	for _, m := range ms {
		c, ok := capitals[m.code]
		if !ok {
			return fmt.Errorf("delegations: no capital known for %s", m.code)
		}
		m.city, m.tz = c[0], c[1]
	}
	g.memberStates = ms
	pickCodes := func(codes []string) ([]*delegation, error) {
		var out []*delegation
		for _, c := range codes {
			x, ok := all[c]
			if !ok {
				return nil, fmt.Errorf("delegations: %s is not in the registry (load the demo data first)", c)
			}
			out = append(out, x)
		}
		return out, nil
	}
	var err error
	if g.institutions, err = pickCodes(institutionCodes); err != nil {
		return err
	}
	if g.partners, err = pickCodes(partnerCodes); err != nil {
		return err
	}
	if g.agencies, err = pickCodes(agencyCodes); err != nil {
		return err
	}
	g.delegations = slices.Concat(g.memberStates, g.institutions, g.partners, g.agencies)
	for _, x := range g.delegations {
		g.byCode[x.code] = x
	}

	// Dialogues: the demo's two, and the bench's own.
	g.dialogueBy = map[string]*dlg{}
	for _, code := range []string{"med", "clasi"} {
		x := &dlg{code: code}
		if err := tx.QueryRow(ctx, `SELECT id, short_name FROM dialogues WHERE code = $1`, code).Scan(&x.id, &x.shortName); err != nil {
			return fmt.Errorf("dialogue %s: %w", code, err)
		}
		g.dialogues = append(g.dialogues, x)
	}
	bench := &dlg{code: DialogueCode, shortName: "EU–Western Balkans (bench)"}
	if err := tx.QueryRow(ctx, `
		INSERT INTO dialogues (code, name, short_name, description, position)
		VALUES ($1, 'EU–Western Balkans dialogue (bench)', $2,
			'A generated dialogue of the benchmark dataset: its meetings, notes and replies are invented.',
			(SELECT coalesce(max(position), 0) + 1 FROM dialogues))
		RETURNING id`, DialogueCode, bench.shortName).Scan(&bench.id); err != nil {
		return fmt.Errorf("bench dialogue: %w", err)
	}
	g.dialogues = append(g.dialogues, bench)
	for _, x := range g.dialogues {
		g.dialogueBy[x.code] = x
	}
	g.dialogueBy["med"].partners = g.partners
	agencyIDs := make([]int64, len(g.agencies))
	for i, a := range g.agencies {
		agencyIDs[i] = a.id
	}
	codes, titles := make([]string, len(benchPriorities)), make([]string, len(benchPriorities))
	for i, p := range benchPriorities {
		codes[i], titles[i] = p.code, p.title
	}
	b := &pgx.Batch{}
	b.Queue(`
		INSERT INTO dialogue_participants (dialogue_id, delegation_id, role, note)
		SELECT $1::bigint, unnest($2::bigint[]), 'observer', 'Observer of the bench dialogue.'`, bench.id, agencyIDs)
	b.Queue(`
		INSERT INTO priorities (dialogue_id, code, title, status, position)
		SELECT $1::bigint, u.code, u.title, 'initial', u.n
		FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(code, title, n)`, bench.id, codes, titles)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("bench dialogue: %w", err)
	}
	for _, x := range g.dialogues {
		rows, _ := tx.Query(ctx, `SELECT id FROM priorities WHERE dialogue_id = $1 ORDER BY position`, x.id)
		if x.priorities, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return fmt.Errorf("priorities: %w", err)
		}
	}

	rows, _ = tx.Query(ctx, `SELECT id, code, name FROM working_parties ORDER BY id`)
	var wp workingParty
	if _, err := pgx.ForEachRow(rows, []any{&wp.id, &wp.code, &wp.name}, func() error {
		g.wps = append(g.wps, wp)
		return nil
	}); err != nil {
		return fmt.Errorf("working parties: %w", err)
	}
	if len(g.wps) == 0 {
		return fmt.Errorf("working parties: none in the registry")
	}

	if err := g.ensurePresidencies(ctx, tx); err != nil {
		return err
	}

	g.usedRefs = map[refKey]bool{}
	rows, _ = tx.Query(ctx, `SELECT series, number, year FROM documents WHERE number IS NOT NULL`)
	var rk refKey
	if _, err := pgx.ForEachRow(rows, []any{&rk.series, &rk.number, &rk.year}, func() error {
		g.usedRefs[rk] = true
		return nil
	}); err != nil {
		return fmt.Errorf("documents: %w", err)
	}
	g.usedCodes = map[codeKey]bool{}
	rows, _ = tx.Query(ctx, `SELECT code, year, number FROM document_codes WHERE number IS NOT NULL AND NOT inherited`)
	var ck codeKey
	if _, err := pgx.ForEachRow(rows, []any{&ck.code, &ck.year, &ck.number}, func() error {
		g.usedCodes[ck] = true
		return nil
	}); err != nil {
		return fmt.Errorf("document codes: %w", err)
	}
	rows, _ = tx.Query(ctx, `SELECT level, starts_at FROM meetings ORDER BY starts_at, id`)
	var em existingMeeting
	if _, err := pgx.ForEachRow(rows, []any{&em.level, &em.startsAt}, func() error {
		g.existing = append(g.existing, em)
		return nil
	}); err != nil {
		return fmt.Errorf("meetings: %w", err)
	}

	// Ids after the highest in use, not the sequences' next values: those
	// depend on what failed or was rolled back before, the highest id does
	// not, so the same database gives the same ids.
	g.nextID = map[string]int64{}
	for _, t := range identityTables {
		var next int64
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) + 1 FROM `+pgx.Identifier{t}.Sanitize()).Scan(&next); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		g.nextID[t] = next
	}
	return nil
}

// ensurePresidencies adds the Presidencies of every semester of the window
// (and the months around it, where users and meetings are) that the
// register lacks.
func (g *gen) ensurePresidencies(ctx context.Context, tx pgx.Tx) error {
	g.presidencies = map[[2]int]int64{}
	g.presHolder = map[[2]int]*delegation{}
	byID := map[int64]*delegation{}
	for _, d := range g.memberStates {
		byID[d.id] = d
	}
	rows, _ := tx.Query(ctx, `SELECT year, semester, id, delegation_id FROM presidencies`)
	var y, s int
	var id, holder int64
	if _, err := pgx.ForEachRow(rows, []any{&y, &s, &id, &holder}, func() error {
		g.presidencies[[2]int{y, s}] = id
		g.presHolder[[2]int{y, s}] = byID[holder]
		return nil
	}); err != nil {
		return fmt.Errorf("presidencies: %w", err)
	}
	var years, semesters []int32
	var dels []int64
	from, to := g.start.AddDate(0, -6, 0), g.end.AddDate(0, 6, 0)
	for t := from; !t.After(to); t = t.AddDate(0, 6, 0) {
		y, s := semesterOf(t)
		if _, ok := g.presidencies[[2]int{y, s}]; ok || slices.ContainsFunc(g.newPres, func(p newPresidency) bool {
			return p.year == y && p.semester == s
		}) {
			continue
		}
		d := g.presidencyHolder(y, s)
		g.presHolder[[2]int{y, s}] = d
		g.newPres = append(g.newPres, newPresidency{year: y, semester: s, delegation: d})
		years, semesters, dels = append(years, int32(y)), append(semesters, int32(s)), append(dels, d.id)
	}
	if len(years) == 0 {
		return nil
	}
	rows, _ = tx.Query(ctx, `
		INSERT INTO presidencies (delegation_id, year, semester)
		SELECT * FROM unnest($1::bigint[], $2::int[], $3::smallint[])
		ORDER BY 2, 3
		RETURNING year, semester, id`, dels, years, semesters)
	if _, err := pgx.ForEachRow(rows, []any{&y, &s, &id}, func() error {
		g.presidencies[[2]int{y, s}] = id
		return nil
	}); err != nil {
		return fmt.Errorf("presidencies: %w", err)
	}
	return nil
}

func (g *gen) presidencyHolder(year, semester int) *delegation {
	if p, ok := pastPresidencies[year]; ok {
		return g.byCode[p[semester-1]]
	}
	return g.memberStates[(year*2+semester)%len(g.memberStates)]
}

func semesterOf(t time.Time) (year, semester int) {
	t = t.In(dialogue.Brussels)
	if t.Month() <= time.June {
		return t.Year(), 1
	}
	return t.Year(), 2
}

// presidencyAt is the id of the Presidency in office at t (0 if none).
func (g *gen) presidencyAt(t time.Time) int64 {
	y, s := semesterOf(t)
	return g.presidencies[[2]int{y, s}]
}
