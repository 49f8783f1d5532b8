/**
 * Step 2 of the relationship-signal analyzer: the canonical form of a message. Words are
 * lowercased, contractions and chat spellings unified ("hes" -> "he is"), references to the
 * streamer become `STREAMER`, and a leading `@someone` who is addressed is set aside. Each
 * canonical word (a piece) keeps its span in the original text, for snippets and targets.
 *
 * Also here: the sentence helpers over pieces that the guards use.
 *
 * @module
 */
import {
  ADDRESS_AFTER_IS,
  CONTRACTION_TAIL,
  GENERIC_LOGIN_PARTS,
  LEAD_FILLER,
  NO_TARGET,
  NOT_THE_STREAMER,
  OPENER,
  PREPOSITION,
  REWRITE,
  YOURE_NEXT,
} from "./vocabulary.ts";

/** Who the streamer is, for one message. */
export interface SignalContext {
  /** The channel login (the streamer's login); `#` and `@` are ignored, case too. */
  channel: string;
  /** More names for the streamer, such as the display name or a nickname. */
  streamerNames?: readonly string[];
  /** Emote names present in this message (e.g. from Twitch's emote tag): never targets. */
  emotes?: readonly string[];
}

export interface Piece {
  /** Canonical word. */
  w: string;
  /** Span in the original text. */
  s: number;
  e: number;
  /** The original word, as written (for emote heuristics). */
  raw: string;
  mention: boolean;
}

export interface Canon {
  pieces: Piece[];
  text: string;
  /** Start offset of each piece in `text`. */
  starts: number[];
  /** The person addressed by a leading @mention, when it is not the streamer. */
  addressed: string | null;
}

