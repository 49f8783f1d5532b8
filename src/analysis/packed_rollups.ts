/**
 * Packed rollups: the same aggregates as `rollups.ts`, held the way a long-running writer wants
 * them. Every name a count is kept for (keyword, mention, emote, URL domain, day, channel,
 * login, relationship target) is interned once per writer ({@link Interner}), and each rollup
 * keeps all its counts in ONE open-addressing table of 32-bit integers ({@link CountTable}:
 * key = interned id and facet, value = count) instead of a `Map` per facet. A person's rollup
 * is then a handful of fields and one typed array: about a fifth of the heap of the `Map` form
 * (nine maps, ~45 bytes an entry), and a fold is one probe in a small flat array per count
 * instead of a `get` and a `set` in a hash map holding strings.
 *
 * The packed form converts to and from the plain form ({@link toUserState},
 * {@link packUserState}, and the channel's): folding the same messages into either gives equal
 * states. `packed_profiles.ts` renders and encodes the packed form directly, to the same
 * profile JSON and state text as the plain form's.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { facetsOf, foldUser, newUserState } from "./rollups.ts";
 * import { foldPacked, Interner, newPackedUser, PackedFacets, toUserState } from "./packed_rollups.ts";
 * const m = { ts: "2025-01-01T10:00:00.000Z", channel: "c", message_id: "1", user_id: "7",
 *   user_name: "someuser", text: "speedrun tonight", mentions: [], urls: [], emotes: [],
 *   source: "fixture" as const };
 * const plain = newUserState("#7");
 * foldUser(plain, m, facetsOf(m));
 * const names = new Interner();
 * const packed = newPackedUser("#7");
 * foldPacked(packed, null, m, new PackedFacets(names).of(m));
 * deepStrictEqual(toUserState(packed, names), plain);
 * ```
 *
 * @module
 */
import type { Evidence, Message } from "../schemas.ts";
import { urlDomain } from "./extract.ts";
import { extractKeywords, TokenSplit } from "./keywords.ts";
import { stripMarkers } from "./markers.ts";
import {
  type ChannelState,
  foldRelationshipTargets,
  insertBounded,
  type LoginUse,
  MAX_EVIDENCE,
  newChannelState,
  newUserState,
  type TargetState,
  type UserState,
} from "./rollups.ts";

/** Strings as small integers, one id per distinct string, for the life of a writer. */
export class Interner {
  #ids = new Map<string, number>();
  /** The string of each id. */
  readonly names: string[] = [];

  /** The id of `s`, made on first sight. */
  id(s: string): number {
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(s);
      this.#ids.set(s, id);
    }
    return id;
  }

  /** Number of distinct strings. */
  get size(): number {
    return this.names.length;
  }
}

/** The kinds of count a rollup keeps, packed into the low bits of a table key. */
export const Facet = {
  keyword: 0,
  mention: 1,
  emote: 2,
  domain: 3,
  day: 4,
  /** The id is the UTC hour itself (0-23), not an interned string. */
  hour: 5,
  /** A user's channels; a channel's users (logins). */
  party: 6,
  /** A user's relationship targets. */
  target: 7,
} as const;
/** Bits of a table key that hold the facet (the rest hold the id + 1). */
export const FACET_BITS = 3;
/** The facet of a table key: `key & FACET_MASK`. */
export const FACET_MASK = (1 << FACET_BITS) - 1;

/** The table key of an id under a facet (never 0, which marks a free slot). */
function keyOf(id: number, facet: number): number {
  return ((id + 1) << FACET_BITS) | facet;
}

const FIRST_SLOTS = 16;

/**
 * Counts by key in one `Int32Array` (`[key, count]` pairs, linear probing, grown at 3/4 full):
 * no object per entry, no string compared on a probe.
 */
export class CountTable {
  #t: Int32Array;
  #mask: number;
  /** 32 - log2(slots): a key's slot is the top bits of its product with a golden-ratio odd. */
  #shift: number;
  #size = 0;

  /** `slots`: a power of two. */
  constructor(slots = FIRST_SLOTS) {
    this.#t = new Int32Array(slots * 2);
    this.#mask = slots - 1;
    this.#shift = 32 - Math.log2(slots);
  }

  /** Entries held. */
  get size(): number {
    return this.#size;
  }

  /** Bytes of the table's storage. */
  get bytes(): number {
    return this.#t.byteLength;
  }

