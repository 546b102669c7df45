package dialogue

// Coverage is the priority × partner matrix of a dialogue: for each pair, the
// initiatives that address that priority with that partner. An empty cell is
// a gap; a cell with more than one initiative is an overlap to articulate.
type Coverage struct {
	Priorities []Priority
	Partners   []Delegation
	// Cells[i][j] lists the initiatives covering Priorities[i] with Partners[j].
	Cells [][][]Initiative
}

// BuildCoverage computes the matrix from the initiatives' priorities and
// partners. Initiatives keep their given order inside each cell.
func BuildCoverage(priorities []Priority, partners []Delegation, initiatives []Initiative) Coverage {
	pri := make(map[int64]int, len(priorities))
	for i, p := range priorities {
		pri[p.ID] = i
	}
	par := make(map[int64]int, len(partners))
	for j, d := range partners {
		par[d.ID] = j
	}
	cells := make([][][]Initiative, len(priorities))
	for i := range cells {
		cells[i] = make([][]Initiative, len(partners))
	}
	for _, in := range initiatives {
		for _, pid := range in.PriorityIDs {
			i, ok := pri[pid]
			if !ok {
				continue
			}
			for _, did := range in.PartnerIDs {
				if j, ok := par[did]; ok {
					cells[i][j] = append(cells[i][j], in)
				}
			}
		}
	}
	return Coverage{Priorities: priorities, Partners: partners, Cells: cells}
}

// Gaps counts the empty cells.
func (c Coverage) Gaps() int {
	n := 0
	for _, row := range c.Cells {
		for _, cell := range row {
			if len(cell) == 0 {
				n++
			}
		}
	}
	return n
}

// Overlaps counts the cells covered by more than one initiative.
func (c Coverage) Overlaps() int {
	n := 0
	for _, row := range c.Cells {
		for _, cell := range row {
			if len(cell) > 1 {
				n++
			}
		}
	}
	return n
}
