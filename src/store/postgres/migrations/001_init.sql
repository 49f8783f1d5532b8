-- twitch-osint schema 1: messages, events, rollups, opt-out lists.
-- Applied by src/store/postgres/migrate.ts in one transaction, under an advisory lock.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One row per chat message, whichever monitor saw it first (message_id is unique).
-- `record` is the message's JSON exactly as the JSONL log holds it, so every view prints the
-- same bytes as the embedded store; `folded` is fold(text) (lowercase, well-formed, no NUL),
-- the text `--contains` matches against, with a trigram index.
CREATE TABLE messages (
  seq bigserial PRIMARY KEY,
  message_id text COLLATE "C" NOT NULL UNIQUE,
  ts_ms bigint NOT NULL,
  user_name text COLLATE "C" NOT NULL,
  channel text COLLATE "C" NOT NULL,
  folded text COLLATE "C" NOT NULL,
  record text NOT NULL
);
CREATE INDEX messages_user ON messages (user_name, ts_ms DESC, message_id);
CREATE INDEX messages_channel ON messages (channel, ts_ms DESC, message_id);
CREATE INDEX messages_ts ON messages (ts_ms DESC, message_id);
CREATE INDEX messages_folded ON messages USING gin (folded gin_trgm_ops);

-- Chat events (USERNOTICE, CLEARMSG, ...): `record` as in data/logs/events.jsonl.
CREATE TABLE events (
  seq bigserial PRIMARY KEY,
  event_id text COLLATE "C" NOT NULL UNIQUE,
  ts text COLLATE "C" NOT NULL,
  ts_ms bigint NOT NULL,
  kind text NOT NULL,
  user_name text COLLATE "C",
  channel text COLLATE "C" NOT NULL,
  target_message_id text COLLATE "C",
  folded text COLLATE "C" NOT NULL,
  record text NOT NULL
);
CREATE INDEX events_ts ON events (ts DESC, event_id);
CREATE INDEX events_target ON events (target_message_id) WHERE target_message_id IS NOT NULL;

-- Rollup state of each user (kind 0) and channel (kind 1): the encoded state of
-- src/analysis/rollups.ts, updated under a row lock by the writer that stored the messages.
CREATE TABLE rollups (
  kind smallint NOT NULL,
  name text COLLATE "C" NOT NULL,
  version bigint NOT NULL DEFAULT 0,
  state text,
  PRIMARY KEY (kind, name)
);

-- Opt-out lists of the fleet (kind 0 user, 1 channel).
CREATE TABLE optout (
  kind smallint NOT NULL,
  name text COLLATE "C" NOT NULL,
  PRIMARY KEY (kind, name)
);

-- Facts about this database: `instance`, a random id made once, lets each monitor's journal
-- tell this database from another one at the same address (recreated empty: push everything).
CREATE TABLE osint_meta (
  key text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO osint_meta (key, value) VALUES ('instance', gen_random_uuid()::text);
