-- The first schema of the Dialogue Secretariat Portal: the whole domain at once,
-- with its rules as constraints so that bad data cannot enter even through a bug.
-- Every foreign key and every column a page filters on has an index.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- Full-text search always names this configuration: "simple" (no stemming, so
-- names, codes and references match as typed, in any language) with accents
-- removed, so "Communaute" finds "Communauté".
CREATE TEXT SEARCH CONFIGURATION portal (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION portal
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

-- ---------------------------------------------------------------- registry

CREATE TABLE dialogues (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9-]{1,31}$'),
    name        text NOT NULL CHECK (name <> ''),
    short_name  text NOT NULL CHECK (short_name <> ''),
    description text NOT NULL DEFAULT '',
    -- 'phased' or 'all' partners from the start (5559/26's two options);
    -- NULL while undecided.
    geographic_scope text CHECK (geographic_scope IN ('phased', 'all')),
    launch_year int CHECK (launch_year BETWEEN 1990 AND 2099),
    position    int NOT NULL DEFAULT 0
);

-- A delegation is whoever answers with one voice: a member state, an EU
-- institution, a partner country or regional body, or an observer agency.
CREATE TABLE delegations (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code           text NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9-]{1,11}$'),
    kind           text NOT NULL CHECK (kind IN ('member_state', 'institution', 'partner', 'observer')),
    name           text NOT NULL CHECK (name <> ''),
    native_name    text NOT NULL DEFAULT '',
    -- Member states only: the Council's protocol order (BE = 1 ... SE = 27).
    protocol_order int UNIQUE CHECK (protocol_order BETWEEN 1 AND 99),
    -- A designation footnote shown wherever the name is (Palestine's).
    footnote       text NOT NULL DEFAULT '',
    CHECK ((kind = 'member_state') = (protocol_order IS NOT NULL))
);
CREATE INDEX delegations_kind_idx ON delegations (kind);

-- Partners and observers of a dialogue; member states take part in every one.
CREATE TABLE dialogue_participants (
    dialogue_id   bigint NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
    delegation_id bigint NOT NULL REFERENCES delegations (id),
    role          text NOT NULL CHECK (role IN ('partner', 'observer')),
    -- Participation phase under the phased approach (1 = first wave).
    phase         smallint NOT NULL DEFAULT 1 CHECK (phase BETWEEN 1 AND 9),
    starts_on     date,
    note          text NOT NULL DEFAULT '',
    PRIMARY KEY (dialogue_id, delegation_id)
);
CREATE INDEX dialogue_participants_delegation_idx ON dialogue_participants (delegation_id);

-- Working parties and committees to which documents are distributed.
CREATE TABLE working_parties (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z][A-Za-z0-9 -]{1,23}$'),
    name text NOT NULL CHECK (name <> '')
);
CREATE TABLE working_party_members (
    working_party_id bigint NOT NULL REFERENCES working_parties (id) ON DELETE CASCADE,
    delegation_id    bigint NOT NULL REFERENCES delegations (id),
    PRIMARY KEY (working_party_id, delegation_id)
);
CREATE INDEX working_party_members_delegation_idx ON working_party_members (delegation_id);

CREATE TABLE presidencies (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delegation_id bigint NOT NULL REFERENCES delegations (id),
    year          int NOT NULL CHECK (year BETWEEN 1990 AND 2099),
    semester      smallint NOT NULL CHECK (semester IN (1, 2)),
    UNIQUE (year, semester)
);
CREATE INDEX presidencies_delegation_idx ON presidencies (delegation_id);

CREATE TABLE priorities (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dialogue_id  bigint NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
    code         text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]{0,31}$'),
    title        text NOT NULL CHECK (title <> ''),
    status       text NOT NULL CHECK (status IN ('initial', 'possible_future')),
    -- The EMPACT cycle a priority comes from, e.g. '2026-2029'.
    empact_cycle text CHECK (empact_cycle ~ '^[0-9]{4}-[0-9]{4}$'),
    position     int NOT NULL,
    UNIQUE (dialogue_id, code),
    UNIQUE (dialogue_id, position)
);

