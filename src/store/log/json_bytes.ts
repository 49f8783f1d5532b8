/**
 * JSON written straight into UTF-8 bytes: the bytes of `JSON.stringify(value)` encoded as UTF-8,
 * without the string in between. The log appends hundreds of thousands of records a second;
 * building each line as a string and encoding it afterwards cost more than the rest of the
 * append (and the strings were garbage the collector then had to sweep).
 *
 * The output is byte for byte what `JSON.stringify` and `TextEncoder` give (a property test
 * holds it to that): own enumerable keys in their order, `undefined` and functions left out of
 * objects and written `null` in arrays, non-finite numbers as `null`, the same escapes (`\"`,
 * `\\`, `\b\f\n\r\t`, `\u00xx` for other control characters, `\udxxx` for a lone surrogate).
 * A value holding anything but plain data (a `toJSON` method, a boxed primitive, an instance of
 * a class, a bigint, nesting deeper than 64) is written by `JSON.stringify` itself, whole.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JsonBytes } from "./json_bytes.ts";
 * const out = new JsonBytes(new Uint8Array(8));
 * out.value({ a: "é\n", b: [1, undefined, null], c: undefined });
 * out.byte(10);
 * assert.equal(new TextDecoder().decode(out.bytes), '{"a":"é\\n","b":[1,null,null]}\n');
 * ```
 *
 * @module
 */

const encoder = new TextEncoder();
const HEX = "0123456789abcdef";
/** The encoded keys kept (`"key":`), and how many at most (objects used as maps have many). */
const keyBytes = new Map<string, Uint8Array>();
const MAX_KEYS = 256;
/** Deeper values go through `JSON.stringify` (which also reports a cycle as it would). */
const MAX_DEPTH = 64;

/** A growable byte buffer that JSON values are written into. */
export class JsonBytes {
  #buf: Uint8Array;
  #pos = 0;

  /** Writes into `buffer` (a larger one replaces it when it is full: see {@link buffer}). */
  constructor(buffer: Uint8Array) {
    this.#buf = buffer.length > 0 ? buffer : new Uint8Array(64);
  }

  /** The buffer written into (to keep for the next use). */
  get buffer(): Uint8Array {
    return this.#buf;
  }

  /** The bytes written so far (a view of {@link buffer}). */
  get bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  /** Forgets what was written (the buffer is kept). */
  clear(): void {
    this.#pos = 0;
  }

  /** Forgets what was written after the first `length` bytes. */
  truncate(length: number): void {
    this.#pos = Math.min(this.#pos, Math.max(0, length));
  }

