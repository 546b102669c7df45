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
	return fmt.Sprintf(`(%[1]s OR (d.status = 'issued' AND (
		EXISTS (SELECT 1 FROM document_recipients dr WHERE dr.document_id = d.id AND dr.delegation_id = %[2]s)
		OR (d.audience = 'delegations' AND EXISTS (SELECT 1 FROM delegations vd WHERE vd.id = %[2]s AND vd.kind IN ('member_state', 'institution')))
		OR (d.audience = 'member_states' AND EXISTS (SELECT 1 FROM delegations vd WHERE vd.id = %[2]s AND vd.kind = 'member_state'))
		OR (d.audience = 'working_party' AND EXISTS (SELECT 1 FROM working_party_members wm WHERE wm.working_party_id = d.working_party_id AND wm.delegation_id = %[2]s))
	)))`, seeAll, delegation)
}

// viewerArgs are the two parameters documentVisible expects.
func viewerArgs(v dialogue.Viewer) (seeAll bool, delegationID int64) {
	return v.SeeAll, v.DelegationID
}