  /** Adds `by` to the count of `key` (> 0). */
  add(key: number, by = 1): void {
    const t = this.#t;
    let i = Math.imul(key, 0x9e3779b1) >>> this.#shift;
    for (;;) {
      const k = t[i * 2]!;
      if (k === key) {
        t[i * 2 + 1]! += by;
        return;
      }
      if (k === 0) break;
      i = (i + 1) & this.#mask;
    }
    t[i * 2] = key;
    t[i * 2 + 1] = by;
    if (++this.#size * 4 > (this.#mask + 1) * 3) this.#grow();
  }

  #grow(): void {
    const old = this.#t;
    const slots = (this.#mask + 1) * 2;
    this.#t = new Int32Array(slots * 2);
    this.#mask = slots - 1;
    this.#shift--;
    this.#size = 0;
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.add(old[i]!, old[i + 1]!);
  }

  /** Calls `f(id, count)` for every entry of `facet` (in table order). */
  each(facet: number, f: (id: number, count: number) => void): void {
    const t = this.#t;
    for (let i = 0; i < t.length; i += 2) {
      const k = t[i]!;
      if (k !== 0 && (k & FACET_MASK) === facet) f((k >>> FACET_BITS) - 1, t[i + 1]!);
    }
  }

  /** Calls `f(key, count)` for every entry (in table order). */
  eachEntry(f: (key: number, count: number) => void): void {
    const t = this.#t;
    for (let i = 0; i < t.length; i += 2) {
      const k = t[i]!;
      if (k !== 0) f(k, t[i + 1]!);
    }
  }

  /** Entries of `facet`. */
  count(facet: number): number {
    let n = 0;
    this.each(facet, () => n++);
    return n;
  }
}

/** A stamp in the total order of messages (see `rollups.ts`). */
interface Stamp {
  ts: string;
  mid: string;
}

function stampBefore(ts: string, mid: string, b: Stamp): boolean {
  return ts > b.ts || (ts === b.ts && mid < b.mid);
}

/**
 * A login of a packed person and its use: first seen, count, and its latest message (`ts`,
 * `mid`), changed in place (the plain form makes a stamp object per newer message).
 */
interface PackedLogin {
  login: string;
  /** Its table key in its channels' user counts (0 until a fold interns it). */
  key: number;
  first: string;
  ts: string;
  mid: string;
  count: number;
}

/** A latest value (user id, display name) and the message it came from, changed in place. */
interface Latest {
  value: string;
  ts: string;
  mid: string;
}

/** Fields shared by packed users and channels. */
export interface PackedCommon {
  message_count: number;
  first_seen: string;
  last_seen: string;
  counts: CountTable;
  /** Touched since its owner last saved it (kept by the owner: `profile_store.ts`). */
  dirty: boolean;
}

/** A person's rollup, packed (see {@link UserState} for the meaning of each field). */
export interface PackedUser extends PackedCommon {
  kind: "user";
  user_name: string;
  logins: PackedLogin[];
  display_names: string[] | null;
  user_id: Latest | null;
  display_name: Latest | null;
  asked: boolean;
  evidence: Evidence[] | null;
}

/** A channel's rollup, packed (see {@link ChannelState}). */
export interface PackedChannel extends PackedCommon {
  kind: "channel";
  channel: string;
  /** Its table key in its users' channel counts (0 until a fold interns it). */
  partyKey: number;
  targets: Map<string, TargetState> | null;
}

/** An empty packed person rollup. */
export function newPackedUser(userName: string): PackedUser {
  return {
    kind: "user",
    user_name: userName,
    message_count: 0,
    first_seen: "",
    last_seen: "",
    counts: new CountTable(),
    dirty: false,
    logins: [],
    display_names: null,
    user_id: null,
    display_name: null,
    asked: false,
    evidence: null,
  };
}

/** An empty packed channel rollup. */
export function newPackedChannel(channel: string): PackedChannel {
  return {
    kind: "channel",
    channel,
    message_count: 0,
    first_seen: "",
    last_seen: "",
    counts: new CountTable(64),
    dirty: false,
    partyKey: 0,
    targets: null,
  };
}

/**
 * The facets of one message as table keys, shared by its person and its channel: computed into
 * a buffer reused from message to message (one per writer), so a fold allocates nothing beyond
 * the keyword list.
 */
export class PackedFacets {
  readonly names: Interner;
  /** Keys of the message's counts (keywords, mentions, emotes, domains, day, hour). */
  keys = new Int32Array(64);
  n = 0;
  #day = "";
  #dayKey = 0;

