/**
 * Streaming JSON: the elements of one big array (a file's top-level array, or the array under
 * one key of its top-level object) parsed one at a time, in constant memory whatever the file's
 * size. Small top-level members named in `keep` (e.g. TwitchDownloader's `streamer`) are parsed
 * whole and handed over; everything else (e.g. megabytes of embedded images) is only scanned.
 *
 * The scanner follows strings (jumping to the closing quote with `indexOf`) and bracket depth,
 * and cuts each element's text at the `,` or `]` that ends it at the array's depth; each element
 * is then `JSON.parse`d on its own, so one malformed record is reported (`record N`) and the
 * rest go on. Two shortcuts keep most elements from being scanned a character at a time: a
 * caller's {@link ElementReader} for a layout it knows, tried where each element starts, and a
 * guess at the chunk's last element boundary that one `JSON.parse` of the run before it
 * confirms.
 *
 * @module
 */

/** One element of the streamed array (numbered from 1), or why it could not be parsed. */
export type JsonRecord = { record: number; value: unknown } | { record: number; error: string };

/**
 * Reads one element in a layout the caller knows, from index `at` of `text` (an element's
 * first character): its value and the index just past it, or undefined when the text there is
 * not in that layout or not all there (then the element is cut and `JSON.parse`d as usual).
 * It must accept only valid JSON, and the value may hold only the fields the caller reads, each
 * as `JSON.parse` would give it.
 */
export type ElementReader = (
  text: string,
  at: number,
) => { value: unknown; end: number } | undefined;

/** Options of {@link jsonArrayRecords}. */
export interface JsonStreamOptions {
  /** The top-level object's key whose array is streamed; null: the top level is the array. */
  arrayKey: string | null;
  /** Top-level members to parse whole and store into `head`. @default none */
  keep?: readonly string[];
  /** Where kept members go (filled as they are met, before or after the array). */
  head?: Record<string, unknown>;
  /** Longest element accepted, in characters; longer ones are reported. @default 16 MiB */
  maxRecordChars?: number;
  /** Reads elements in a layout the caller knows, faster than `JSON.parse`. @default none */
  element?: ElementReader;
}

/** The structural problem that stops a stream (the input is not the JSON it claimed to be). */
export class JsonStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JsonStreamError";
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const MAX_STRING = 64 * 1024 * 1024;
/** Bytes decoded and scanned at a time. */
const TEXT_PIECE = 64 * 1024;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** The first index at or after `i` of `s` that is not JSON whitespace. */
function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** The index of the quote that closes the string opened at `open`, or -1 when `s` ends first. */
function closingQuote(s: string, open: number): number {
  let j = s.indexOf('"', open + 1);
  while (j !== -1) {
    let k = j - 1;
    let backslashes = 0;
    while (k > open && s.charCodeAt(k) === BACKSLASH) {
      backslashes++;
      k--;
    }
    if ((backslashes & 1) === 0) return j;
    j = s.indexOf('"', j + 1);
  }
  return -1;
}

/** `JSON.parse` of one element's text, as a record (a blank text is no element). */
function parseElement(text: string, record: number): JsonRecord {
  try {
    return { record, value: JSON.parse(text) };
  } catch (e) {
    return { record, error: `bad JSON (${(e as Error).message.split("\n")[0]})` };
  }
}

/**
 * The scanner's state across chunks: where it is in the document (depth, the top-level key
 * being read), the text of the element or kept member being cut, and the run of whole elements
 * of the current text waiting to be parsed together.
 */
class ArrayScanner {
  readonly #keep: ReadonlySet<string>;
  readonly #head: Record<string, unknown>;
  readonly #max: number;
  readonly #arrayKey: string | null;
  readonly #objectMode: boolean;
  readonly #targetDepth: number;
  readonly #element: ElementReader | undefined;

  #depth = 0;
  /** The top-level value has begun. */
  #started = false;
  /** Directly or deeper inside the streamed array. */
  #inTarget = false;
  #targetDone = false;
  /** At depth 1 of the top object, the next string is a key. */
  #expectKey = false;
  /** The depth-1 key whose value is being read. */
  #key: string | null = null;
  /** After `"arrayKey":`, before its `[`. */
  #awaitingArray = false;
  #record = 0;

  // The text of the element (or kept member) being cut: earlier chunks' part, and where it
  // starts in the current text (-1: not capturing).
  #captured = "";
  #captureFrom = -1;
  #oversized = false;
  #keptKey: string | null = null;

