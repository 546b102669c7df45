package benchdata

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Generated prose: sentences assembled from the vocabulary of internal
// security notes, so that full-text search has realistic words to index and
// find (trafficking, Europol, radicalisation, ...), in documents of the
// length of real ones. The text is plainly generated; nobody would take it
// for a real note.

var (
	adjectives = []string{
		"operational", "regional", "strategic", "cross-border", "transnational", "joint", "national",
		"structured", "comprehensive", "targeted", "coordinated", "sustainable", "effective", "practical",
		"existing", "future", "bilateral", "multilateral", "technical", "financial", "judicial", "legal",
		"high-risk", "organised", "violent", "emerging", "digital", "maritime", "regular", "informal",
	}
	nouns = []string{
		"cooperation", "dialogue", "threat assessment", "information exchange", "capacity building",
		"border management", "law enforcement", "criminal network", "smuggling route", "investigation",
		"prosecution", "training programme", "working arrangement", "liaison officer", "action plan",
		"partnership", "risk analysis", "intelligence picture", "financial investigation", "asset recovery",
		"firearms trafficking", "drug trafficking", "migrant smuggling", "trafficking in human beings",
		"cybercrime", "radicalisation", "terrorist financing", "money laundering", "document fraud",
		"environmental crime", "port security", "container control", "precursor diversion",
		"online propaganda", "foreign terrorist fighters", "victim protection", "data protection safeguard",
		"joint investigation team", "operational action plan", "common risk indicator", "roadmap",
		"exchange of best practices", "platform", "contact point", "network", "mandate", "agency",
		"project", "funding instrument", "evaluation", "work programme", "priority", "initiative",
	}
	verbs = []string{
		"supports", "strengthens", "complements", "reinforces", "builds on", "contributes to",
		"underlines", "addresses", "facilitates", "promotes", "improves", "enhances", "extends",
		"takes into account", "relies on", "aligns with", "follows up on", "draws on", "prepares",
		"coordinates", "identifies", "reviews", "monitors", "assesses", "frames",
	}
	preps = []string{
		"with", "for", "within", "across", "along", "under", "through", "beyond", "alongside", "in support of",
	}
	actors = []string{
		"The Presidency", "Member States", "The Commission", "The EEAS", "Europol", "Eurojust", "Frontex",
		"CEPOL", "The EUDA", "COSI", "The partner countries", "National authorities", "The secretariat",
		"The working party", "Delegations", "Law enforcement agencies", "Prosecutors", "The EMPACT drivers",
	}
	openers = []string{
		"In this context,", "At the same time,", "Moreover,", "In practice,", "Building on earlier work,",
		"As a next step,", "In addition,", "Against this background,", "To that end,", "Where appropriate,",
		"In line with the conclusions,", "Following the last meeting,",
	}
	headings = []string{
		"Background", "Introduction", "State of play", "Main developments", "Cooperation with partners",
		"Operational aspects", "Financial aspects", "Role of the agencies", "Synergies with existing initiatives",
		"Lessons learned", "The way forward", "Next steps", "Conclusions", "Proposals of the Presidency",
		"Geographical scope", "Thematic scope", "Working methods", "Implementation",
	}
	topics = []string{
		"Migrant smuggling along the Central Mediterranean route",
		"Migrant smuggling along the Western Balkans route",
		"Drug trafficking through Latin American and Caribbean ports",
		"Cocaine trafficking to European ports",
		"Synthetic drugs and precursor diversion",
		"Firearms trafficking from the Western Balkans",
		"Trafficking in human beings for labour exploitation",
		"Online radicalisation and terrorist content",
		"Foreign terrorist fighters and returnees",
		"Financial investigations and asset recovery",
		"High-risk criminal networks",
		"Environmental crime and waste trafficking",
		"Cybercrime and ransomware",
		"Document fraud and identity theft",
		"Border management cooperation with partner countries",
		"Law enforcement training and capacity building",
		"Information exchange with third countries",
		"EMPACT operational action plans",
		"Internal security aspects of the Pact for the Mediterranean",
		"Maritime security in the Mediterranean",
		"Cooperation with Europol on organised crime",
		"Judicial cooperation with partner countries",
		"Prevention of violent extremism",
		"Protection of public spaces",
		"Security research and innovation",
		"Hybrid threats and critical infrastructure",
		"Exploitation of minors online",
		"Illicit financial flows",
		"Corruption as an enabler of organised crime",
		"Regional dialogue on internal security",
	}
	aspects = []string{
		"state of play", "Presidency discussion paper", "questions to delegations", "exchange of views",
		"draft conclusions", "follow-up", "implementation report", "mid-term review", "options for the way forward",
		"information from the Presidency", "outcome of the expert meeting", "priorities for the coming year",
	}
	firstNames = []string{
		"Anna", "Lukas", "Marie", "Jan", "Sofia", "Pieter", "Elena", "Mateusz", "Ines", "Jonas", "Clara",
		"Nikos", "Laura", "Tomas", "Eva", "Marco", "Katarina", "Andrei", "Lea", "Paulo", "Ingrid", "Dimitar",
		"Helena", "Ahmed", "Yasmine", "Karim", "Nadia", "Omar", "Leila", "Youssef", "Sara", "Mikkel",
		"Aoife", "Janis", "Agne", "Zsofia", "Maja", "Luca", "Carmen", "Hugo", "Irene", "Filip", "Teresa",
	}
	lastNames = []string{
		"Peeters", "Ivanova", "Novak", "Jensen", "Schmidt", "Tamm", "Murphy", "Papadopoulos", "Garcia",
		"Martin", "Horvat", "Rossi", "Georgiou", "Berzins", "Kazlauskas", "Schmit", "Nagy", "Borg",
		"de Vries", "Gruber", "Kowalski", "Silva", "Popescu", "Kranjc", "Kovac", "Virtanen", "Lindqvist",
		"Benali", "Haddad", "Mansour", "El Amrani", "Trabelsi", "Dupont", "Moreau", "Fischer", "Costa",
		"Marin", "Petrov", "Lehmann", "Ferreira", "Olsen", "Byrne", "Kaya",
	}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// between returns an int in [lo, hi].
func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// chance is true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

func personName(r *rand.Rand) string { return pick(r, firstNames) + " " + pick(r, lastNames) }

// sentence writes one generated sentence (about 15-30 words).
func sentence(r *rand.Rand, b *strings.Builder) {
	if chance(r, 0.25) {
		b.WriteString(pick(r, openers))
		b.WriteByte(' ')
		writeLower(b, pick(r, actors))
	} else {
		b.WriteString(pick(r, actors))
	}
	b.WriteByte(' ')
	b.WriteString(pick(r, verbs))
	b.WriteString(" the ")
	b.WriteString(pick(r, adjectives))
	b.WriteByte(' ')
	b.WriteString(pick(r, nouns))
	b.WriteByte(' ')
	b.WriteString(pick(r, preps))
	b.WriteByte(' ')
	b.WriteString(pick(r, adjectives))
	b.WriteByte(' ')
	b.WriteString(pick(r, nouns))
	if chance(r, 0.5) {
		b.WriteString(", in particular as regards ")
		b.WriteString(pick(r, nouns))
		b.WriteString(" and ")
		b.WriteString(pick(r, nouns))
	}
	b.WriteString(". ")
}

// writeLower writes s with a lower-case first letter, except for names
// ("The Commission" → "the Commission", "Europol" stays).
func writeLower(b *strings.Builder, s string) {
	if strings.HasPrefix(s, "The ") {
		b.WriteString("the ")
		b.WriteString(s[4:])
		return
	}
	b.WriteString(s)
}

// paragraph writes 3 to 6 sentences and a blank line.
func paragraph(r *rand.Rand, b *strings.Builder) {
	b.WriteString(sentences(r, between(r, 3, 6)))
	b.WriteString("\n\n")
}

// sentences returns n generated sentences as one string.
func sentences(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		sentence(r, &b)
	}
	return strings.TrimSpace(b.String())
}

// body writes Markdown sections until the text is at least minBytes long.
func body(r *rand.Rand, b *strings.Builder, minBytes int) {
	start := b.Len()
	n := 1
	for b.Len()-start < minBytes {
		b.WriteString("## ")
		b.WriteString(strconv.Itoa(n))
		b.WriteString(". ")
		b.WriteString(pick(r, headings))
		b.WriteString("\n\n")
		for range between(r, 1, 3) {
			paragraph(r, b)
		}
		n++
	}
}

func subject(r *rand.Rand) string { return pick(r, topics) + ": " + pick(r, aspects) }