CREATE TABLE initiatives (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,47}$'),
    name        text NOT NULL CHECK (name <> ''),
    description text NOT NULL DEFAULT ''
);
CREATE TABLE initiative_dialogues (
    initiative_id bigint NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    dialogue_id   bigint NOT NULL REFERENCES dialogues (id) ON DELETE CASCADE,
    PRIMARY KEY (initiative_id, dialogue_id)
);
CREATE INDEX initiative_dialogues_dialogue_idx ON initiative_dialogues (dialogue_id);
-- Implementing bodies: an agency or institution of the registry where there
-- is one, otherwise just its name (UNODC, IOM, ...).
CREATE TABLE initiative_implementers (
    initiative_id bigint NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    position      int NOT NULL,
    name          text NOT NULL CHECK (name <> ''),
    delegation_id bigint REFERENCES delegations (id),
    PRIMARY KEY (initiative_id, position)
);
CREATE INDEX initiative_implementers_delegation_idx ON initiative_implementers (delegation_id);
CREATE TABLE initiative_priorities (
    initiative_id bigint NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    priority_id   bigint NOT NULL REFERENCES priorities (id) ON DELETE CASCADE,
    PRIMARY KEY (initiative_id, priority_id)
);
CREATE INDEX initiative_priorities_priority_idx ON initiative_priorities (priority_id);
CREATE TABLE initiative_partners (
    initiative_id bigint NOT NULL REFERENCES initiatives (id) ON DELETE CASCADE,
    delegation_id bigint NOT NULL REFERENCES delegations (id),
    PRIMARY KEY (initiative_id, delegation_id)
);
CREATE INDEX initiative_partners_delegation_idx ON initiative_partners (delegation_id);

CREATE TABLE csdp_missions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9-]{1,47}$'),
    name            text NOT NULL CHECK (name <> ''),
    host            text NOT NULL DEFAULT '',
    started_year    int CHECK (started_year BETWEEN 1990 AND 2099),
    mandate_ends_on date,
    closed_on       date,
    frontex_working_arrangement boolean NOT NULL DEFAULT false,
    note            text NOT NULL DEFAULT '',
    source          text NOT NULL DEFAULT ''
);

-- ---------------------------------------------------------------- people

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
    name          text NOT NULL CHECK (name <> ''),
    role          text NOT NULL CHECK (role IN ('secretariat', 'presidency', 'delegate', 'observer')),
    delegation_id bigint REFERENCES delegations (id),
    -- A delegate who invites and disables the users of their own delegation.
    is_manager    boolean NOT NULL DEFAULT false,
    -- argon2id in PHC string form; NULL until a password is set.
    password_hash text,
    disabled_at   timestamptz,
    -- Secret for the personal calendar feed; NULL when revoked.
    calendar_token text UNIQUE,
    -- Demo accounts, whose password `portal demo` may set again.
    demo          boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((role IN ('delegate', 'observer')) = (delegation_id IS NOT NULL)),
    CHECK (NOT is_manager OR role = 'delegate')
);
CREATE UNIQUE INDEX users_email_uq ON users (lower(email));
CREATE INDEX users_delegation_idx ON users (delegation_id);

-- One-time password reset links; only a hash of the token is kept.
CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by bigint REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);
CREATE INDEX password_resets_created_by_idx ON password_resets (created_by);

-- Sessions, in the shape alexedwards/scs expects of a PostgreSQL store.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- ---------------------------------------------------------------- documents

