-- A reply counts as given when the portal received it, not when the
-- database committed it. Under a deadline rush (make bench's storm: a
-- hundred delegates saving in the last second) a save waits its turn for a
-- connection and for the processor, and saves sent a tenth of a second or
-- more before the deadline were refused as late: whether a delegation's
-- reply counted depended on how busy the portal was. The portal now stamps
-- each save with the instant its request arrived (created_at of the
-- revision, updated_at of the reply) and the deadline applies to that
-- stamp, as a postmark.
--
-- Still checked at commit, whatever the race in the application:
--  - the round's closing is the cut: nothing commits into a closed round;
--  - a stamp is trusted only while it is fresh: a save that commits more
--    than a minute after the portal received it is refused (so nothing
--    received before a deadline commits later than a minute after it), and
--    so is a stamp in the future (beyond a second of clock difference
--    between the portal's machine and the database's).
-- A reply the secretariat records on a delegation's behalf (proxy_source
-- set) may come later, but must then be flagged late, as before.
CREATE OR REPLACE FUNCTION position_revisions_check_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r_closed   timestamptz;
    r_deadline timestamptz;
    r_opens    timestamptz;
    received   timestamptz := NEW.created_at;
    grace      constant interval := interval '1 minute';
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
    IF received > clock_timestamp() + interval '1 second' OR received < clock_timestamp() - grace THEN
        RAISE EXCEPTION 'reply stamped % at %', received, clock_timestamp() USING ERRCODE = 'P0001', HINT = 'receipt_stale';
    END IF;
    IF r_closed IS NOT NULL AND r_closed <= clock_timestamp() THEN
        RAISE EXCEPTION 'round closed' USING ERRCODE = 'P0001', HINT = 'round_closed';
    END IF;
    IF NEW.proxy_source IS NULL THEN
        IF received < r_opens THEN
            RAISE EXCEPTION 'round not open yet' USING ERRCODE = 'P0001', HINT = 'round_not_open';
        END IF;
        IF received >= r_deadline THEN
            RAISE EXCEPTION 'deadline passed' USING ERRCODE = 'P0001', HINT = 'deadline_passed';
        END IF;
    ELSIF received >= r_deadline AND NOT NEW.late THEN
        RAISE EXCEPTION 'late reply not flagged late' USING ERRCODE = 'P0001', HINT = 'late_not_flagged';
    END IF;
    RETURN NULL;
END
$$;
