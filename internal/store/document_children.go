package store

import (
	"github.com/jackc/pgx/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// The rows that hang off a document, written the same way by the drafting
// forms and by the importer: queued on a batch, a few statements whatever
// their number.

// queueFootnotes replaces a document's footnotes.
func queueFootnotes(b *pgx.Batch, docID int64, fs []dialogue.Footnote) {
	ns, bodies := make([]int32, len(fs)), make([]string, len(fs))
	for i, f := range fs {
		ns[i], bodies[i] = int32(f.N), f.Body
	}
	b.Queue(`DELETE FROM document_footnotes WHERE document_id = $1`, docID)
	b.Queue(`INSERT INTO document_footnotes (document_id, n, body) SELECT $1::bigint, * FROM unnest($2::int[], $3::text[])`,
		docID, ns, bodies)
}

// queueRecipients makes the named recipients exactly the given delegations.
func queueRecipients(b *pgx.Batch, docID int64, delegationIDs []int64) {
	if delegationIDs == nil {
		delegationIDs = []int64{}
	}
	b.Queue(`DELETE FROM document_recipients WHERE document_id = $1 AND NOT (delegation_id = ANY ($2))`, docID, delegationIDs)
	b.Queue(`INSERT INTO document_recipients (document_id, delegation_id) SELECT $1::bigint, unnest($2::bigint[])
		ON CONFLICT DO NOTHING`, docID, delegationIDs)
}

// queueQuestions makes the questions and their options exactly the given
// ones, in order. Questions and options are updated in place by position,
// so their ids stay stable (replies and summaries refer to them); only
// extras are deleted, and deleting one that has replies fails, as it should.
func queueQuestions(b *pgx.Batch, docID int64, qs []dialogue.Question) {
	n := len(qs)
	qpos, kinds, prompts := make([]int32, n), make([]string, n), make([]string, n)
	oq, opos := []int32{}, []int32{}
	labels, obodies := []string{}, []string{}
	for i, q := range qs {
		qpos[i], kinds[i], prompts[i] = int32(i+1), string(q.Kind), q.Prompt
		for j, o := range q.Options {
			oq, opos = append(oq, int32(i+1)), append(opos, int32(j+1))
			labels, obodies = append(labels, o.Label), append(obodies, o.Body)
		}
	}
	b.Queue(`DELETE FROM questions WHERE document_id = $1 AND position > $2`, docID, n)
	b.Queue(`
		INSERT INTO questions (document_id, position, kind, prompt)
		SELECT $1::bigint, * FROM unnest($2::int[], $3::text[], $4::text[])
		ON CONFLICT (document_id, position) DO UPDATE SET kind = EXCLUDED.kind, prompt = EXCLUDED.prompt`,
		docID, qpos, kinds, prompts)
	b.Queue(`
		DELETE FROM question_options o USING questions q
		WHERE q.id = o.question_id AND q.document_id = $1
		AND (q.position, o.position) NOT IN (SELECT * FROM unnest($2::int[], $3::int[]))`,
		docID, oq, opos)
	b.Queue(`
		INSERT INTO question_options (question_id, position, label, body)
		SELECT q.id, u.position, u.label, u.body
		FROM unnest($2::int[], $3::int[], $4::text[], $5::text[]) AS u(question, position, label, body)
		JOIN questions q ON q.document_id = $1 AND q.position = u.question
		ON CONFLICT (question_id, position) DO UPDATE SET label = EXCLUDED.label, body = EXCLUDED.body`,
		docID, oq, opos, labels, obodies)
}