CREATE TABLE documents (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    series      text NOT NULL DEFAULT 'ST' CHECK (series IN ('ST', 'WK', 'CM')),
    -- NULL while a draft has no number yet; every issued document has one.
    number      int CHECK (number BETWEEN 1 AND 99999),
    year        int NOT NULL CHECK (year BETWEEN 1990 AND 2099),
    revision    smallint NOT NULL DEFAULT 0 CHECK (revision BETWEEN 0 AND 99),
    addendum    smallint NOT NULL DEFAULT 0 CHECK (addendum BETWEEN 0 AND 99),
    corrigendum smallint NOT NULL DEFAULT 0 CHECK (corrigendum BETWEEN 0 AND 99),
    doc_date    date NOT NULL,
    place       text NOT NULL DEFAULT 'Brussels' CHECK (place <> ''),
    original_language text NOT NULL DEFAULT 'en' CHECK (original_language ~ '^[a-z]{2}$'),
    -- LIMITE is a distribution marking. Classified levels (RESTREINT UE and
    -- above) are out of scope: the portal refuses to hold them.
    marking     text NOT NULL DEFAULT 'none' CHECK (marking IN ('none', 'LIMITE')),
    doc_type    text NOT NULL DEFAULT 'NOTE' CHECK (doc_type ~ '^[A-Z][A-Z/ -]{1,39}$'),
    sender      text NOT NULL CHECK (sender <> ''),
    recipients  text NOT NULL CHECK (recipients <> ''),
    on_date     date,
    -- "No. prev. doc.": as printed; linked when the register holds it.
    previous_reference   text NOT NULL DEFAULT '',
    previous_document_id bigint REFERENCES documents (id),
    -- A REV (or ADD, COR) links to the document it revises; both stay.
    revises_id  bigint REFERENCES documents (id),
    subject     text NOT NULL CHECK (subject <> ''),
    body_md     text NOT NULL DEFAULT '',
    status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
    -- Who may read it. 'delegations': member states, the Commission and the
    -- EEAS; 'member_states'; 'working_party': the members of working_party_id;
    -- 'named': only document_recipients. document_recipients always adds
    -- (named partners, invited observers).
    audience    text NOT NULL DEFAULT 'delegations'
                CHECK (audience IN ('delegations', 'member_states', 'working_party', 'named')),
    working_party_id bigint REFERENCES working_parties (id),
    dialogue_id bigint REFERENCES dialogues (id),
    demo        boolean NOT NULL DEFAULT false,
    version     int NOT NULL DEFAULT 1,
    created_by  bigint REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    issued_at   timestamptz,
    issued_by   bigint REFERENCES users (id),
    search      tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('portal'::regconfig, subject), 'A') ||
                    setweight(to_tsvector('portal'::regconfig, body_md), 'B')) STORED,
    CHECK (status = 'draft' OR (number IS NOT NULL AND issued_at IS NOT NULL)),
    CHECK ((audience = 'working_party') = (working_party_id IS NOT NULL)),
    CHECK (revises_id IS NULL OR revises_id <> id)
);
CREATE UNIQUE INDEX documents_reference_uq
    ON documents (series, number, year, revision, addendum, corrigendum) WHERE number IS NOT NULL;
CREATE INDEX documents_year_idx ON documents (year DESC, number DESC);
CREATE INDEX documents_marking_idx ON documents (marking);
CREATE INDEX documents_status_idx ON documents (status);
CREATE INDEX documents_previous_idx ON documents (previous_document_id);
CREATE INDEX documents_revises_idx ON documents (revises_id);
CREATE INDEX documents_working_party_idx ON documents (working_party_id);
CREATE INDEX documents_dialogue_idx ON documents (dialogue_id);
CREATE INDEX documents_created_by_idx ON documents (created_by);
CREATE INDEX documents_issued_by_idx ON documents (issued_by);
CREATE INDEX documents_search_idx ON documents USING gin (search);

CREATE TABLE document_recipients (
    document_id   bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    delegation_id bigint NOT NULL REFERENCES delegations (id),
    PRIMARY KEY (document_id, delegation_id)
);
CREATE INDEX document_recipients_delegation_idx ON document_recipients (delegation_id);

-- Distribution codes: subject code and running number ("JAI 79"); some codes
-- have no number ("EUROPOL"). A running number is unique per code and year;
-- the REVs and ADDs of a document repeat its codes (inherited), so only the
-- document that first allocated a number is held to uniqueness.
CREATE TABLE document_codes (
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position    int NOT NULL,
    code        text NOT NULL CHECK (code ~ '^[A-Z][A-Z0-9-]{1,15}$'),
    number      int CHECK (number BETWEEN 1 AND 99999),
    year        int NOT NULL CHECK (year BETWEEN 1990 AND 2099),
    inherited   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (document_id, position)
);
CREATE UNIQUE INDEX document_codes_running_uq
    ON document_codes (code, year, number) WHERE number IS NOT NULL AND NOT inherited;
CREATE INDEX document_codes_code_idx ON document_codes (code, document_id);

