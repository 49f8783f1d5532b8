-- twitch-osint schema 5: the persons' login spans and display names are added by the
-- compaction that folds their messages into the rollups, instead of by every append.
-- Reversible: migrations/down/005_spans_at_compaction.sql.
-- Applied by src/store/postgres/migrate.ts in one transaction, under an advisory lock.
--
-- Schema 4 upserted the spans of each append's new messages in the statement that stored them:
-- a sixth of the server's work per message, and rows two monitors waited for each other on
-- (both update the spans of the same busy persons, each waiting for the other's commit). Now a
-- compaction upserts each person's spans once for all the queue entries it takes, in the
-- transaction that deletes them; until then every read adds the spans of the queued entries
-- whose person is still set (src/store/postgres/persons.ts), in the same statement, so a read
-- sees each message's span exactly once, before or after.
--
-- So that neither needs the stored JSON nor a look-up per message, each queue row carries
-- beside every message its login (`logins`), time (`tss`, the `ts` as written), id (`mids`) and
-- display name (`displays`, NULL when none); a forget clears a person's logins, ids and display
-- names with their entries. A row without `tss` had its spans added when it was queued, by a
-- schema 4 writer: a compaction folds those into the rollups, not into the spans. New rows must
-- carry them (checked for new rows only, `NOT VALID`): a schema 4 program still running while
-- this is applied fails to queue (its lines stay in its log until it is upgraded) rather than
-- compact messages of schema 5 without adding their spans.
ALTER TABLE rollup_queue ADD COLUMN logins text[] COLLATE "C", ADD COLUMN tss text[] COLLATE "C",
  ADD COLUMN mids text[] COLLATE "C", ADD COLUMN displays text[] COLLATE "C";
ALTER TABLE rollup_queue ADD CONSTRAINT rollup_queue_times CHECK (tss IS NOT NULL) NOT VALID;

-- A queue row (the arrays of one append: tens to hundreds of KB) is written once, read by the
-- compaction, and deleted: its arrays are kept out of line uncompressed (`EXTERNAL`). With
-- the default (`EXTENDED`) every append compressed them with pglz, 3-4% of the server's CPU
-- per message (perf, 100k push), to save a few MB that live for seconds.
ALTER TABLE rollup_queue ALTER COLUMN seqs SET STORAGE EXTERNAL,
  ALTER COLUMN persons SET STORAGE EXTERNAL, ALTER COLUMN channels SET STORAGE EXTERNAL,
  ALTER COLUMN logins SET STORAGE EXTERNAL, ALTER COLUMN tss SET STORAGE EXTERNAL,
  ALTER COLUMN mids SET STORAGE EXTERNAL, ALTER COLUMN displays SET STORAGE EXTERNAL;
