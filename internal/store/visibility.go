package store

import (
	"fmt"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

// documentVisible returns a SQL condition on the documents alias d that holds
// when the viewer may see the document: the one distribution rule that every
// page, list, count, search and export applies, so that a user never learns
// that a document they may not see exists. seeAllArg and delegationArg are
// the positions of the viewer's parameters ($n), see viewerArgs.
//
// A delegation sees issued documents whose audience includes it: "delegations"
// (member states, the Commission, the EEAS), "member_states", the members of
// the document's working party, or the named recipients (always added).
func documentVisible(seeAll, delegation string) string {
	return documentVisibleFenced(seeAll, delegation, "")
}

// documentVisibleInOrder is documentVisible for a statement that reads
// documents in the list's order and stops when a page is full: each
// candidate's named recipients are looked up by themselves (OFFSET 0 keeps
// PostgreSQL from turning the EXISTS into a hash of every document ever
// sent to the delegation: 750 for a partner on the bench's ten years, to
// check the 33 rows its home page reads; the statement ran at half speed
// and grew with the years).
func documentVisibleInOrder(seeAll, delegation string) string {
	return documentVisibleFenced(seeAll, delegation, " OFFSET 0")
}

// documentVisibleFenced is the rule of documentVisible, with fence ending
// the named recipients' sub-select.
func documentVisibleFenced(seeAll, delegation, fence string) string {
	// The named recipients last: the audiences are checked first, from
	// values read once per statement, and a document sent to all member
	// states needs no lookup of its recipients for a member state.
	return fmt.Sprintf(`(%s OR (d.status = 'issued' AND (%s
		OR EXISTS (SELECT 1 FROM document_recipients dr WHERE dr.document_id = d.id AND dr.delegation_id = %s%s)
	)))`, seeAll, documentAudiences(delegation), delegation, fence)
}

// documentAudiences is the part of documentVisible's rule an issued
// document's audience gives, without its named recipients: for search,
// which reads the documents a delegation is named for (documentNamed) by
// themselves.
func documentAudiences(delegation string) string {
	return fmt.Sprintf(`(
		(d.audience = 'delegations' AND EXISTS (SELECT 1 FROM delegations vd WHERE vd.id = %[1]s AND vd.kind IN ('member_state', 'institution')))
		OR (d.audience = 'member_states' AND EXISTS (SELECT 1 FROM delegations vd WHERE vd.id = %[1]s AND vd.kind = 'member_state'))
		OR (d.audience = 'working_party' AND EXISTS (SELECT 1 FROM working_party_members wm WHERE wm.working_party_id = d.working_party_id AND wm.delegation_id = %[1]s)))`, delegation)
}

// documentAudiencesReach holds when documentAudiences may hold for some
// document: the delegation is a member state or an institution, or in a
// working party. Kept beside that rule, which it must follow: search skips
// reading documents by audience for a delegation it does not reach.
func documentAudiencesReach(delegation string) string {
	return fmt.Sprintf(`(EXISTS (SELECT 1 FROM delegations vd WHERE vd.id = %[1]s AND vd.kind IN ('member_state', 'institution'))
			OR EXISTS (SELECT 1 FROM working_party_members wm WHERE wm.delegation_id = %[1]s))`, delegation)
}

// viewerArgs are the two parameters documentVisible expects.
func viewerArgs(v dialogue.Viewer) (seeAll bool, delegationID int64) {
	return v.SeeAll, v.DelegationID
}
