/**
 * The tables of the embedded index (`data/index.sqlite`) and its version.
 *
 * - `messages`: one row per log line (rowid in log order) with the epoch-ms `ts`, the user,
 *   person and channel as ids from `names`, the `message_id`, the FOLDED text (see `fold` in
 *   `normalize.ts`) and the line's byte offset and length in the log. Records are read back
 *   from the log itself, so the index stays small and never disagrees with the canonical file
 *   about a record.
 * - B-tree indexes on (channel, ts) and (ts): a channel's messages, or a time window, newest
 *   first, without sorting. The channel index holds no text: a channel has far more rows than a
 *   person, so a copy of the text costs ingest more than it saves the rarer "channel + word".
 * - `person_rows`: a copy of each messages row clustered by (segment, person, ts, message_id):
 *   one person's messages in time order from one B-tree alone. It serves a timeline (`raw` or
 *   `text` is the text as the record has it; `extra` marks records with hits or signals, the
 *   only ones a timeline reads from the log: see `person_rows.ts`), and a user's search too:
 *   `user_persons` lists the persons who wrote under each login (almost always one), so "user
 *   + word" walks those persons' rows with the user and the needles checked there, without
 *   visiting the messages table. It is a table of its own rather than an index on `messages`
 *   so that a catch-up fills it once per commit, from the rows it has just added (`INSERT ...
 *   SELECT`): an index on `messages` took each row in log order, a random place among 20,000
 *   persons' rows, and at 1M rows (104 MB, over the writer's 64 MB page cache) the same leaf
 *   pages were read, dirtied and spilled several times per commit (the index writer alone over
 *   the same 1M-line log, alternating: 14.7 and 16.9 CPU-s with the index, 12.9 and 13.0 with
 *   the table filled in key order). Its key leads with a segment (`seg`, 2^17 consecutive
 *   rowids: see `person_segments.ts`): keyed by person alone, each commit still put its rows at
 *   ~20,000 places in a tree larger than the page cache, so the pages a commit wrote grew with
 *   the table (largest WAL 159 MB at 1M rows, 11 CPU-s of system time at 2M); by segment, a
 *   commit writes only the newest segment's pages, which stay cached (99 MB, 3.7 CPU-s), and
 *   readers seek once per segment and merge. It is the only copy of the text beside the table: a (user, ts, text)
 *   index held a second one (0.22x the log at 2M).
 * - `fts`: FTS5 over the folded text with the trigram tokenizer (`case_sensitive 1`, since the
 *   text is folded already; `detail=none` keeps it 2.5x smaller and twice as fast to build;
 *   `columnsize=0` drops the per-row size table, which only ranking reads: FTS inserts ~30%
 *   cheaper), filled by one INSERT ... SELECT per committed batch, with `automerge` 16
 *   (segments merged less eagerly while ingesting: about a third less FTS work per row). See
 *   `fts_expression.ts` for how needles are looked up in it.
 * - `meta`: the schema version and the log mark: how many bytes of the log are indexed, and
 *   hashes of the first and of the last 4 KiB of that prefix, so that a log that was replaced
 *   or rewritten (forget, retention) is noticed and the index rebuilt.
 * - the event index and the interactions (`event_index.ts`, `interaction_index.ts`).
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { INDEX_SCHEMA } from "./message_index_schema.ts";
 * ok(INDEX_SCHEMA.includes("CREATE VIRTUAL TABLE IF NOT EXISTS fts"));
 * ```
 *
 * @module
 */
import { EVENT_INDEX_SCHEMA } from "./event_index.ts";
import { INTERACTION_SCHEMA } from "./interaction_index.ts";
import { SEGMENT_SCHEMA } from "./person_segments.ts";

/** Bumped when the layout changes: an index of another version is dropped and rebuilt. */
// 7: the person of each message (`pid`), the event index and the interactions (issue 16).
// 8: the text as written (`raw`, when folding changes it) and `extra` (hits or signals), so
// the person index alone answers a timeline.
// 9: no (user, ts, text) index: the person index holds the folded text and answers a user's
// search through `user_persons`.
// 10: the person index became the `person_rows` table, filled in (person, ts) order at each
// commit instead of one random insert per row (see above).
// 11: `person_rows` keyed by segment first (`seg`, 2^17 rowids each) and `person_segments`,
// so that a commit writes into the newest segment only (see `person_segments.ts`).
export const INDEX_VERSION = "11";

/** The SQL that creates the index's tables (each statement idempotent). */
export const INDEX_SCHEMA = `
CREATE TABLE IF NOT EXISTS names(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS messages(
  rid INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  pid INTEGER NOT NULL,
  cid INTEGER NOT NULL,
  mid TEXT NOT NULL,
  text TEXT NOT NULL,
  raw TEXT,
  extra INTEGER NOT NULL,
  off INTEGER NOT NULL,
  len INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS user_persons(
  uid INTEGER NOT NULL, pid INTEGER NOT NULL, PRIMARY KEY(uid, pid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS messages_channel ON messages(cid, ts);
CREATE INDEX IF NOT EXISTS messages_ts ON messages(ts);
CREATE TABLE IF NOT EXISTS person_rows(
  seg INTEGER NOT NULL,
  pid INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  mid TEXT NOT NULL,
  rid INTEGER NOT NULL,
  cid INTEGER NOT NULL,
  uid INTEGER NOT NULL,
  extra INTEGER NOT NULL,
  off INTEGER NOT NULL,
  len INTEGER NOT NULL,
  text TEXT NOT NULL,
  raw TEXT,
  PRIMARY KEY(seg, pid, ts, mid, rid)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
  text, content='messages', content_rowid='rid', tokenize='trigram case_sensitive 1',
  detail=none, columnsize=0
);
${SEGMENT_SCHEMA}
${EVENT_INDEX_SCHEMA}
${INTERACTION_SCHEMA}
`;

/**
 * The page size of a new index. 8 KiB pages against the default 4 KiB: a catch-up commit
 * writes every page its inserts dirtied, and the (user, ts, text) index spreads them over the
 * whole tree, so half as many pages meant a quarter less commit time (bench/ingest.ts).
 */
export const INDEX_PAGE_SIZE = 8192;
