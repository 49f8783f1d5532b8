-- Takes a schema 5 database back to schema 4, for an older twitch-osint. Stop every monitor
-- first, then run it in one transaction:
--   psql "$OSINT_DATABASE_URL" -v ON_ERROR_STOP=1 -1 -f src/store/postgres/migrations/down/005_spans_at_compaction.sql
-- Nothing is lost: the login spans and display names of the queued messages that no compaction
-- has added yet are added here (schema 4 keeps every queued message's spans in `person_logins`
-- and `person_display`).
CREATE TEMPORARY TABLE queued_spans ON COMMIT DROP AS
SELECT u.person, u.login, u.mid AS message_id, u.ts, u.display
FROM rollup_queue q
  CROSS JOIN LATERAL unnest(q.persons, q.logins, q.tss, q.mids, q.displays)
    AS u(person, login, ts, mid, display)
WHERE q.tss IS NOT NULL AND u.person IS NOT NULL;
INSERT INTO person_logins AS p (person, login, first_seen, last_seen, last_mid, count)
SELECT person, login, min(ts), max(ts), (array_agg(message_id ORDER BY ts DESC, message_id))[1],
  count(*)
FROM queued_spans
GROUP BY person, login
ORDER BY person, login
ON CONFLICT (person, login) DO UPDATE SET
  count = p.count + excluded.count,
  first_seen = LEAST(p.first_seen, excluded.first_seen),
  last_seen = CASE WHEN (excluded.last_seen, p.last_mid) > (p.last_seen, excluded.last_mid)
    THEN excluded.last_seen ELSE p.last_seen END,
  last_mid = CASE WHEN (excluded.last_seen, p.last_mid) > (p.last_seen, excluded.last_mid)
    THEN excluded.last_mid ELSE p.last_mid END;
INSERT INTO person_display (person, name)
SELECT DISTINCT person, display FROM queued_spans WHERE display IS NOT NULL
ON CONFLICT DO NOTHING;
ALTER TABLE rollup_queue DROP CONSTRAINT rollup_queue_times;
ALTER TABLE rollup_queue DROP COLUMN logins, DROP COLUMN tss, DROP COLUMN mids,
  DROP COLUMN displays;
ALTER TABLE rollup_queue ALTER COLUMN seqs SET STORAGE EXTENDED,
  ALTER COLUMN persons SET STORAGE EXTENDED, ALTER COLUMN channels SET STORAGE EXTENDED;
DELETE FROM osint_schema WHERE version = 5;