  constructor(names: Interner) {
    this.names = names;
  }

  #push(key: number): void {
    if (this.n === this.keys.length) {
      const k = new Int32Array(this.keys.length * 2);
      k.set(this.keys);
      this.keys = k;
    }
    this.keys[this.n++] = key;
  }

  #all(list: readonly string[], facet: number): void {
    for (let i = 0; i < list.length; i++) this.#push(keyOf(this.names.id(list[i]!), facet));
  }

  /**
   * The keyword key of each whitespace-separated token seen (0: the token yields no keyword),
   * for tokens that yield at most one: {@link extractKeywords} judges each token on its own
   * (only the message's emotes, checked before, depend on more than the token), so a token's
   * keyword is computed once per cache instead of lowercasing, testing against the stopwords
   * and the noise pattern, and looking the word up twice (its shared copy, its id) per
   * occurrence. Bounded by TOKEN_CACHE entries; renewed with the interner (the keys are its ids).
   */
  #tokens = new Map<string, number>();
  /** This cache's own walk: the `extractKeywords` it calls per new token walks with another. */
  readonly #split = new TokenSplit();

  /** Distinct tokens cached (see {@link PackedFacets.of}). */
  get cachedTokens(): number {
    return this.#tokens.size;
  }

  /** Pushes the keyword keys of `text`: those of `extractKeywords(text, emotes)`, in order. */
  #keywords(input: string, emotes: readonly string[]): void {
    const text = stripMarkers(input);
    const tokens = this.#tokens;
    const split = this.#split.of(text);
    while (split.next()) {
      const token = text.slice(split.start, split.end);
      if (emotes.length > 0 && emotes.includes(token)) continue;
      const key = tokens.get(token);
      if (key !== undefined) {
        if (key !== 0) this.#push(key);
        continue;
      }
      const words = extractKeywords(token);
      if (words.length > 1) {
        this.#all(words, Facet.keyword);
        continue;
      }
      const k = words.length === 0 ? 0 : keyOf(this.names.id(words[0]!), Facet.keyword);
      if (tokens.size < TOKEN_CACHE) tokens.set(token, k);
      if (k !== 0) this.#push(k);
    }
  }

  /** Computes the keys of `m` (as `facetsOf` in `rollups.ts` derives its facets); returns this. */
  of(m: Message): this {
    this.n = 0;
    const names = this.names;
    this.#keywords(m.text, m.emotes);
    this.#all(m.mentions, Facet.mention);
    this.#all(m.emotes, Facet.emote);
    for (const u of m.urls) {
      const d = urlDomain(u);
      if (d !== null) this.#push(keyOf(names.id(d), Facet.domain));
    }
    const ts = m.ts;
    const hour = Number(ts.slice(11, 13));
    if (hour >= 0 && hour < 24) this.#push(keyOf(hour, Facet.hour));
    // Messages come in time order, mostly: the day is the previous message's.
    if (this.#day === "" || !ts.startsWith(this.#day)) {
      this.#day = ts.slice(0, 10);
      this.#dayKey = keyOf(names.id(this.#day), Facet.day);
    }
    this.#push(this.#dayKey);
    return this;
  }
}

/** Most tokens a {@link PackedFacets} caches (~100 bytes each with its map entry). */
const TOKEN_CACHE = 50_000;

function foldCommon(s: PackedCommon, ts: string, f: PackedFacets, party: number): void {
  s.message_count++;
  if (s.first_seen === "" || ts < s.first_seen) s.first_seen = ts;
  if (ts > s.last_seen) s.last_seen = ts;
  const c = s.counts;
  const keys = f.keys;
  for (let i = 0; i < f.n; i++) c.add(keys[i]!);
  c.add(party);
}

/**
 * Folds one message into its person's packed rollup (`user`, unless null) and its channel's
 * (`channel`, unless null), with its keys `f` (from {@link PackedFacets.of} of the same
 * message): the same aggregates as `foldUser` and `foldChannel` in `rollups.ts`.
 *
 * The channel's and the login's keys in each other's counts are kept on the channel and on
 * the person's login once interned (two string lookups a message fewer); the names are
 * interned, when they are, in the order `of` interned them before (every count key, then the
 * channel, then the login), so ids, table order and stored text are unchanged.
 */
