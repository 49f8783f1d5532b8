/**
 * Drafts packed to cross to another thread: every string of a run of drafts in one flat array,
 * and the drafts' flags in a typed array. Handing a worker one array of strings and one
 * transferable buffer costs half a structured clone of thousands of small objects (which walks
 * every object and key on both sides). The strings are not joined into one: the slices a worker
 * would cut from it are views of the whole, on which analysis ran a third slower.
 * {@link unpackDrafts} gives drafts equal to those packed, field for field (what analysis reads
 * of them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DraftPacker, unpackDrafts } from "./draft_pack.ts";
 * const draft = {
 *   ts: "2025-09-02T12:00:00.000Z", channel: "c", message_id: "m1", user_id: null,
 *   user_name: "ann", text: "hi Kappa", source: "fixture" as const, emotes: ["Kappa"],
 * };
 * const packer = new DraftPacker();
 * packer.add(draft);
 * assert.equal(packer.length, 1);
 * assert.deepEqual(unpackDrafts(packer.take()), [draft]);
 * assert.equal(packer.length, 0);
 * ```
 *
 * @module
 */
import type { MessageDraft } from "../schemas.ts";

/** Drafts as {@link DraftPacker.take} gives them. */
export interface PackedDrafts {
  /** Drafts packed. */
  count: number;
  /** Every string of every draft, one after the other. */
  strings: string[];
  /** Each draft's flags (`F_*`), then the count of its badges and of its emotes when it has them. */
  ints: Int32Array<ArrayBuffer>;
}

const F_NO_USER_ID = 1;
const F_DISPLAY_NAME = 2;
const F_ACTION = 4;
const F_REPLY = 8;
const F_REPLY_USER_ID = 16;
const F_BITS = 32;
const F_BADGES = 64;
const F_FIRST_MSG = 128;
const F_EMOTES = 256;

/** A growable Int32Array. */
class Ints {
  a = new Int32Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const grown = new Int32Array(this.a.length * 2);
      grown.set(this.a);
      this.a = grown;
    }
    this.a[this.n++] = v;
  }
  take(): Int32Array<ArrayBuffer> {
    const out = this.a.slice(0, this.n);
    this.n = 0;
    return out;
  }
}

/** Packs drafts one at a time; {@link take} hands over those packed so far. */
export class DraftPacker {
  #parts: string[] = [];
  readonly #ints = new Ints();
  #count = 0;

  /** Drafts packed since the last {@link take}. */
  get length(): number {
    return this.#count;
  }

  #str(s: string): void {
    this.#parts.push(s);
  }

  /** Packs `d`. */
  add(d: MessageDraft): void {
    let flags = 0;
    if (d.user_id === null) flags |= F_NO_USER_ID;
    if (d.display_name !== undefined) flags |= F_DISPLAY_NAME;
    if (d.action) flags |= F_ACTION;
    if (d.reply_to) flags |= F_REPLY;
    if (d.reply_to?.user_id !== undefined) flags |= F_REPLY_USER_ID;
    if (d.bits !== undefined) flags |= F_BITS;
    if (d.badges !== undefined) flags |= F_BADGES;
    if (d.first_msg) flags |= F_FIRST_MSG;
    if (d.emotes !== undefined) flags |= F_EMOTES;
    const ints = this.#ints;
    ints.push(flags);
    this.#str(d.ts);
    this.#str(d.channel);
    this.#str(d.message_id);
    if (d.user_id !== null) this.#str(d.user_id);
    this.#str(d.user_name);
    this.#str(d.text);
    this.#str(d.source);
    if (d.display_name !== undefined) this.#str(d.display_name);
    if (d.reply_to) {
      this.#str(d.reply_to.message_id);
      this.#str(d.reply_to.user_name);
      if (d.reply_to.user_id !== undefined) this.#str(d.reply_to.user_id);
    }
    if (d.bits !== undefined) this.#str(String(d.bits));
    if (d.badges !== undefined) {
      ints.push(d.badges.length);
      for (const b of d.badges) this.#str(b);
    }
    if (d.emotes !== undefined) {
      ints.push(d.emotes.length);
      for (const e of d.emotes) this.#str(e);
    }
    this.#count++;
  }

  /** The drafts packed so far; the packer is empty again. */
  take(): PackedDrafts {
    const out: PackedDrafts = {
      count: this.#count,
      strings: this.#parts,
      ints: this.#ints.take(),
    };
    this.#parts = [];
    this.#count = 0;
    return out;
  }
}

/** The drafts of `packed`, in order. */
export function unpackDrafts(packed: PackedDrafts): MessageDraft[] {
  const { strings, ints } = packed;
  const out: MessageDraft[] = [];
  let s = 0, i = 0;
  const next = (): string => strings[s++]!;
  const list = (): string[] => {
    const n = ints[i++]!;
    const l: string[] = [];
    for (let k = 0; k < n; k++) l.push(next());
    return l;
  };
  for (let k = 0; k < packed.count; k++) {
    const flags = ints[i++]!;
    const d: MessageDraft = {
      ts: next(),
      channel: next(),
      message_id: next(),
      user_id: flags & F_NO_USER_ID ? null : next(),
      user_name: next(),
      text: next(),
      source: next() as MessageDraft["source"],
    };
    if (flags & F_DISPLAY_NAME) d.display_name = next();
    if (flags & F_ACTION) d.action = true;
    if (flags & F_REPLY) {
      d.reply_to = { message_id: next(), user_name: next() };
      if (flags & F_REPLY_USER_ID) d.reply_to.user_id = next();
    }
    if (flags & F_BITS) d.bits = Number(next());
    if (flags & F_BADGES) d.badges = list();
    if (flags & F_FIRST_MSG) d.first_msg = true;
    if (flags & F_EMOTES) d.emotes = list();
    out.push(d);
  }
  return out;
}
