-- An account's first day of access, in Brussels (NULL: from its creation).
-- The incoming Presidency's staff are invited before the handover: they
-- set their password then, and sign in (and read every draft and reply)
-- from the first day of their Presidency. Password links work before it;
-- sign-in, sessions and calendar feeds do not.
ALTER TABLE users
    ADD COLUMN access_from date,
    ADD CONSTRAINT users_access_days CHECK (access_from IS NULL OR access_until IS NULL OR access_from <= access_until);
