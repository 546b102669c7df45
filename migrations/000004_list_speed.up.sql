-- What the ten-year benchmark asked of the home page, the filtered register
-- and the calendar feed: each reads only the window it shows, whatever the
-- length of the history.

-- Meetings not yet over at an instant (the home page's next meetings, the
-- feed's last twelve months and ahead, the calendar's ranges): a range on
-- ends_at instead of every meeting since the first, read by starts_at.
CREATE INDEX meetings_ends_idx ON meetings (ends_at);

-- The visibility rules (store/visibility.go, meetingVisible) look up the
-- viewer's invitations and named documents once per query: with both
-- columns in the index that is an index-only scan of a few pages instead of
-- a heap page per row of the delegation's whole history. These replace the
-- single-column indexes, which they cover (the foreign keys included).
CREATE INDEX meeting_invitations_delegation_meeting_idx ON meeting_invitations (delegation_id, meeting_id);
DROP INDEX meeting_invitations_delegation_idx;
CREATE INDEX document_recipients_delegation_document_idx ON document_recipients (delegation_id, document_id);
DROP INDEX document_recipients_delegation_idx;

-- The register filtered by year, newest first (its ORDER BY with the year
-- fixed): reads that year's documents only, in order, and stops at the page.
CREATE INDEX documents_year_newest_idx ON documents (year, doc_date DESC, number DESC NULLS FIRST, id DESC);
