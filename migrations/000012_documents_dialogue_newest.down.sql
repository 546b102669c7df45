CREATE INDEX documents_dialogue_idx ON documents (dialogue_id);
DROP INDEX documents_dialogue_newest_idx;
