/**
 * What one record of an imported file becomes (a message draft, an event, nothing worth keeping,
 * or a problem), the rule for `--channel`, and the per-file plumbing every format shares: a
 * format reads one file into batches of outcomes, and {@link fileSource} turns that into a
 * chat source like the live client and the fixture replay.
 *
 * @module
 */
import type { ChatEvent } from "../schemas.ts";
import { InputError } from "../errors.ts";
import type { ChatBatch, ChatItem, ChatSource, MessageDraft } from "../chat/source.ts";
import { JsonStreamError } from "./json_stream.ts";

/** The formats an import reads, in the order detection tries them. */
export const IMPORT_FORMATS = [
  "twitchdownloader",
  "chat-downloader",
  "justlog",
  "irc",
  "chatterino",
] as const;
/** One of {@link IMPORT_FORMATS}. */
export type ImportFormat = typeof IMPORT_FORMATS[number];

/** What one record (a line, a JSON element) of an imported file is. */
export type Outcome =
  | { kind: "message"; draft: MessageDraft }
  | { kind: "event"; event: ChatEvent }
  /** Not chat (server chatter, a system line, a kind of record this import does not keep). */
  | { kind: "skip" }
  /** `where` (`file:line`, `file:record N`) is set by the file reader, not the pure parser. */
  | { kind: "problem"; reason: string; where?: string };

/** Skips a record. */
export const SKIP: Outcome = { kind: "skip" };

/** A problem outcome, at `where` when the caller knows it. */
export function problem(reason: string, where?: string): Outcome {
  return where === undefined ? { kind: "problem", reason } : { kind: "problem", reason, where };
}

/**
 * `--channel`: names the channel when a format does not carry it, and must agree with the
 * channel a format does carry.
 */
export class ChannelRule {
  /** The normalized `--channel`, if given. */
  readonly given: string | undefined;
  constructor(given: string | undefined) {
    this.given = given;
  }

  /** Throws an {@link InputError} at `where` when `found` disagrees with `--channel`. */
  check(found: string, where: string): void {
    if (this.given !== undefined && found !== this.given) {
      throw new InputError(
        where,
        `the file says channel "${found}", but --channel is "${this.given}"`,
      );
    }
  }

  /** The channel of a file that names none: `--channel`, else an error saying `why` at `where`. */
  require(where: string, why: string): string {
    if (this.given === undefined) throw new InputError(where, `${why}: pass --channel`);
    return this.given;
  }
}

/** Running figures of an import, read by the progress line and the summary. */
export interface ImportStats {
  /** The file being read. */
  file: string;
  filesDone: number;
  filesTotal: number;
  /** Records read (lines or JSON elements that were not blank). */
  records: number;
  /** Records that are not chat (server chatter, system lines). */
  skipped: number;
}

/** A fresh {@link ImportStats}. */
export function newImportStats(filesTotal = 0): ImportStats {
  return { file: "", filesDone: 0, filesTotal, records: 0, skipped: 0 };
}

/** What reading one file needs besides its path. */
export interface FileContext {
  channel: ChannelRule;
  /** Minutes to subtract from local clock times (Chatterino) to get UTC. @default 0 */
  utcOffsetMinutes: number;
}

/** `o`, with `where` when it is a problem (the only outcome that is reported by place). */
export function at(o: Outcome, where: string): Outcome {
  return o.kind === "problem" ? { kind: "problem", reason: o.reason, where } : o;
}

/** Reads one file of a format: batches of outcomes (problems located), in file order. */
export type FileReader = (path: string, ctx: FileContext) => AsyncGenerator<Outcome[]>;

/** Options of the import sources. */
export interface ImportOptions {
  /** `--channel`, normalized. */
  channel?: string;
  /** See {@link FileContext.utcOffsetMinutes}. @default 0 */
  utcOffsetMinutes?: number;
  /** Filled while the source runs. */
  stats?: ImportStats;
}

/**
 * A chat source over `files`, each read by the reader of its format, handed over a batch of
 * items per batch read. Problems become `problem` items; skipped records are only counted.
 * Stops between batches when aborted.
 */
export function fileSource(
  files: readonly { path: string; reader: FileReader }[],
  options: ImportOptions = {},
): ChatSource {
  const ctx: FileContext = {
    channel: new ChannelRule(options.channel),
    utcOffsetMinutes: options.utcOffsetMinutes ?? 0,
  };
  const stats = options.stats ?? newImportStats();
  stats.filesTotal = files.length;
  return async function* (signal: AbortSignal): AsyncGenerator<ChatItem | ChatBatch> {
    for (const { path, reader } of files) {
      if (signal.aborted) return;
      stats.file = path;
      const batches = reader(path, ctx);
      try {
        for await (const batch of batches) {
          stats.records += batch.length;
          // One hand-over per batch read, not one per record: an await per record costs as
          // much as parsing it.
          const items: ChatItem[] = [];
          for (let k = 0; k < batch.length; k++) {
            const o = batch[k]!;
            // Messages and events have the shape of chat items: they go out as they are.
            if (o.kind === "message" || o.kind === "event") items.push(o);
            else if (o.kind === "skip") stats.skipped++;
            else items.push({ kind: "problem", where: o.where ?? path, reason: o.reason });
          }
          if (items.length) yield { kind: "batch", items };
          if (signal.aborted) return;
        }
      } catch (e) {
        // A file that ends early or cannot be decompressed: what came before it is kept, the
        // file is reported, and the next one is read. Errors of ours (a --channel that
        // disagrees) stop the import.
        const corrupt = e instanceof TypeError && /corrupt|gzip|deflate/i.test(e.message);
        if (!(e instanceof JsonStreamError || corrupt)) throw e;
        yield { kind: "problem", where: path, reason: e.message };
      } finally {
        await batches.return(undefined);
      }
      stats.filesDone++;
    }
  };
}
