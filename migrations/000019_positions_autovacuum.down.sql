ALTER TABLE positions RESET (autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor);