  // Whole elements of the text being scanned are parsed together, as one array, in one
  // JSON.parse call: `runStart` is where the first begins, `runEnds` where each ends.
  #runStart = -1;
  readonly #runEnds: number[] = [];
  /** Element starts in a row where the caller's reader read nothing. */
  #readerMisses = 0;
  /** The text being scanned has been leapt over once already. */
  #leapt = false;

  constructor(options: JsonStreamOptions) {
    this.#keep = new Set(options.keep ?? []);
    this.#head = options.head ?? {};
    this.#max = options.maxRecordChars ?? 16 * 1024 * 1024;
    this.#arrayKey = options.arrayKey;
    this.#objectMode = options.arrayKey !== null;
    this.#targetDepth = this.#objectMode ? 2 : 1;
    this.#element = options.element;
  }

  /**
   * Scans `s` (the carried tail and the new chunk's text), adding the elements it completes to
   * `out`. Returns the text to carry into the next chunk's (a string that did not end here).
   */
  scan(s: string, final: boolean, out: JsonRecord[]): string {
    const n = s.length;
    let i = 0;
    this.#leapt = false;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        const j = closingQuote(s, i);
        if (j === -1) return this.#carry(s, i, final, out);
        if (this.#depth === 1 && this.#objectMode && this.#expectKey && this.#keptKey === null) {
          const raw = s.slice(i + 1, j);
          this.#key = raw.indexOf("\\") < 0 ? raw : String(JSON.parse(s.slice(i, j + 1)));
        }
        i = j + 1;
        continue;
      }
      switch (c) {
        case OPEN_BRACE:
        case OPEN_BRACKET:
          if (this.#open(c)) {
            i = this.#elementStart(s, i + 1, out);
            continue;
          }
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          this.#close(s, i, out);
          break;
        case COMMA:
          i = this.#comma(s, i, out);
          continue;
        case COLON:
          this.#colon(i);
          break;
      }
      i++;
    }
    this.#flushRun(s, out);
    if (this.#captureFrom >= 0) this.#keepCaptured(s.slice(this.#captureFrom), 0);
    return "";
  }

  /** After the last chunk: throws when the text held no value or ended inside the array. */
  end(): void {
    if (!this.#started) throw new JsonStreamError("no JSON value in the file");
    if (this.#inTarget || this.#depth !== 0) {
      throw new JsonStreamError(
        `the text ends inside the ${this.#objectMode ? `"${this.#arrayKey}" ` : ""}array`,
      );
    }
  }

  /** A string that does not end in `s` (it opens at `i`): keeps what was cut, carries the rest. */
  #carry(s: string, i: number, final: boolean, out: JsonRecord[]): string {
    if (final) throw new JsonStreamError("the text ends inside a string");
    if (s.length - i > MAX_STRING) throw new JsonStreamError(`a string longer than ${MAX_STRING}`);
    this.#flushRun(s, out);
    // Keep what was captured so far; the string is scanned again with the next chunk, whose
    // text starts with it, so the capture resumes at 0 of that text.
    if (this.#captureFrom >= 0) this.#keepCaptured(s.slice(this.#captureFrom, i), s.length - i);
    return s.slice(i);
  }

  /** Adds `part` to the captured text (`more` characters of it are yet to come). */
  #keepCaptured(part: string, more: number): void {
    this.#captured += part;
    this.#captureFrom = 0;
    if (this.#captured.length + more > this.#max) {
      this.#oversized = true;
      this.#captured = "";
      this.#captureFrom = -1;
    }
  }

  /** An opening bracket: true when it opens the streamed array (its first element follows). */
  #open(c: number): boolean {
    let opensTarget = false;
    if (this.#depth === 0) {
      if (this.#started) throw new JsonStreamError("more than one top-level value");
      this.#started = true;
      if (this.#objectMode) {
        if (c !== OPEN_BRACE) throw new JsonStreamError("expected a JSON object at the top level");
        this.#expectKey = true;
      } else {
        if (c !== OPEN_BRACKET) throw new JsonStreamError("expected a JSON array at the top level");
        opensTarget = true;
      }
    } else if (this.#awaitingArray && this.#depth === 1) {
      this.#awaitingArray = false;
      opensTarget = c === OPEN_BRACKET;
    }
    if (opensTarget) this.#inTarget = true;
    this.#depth++;
    return opensTarget;
  }

  /** A closing bracket at `i`: may end the streamed array or a kept member. */
  #close(s: string, i: number, out: JsonRecord[]): void {
    if (this.#inTarget && this.#depth === this.#targetDepth) {
      this.#finishElement(s, i, out);
      this.#inTarget = false;
      this.#targetDone = true;
    } else if (this.#depth === 1 && this.#keptKey !== null) {
      this.#finishKept(s, i);
    }
    this.#depth--;
    if (this.#depth < 0) throw new JsonStreamError("unbalanced brackets");
  }

  /** A comma at `i`: may end an element or a kept member. Returns where to scan on. */
  #comma(s: string, i: number, out: JsonRecord[]): number {
    if (this.#inTarget && this.#depth === this.#targetDepth) {
      this.#finishElement(s, i, out);
      const next = this.#elementStart(s, i + 1, out);
      if (next > i + 1 || this.#captureFrom < 0) return next;
      // With a reader, one element it cannot read is cut alone; a second in a row means a
      // layout it does not know, and the rest of the text is leapt over.
      if (!this.#leapt && this.#readerMisses !== 1) {
        this.#leapt = true;
        this.#flushRun(s, out);
        const comma = this.#leap(s, i + 1, out);
        if (comma > 0) {
          this.#captureFrom = comma + 1;
          return comma + 1;
        }
      }
    } else if (this.#depth === 1 && this.#objectMode) {
      if (this.#keptKey !== null) this.#finishKept(s, i);
      this.#expectKey = true;
      this.#key = null;
      this.#awaitingArray = false;
    }
    return i + 1;
  }

  /** A colon at `i`: after a top-level key, starts the streamed array or a kept member. */
  #colon(i: number): void {
    if (this.#depth !== 1 || !this.#objectMode || !this.#expectKey) return;
    this.#expectKey = false;
    if (this.#key === this.#arrayKey && !this.#targetDone) this.#awaitingArray = true;
    else if (this.#key !== null && this.#keep.has(this.#key)) {
      this.#keptKey = this.#key;
      this.#captureFrom = i + 1;
    }
  }

  /**
   * Where an element may start (`from`, after the array's `[` or a `,`): the caller's reader
   * reads it when it can (returns the index of the `,` or `]` after it); else the element is cut
   * from `from` on (returns `from`).
   */
  #elementStart(s: string, from: number, out: JsonRecord[]): number {
    this.#captureFrom = from;
    if (this.#element === undefined) return from;
    const at = skipSpace(s, from);
    if (at >= s.length) return from;
    const c = s.charCodeAt(at);
    if (c === CLOSE_BRACKET || c === COMMA) return from;
    const read = this.#element(s, at);
    // Only an element that ends where the array says it does: anything else after it is left
    // to JSON.parse, which reports it.
    const after = read === undefined ? s.length : skipSpace(s, read.end);
    const next = s.charCodeAt(after);
    if (
      read === undefined || read.end - at > this.#max || after >= s.length ||
      (next !== COMMA && next !== CLOSE_BRACKET)
    ) {
      this.#readerMisses++;
      return from;
    }
    this.#readerMisses = 0;
    this.#flushRun(s, out);
    out.push({ record: ++this.#record, value: read.value });
    this.#captureFrom = -1;
    return after;
  }

  /** The element that ends at `end` (a `,` or `]` at the array's depth) is complete. */
  #finishElement(s: string, end: number, out: JsonRecord[]): void {
    if (this.#captured === "" && !this.#oversized && this.#captureFrom >= 0) {
      if (this.#runStart < 0) this.#runStart = this.#captureFrom;
      this.#runEnds.push(end);
      this.#captureFrom = -1;
      return;
    }
    this.#flushRun(s, out);
    const text = this.#captureFrom >= 0
      ? this.#captured + s.slice(this.#captureFrom, end)
      : this.#captured;
    this.#captured = "";
    this.#captureFrom = -1;
    if (this.#oversized) {
      this.#oversized = false;
      out.push({ record: ++this.#record, error: `record longer than ${this.#max} characters` });
      return;
    }
    this.#parseOne(text, out);
  }

  #parseOne(text: string, out: JsonRecord[]): void {
    const trimmed = text.trim();
    if (trimmed !== "") out.push(parseElement(trimmed, ++this.#record));
  }

  /** Parses the run of whole elements of `s` waiting, in one call (each alone if that fails). */
  #flushRun(s: string, out: JsonRecord[]): void {
    const ends = this.#runEnds;
    if (ends.length === 0) return;
    let values: unknown = null;
    try {
      values = JSON.parse(`[${s.slice(this.#runStart, ends[ends.length - 1])}]`);
    } catch {
      // A malformed element (or an empty one): each is parsed on its own below.
    }
    if (Array.isArray(values) && values.length === ends.length) {
      for (const value of values) out.push({ record: ++this.#record, value });
    } else {
      let from = this.#runStart;
      for (const end of ends) {
        this.#parseOne(s.slice(from, end), out);
        from = end + 1;
      }
    }
    this.#runStart = -1;
    ends.length = 0;
  }

  /**
   * The fast path over an array of objects: from `from` (the start of an element, outside any
   * string), guesses the last element boundary of `s` (a `}` then `,` then `{`) and parses
   * everything before it as one array. That parse succeeds only if the guess is a real boundary
   * (a cut inside a string or a nested object leaves the text unbalanced), so nothing is
   * scanned character by character but the one element that straddles the chunk's end.
   * Returns the index of the boundary's comma, or -1 (then the scanner goes on as usual).
   */
  #leap(s: string, from: number, out: JsonRecord[]): number {
    // Elements of one array start alike (`{"_id":`): a `{` that does not is a nested object.
    const start = skipSpace(s, from);
    if (s.charCodeAt(start) !== OPEN_BRACE) return -1;
    const colon = s.indexOf(":", start);
    if (colon < 0 || colon - start > 200) return -1;
    const signature = s.slice(start, colon + 1);
    let open = s.length;
    for (let tries = 0; tries < 64; tries++) {
      open = s.lastIndexOf(signature, open - 1);
      if (open <= from) return -1;
      let k = open - 1;
      while (k > from && isSpace(s.charCodeAt(k))) k--;
      if (s.charCodeAt(k) !== COMMA) continue;
      const comma = k--;
      while (k > from && isSpace(s.charCodeAt(k))) k--;
      if (s.charCodeAt(k) !== CLOSE_BRACE) continue;
      let values: unknown;
      try {
        values = JSON.parse(`[${s.slice(from, k + 1)}]`);
      } catch {
        return -1;
      }
      for (const value of values as unknown[]) out.push({ record: ++this.#record, value });
      return comma;
    }
    return -1;
  }

  /** The kept top-level member being cut ends at `end`: parsed into `head`. */
  #finishKept(s: string, end: number): void {
    const text = this.#captureFrom >= 0
      ? this.#captured + s.slice(this.#captureFrom, end)
      : this.#captured;
    this.#captured = "";
    this.#captureFrom = -1;
    const name = this.#keptKey!;
    this.#keptKey = null;
    if (this.#oversized) {
      this.#oversized = false;
      return;
    }
    try {
      this.#head[name] = JSON.parse(text);
    } catch {
      // A malformed header member is left out; the records say what is missing.
    }
  }
}

/**
 * The elements of the array, a batch per chunk of input. Throws {@link JsonStreamError} when
 * the text ends inside the array, or the top level is not the expected object or array.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { jsonArrayRecords } from "./json_stream.ts";
 * const bytes = new TextEncoder().encode('{"streamer":{"id":1},"comments":[{"a":1},{"a":2}]}');
 * const head: Record<string, unknown> = {};
 * const out = [];
 * for await (const batch of jsonArrayRecords([bytes], { arrayKey: "comments", keep: ["streamer"], head })) {
 *   out.push(...batch);
 * }
 * deepStrictEqual(out, [{ record: 1, value: { a: 1 } }, { record: 2, value: { a: 2 } }]);
 * deepStrictEqual(head, { streamer: { id: 1 } });
 * ```
 */
export async function* jsonArrayRecords(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: JsonStreamOptions,
): AsyncGenerator<JsonRecord[]> {
  const decoder = new TextDecoder();
  const scanner = new ArrayScanner(options);
  let tail = ""; // unscanned text carried over (a string that did not end in its chunk)
  for await (const chunk of chunks) {
    const out: JsonRecord[] = [];
    // Decoded a piece at a time: a string under V8's large-object size lives in the young
    // generation, whose pages are reused, where each text of a MiB would be fresh memory (256
    // page faults) held until a full collection by the values sliced out of it.
    for (let at = 0; at < chunk.length; at += TEXT_PIECE) {
      const piece = decoder.decode(chunk.subarray(at, at + TEXT_PIECE), { stream: true });
      tail = scanner.scan(tail + piece, false, out);
    }
    if (out.length) yield out;
  }
  const out: JsonRecord[] = [];
  const rest = tail + decoder.decode();
  if (rest) scanner.scan(rest, true, out);
  if (out.length) yield out;
  scanner.end();
}
