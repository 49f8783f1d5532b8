/**
 * Step 4 of the relationship-signal analyzer: the target. Decides whether the word in a rule's
 * target slot names a person (lowercased, without `@`), names nobody (a pronoun, an indefinite,
 * an emote: the signal stands without a target), or shows the match is not about a partner at
 * all (the speaker, a thing).
 *
 * @module
 */
import type { Canon, Piece } from "./canonical_form.ts";
import { EMOTES, NO_TARGET, NON_PERSON, PERSON_NOUN, SELF } from "./vocabulary.ts";

/** One message under analysis. */
export interface Run {
  text: string;
  canon: Canon;
  emotes: ReadonlySet<string>;
  /** Message-wide guards, computed on first use: the matched words, or null. */
  wide: { denial: string | null; fiction: string | null; ad: string | null } | undefined;
  /** The channel login, lowercased, when known (the target tagger reads words of it). */
  login?: string;
}

/** What the word in a target slot is. */
export type TargetCheck =
  | { kind: "name"; name: string; note?: string }
  | { kind: "none"; why: string }
  | { kind: "block"; guard: string; why: string };

/** Decides what the word in the target slot is. `k` is its piece index. */
export function checkTarget(run: Run, k: number): TargetCheck {
  const { canon } = run;
  const p = canon.pieces[k]!;
  const word = p.w.startsWith("@") ? p.w.slice(1) : p.w;
  const next = canon.pieces[k + 1]?.w;
  // "is it maya or chloe hes dating im confused": "i am" opens a clause of its own.
  if (
    word === "i" &&
    /^(?:am|think|guess|mean|swear|bet|heard|was|feel|do|did|have)$/.test(next ?? "")
  ) {
    return { kind: "none", why: `"i ${next}" opens another clause` };
  }
  if (SELF.has(word)) return { kind: "block", guard: "self", why: `"${word}" is the speaker` };
  // "is she with will?", "dating may now": a name that is also a modal closes its phrase.
  // ... and after "and"/"with" or before "is": "did tash and will break up", "will is her ex".
  const before = canon.pieces[k - 1]?.w ?? "";
  if (
    (word === "will" || word === "may") && !p.mention &&
    (/^(?:\?|\.|,|or|and|now|rn|tho|though|lol|anymore|from|is|was|'s)?$/.test(next ?? "") ||
      /^(?:and|with|w|or|\+|x|dated|dating)$/.test(before))
  ) return { kind: "name", name: word };
  // "mira's his girlfriend": that "'s" is "is"; "mira's bf" is someone else's.
  const after = canon.pieces[k + 2]?.w ?? "";
  if (
    next === "'s" && !p.mention &&
    !/^(?:his|her|ur|your|STREAMER|the|def|so|literally|totally|not)$/.test(after)
  ) {
    return { kind: "none", why: `"${word}'s ..." names someone else's person` };
  }
  if (describes(canon, k)) {
    return { kind: "none", why: `"the ${word} ${next}" describes someone, it names no one` };
  }
  if (word === "a" || word === "some" || word === "that" || word === "this") {
    return namedAfterDeterminer(run, k, word);
  }
  const how = participle(canon, k);
  if (how !== null) return how;
  if (NON_PERSON.has(word) || !p.mention && initials(word)) {
    return { kind: "block", guard: "other-sense", why: `"${word}" is not a person` };
  }
  if (NO_TARGET.has(word)) return { kind: "none", why: `"${word}" is a pronoun or filler` };
  if (LAUGHTER.test(word)) return { kind: "none", why: `"${word}" is laughter` };
  if (run.canon.addressed === word) {
    return { kind: "none", why: `"${word}" is the person addressed` };
  }
  if (isEmote(run, p)) return { kind: "none", why: `"${p.raw}" is an emote` };
  // Names: letters in any script, digits, "_" in logins, "-" in "anne-marie".
  if (
    !/^\p{L}[\p{L}\p{N}_]*(?:-\p{L}+)*$/u.test(word) || word.length < 2 || word.length > 25
  ) {
    if (!(p.mention && /^[a-z0-9_]{2,25}$/.test(word))) {
      return { kind: "none", why: `"${word}" does not look like a name` };
    }
  }
  return { kind: "name", name: word };
}

/**
 * "anda distraído", "tá cansado": a participle after the verb, which then meant "is", says how
 * someone is; "casou escondido": after a wedding, how it was done (no one named, but said).
 */
function participle(canon: Canon, k: number): TargetCheck | null {
  const p = canon.pieces[k]!;
  if (
    canon.lang !== "es" && canon.lang !== "pt" || p.mention ||
    !/^\p{L}{3,}(?:ad|[ií]d)(?:o|a|os|as)$/u.test(p.w)
  ) return null;
  return /^(?:married|engaged|divorced)$/.test(canon.pieces[k - 1]?.w ?? "")
    ? { kind: "none", why: `"${p.w}" says how it was done` }
    : { kind: "block", guard: "other-sense", why: `"${p.w}" says how someone is` };
}

/**
 * "mit dem vfb verheiratet", "married to psg": three letters or more without a vowel are a
 * club's or a game's initials, no one's name (a login, given as @mention, may be anything).
 */
function initials(word: string): boolean {
  // Chat's own letters without a vowel ("tbh", "smh", "kkkk") are filler or laughter, read below.
  return /^[a-z]{3,}$/.test(word) && !/[aeiouy]/.test(word) && !NO_TARGET.has(word) &&
    !LAUGHTER.test(word);
}

/**
 * "is he with yuki or the osaka girl", "the tiktok guy": after an English "the", the word at `k`
 * before a noun for a person describes them; it names no one.
 */
function describes(canon: Canon, k: number): boolean {
  const before = canon.pieces[k - 1];
  return before?.w === "the" && !before.art && !canon.pieces[k]!.mention &&
    /^(?:girl|guy|boy|dude|chick|woman|man|lady|one|gal|bloke|lad)$/.test(
      canon.pieces[k + 1]?.w ?? "",
    );
}

/** "a girl named sara", "that sara girl": the name after a determiner, or none. */
function namedAfterDeterminer(run: Run, k: number, word: string): TargetCheck {
  const pieces = run.canon.pieces;
  const n1 = pieces[k + 1]?.w;
  const n2 = pieces[k + 2]?.w;
  const n3 = pieces[k + 3];
  // ... "a runner named kat": a noun of whatever kind before "named".
  if (
    n1 && (PERSON_NOUN.has(n1) || /^\p{L}{3,}$/u.test(n1) && !NO_TARGET.has(n1)) &&
    (n2 === "named" || n2 === "called") &&
    n3
  ) {
    const sub = checkTarget(run, k + 3);
    if (sub.kind === "name") return sub;
  }
  if (n1 && n2 && PERSON_NOUN.has(n2) && (word === "that" || word === "this")) {
    const sub = checkTarget(run, k + 1);
    if (sub.kind === "name") return sub;
  }
  return { kind: "none", why: `"${word} ..." is not a name` };
}

/** Laughter in chat: "kkkk", "jajaja", "mdrr", "hahaha", "xddd". */
export const LAUGHTER =
  /^(?:k{3,}|(?:ja|je|ha|he|ka|rs|hue|js)+[jhaeks]?|(?:mdr|ptdr)r*|x+d+|lo+l|lma+o+|a+h+)$/;

export function isEmote(run: Run, p: Piece): boolean {
  if (p.mention) return false;
  const raw = p.raw.replace(/^@/, "");
  const low = raw.toLowerCase();
  if (EMOTES.has(low) || run.emotes.has(low)) return true;
  // Emote names are often camelCase (monkaS, catJAM, peepoHappy); names are not. Shouting a
  // name in capitals is common, so all-caps words count as emotes only when known.
  return /[a-z][A-Z]/.test(raw);
}
