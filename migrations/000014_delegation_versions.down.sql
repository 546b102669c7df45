ALTER TABLE delegations
    DROP CONSTRAINT delegations_protocol_order_key,
    ADD CONSTRAINT delegations_protocol_order_key UNIQUE (protocol_order);
ALTER TABLE delegations DROP COLUMN version, DROP COLUMN updated_at;