CREATE TABLE document_footnotes (
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    n           int NOT NULL CHECK (n BETWEEN 1 AND 999),
    body        text NOT NULL CHECK (body <> ''),
    PRIMARY KEY (document_id, n)
);

-- The questions a note puts to delegations, in order.
CREATE TABLE questions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    position    int NOT NULL CHECK (position >= 1),
    kind        text NOT NULL CHECK (kind IN ('text', 'choice', 'agreement')),
    prompt      text NOT NULL CHECK (prompt <> ''),
    UNIQUE (document_id, position)
);
CREATE TABLE question_options (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    question_id bigint NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    position    int NOT NULL CHECK (position >= 1),
    label       text NOT NULL CHECK (label <> ''),
    body        text NOT NULL CHECK (body <> ''),
    UNIQUE (question_id, position)
);

-- ---------------------------------------------------------------- rounds

-- A consultation round: the life of one set of questions, from opening to
-- deadline (instants), then closed, released and compiled.
CREATE TABLE rounds (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id      bigint NOT NULL REFERENCES documents (id),
    title            text NOT NULL CHECK (title <> ''),
    opens_at         timestamptz NOT NULL,
    deadline         timestamptz NOT NULL,
    closed_at        timestamptz,
    released_at      timestamptz,
    release_audience text NOT NULL DEFAULT 'presidency'
                     CHECK (release_audience IN ('presidency', 'member_states', 'member_states_partners')),
    compilation_document_id bigint REFERENCES documents (id),
    demo             boolean NOT NULL DEFAULT false,
    seed_key         text UNIQUE,
    created_by       bigint REFERENCES users (id),
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (deadline > opens_at)
);
CREATE INDEX rounds_document_idx ON rounds (document_id);
CREATE INDEX rounds_deadline_idx ON rounds (deadline);
CREATE INDEX rounds_compilation_idx ON rounds (compilation_document_id);
CREATE INDEX rounds_created_by_idx ON rounds (created_by);

-- The delegations a round asks, each with its own deadline extension.
CREATE TABLE round_delegations (
    round_id       bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    delegation_id  bigint NOT NULL REFERENCES delegations (id),
    extended_until timestamptz,
    extended_by    bigint REFERENCES users (id),
    extension_reason text NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, delegation_id)
);
CREATE INDEX round_delegations_delegation_idx ON round_delegations (delegation_id);
CREATE INDEX round_delegations_extended_by_idx ON round_delegations (extended_by);

-- Presidency summary paragraphs, per question, for the compilation.
CREATE TABLE round_summaries (
    round_id    bigint NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
    question_id bigint NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    body        text NOT NULL DEFAULT '',
    version     int NOT NULL DEFAULT 1,
    updated_by  bigint REFERENCES users (id),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (round_id, question_id)
);
CREATE INDEX round_summaries_question_idx ON round_summaries (question_id);
CREATE INDEX round_summaries_updated_by_idx ON round_summaries (updated_by);

-- One position per delegation and question. The row carries the latest
-- revision (for fast matrices); position_revisions keeps every save.
CREATE TABLE positions (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    round_id      bigint NOT NULL,
    question_id   bigint NOT NULL REFERENCES questions (id),
    delegation_id bigint NOT NULL,
    revision      int NOT NULL CHECK (revision >= 1),
    status        text NOT NULL CHECK (status IN ('draft', 'submitted', 'no_position', 'scrutiny_reservation')),
    option_id     bigint REFERENCES question_options (id),
    body          text NOT NULL DEFAULT '',
    late          boolean NOT NULL DEFAULT false,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (round_id, delegation_id) REFERENCES round_delegations (round_id, delegation_id),
    UNIQUE (round_id, question_id, delegation_id)
);
CREATE INDEX positions_question_idx ON positions (question_id);
CREATE INDEX positions_delegation_idx ON positions (round_id, delegation_id);
CREATE INDEX positions_option_idx ON positions (option_id);

