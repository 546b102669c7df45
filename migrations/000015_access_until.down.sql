ALTER TABLE users DROP COLUMN access_until;