export function foldPacked(
  user: PackedUser | null,
  channel: PackedChannel | null,
  m: Message,
  f: PackedFacets,
): void {
  const names = f.names;
  const channelKey = channel === null
    ? keyOf(names.id(m.channel), Facet.party)
    : channel.partyKey || (channel.partyKey = keyOf(names.id(m.channel), Facet.party));
  if (user) {
    const use = loginUse(user, m, names);
    foldUser(user, m, f, channelKey);
    if (channel) foldChannel(channel, m, f, use.key);
  } else if (channel) {
    foldChannel(channel, m, f, keyOf(names.id(m.user_name), Facet.party));
  }
}

/** The use of the message's login by `s`, counted (added on first use), its key interned. */
function loginUse(s: PackedUser, m: Message, names: Interner): PackedLogin {
  const { ts, message_id: mid } = m;
  let use: PackedLogin | undefined;
  for (const l of s.logins) if (l.login === m.user_name) use = l;
  if (!use) {
    use = { login: m.user_name, key: 0, first: ts, ts, mid, count: 1 };
    s.logins.push(use);
  } else {
    use.count++;
    if (ts < use.first) use.first = ts;
    if (stampBefore(ts, mid, use)) {
      use.ts = ts;
      use.mid = mid;
    }
  }
  if (use.key === 0) use.key = keyOf(names.id(use.login), Facet.party);
  return use;
}

function foldUser(s: PackedUser, m: Message, f: PackedFacets, channelKey: number): void {
  const { ts, message_id: mid } = m;
  foldCommon(s, ts, f, channelKey);
  const display = m.display_name;
  if (display !== undefined) {
    const names = s.display_names ??= [];
    if (!names.includes(display)) names.push(display);
  }
  if (m.user_id !== null) s.user_id = latest(s.user_id, m.user_id, ts, mid);
  if (display !== undefined) s.display_name = latest(s.display_name, display, ts, mid);
  if (m.signals === undefined || m.signals.length === 0) return;
  for (const sig of m.signals) {
    if (sig.kind !== "relationship") continue;
    if (sig.type === "question") s.asked = true;
    if (sig.target !== null) s.counts.add(keyOf(f.names.id(sig.target), Facet.target));
    const evidence = s.evidence ??= [];
    if (evidence.some((e) => e.message_id === mid && e.ts === ts)) continue;
    const ev: Evidence = { ts, channel: m.channel, message_id: mid, snippet: sig.snippet };
    insertBounded(evidence, ev, (a, b) =>
      stampBefore(a.ts, a.message_id, {
        ts: b.ts,
        mid: b.message_id,
      }), MAX_EVIDENCE);
  }
}

/** `had`, or a new one, holding `value` when (`ts`, `mid`) is its latest message. */
function latest(had: Latest | null, value: string, ts: string, mid: string): Latest {
  if (had === null) return { value, ts, mid };
  if (stampBefore(ts, mid, had)) {
    had.value = value;
    had.ts = ts;
    had.mid = mid;
  }
  return had;
}

/** The plain form of a latest value. */
export function plainLatest(l: Latest | null): { value: string; at: Stamp } | null {
  return l === null ? null : { value: l.value, at: { ts: l.ts, mid: l.mid } };
}

/** The packed form of a plain latest value. */
function packLatest(l: { value: string; at: Stamp } | null): Latest | null {
  return l === null ? null : { value: l.value, ts: l.at.ts, mid: l.at.mid };
}

/** The plain form of a login's use. */
export function plainUse(l: PackedLogin): LoginUse {
  return { first: l.first, last: { ts: l.ts, mid: l.mid }, count: l.count };
}

function foldChannel(s: PackedChannel, m: Message, f: PackedFacets, loginKey: number): void {
  foldCommon(s, m.ts, f, loginKey);
  foldRelationshipTargets(m, () => s.targets ??= new Map());
}

/** The counts of one facet as a plain map (names, not ids). */
function mapOf(c: CountTable, facet: number, names: Interner): Map<string, number> {
  const out = new Map<string, number>();
  const all = names.names;
  c.each(facet, (id, n) => out.set(all[id]!, n));
  return out;
}

/** The hour counts of a rollup as the plain form's `by_hour`. */
export function hoursOf(c: CountTable): number[] {
  const out = new Array<number>(24).fill(0);
  c.each(Facet.hour, (h, n) => out[h] = n);
  return out;
}

