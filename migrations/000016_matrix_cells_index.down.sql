CREATE INDEX positions_round_delegation_idx ON positions (round_id, delegation_id) INCLUDE (status);
DROP INDEX positions_round_cells_idx;
