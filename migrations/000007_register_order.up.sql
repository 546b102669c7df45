-- The register filtered by year and marking (LIMITE) reads that year's
-- documents of that marking in the list's order and stops at the page: by
-- (year, marking) alone it read and sorted all of them, a year's worth.
CREATE INDEX documents_year_marking_newest_idx
    ON documents (year, marking, doc_date DESC, number DESC, id DESC);
DROP INDEX documents_year_marking_idx;
