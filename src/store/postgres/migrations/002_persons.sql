-- twitch-osint schema 2: rollups by person (issue 16), folded from a queue of new messages, and
-- the persons' logins and display names kept beside them.
-- Applied by src/store/postgres/migrate.ts in one transaction, under an advisory lock.

-- A user rollup is now a person's: keyed by `#<user_id>` (or the login of a person without
-- id), as the embedded store keys them. Rollups of schema 1 were keyed by login: they are
-- dropped here and rebuilt from the messages by the program when it opens the database
-- (`rebuild_persons` below; `db migrate` does it with the migration).
DELETE FROM rollups WHERE kind = 0;
INSERT INTO osint_meta (key, value)
  SELECT 'rebuild_persons', '1' WHERE EXISTS (SELECT 1 FROM messages)
  ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- The rollups each new message has yet to be folded into: one row per (message, person) and
-- (message, channel), inserted by the append that stored the message, in its transaction.
-- Appends only insert here (no row is updated by two writers, so no writer waits for another
-- and no update can be lost); a compaction folds the queued messages into `rollups` and deletes
-- their rows in one commit (one compactor at a time: `LOCK TABLE rollups IN SHARE ROW
-- EXCLUSIVE MODE`, which appends never take); a read merges a rollup with its queued messages.
-- Every aggregate is a function of the set of messages folded in, so either way is exact.
CREATE TABLE rollup_pending (
  seq bigint NOT NULL,
  kind smallint NOT NULL,
  name text COLLATE "C" NOT NULL,
  PRIMARY KEY (seq, kind)
);
CREATE INDEX rollup_pending_key ON rollup_pending (kind, name);

-- Every login of every person: first seen, last seen (with the message id, which orders equal
-- times), messages under it. Updated by each append with its new messages' sums (INSERT ... ON
-- CONFLICT DO UPDATE: commutative, so two writers never lose an update). The identity reads
-- (`users find`, timeline, renames) come from here, not from the rollups.
CREATE TABLE person_logins (
  person text COLLATE "C" NOT NULL,
  login text COLLATE "C" NOT NULL,
  first_seen text COLLATE "C" NOT NULL,
  last_seen text COLLATE "C" NOT NULL,
  last_mid text COLLATE "C" NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (person, login)
);
CREATE INDEX person_logins_login ON person_logins (login);

-- Every display name each person showed.
CREATE TABLE person_display (
  person text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  PRIMARY KEY (person, name)
);
