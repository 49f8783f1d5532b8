-- Takes a schema 4 database back to schema 3, for an older twitch-osint. Stop every monitor
-- first, then run it in one transaction:
--   psql "$OSINT_DATABASE_URL" -v ON_ERROR_STOP=1 -1 -f src/store/postgres/migrations/down/004_write_path.sql
-- Nothing stored is lost: messages, events, logins, display names and opt-out lists are the
-- same in both schemas. Rollups stored in parts cannot be merged in SQL, so every rollup is
-- dropped and every stored message queued again the way schema 3 queues (a row per message and
-- rollup), old enough that the first compaction of a schema 3 program folds them all.
CREATE TABLE rollup_pending (
  seq bigint NOT NULL,
  kind smallint NOT NULL,
  name text COLLATE "C" NOT NULL,
  queued_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rollup_pending_key ON rollup_pending (kind, name);
INSERT INTO rollup_pending (seq, kind, name, queued_at)
SELECT seq, k.kind, k.name, now() - interval '1 day'
FROM (
  SELECT seq, channel, user_name, (record::jsonb) ->> 'user_id' AS uid FROM messages
) m CROSS JOIN LATERAL (VALUES
  (0::smallint, CASE WHEN m.uid IS NULL OR m.uid = '' THEN m.user_name ELSE '#' || m.uid END),
  (1::smallint, m.channel)
) AS k(kind, name);
DROP TABLE rollup_queue;

DELETE FROM rollups;
ALTER TABLE rollups DROP CONSTRAINT rollups_pkey;
ALTER TABLE rollups DROP COLUMN part;
ALTER TABLE rollups ADD PRIMARY KEY (kind, name);

DROP INDEX messages_user;
DROP INDEX messages_channel;
DROP INDEX messages_ts;
CREATE INDEX messages_user ON messages (user_name, ts_ms DESC, message_id);
CREATE INDEX messages_channel ON messages (channel, ts_ms DESC, message_id);
CREATE INDEX messages_ts ON messages (ts_ms DESC, message_id);

ALTER TABLE person_logins RESET (fillfactor);

DELETE FROM osint_schema WHERE version = 4;
