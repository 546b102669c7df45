-- Each delegation's count of replies in a round, kept beside its
-- consultation by a trigger: the round lists and the home page show, for
-- every open round, the replies received (the Presidency) or the
-- delegation's own progress, and counting them from positions read every
-- reply of every open round on every home page (1,200 on the bench's ten
-- years, half the statement's time). A reply changes the counts only when
-- it is first saved and when its status crosses between draft and given,
-- so a revision of a given reply does not touch the row at all.
ALTER TABLE round_delegations
    ADD COLUMN replies_given int NOT NULL DEFAULT 0 CHECK (replies_given >= 0),
    ADD COLUMN replies_draft int NOT NULL DEFAULT 0 CHECK (replies_draft >= 0);

UPDATE round_delegations rd
SET replies_given = c.given, replies_draft = c.draft
FROM (SELECT round_id, delegation_id,
             count(*) FILTER (WHERE status <> 'draft') AS given,
             count(*) FILTER (WHERE status = 'draft') AS draft
      FROM positions GROUP BY round_id, delegation_id) c
WHERE rd.round_id = c.round_id AND rd.delegation_id = c.delegation_id;

CREATE FUNCTION positions_count_replies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE round_delegations
        SET replies_given = replies_given - (OLD.status <> 'draft')::int,
            replies_draft = replies_draft - (OLD.status = 'draft')::int
        WHERE round_id = OLD.round_id AND delegation_id = OLD.delegation_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        UPDATE round_delegations
        SET replies_given = replies_given + (NEW.status <> 'draft')::int,
            replies_draft = replies_draft + (NEW.status = 'draft')::int
        WHERE round_id = NEW.round_id AND delegation_id = NEW.delegation_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER positions_count_replies AFTER INSERT OR DELETE ON positions
    FOR EACH ROW EXECUTE FUNCTION positions_count_replies();
CREATE TRIGGER positions_count_replies_update AFTER UPDATE OF status, round_id, delegation_id ON positions
    FOR EACH ROW
    WHEN ((OLD.status = 'draft') IS DISTINCT FROM (NEW.status = 'draft')
          OR OLD.round_id IS DISTINCT FROM NEW.round_id
          OR OLD.delegation_id IS DISTINCT FROM NEW.delegation_id)
    EXECUTE FUNCTION positions_count_replies();
