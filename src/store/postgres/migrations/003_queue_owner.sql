-- twitch-osint schema 3: each writer compacts its own queued messages.
-- Applied by src/store/postgres/migrate.ts in one transaction, under an advisory lock.

-- A writer folds the messages it queued in memory as it stores them, and its compaction takes
-- its own queue rows (by seq); another writer's rows are left to it, unless they have waited
-- longer than a minute (their writer stopped or crashed before compacting), then any compactor
-- reads them back and folds them. `queued_at` says how long a row has waited.
ALTER TABLE rollup_pending ADD COLUMN queued_at timestamptz NOT NULL DEFAULT now();
-- Rows are only ever inserted once per (message, kind) by the append that stored the message,
-- and deleted by key or by seq (a compaction scans the queue, which it keeps short): the primary
-- key's index was one more insertion per row.
ALTER TABLE rollup_pending DROP CONSTRAINT rollup_pending_pkey;