// Words are runs of anything but spaces and punctuation (cheaper than \p{L} with /u, and
// emoji stay words); "w/" is "with"; runs of ?!.;,& are punctuation.
const TOKEN =
  /w\/(?=\s|$)|@?[^\s?!.;,&'’"()[\]{}<>*~^|\\/=+#$%@:]+(?:['’][^\s?!.;,&'’"()[\]{}<>*~^|\\/=+#$%@:]+)*|[?!.;,&]+/g;

interface Aliases {
  has(word: string): boolean;
}

const aliasCache = new Map<string, Aliases>();

/** The words that mean the streamer in this channel. */
function aliasesFor(ctx: SignalContext): Aliases {
  const key = ctx.channel + "\u0000" + (ctx.streamerNames ?? []).join("\u0000");
  const cached = aliasCache.get(key);
  if (cached) return cached;
  const login = ctx.channel.toLowerCase().replace(/^[#@]/, "");
  const exact = new Set<string>();
  if (login) exact.add(login);
  for (const part of login.split(/[_\d]+/)) {
    if (part.length >= 3 && !GENERIC_LOGIN_PARTS.has(part)) exact.add(part);
  }
  for (const name of ctx.streamerNames ?? []) {
    const n = name.toLowerCase().replace(/^@/, "").trim();
    if (n && !n.includes(" ")) exact.add(n);
  }
  const compact = login.replace(/[_\d]+/g, "");
  const memo = new Map<string, boolean>();
  const aliases: Aliases = {
    has: (w) => {
      let v = memo.get(w);
      if (v === undefined) {
        v = isAlias(w);
        if (memo.size < 4096) memo.set(w, v);
      }
      return v;
    },
  };
  // A bare prefix or suffix of a one-word login ("toast" for bigtoast) counts too.
  const isAlias = (w: string): boolean =>
    exact.has(w) ||
    (w.length >= 4 && compact.length > w.length && !GENERIC_LOGIN_PARTS.has(w) &&
      !NO_TARGET.has(w) && (compact.startsWith(w) || compact.endsWith(w)));
  if (aliasCache.size > 256) aliasCache.clear();
  aliasCache.set(key, aliases);
  return aliases;
}

export function canonicalize(text: string, ctx: SignalContext): Canon {
  const aliases = aliasesFor(ctx);
  const pieces: Piece[] = [];
  const push = (w: string, m: RegExpExecArray, mention = false) =>
    pieces.push({ w, s: m.index, e: m.index + m[0].length, raw: m[0], mention });
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(text)) !== null) {
    const tok = m[0];
    const c0 = tok.charCodeAt(0);
    if (tok === "\u{1F9E2}") {
      push("cap", m);
      continue;
    }
    if (c0 === 63 || c0 === 33 || c0 === 46 || c0 === 59 || c0 === 44 || c0 === 38) {
      if (tok.includes("?")) push("?", m);
      else if (/[.!;]/.test(tok)) push(".", m);
      else if (tok.includes(",")) push(",", m);
      else push("and", m);
      continue;
    }
    let low = tok.toLowerCase().replace(/’/g, "'");
    const mention = low.charCodeAt(0) === 64;
    if (mention) low = low.slice(1);
    // The streamer, possibly possessive: "luna", "@luna_plays", "luna's", "lunas".
    if (aliases.has(low)) {
      push("STREAMER", m);
      continue;
    }
    const possStem = low.endsWith("'s")
      ? low.slice(0, -2)
      : low.endsWith("s")
      ? low.slice(0, -1)
      : "";
    if (possStem && (aliases.has(possStem) || possStem === "streamer")) {
      if (possStem === "streamer") takeDeterminer(pieces);
      push("STREAMER", m);
      push("'s", m);
      continue;
    }
    if (low === "streamer") {
      // "the streamer", "is streamer dating": the streamer; "a streamer", "my fav streamer": not.
      const prev = pieces[pieces.length - 1]?.w ?? "";
      if (takeDeterminer(pieces) || !NOT_THE_STREAMER.test(prev)) {
        push("STREAMER", m);
        continue;
      }
    }
    if (mention) {
      push("@" + low, m, true);
      continue;
    }
    const rw = REWRITE.get(low);
    if (rw !== undefined) {
      for (const w of rw.split(" ")) push(w, m);
      continue;
    }
    const here = m;
    const word = (w: string) => {
      const r = REWRITE.get(w);
      if (r === undefined) push(w, here);
      else for (const x of r.split(" ")) push(x, here);
    };
    if (low.endsWith("n't")) {
      word(low.slice(0, -3));
      push("not", m);
    } else if (low.endsWith("'s")) {
      word(low.slice(0, -2));
      push("'s", m);
    } else {
      const apos = low.indexOf("'");
      if (apos > 0) {
        word(low.slice(0, apos));
        const tail = CONTRACTION_TAIL[low.slice(apos)];
        if (tail) push(tail, m);
      } else {
        push(low, m);
      }
    }
  }
  // "your dating emmy": the common typo for "you're".
  for (let i = 0; i + 1 < pieces.length; i++) {
    const p = pieces[i]!;
    if (p.w === "your" && YOURE_NEXT.has(pieces[i + 1]!.w)) {
      pieces.splice(i, 1, { ...p, w: "you" }, { ...p, w: "are" });
    }
  }
  // A leading @mention (after "hey", "yo"...) addresses someone; unless it is the streamer
  // or the subject of the sentence ("@sara is dating..."), set it aside.
  let addressed: string | null = null;
  let i = 0;
  while (i < pieces.length && (LEAD_FILLER.has(pieces[i]!.w) || pieces[i]!.w === ",")) i++;
  const lead = pieces[i];
  if (lead?.mention) {
    // "@sara is dating him" has @sara as subject; "@mod is he dating sara" addresses @mod.
    const next = pieces[i + 1]?.w;
    const after = pieces[i + 2]?.w ?? "";
    const subject = next === "and" ||
      ((next === "is" || next === "'s" || next === "was") && !ADDRESS_AFTER_IS.has(after));
    if (!subject) {
      addressed = lead.w.slice(1);
      let j = i;
      while (j < pieces.length && (pieces[j]!.mention || pieces[j]!.w === ",")) j++;
      pieces.splice(i, j - i);
    }
  }
  const starts: number[] = [];
  let text2 = "";
  for (const p of pieces) {
    if (text2) text2 += " ";
    starts.push(text2.length);
    text2 += p.w;
  }
  return { pieces, text: text2, starts, addressed };
}

/** "the streamer" / "this streamer": drops the determiner; true when there was one. */
function takeDeterminer(pieces: Piece[]): boolean {
  const last = pieces[pieces.length - 1];
  if (last && /^(?:the|this|our|da|tha|dis)$/.test(last.w)) {
    pieces.pop();
    return true;
  }
  return false;
}

export function pieceAt(canon: Canon, offset: number): number {
  // Binary search: the last piece starting at or before `offset`.
  let lo = 0;
  let hi = canon.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (canon.starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The pieces [a, b) of the sentence holding piece `i` (sentences end at "?" and "."). */
export function sentenceSpan(canon: Canon, i: number): [number, number] {
  const ends = (k: number) => canon.pieces[k]!.w === "?" || canon.pieces[k]!.w === ".";
  let a = i;
  while (a > 0 && !ends(a - 1)) a--;
  let b = i;
  while (b < canon.pieces.length && !ends(b)) b++;
  return [a, b];
}

/** The canonical words from the start of the sentence holding piece `i` up to it. */
export function sentenceBefore(canon: Canon, i: number): string {
  const [a] = sentenceSpan(canon, i);
  return canon.pieces.slice(a, i).map((p) => p.w).join(" ");
}

/** Is chat addressed ("chat are you...", "...anyone chat?") in the sentence holding piece `i`? */
export function chatAddressed(canon: Canon, i: number): boolean {
  const [a, b] = sentenceSpan(canon, i);
  for (let k = a; k < b; k++) {
    if (canon.pieces[k]!.w !== "chat") continue;
    if (atSentenceStart(canon, k)) return true;
    const prev = canon.pieces[k - 1]?.w ?? "";
    if ((k === b - 1 || canon.pieces[k + 1]!.w === ",") && !PREPOSITION.has(prev)) return true;
  }
  return false;
}

/** The canonical words of the whole sentence holding piece `i`. */
export function sentenceOf(canon: Canon, i: number): string {
  const [a, b] = sentenceSpan(canon, i);
  return canon.pieces.slice(a, b).map((p) => p.w).join(" ");
}

/** Is the sentence holding pieces [i, j) a question from piece i on? */
export function questionAfter(canon: Canon, i: number): boolean {
  for (let k = i; k < canon.pieces.length; k++) {
    const w = canon.pieces[k]!.w;
    if (w === "?") return true;
    if (w === ".") return false;
  }
  return false;
}

/** Only openers ("so", "wait", "lol", a vocative) before piece `k` in its sentence? */
export function atSentenceStart(canon: Canon, k: number): boolean {
  for (let i = k - 1; i >= 0; i--) {
    const w = canon.pieces[i]!.w;
    if (w === "?" || w === ".") return true;
    if (!OPENER.has(w)) return false;
  }
  return true;
}
