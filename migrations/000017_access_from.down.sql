ALTER TABLE users DROP CONSTRAINT users_access_days, DROP COLUMN access_from;
