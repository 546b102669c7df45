-- The secretariat keeps the delegations and the Presidencies in the portal
-- (a new partner or observer, a name, the Presidencies to come). Each save
-- of a delegation names the version it started from: a save made from an
-- out-of-date form is refused, never written over another's.
ALTER TABLE delegations
    ADD COLUMN version    int NOT NULL DEFAULT 1 CHECK (version > 0),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- A member state recorded at a place in the protocol order moves the ones
-- after it down one place in the same statement: the order stays 1, 2, 3…
-- without a gap, which a unique constraint checked row by row would refuse
-- halfway through. Checked at the end of the statement instead.
ALTER TABLE delegations
    DROP CONSTRAINT delegations_protocol_order_key,
    ADD CONSTRAINT delegations_protocol_order_key UNIQUE (protocol_order) DEFERRABLE INITIALLY IMMEDIATE;
