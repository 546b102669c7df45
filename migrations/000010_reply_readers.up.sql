-- Who may read a reply besides its own delegation, kept beside it so that a
-- partner's search reads, through an index, only the replies released to
-- the partners (see internal/store/search.go). Without it a partner's
-- search for a common word read every match of the decade to find the few
-- it may read: 16 ms alone against a member state's 7 on the bench's ten
-- years. The rule itself does not move: the round pages read it from the
-- round; search checks each reply it reads by this level, which the
-- triggers below keep equal to the round's release in the same transaction.
--
-- readers: 0 a draft (its delegation alone); 1 given (the Presidency and
-- the secretariat too); 2 released to the member states (and the
-- institutions); 3 released to the partners as well.
CREATE FUNCTION reply_readers(status text, released_at timestamptz, audience text)
RETURNS smallint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (CASE
        WHEN status = 'draft' THEN 0
        WHEN released_at IS NULL THEN 1
        WHEN audience = 'member_states' THEN 2
        WHEN audience = 'member_states_partners' THEN 3
        ELSE 1
    END)::smallint
$$;

ALTER TABLE positions ADD COLUMN readers smallint NOT NULL DEFAULT 0 CHECK (readers BETWEEN 0 AND 3);

UPDATE positions p SET readers = reply_readers(p.status, r.released_at, r.release_audience)
FROM rounds r
WHERE r.id = p.round_id AND reply_readers(p.status, r.released_at, r.release_audience) <> 0;

-- Every write of a reply takes the level from its round. A save holds the
-- round FOR SHARE, so a release waits for the saves in flight and a save
-- after a release sees it.
CREATE FUNCTION positions_readers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT reply_readers(NEW.status, r.released_at, r.release_audience) INTO NEW.readers
    FROM rounds r WHERE r.id = NEW.round_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER positions_readers BEFORE INSERT OR UPDATE ON positions
    FOR EACH ROW EXECUTE FUNCTION positions_readers();

-- Releasing a round, or changing to whom, sets the level of its replies.
CREATE FUNCTION rounds_release_readers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE positions SET readers = reply_readers(status, NEW.released_at, NEW.release_audience)
    WHERE round_id = NEW.id AND readers <> reply_readers(status, NEW.released_at, NEW.release_audience);
    RETURN NULL;
END
$$;

CREATE TRIGGER rounds_release_readers AFTER UPDATE OF released_at, release_audience ON rounds
    FOR EACH ROW
    WHEN (OLD.released_at IS DISTINCT FROM NEW.released_at OR OLD.release_audience IS DISTINCT FROM NEW.release_audience)
    EXECUTE FUNCTION rounds_release_readers();

-- The words of the replies released to the partners, and their month. The
-- words are an expression no other index holds, so that a partner's search
-- reads through this index (with the level as a key of
-- positions_search_idx, or a partial index of the plain words, the planner
-- preferred to read every match of the word in the whole index); partial,
-- so that no other search takes it for its months.
CREATE INDEX positions_search_partners_idx ON positions
    USING gin ((CASE WHEN readers = 3 THEN search END), date_trunc('month', updated_at AT TIME ZONE 'UTC')) WITH (fastupdate = off)
    WHERE readers = 3;
