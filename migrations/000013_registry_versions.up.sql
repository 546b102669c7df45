-- The secretariat keeps the initiatives, the dialogues' participation
-- (geographical scope, partners' phases) and their thematic priorities in
-- the portal. Each save names the version it started from: a save made
-- from an out-of-date form is refused, never written over another's.
ALTER TABLE initiatives
    ADD COLUMN version    int NOT NULL DEFAULT 1 CHECK (version > 0),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE dialogues
    ADD COLUMN participation_version int NOT NULL DEFAULT 1 CHECK (participation_version > 0),
    ADD COLUMN priorities_version    int NOT NULL DEFAULT 1 CHECK (priorities_version > 0);
