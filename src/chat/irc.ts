/**
 * A pure IRCv3 line parser: tags (with Twitch's escaping), prefix, command and params.
 *
 * It never throws: a line a server sends either parses to an {@link IrcLine} or is reported
 * as an {@link IrcParseFailure} with the reason. It is built for throughput (a busy monitor
 * parses tens of thousands of lines a second): a loop over `indexOf` instead of a regular
 * expression, and tags parsed only when first read, since most lines a client handles are
 * routed by command before any tag matters.
 *
 * @module
 */

/** The IRCv3 tags of one line, unescaped on first access. */
export class IrcTags {
  readonly #raw: string;
  #map: Map<string, string> | undefined;

  /** `raw` is the tag section without the leading `@` (e.g. `id=1;display-name=A\sB`). */
  constructor(raw: string) {
    this.#raw = raw;
  }

  /** The tag section as received, without the leading `@`, still escaped. */
  get raw(): string {
    return this.#raw;
  }

  /** The unescaped value of tag `name` (`""` for a tag present without a value). */
  get(name: string): string | undefined {
    return (this.#map ??= parseTags(this.#raw)).get(name);
  }

  /** The number of distinct tags. */
  get size(): number {
    return (this.#map ??= parseTags(this.#raw)).size;
  }

  /** Every tag as `[name, unescaped value]`, in the order received (a repeated name keeps its last value). */
  entries(): IterableIterator<[string, string]> {
    return (this.#map ??= parseTags(this.#raw)).entries();
  }
}

/**
 * Reads a fixed set of tags in one pass over the raw tag section, without building a map of
 * every tag: the hot path of a chat client reads about ten of Twitch's twenty-odd tags.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIrcLine, TagPicker } from "./irc.ts";
 * const picker = new TagPicker(["id", "user-id"]);
 * const line = parseIrcLine("@color=;id=7;user-id=9 PRIVMSG #c :x");
 * assert.ok(line.ok);
 * assert.deepEqual(picker.pick(line.tags), ["7", "9"]);
 * ```
 */
export class TagPicker {
  readonly names: readonly string[];
  // Candidate indexes by the first character of their name: most tags are rejected by one
  // comparison, and the `=` is never searched for.
  readonly #byFirst: (number[] | undefined)[] = [];

  /** `names`: the tags to read, in the order `pick()` returns their values. */
  constructor(names: readonly string[]) {
    this.names = [...names];
    this.names.forEach((name, i) => {
      if (name.length > 0) (this.#byFirst[name.charCodeAt(0) & 127] ??= []).push(i);
    });
  }

  /** The unescaped values of the names given to the constructor (undefined when absent). */
  pick(tags: IrcTags): (string | undefined)[] {
    const out = new Array<string | undefined>(this.names.length);
    this.pickInto(tags.raw, 0, tags.raw.length, out);
    return out;
  }

  /**
   * {@link pick} over the tag section `raw.slice(from, to)` (without its `@`) of a line not
   * yet parsed, into `out` (every slot written: a value or undefined). Nothing is allocated but
   * the values.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { TagPicker } from "./irc.ts";
   * const line = "@id=7;user-id=9 :a!a@a PRIVMSG #c :x";
   * const out: (string | undefined)[] = [];
   * new TagPicker(["user-id", "bits"]).pickInto(line, 1, line.indexOf(" "), out);
   * assert.deepEqual(out, ["9", undefined]);
   * ```
   */
  pickInto(raw: string, from: number, to: number, out: (string | undefined)[]): void {
    const names = this.names;
    for (let i = 0; i < names.length; i++) out[i] = undefined;
    const n = to;
    let pos = from;
    while (pos < n) {
      let semi = raw.indexOf(";", pos);
      if (semi < 0 || semi > n) semi = n;
      const first = raw.charCodeAt(pos);
      const candidates = first < 128 ? this.#byFirst[first] : undefined;
      if (candidates !== undefined) {
        for (let j = 0; j < candidates.length; j++) {
          const index = candidates[j]!;
          const name = names[index]!;
          const after = pos + name.length;
          if (after > semi) continue;
          const next = after < semi ? raw.charCodeAt(after) : 61;
          if (next !== 61 || !raw.startsWith(name, pos)) continue;
          const value = after < semi ? raw.slice(after + 1, semi) : "";
          // A repeated tag keeps its last value, as in IrcTags.
          out[index] = value.indexOf("\\") < 0 ? value : unescapeTagValue(value);
          break;
        }
      }
      pos = semi + 1;
    }
  }
}

/** A parsed IRC line. */
export interface IrcLine {
  readonly ok: true;
  readonly tags: IrcTags;
  /** The source without its `:`, e.g. `nick!user@host` or `tmi.twitch.tv`; undefined when absent. */
  readonly prefix: string | undefined;
  /** The command in upper case (`PRIVMSG`) or a three-digit numeric (`001`). */
  readonly command: string;
  /** Middle params then the trailing one (without its `:`), as received. */
  readonly params: string[];
}

/** A line that is not IRC; `reason` says what is wrong, in a few words. */
export interface IrcParseFailure {
  readonly ok: false;
  readonly reason: string;
}

const EMPTY_TAGS = new IrcTags("");

const SPACE = 32;
const AT = 64;
const COLON = 58;

function fail(reason: string): IrcParseFailure {
  return { ok: false, reason };
}

/**
 * Parses one IRC line (with or without its trailing `\r\n`). Never throws.
 *
 * Tolerates what real servers send: runs of spaces between params, a trailing param without
 * `:` (Twitch's CLEARMSG sometimes), a lower-case command. Rejects an empty line, tags or a
 * prefix with nothing after them, and a command that is neither letters nor three digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIrcLine } from "./irc.ts";
 * const line = parseIrcLine("@id=42;display-name=A\\sB :a!a@a.tmi.twitch.tv PRIVMSG #c :hi there");
 * assert.ok(line.ok);
 * assert.equal(line.command, "PRIVMSG");
 * assert.equal(line.tags.get("display-name"), "A B");
 * assert.equal(line.params[1], "hi there");
 * ```
 */
export function parseIrcLine(line: string): IrcLine | IrcParseFailure {
  if (typeof line !== "string") return fail("not a string");
  let end = line.length;
  // A line handed over with its terminator still attached.
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 10 && c !== 13) break;
    end--;
  }
  let pos = 0;
  while (pos < end && line.charCodeAt(pos) === SPACE) pos++;
  if (pos >= end) return fail("empty line");

  let tags = EMPTY_TAGS;
  if (line.charCodeAt(pos) === AT) {
    const sp = line.indexOf(" ", pos);
    if (sp < 0 || sp >= end) return fail("tags without a command");
    if (sp > pos + 1) tags = new IrcTags(line.slice(pos + 1, sp));
    pos = sp + 1;
    while (pos < end && line.charCodeAt(pos) === SPACE) pos++;
    if (pos >= end) return fail("tags without a command");
  }

  let prefix: string | undefined;
  if (line.charCodeAt(pos) === COLON) {
    const sp = line.indexOf(" ", pos);
    if (sp < 0 || sp >= end) return fail("prefix without a command");
    prefix = line.slice(pos + 1, sp);
    pos = sp + 1;
    while (pos < end && line.charCodeAt(pos) === SPACE) pos++;
    if (pos >= end) return fail("prefix without a command");
  }

  let sp = line.indexOf(" ", pos);
  if (sp < 0 || sp > end) sp = end;
  let command = line.slice(pos, sp);
  const kind = commandKind(command);
  if (kind === BAD) {
    return fail(`invalid command ${JSON.stringify(command.slice(0, 20))}`);
  }
  if (kind === LOWER) command = command.toUpperCase();

  const params = parseParams(line, sp + 1, end);
  return { ok: true, tags, prefix, command, params };
}

/** The middle parameters from `pos`, then the trailing one (after ` :`) whole, up to `end`. */
function parseParams(line: string, pos: number, end: number): string[] {
  const params: string[] = [];
  while (pos < end) {
    const c = line.charCodeAt(pos);
    if (c === SPACE) {
      pos++;
      continue;
    }
    if (c === COLON) {
      params.push(line.slice(pos + 1, end));
      break;
    }
    let sp = line.indexOf(" ", pos);
    if (sp < 0 || sp > end) sp = end;
    params.push(line.slice(pos, sp));
    pos = sp + 1;
  }
  return params;
}

const OK = 0;
const LOWER = 1;
const BAD = 2;

/** Letters only (LOWER when some are lower case), or exactly three digits. */
function commandKind(command: string): number {
  const n = command.length;
  if (n === 0) return BAD;
  const first = command.charCodeAt(0);
  if (first >= 48 && first <= 57) {
    if (n !== 3) return BAD;
    for (let i = 1; i < 3; i++) {
      const c = command.charCodeAt(i);
      if (c < 48 || c > 57) return BAD;
    }
    return OK;
  }
  let kind = OK;
  for (let i = 0; i < n; i++) {
    const c = command.charCodeAt(i);
    if (c >= 65 && c <= 90) continue;
    if (c >= 97 && c <= 122) {
      kind = LOWER;
      continue;
    }
    return BAD;
  }
  return kind;
}

/** Parses a raw tag section (`a=1;b=x\sy;c`) into a map of unescaped values. */
function parseTags(raw: string): Map<string, string> {
  const map = new Map<string, string>();
  const n = raw.length;
  let pos = 0;
  while (pos < n) {
    let semi = raw.indexOf(";", pos);
    if (semi < 0) semi = n;
    if (semi > pos) {
      const eq = raw.indexOf("=", pos);
      if (eq < 0 || eq > semi) {
        map.set(raw.slice(pos, semi), "");
      } else if (eq > pos) {
        const value = raw.slice(eq + 1, semi);
        map.set(raw.slice(pos, eq), value.indexOf("\\") < 0 ? value : unescapeTagValue(value));
      }
    }
    pos = semi + 1;
  }
  return map;
}

/**
 * Undoes IRCv3 tag escaping: `\:` `;`, `\s` space, `\\` `\`, `\r` CR, `\n` LF; any other
 * escaped character stands for itself and a lone trailing `\` is dropped.
 */
export function unescapeTagValue(value: string): string {
  let out = "";
  let from = 0;
  let i = value.indexOf("\\");
  while (i >= 0) {
    out += value.slice(from, i);
    const next = value.charCodeAt(i + 1);
    if (next === 58) out += ";";
    else if (next === 115) out += " ";
    else if (next === 92) out += "\\";
    else if (next === 114) out += "\r";
    else if (next === 110) out += "\n";
    else if (i + 1 < value.length) out += value[i + 1];
    from = i + 2;
    if (from > value.length) from = value.length;
    i = value.indexOf("\\", from);
  }
  return out + value.slice(from);
}

/** The nick in a prefix (`nick!user@host` or `nick@host` gives `nick`; a server name is returned whole). */
export function prefixNick(prefix: string | undefined): string | undefined {
  if (prefix === undefined) return undefined;
  let cut = prefix.indexOf("!");
  if (cut < 0) cut = prefix.indexOf("@");
  return cut < 0 ? prefix : prefix.slice(0, cut);
}
