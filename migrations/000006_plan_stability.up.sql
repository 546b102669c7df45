-- The counts of replies in the round lists (received, drafts) read the
-- status from the index alone: a round of 37 delegations × 10 questions
-- was 370 heap visits per count, twice per round listed.
CREATE INDEX positions_round_delegation_idx ON positions (round_id, delegation_id) INCLUDE (status);
DROP INDEX positions_delegation_idx;