  /** Makes room for `n` more bytes. */
  #room(n: number): void {
    if (this.#buf.length - this.#pos >= n) return;
    const grown = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n));
    grown.set(this.#buf.subarray(0, this.#pos));
    this.#buf = grown;
  }

  /** Writes one byte. */
  byte(b: number): void {
    this.#room(1);
    this.#buf[this.#pos++] = b;
  }

  /** Writes `bytes` as they are (lines encoded elsewhere). */
  raw(bytes: Uint8Array): void {
    this.#room(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  /** Writes `s` as UTF-8, as it is (no quoting): text that is JSON already. */
  text(s: string): void {
    // At most three bytes per UTF-16 unit.
    this.#room(s.length * 3);
    this.#pos += encoder.encodeInto(s, this.#buf.subarray(this.#pos)).written;
  }

  /** Writes `JSON.stringify(v)` (nothing when that is `undefined`, as for a function). */
  value(v: unknown): void {
    const start = this.#pos;
    if (this.#value(v, 0)) return;
    // Not plain data somewhere inside: the whole value as JSON.stringify writes it (a toJSON
    // method is handed its key, which only the real thing knows).
    this.#pos = start;
    const s = JSON.stringify(v);
    if (s !== undefined) this.text(s);
  }

  /** Writes `v`; false when it holds something other than plain data (nothing is undone). */
  #value(v: unknown, depth: number): boolean {
    switch (typeof v) {
      case "string":
        this.#string(v);
        return true;
      case "number":
        this.#ascii(Number.isFinite(v) ? String(v) : "null");
        return true;
      case "boolean":
        this.#ascii(v ? "true" : "false");
        return true;
      case "object": {
        if (v === null) {
          this.#ascii("null");
          return true;
        }
        if (depth >= MAX_DEPTH) return false;
        if (Array.isArray(v)) return this.#array(v, depth);
        const proto = Object.getPrototypeOf(v);
        if (
          (proto !== Object.prototype && proto !== null) ||
          typeof (v as { toJSON?: unknown }).toJSON === "function"
        ) {
          return false;
        }
        return this.#object(v as Record<string, unknown>, depth);
      }
      case "undefined":
      case "function":
      case "symbol":
        return true;
      default:
        return false; // a bigint: JSON.stringify throws as it should
    }
  }

  #array(a: readonly unknown[], depth: number): boolean {
    if (typeof (a as { toJSON?: unknown }).toJSON === "function") return false;
    this.byte(91); // [
    for (let i = 0; i < a.length; i++) {
      if (i > 0) this.byte(44); // ,
      const e = a[i];
      const t = typeof e;
      if (t === "undefined" || t === "function" || t === "symbol") this.#ascii("null");
      else if (!this.#value(e, depth + 1)) return false;
    }
    this.byte(93); // ]
    return true;
  }

  #object(o: Record<string, unknown>, depth: number): boolean {
    this.byte(123); // {
    let first = true;
    // for-in visits the same keys in the same order as Object.keys (own enumerable ones, integer
    // keys first) on a plain object whose prototype adds none, without making a list of them.
    for (const k in o) {
      if (!Object.hasOwn(o, k)) continue;
      const e = o[k];
      const t = typeof e;
      if (t === "undefined" || t === "function" || t === "symbol") continue;
      if (!first) this.byte(44); // ,
      first = false;
      this.#key(k);
      if (!this.#value(e, depth + 1)) return false;
    }
    this.byte(125); // }
    return true;
  }

  /** Writes `"k":`, from the bytes kept for the keys met before (records share a few keys). */
  #key(k: string): void {
    const bytes = keyBytes.get(k);
    if (bytes === undefined) {
      const start = this.#pos;
      this.#string(k);
      this.byte(58); // :
      if (keyBytes.size >= MAX_KEYS) keyBytes.clear();
      keyBytes.set(k, this.#buf.slice(start, this.#pos));
      return;
    }
    this.#room(bytes.length);
    const buf = this.#buf;
    let p = this.#pos;
    for (let i = 0; i < bytes.length; i++) buf[p++] = bytes[i]!;
    this.#pos = p;
  }

  /** Writes an ASCII string that needs no escape. */
  #ascii(s: string): void {
    this.#room(s.length);
    const buf = this.#buf;
    let p = this.#pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.#pos = p;
  }

  /** Writes `s` quoted and escaped as `JSON.stringify` does, in UTF-8. */
  #string(s: string): void {
    const n = s.length;
    // Worst case: six bytes per unit (`\u001f`), and the quotes.
    this.#room(n * 6 + 2);
    const buf = this.#buf;
    let p = this.#pos;
    buf[p++] = 34;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c !== 34 && c !== 92) buf[p++] = c;
        else p = escapeAscii(buf, p, c);
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      } else {
        const d = c <= 0xdbff && i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          buf[p++] = 0xf0 | (cp >> 18);
          buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
          buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
          buf[p++] = 0x80 | (cp & 0x3f);
          i++;
        } else {
          // A lone surrogate: escaped, as well-formed JSON.stringify writes it.
          buf[p++] = 92;
          p = unicodeEscape(buf, p, c);
        }
      }
    }
    buf[p++] = 34;
    this.#pos = p;
  }
}

/** Writes the escape of ASCII character `c` (a quote, a backslash, a control) at `p`. */
function escapeAscii(buf: Uint8Array, p: number, c: number): number {
  buf[p++] = 92; // backslash
  switch (c) {
    case 34:
      buf[p++] = 34;
      return p;
    case 92:
      buf[p++] = 92;
      return p;
    case 8:
      buf[p++] = 98; // b
      return p;
    case 9:
      buf[p++] = 116; // t
      return p;
    case 10:
      buf[p++] = 110; // n
      return p;
    case 12:
      buf[p++] = 102; // f
      return p;
    case 13:
      buf[p++] = 114; // r
      return p;
    default:
      return unicodeEscape(buf, p, c);
  }
}

/** Writes `u` and four lowercase hex digits of `c` at `p` (after a backslash); returns the end. */
function unicodeEscape(buf: Uint8Array, p: number, c: number): number {
  buf[p++] = 117; // u
  buf[p++] = HEX.charCodeAt((c >> 12) & 15);
  buf[p++] = HEX.charCodeAt((c >> 8) & 15);
  buf[p++] = HEX.charCodeAt((c >> 4) & 15);
  buf[p++] = HEX.charCodeAt(c & 15);
  return p;
}