CREATE TABLE position_revisions (
    position_id bigint NOT NULL REFERENCES positions (id) ON DELETE CASCADE,
    revision    int NOT NULL CHECK (revision >= 1),
    status      text NOT NULL CHECK (status IN ('draft', 'submitted', 'no_position', 'scrutiny_reservation')),
    option_id   bigint REFERENCES question_options (id),
    body        text NOT NULL DEFAULT '',
    late        boolean NOT NULL DEFAULT false,
    author_id   bigint REFERENCES users (id),
    -- A reply received outside the portal and recorded by the secretariat.
    proxy_source text CHECK (proxy_source IN ('email', 'note_verbale', 'letter', 'meeting')),
    demo        boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    search      tsvector GENERATED ALWAYS AS (to_tsvector('portal'::regconfig, body)) STORED,
    PRIMARY KEY (position_id, revision)
);
CREATE INDEX position_revisions_author_idx ON position_revisions (author_id);
CREATE INDEX position_revisions_option_idx ON position_revisions (option_id);
CREATE INDEX positions_search_idx ON position_revisions USING gin (search);

-- The deadline is enforced by the database at COMMIT time, so a reply that
-- reaches the database after the deadline is refused whatever the race in
-- the application: a delegation's own write must commit before its deadline
-- (the round's, or its extension) and before the round is closed. A reply
-- the secretariat records on a delegation's behalf (proxy_source set) may
-- come later, but must then be flagged late.
CREATE FUNCTION position_revisions_check_deadline() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE CONSTRAINT TRIGGER position_revisions_deadline
    AFTER INSERT ON position_revisions
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION position_revisions_check_deadline();

-- ---------------------------------------------------------------- meetings

CREATE TABLE meetings (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL for COSI's own meetings.
    dialogue_id   bigint REFERENCES dialogues (id),
    level         text NOT NULL CHECK (level IN ('cosi', 'cosi_sg', 'som', 'ministerial', 'technical')),
    title         text NOT NULL CHECK (title <> ''),
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    -- The zone of the venue, for showing local times beside Brussels time.
    time_zone     text NOT NULL DEFAULT 'Europe/Brussels',
    venue         text NOT NULL DEFAULT '',
    city          text NOT NULL DEFAULT '',
    format        text NOT NULL DEFAULT 'in_person' CHECK (format IN ('in_person', 'hybrid', 'videoconference')),
    presidency_id bigint REFERENCES presidencies (id),
    status        text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'confirmed', 'held', 'cancelled')),
    cancel_reason text NOT NULL DEFAULT '',
    back_to_back_id bigint REFERENCES meetings (id),
    note          text NOT NULL DEFAULT '',
    demo          boolean NOT NULL DEFAULT false,
    -- Natural key of meetings loaded from a dataset, so reloading is idempotent.
    seed_key      text UNIQUE,
    version       int NOT NULL DEFAULT 1,
    updated_by    bigint REFERENCES users (id),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CHECK ((status = 'cancelled') = (cancel_reason <> '')),
    CHECK ((level IN ('cosi', 'cosi_sg')) OR dialogue_id IS NOT NULL),
    CHECK (back_to_back_id IS NULL OR back_to_back_id <> id)
);
CREATE INDEX meetings_starts_idx ON meetings (starts_at);
CREATE INDEX meetings_dialogue_idx ON meetings (dialogue_id, starts_at);
CREATE INDEX meetings_level_idx ON meetings (level, starts_at);
CREATE INDEX meetings_presidency_idx ON meetings (presidency_id);
CREATE INDEX meetings_back_to_back_idx ON meetings (back_to_back_id);
CREATE INDEX meetings_updated_by_idx ON meetings (updated_by);

-- Every change to a meeting is kept: the row as it was before each edit.
CREATE TABLE meeting_history (
    meeting_id bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    version    int NOT NULL,
    snapshot   jsonb NOT NULL,
    changed_by bigint REFERENCES users (id),
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meeting_id, version)
);
CREATE INDEX meeting_history_changed_by_idx ON meeting_history (changed_by);

