-- An account's last day of access, in Brussels (NULL: no end). Presidency
-- officers read every draft and every reply: their access ends with the
-- Presidency they serve, without waiting for someone to disable them. The
-- portal checks it by the database's clock wherever it checks disabled_at
-- (sign-in, sessions, password links, calendar feeds).
ALTER TABLE users ADD COLUMN access_until date;
