-- Indexes the benchmark on ten years of data asked for (make bench):
-- the register and the home page sort documents newest first; the home
-- pages look for the rounds still open; the filtered register combines
-- year and marking.
CREATE INDEX documents_newest_idx ON documents (doc_date DESC, year DESC, number DESC NULLS FIRST, id DESC);
CREATE INDEX documents_year_marking_idx ON documents (year, marking);
CREATE INDEX rounds_open_idx ON rounds (deadline) WHERE closed_at IS NULL;
