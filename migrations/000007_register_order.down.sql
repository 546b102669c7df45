CREATE INDEX documents_year_marking_idx ON documents (year, marking);
DROP INDEX documents_year_marking_newest_idx;