/** The fields a person's and a channel's plain forms share, copied from the packed form. */
function plainCommon<T extends UserState | ChannelState>(
  out: T,
  s: PackedUser | PackedChannel,
  names: Interner,
): T {
  const c = s.counts;
  out.message_count = s.message_count;
  out.first_seen = s.first_seen;
  out.last_seen = s.last_seen;
  out.keywords = mapOf(c, Facet.keyword, names);
  out.mentions = mapOf(c, Facet.mention, names);
  out.emotes = mapOf(c, Facet.emote, names);
  out.domains = mapOf(c, Facet.domain, names);
  out.by_hour = hoursOf(c);
  out.by_day = mapOf(c, Facet.day, names);
  return out;
}

/** The plain form of a packed person rollup (equal to folding the same messages plainly). */
export function toUserState(s: PackedUser, names: Interner): UserState {
  const c = s.counts;
  const out = plainCommon(newUserState(s.user_name), s, names);
  for (const l of s.logins) {
    out.logins.set(l.login, plainUse(l));
  }
  out.display_names = new Set(s.display_names ?? []);
  out.user_id = plainLatest(s.user_id);
  out.display_name = plainLatest(s.display_name);
  out.per_channel = mapOf(c, Facet.party, names);
  out.asked = s.asked;
  out.targets = mapOf(c, Facet.target, names);
  out.evidence = s.evidence ? [...s.evidence] : [];
  return out;
}

/** The plain form of a packed channel rollup. */
export function toChannelState(s: PackedChannel, names: Interner): ChannelState {
  const c = s.counts;
  const out = plainCommon(newChannelState(s.channel), s, names);
  out.users = mapOf(c, Facet.party, names);
  out.targets = s.targets ?? new Map();
  return out;
}

function addAll(c: CountTable, m: ReadonlyMap<string, number>, facet: number, names: Interner) {
  for (const [k, n] of m) if (n !== 0) c.add(keyOf(names.id(k), facet), n);
}

function packCommon(
  out: PackedCommon,
  s: UserState | ChannelState,
  names: Interner,
  party: ReadonlyMap<string, number>,
): void {
  out.message_count = s.message_count;
  out.first_seen = s.first_seen;
  out.last_seen = s.last_seen;
  const c = out.counts;
  addAll(c, s.keywords, Facet.keyword, names);
  addAll(c, s.mentions, Facet.mention, names);
  addAll(c, s.emotes, Facet.emote, names);
  addAll(c, s.domains, Facet.domain, names);
  s.by_hour.forEach((n, h) => {
    if (n !== 0) c.add(keyOf(h, Facet.hour), n);
  });
  addAll(c, s.by_day, Facet.day, names);
  addAll(c, party, Facet.party, names);
}

/** The packed form of a plain person rollup (one read back from the store). */
export function packUserState(s: UserState, names: Interner): PackedUser {
  const out = newPackedUser(s.user_name);
  packCommon(out, s, names, s.per_channel);
  addAll(out.counts, s.targets, Facet.target, names);
  for (const [login, u] of s.logins) {
    out.logins.push({
      login,
      key: 0,
      first: u.first,
      ts: u.last.ts,
      mid: u.last.mid,
      count: u.count,
    });
  }
  out.display_names = s.display_names.size ? [...s.display_names] : null;
  out.user_id = packLatest(s.user_id);
  out.display_name = packLatest(s.display_name);
  out.asked = s.asked;
  out.evidence = s.evidence.length ? s.evidence : null;
  return out;
}

/** The packed form of a plain channel rollup. */
export function packChannelState(s: ChannelState, names: Interner): PackedChannel {
  const out = newPackedChannel(s.channel);
  packCommon(out, s, names, s.users);
  out.targets = s.targets.size ? s.targets : null;
  return out;
}

/** Estimated heap bytes of a packed rollup (for the bound of a cache of them). */
export function packedBytes(s: PackedUser | PackedChannel): number {
  let n = 160 + s.counts.bytes;
  if (s.kind === "user") {
    n += 120 * s.logins.length + 200 * (s.evidence?.length ?? 0) +
      48 * (s.display_names?.length ?? 0);
  } else if (s.targets) {
    for (const t of s.targets.values()) n += 300 + 48 * t.users.size + 200 * t.examples.length;
  }
  return n;
}
