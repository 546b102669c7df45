CREATE INDEX positions_delegation_idx ON positions (round_id, delegation_id);
DROP INDEX positions_round_delegation_idx;