CREATE TABLE agenda_items (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meeting_id  bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    position    int NOT NULL CHECK (position >= 1),
    kind        text NOT NULL CHECK (kind IN ('discussion', 'information', 'concluded')),
    title       text NOT NULL CHECK (title <> ''),
    document_id bigint REFERENCES documents (id),
    round_id    bigint REFERENCES rounds (id),
    UNIQUE (meeting_id, position) DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX agenda_items_document_idx ON agenda_items (document_id);
CREATE INDEX agenda_items_round_idx ON agenda_items (round_id);
CREATE TABLE agenda_item_priorities (
    agenda_item_id bigint NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    priority_id    bigint NOT NULL REFERENCES priorities (id),
    PRIMARY KEY (agenda_item_id, priority_id)
);
CREATE INDEX agenda_item_priorities_priority_idx ON agenda_item_priorities (priority_id);

CREATE TABLE meeting_invitations (
    meeting_id    bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    delegation_id bigint NOT NULL REFERENCES delegations (id),
    reply         text NOT NULL DEFAULT 'none' CHECK (reply IN ('none', 'attending', 'declined')),
    level         text CHECK (level IN ('minister', 'senior_official', 'expert')),
    attendees     text NOT NULL DEFAULT '',
    attended      boolean,
    replied_by    bigint REFERENCES users (id),
    replied_at    timestamptz,
    PRIMARY KEY (meeting_id, delegation_id),
    CHECK (reply <> 'attending' OR level IS NOT NULL)
);
CREATE INDEX meeting_invitations_delegation_idx ON meeting_invitations (delegation_id);
CREATE INDEX meeting_invitations_replied_by_idx ON meeting_invitations (replied_by);

-- Minutes go draft -> circulated -> final; a final version is locked and a
-- correction is a new version.
CREATE TABLE minutes (
    meeting_id bigint NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    version    int NOT NULL CHECK (version >= 1),
    status     text NOT NULL CHECK (status IN ('draft', 'circulated', 'final')),
    body_md    text NOT NULL DEFAULT '',
    updated_by bigint REFERENCES users (id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (meeting_id, version)
);
CREATE INDEX minutes_updated_by_idx ON minutes (updated_by);

CREATE TABLE action_points (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dialogue_id bigint REFERENCES dialogues (id),
    meeting_id  bigint REFERENCES meetings (id) ON DELETE CASCADE,
    title       text NOT NULL CHECK (title <> ''),
    owner       text NOT NULL DEFAULT '',
    owner_delegation_id bigint REFERENCES delegations (id),
    due_on      date,
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in_progress', 'done', 'dropped')),
    CHECK (dialogue_id IS NOT NULL OR meeting_id IS NOT NULL)
);
CREATE INDEX action_points_dialogue_idx ON action_points (dialogue_id, status);
CREATE INDEX action_points_meeting_idx ON action_points (meeting_id);
CREATE INDEX action_points_owner_delegation_idx ON action_points (owner_delegation_id);

-- Action tracking as in the annex of the Commission President's letter:
-- rows grouped by section, with what is under way and the next steps. The
-- timeline is kept as written ("Q1 2024", "tbc") and, where it can be
-- derived, as a date range.
CREATE TABLE action_tracking (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source        text NOT NULL CHECK (source <> ''),
    section       text NOT NULL CHECK (section IN ('PREVENTION', 'RESPONSE', 'OUTREACH AND BROADER COOPERATION', 'ACTION PLANS')),
    position      int NOT NULL,
    heading       text NOT NULL DEFAULT '',
    topic         text NOT NULL DEFAULT '',
    ongoing       text NOT NULL DEFAULT '',
    next_steps    text NOT NULL DEFAULT '',
    timeline_text text NOT NULL DEFAULT '',
    due_from      date,
    due_to        date,
    UNIQUE (source, position),
    CHECK (due_from IS NULL OR due_to IS NULL OR due_from <= due_to)
);

-- ---------------------------------------------------------------- audit

-- Append-only: who did what, when and from where. The database itself
-- refuses to change or remove a row.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    user_id     bigint REFERENCES users (id),
    actor       text NOT NULL DEFAULT '',
    action      text NOT NULL CHECK (action ~ '^[a-z][a-z_.]{2,63}$'),
    object_type text NOT NULL DEFAULT '',
    object_id   bigint,
    detail      jsonb NOT NULL DEFAULT '{}',
    remote_addr text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_user_idx ON audit_log (user_id, at DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, at DESC);
CREATE INDEX audit_log_object_idx ON audit_log (object_type, object_id);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Bookkeeping of the demo loader (which dataset version was loaded when).
CREATE TABLE demo_loads (
    version   text PRIMARY KEY,
    loaded_at timestamptz NOT NULL DEFAULT now()
);
