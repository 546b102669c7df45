-- Every save of a reply leaves its old row version behind, in the month
-- of the newest replies, which every search reads first (its window of
-- recent replies, migration 000018): the index lists the dead versions
-- beside the live ones until a vacuum removes them. PostgreSQL's default
-- waits for a fifth of the table (21,000 saves on ten years of replies,
-- several deadlines); 6,000 dead versions in the newest months made a
-- member state's search for a common word 65 % slower (BenchmarkSearch on
-- the bench's ten years). Vacuuming after some 1,000 + 1 % of the rows
-- instead costs about 40 ms each time on that table.
ALTER TABLE positions SET (autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0.01);
