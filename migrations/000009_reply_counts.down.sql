DROP TRIGGER positions_count_replies_update ON positions;
DROP TRIGGER positions_count_replies ON positions;
DROP FUNCTION positions_count_replies();
ALTER TABLE round_delegations DROP COLUMN replies_draft, DROP COLUMN replies_given;
