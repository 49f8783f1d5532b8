/**
 * Streaming JSON: the elements of one big array (a file's top-level array, or the array under
 * one key of its top-level object) parsed one at a time, in constant memory whatever the file's
 * size. Small top-level members named in `keep` (e.g. TwitchDownloader's `streamer`) are parsed
 * whole and handed over; everything else (e.g. megabytes of embedded images) is only scanned.
 *
 * The scanner follows strings (jumping to the closing quote with `indexOf`) and bracket depth,
 * and cuts each element's text at the `,` or `]` that ends it at the array's depth; each element
 * is then `JSON.parse`d on its own, so one malformed record is reported (`record N`) and the
 * rest go on.
 *
 * @module
 */

/** One element of the streamed array (numbered from 1), or why it could not be parsed. */
export type JsonRecord = { record: number; value: unknown } | { record: number; error: string };

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

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
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
  const keep = new Set(options.keep ?? []);
  const head = options.head ?? {};
  const max = options.maxRecordChars ?? 16 * 1024 * 1024;
  const objectMode = options.arrayKey !== null;
  const targetDepth = objectMode ? 2 : 1;

  let depth = 0;
  let started = false; // the top-level value has begun
  let inTarget = false; // directly or deeper inside the streamed array
  let targetDone = false;
  let expectKey = false; // at depth 1 of the top object, the next string is a key
  let key: string | null = null; // the depth-1 key whose value is being read
  let awaitingArray = false; // after `"arrayKey":`, before its `[`
  let record = 0;
  // The text of the element (or kept member) being cut: earlier chunks' part, and where it
  // starts in the current one (-1: not capturing).
  let captured = "";
  let captureFrom = -1;
  let oversized = false;
  let keptKey: string | null = null;
  let tail = ""; // unscanned text carried over (a string that did not end in its chunk)

  // Whole elements of the text being scanned are parsed together, as one array, in one
  // JSON.parse call: `runStart` is where the first begins, `runEnds` where each ends.
  let runStart = -1;
  const runEnds: number[] = [];
  const parseOne = (text: string, out: JsonRecord[]) => {
    const trimmed = text.trim();
    if (trimmed === "") return;
    record++;
    try {
      out.push({ record, value: JSON.parse(trimmed) });
    } catch (e) {
      out.push({ record, error: `bad JSON (${(e as Error).message.split("\n")[0]})` });
    }
  };
  const flushRun = (s: string, out: JsonRecord[]) => {
    if (runEnds.length === 0) return;
    let values: unknown = null;
    try {
      values = JSON.parse(`[${s.slice(runStart, runEnds[runEnds.length - 1])}]`);
    } catch {
      // A malformed element (or an empty one): each is parsed on its own below.
    }
    if (Array.isArray(values) && values.length === runEnds.length) {
      for (const value of values) out.push({ record: ++record, value });
    } else {
      let from = runStart;
      for (const end of runEnds) {
        parseOne(s.slice(from, end), out);
        from = end + 1;
      }
    }
    runStart = -1;
    runEnds.length = 0;
  };
  const finishElement = (s: string, end: number, out: JsonRecord[]) => {
    if (captured === "" && !oversized && captureFrom >= 0) {
      if (runStart < 0) runStart = captureFrom;
      runEnds.push(end);
      captureFrom = -1;
      return;
    }
    flushRun(s, out);
    const text = captureFrom >= 0 ? captured + s.slice(captureFrom, end) : captured;
    captured = "";
    captureFrom = -1;
    if (oversized) {
      oversized = false;
      out.push({ record: ++record, error: `record longer than ${max} characters` });
      return;
    }
    parseOne(text, out);
  };
  /**
   * The fast path over an array of objects: from `from` (the start of an element, outside any
   * string), guesses the last element boundary of `s` (a `}` then `,` then `{`) and parses
   * everything before it as one array. That parse succeeds only if the guess is a real boundary
   * (a cut inside a string or a nested object leaves the text unbalanced), so nothing is
   * scanned character by character but the one element that straddles the chunk's end.
   * Returns the index of the boundary's comma, or -1 (then the scanner goes on as usual).
   */
  const leap = (s: string, from: number, out: JsonRecord[]): number => {
    // Elements of one array start alike (`{"_id":`): a `{` that does not is a nested object.
    let start = from;
    while (start < s.length && isSpace(s.charCodeAt(start))) start++;
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
      for (const value of values as unknown[]) out.push({ record: ++record, value });
      return comma;
    }
    return -1;
  };
  const finishKept = (s: string, end: number) => {
    const text = captureFrom >= 0 ? captured + s.slice(captureFrom, end) : captured;
    captured = "";
    captureFrom = -1;
    const name = keptKey!;
    keptKey = null;
    if (oversized) {
      oversized = false;
      return;
    }
    try {
      head[name] = JSON.parse(text);
    } catch {
      // A malformed header member is left out; the records say what is missing.
    }
  };

  const scan = (s: string, final: boolean, out: JsonRecord[]): string => {
    const n = s.length;
    let i = 0;
    let leapt = false;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        let j = s.indexOf('"', i + 1);
        while (j !== -1) {
          let k = j - 1;
          let backslashes = 0;
          while (k > i && s.charCodeAt(k) === BACKSLASH) {
            backslashes++;
            k--;
          }
          if ((backslashes & 1) === 0) break;
          j = s.indexOf('"', j + 1);
        }
        if (j === -1) {
          if (final) throw new JsonStreamError("the text ends inside a string");
          if (n - i > MAX_STRING) throw new JsonStreamError(`a string longer than ${MAX_STRING}`);
          // Keep what was captured so far; the string is scanned again with the next chunk.
          flushRun(s, out);
          if (captureFrom >= 0) {
            captured += s.slice(captureFrom, i);
            captureFrom = 0;
            if (captured.length + (n - i) > max) {
              oversized = true;
              captured = "";
              captureFrom = -1;
            }
          }
          return s.slice(i);
        }
        if (depth === 1 && objectMode && expectKey && keptKey === null) {
          const raw = s.slice(i + 1, j);
          key = raw.indexOf("\\") < 0 ? raw : String(JSON.parse(s.slice(i, j + 1)));
        }
        i = j + 1;
        continue;
      }
      switch (c) {
        case OPEN_BRACE:
        case OPEN_BRACKET:
          if (depth === 0) {
            if (started) throw new JsonStreamError("more than one top-level value");
            started = true;
            if (objectMode && c !== OPEN_BRACE) {
              throw new JsonStreamError("expected a JSON object at the top level");
            }
            if (!objectMode) {
              if (c !== OPEN_BRACKET) {
                throw new JsonStreamError("expected a JSON array at the top level");
              }
              inTarget = true;
              captureFrom = i + 1;
            } else expectKey = true;
          } else if (awaitingArray && depth === 1) {
            awaitingArray = false;
            if (c === OPEN_BRACKET) {
              inTarget = true;
              captureFrom = i + 1;
            }
          }
          depth++;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          if (inTarget && depth === targetDepth) {
            finishElement(s, i, out);
            inTarget = false;
            targetDone = true;
          } else if (depth === 1 && keptKey !== null) {
            finishKept(s, i);
          }
          depth--;
          if (depth < 0) throw new JsonStreamError("unbalanced brackets");
          break;
        case COMMA:
          if (inTarget && depth === targetDepth) {
            finishElement(s, i, out);
            captureFrom = i + 1;
            if (!leapt) {
              leapt = true;
              flushRun(s, out);
              const comma = leap(s, i + 1, out);
              if (comma > 0) {
                captureFrom = comma + 1;
                i = comma + 1;
                continue;
              }
            }
          } else if (depth === 1 && objectMode) {
            if (keptKey !== null) finishKept(s, i);
            expectKey = true;
            key = null;
            awaitingArray = false;
          }
          break;
        case COLON:
          if (depth === 1 && objectMode && expectKey) {
            expectKey = false;
            if (key === options.arrayKey && !targetDone) awaitingArray = true;
            else if (key !== null && keep.has(key)) {
              keptKey = key;
              captureFrom = i + 1;
            }
          }
          break;
      }
      i++;
    }
    flushRun(s, out);
    if (captureFrom >= 0) {
      captured += s.slice(captureFrom);
      captureFrom = 0;
      if (captured.length > max) {
        oversized = true;
        captured = "";
        captureFrom = -1;
      }
    }
    return "";
  };

  for await (const chunk of chunks) {
    const out: JsonRecord[] = [];
    const text = tail + decoder.decode(chunk, { stream: true });
    // `captureFrom` indexes into the text being scanned: a carried tail was captured up to
    // its start already, so capture resumes at 0 of the new text.
    tail = scan(text, false, out);
    if (out.length) yield out;
  }
  const out: JsonRecord[] = [];
  const rest = tail + decoder.decode();
  if (rest) scan(rest, true, out);
  if (out.length) yield out;
  if (!started) throw new JsonStreamError("no JSON value in the file");
  if (inTarget || depth !== 0) {
    throw new JsonStreamError(
      `the text ends inside the ${objectMode ? `"${options.arrayKey}" ` : ""}array`,
    );
  }
}
