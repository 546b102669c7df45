-- The deadline applies again to the instant of the commit (migration 000001).
CREATE OR REPLACE FUNCTION position_revisions_check_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r_closed   timestamptz;
    r_deadline timestamptz;
    r_opens    timestamptz;
BEGIN
    SELECT r.closed_at, greatest(r.deadline, coalesce(rd.extended_until, r.deadline)), r.opens_at
      INTO r_closed, r_deadline, r_opens
      FROM positions p
      JOIN rounds r ON r.id = p.round_id
      JOIN round_delegations rd ON rd.round_id = p.round_id AND rd.delegation_id = p.delegation_id
     WHERE p.id = NEW.position_id;
    IF NEW.demo THEN
        RETURN NULL; -- demo history is loaded with its own past dates
    END IF;
    IF r_closed IS NOT NULL AND r_closed <= clock_timestamp() THEN
        RAISE EXCEPTION 'round closed' USING ERRCODE = 'P0001', HINT = 'round_closed';
    END IF;
    IF NEW.proxy_source IS NULL THEN
        IF clock_timestamp() < r_opens THEN
            RAISE EXCEPTION 'round not open yet' USING ERRCODE = 'P0001', HINT = 'round_not_open';
        END IF;
        IF clock_timestamp() >= r_deadline THEN
            RAISE EXCEPTION 'deadline passed' USING ERRCODE = 'P0001', HINT = 'deadline_passed';
        END IF;
    ELSIF clock_timestamp() >= r_deadline AND NOT NEW.late THEN
        RAISE EXCEPTION 'late reply not flagged late' USING ERRCODE = 'P0001', HINT = 'late_not_flagged';
    END IF;
    RETURN NULL;
END
$$;
