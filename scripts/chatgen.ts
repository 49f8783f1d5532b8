/**
 * A deterministic generator of plausible Twitch chat, for the shipped fixtures and the
 * benchmarks. Seeded: the same seed gives the same lines.
 *
 * @module
 */

/** A small seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  "pixel",
  "night",
  "lazy",
  "hyper",
  "salty",
  "cozy",
  "turbo",
  "mega",
  "shadow",
  "lucky",
  "frost",
  "neon",
  "quiet",
  "rapid",
  "sunny",
  "crimson",
  "cosmic",
  "tiny",
  "grumpy",
  "silver",
];
const SECOND = [
  "fox",
  "gamer",
  "panda",
  "owl",
  "wizard",
  "ninja",
  "otter",
  "tiger",
  "pilot",
  "knight",
  "cat",
  "goose",
  "viper",
  "llama",
  "raven",
  "bard",
  "golem",
  "moth",
  "crab",
  "sloth",
];

/** A plausible login for user number `i`. */
export function userName(i: number): string {
  const a = FIRST[i % FIRST.length]!;
  const b = SECOND[Math.floor(i / FIRST.length) % SECOND.length]!;
  const n = Math.floor(i / (FIRST.length * SECOND.length));
  return n === 0 ? `${a}_${b}` : `${a}${b}${n}`;
}

const EMOTES = ["Kappa", "LUL", "PogChamp", "KEKW", "monkaS", "Sadge", "catJAM", "OMEGALUL"];
const WORDS = [
  "music",
  "tour",
  "giveaway",
  "boss",
  "clutch",
  "setup",
  "keyboard",
  "playlist",
  "raid",
  "lag",
  "speedrun",
  "patch",
  "build",
  "stream",
  "schedule",
  "merch",
  "collab",
  "ranked",
  "tournament",
  "camera",
  "song",
  "dlc",
  "update",
  "coffee",
  "sleep",
  "map",
  "strat",
  "loadout",
  "skin",
  "mod",
];
const DOMAINS = [
  "youtube.com/watch?v=dQw4w9WgXcQ",
  "github.com/denoland/deno",
  "clips.twitch.tv/FunnyClipName",
  "example.com/schedule",
  "store.steampowered.com/app/620",
  "twitter.com/somestreamer/status/1",
];

type Template = (r: () => number, ctx: { other: string; word: string; word2: string }) => string;

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const TEMPLATES: Array<[number, Template]> = [
  [10, (_r, c) => `this ${c.word} is insane`],
  [8, (r, c) => `${pick(r, EMOTES)} ${c.word} ${pick(r, EMOTES)}`],
  [8, (_r, c) => `@${c.other} did you see that ${c.word}?`],
  [6, (r) => `${pick(r, EMOTES)} ${pick(r, EMOTES)} ${pick(r, EMOTES)}`],
  [6, (_r, c) => `when is the next ${c.word}`],
  [5, (r, c) => `check this https://${pick(r, DOMAINS)} for the ${c.word}`],
  [5, (_r, c) => `lol the ${c.word} and the ${c.word2} KEKW`],
  [5, (_r, c) => `anyone know what ${c.word} he uses?`],
  [4, (_r, c) => `gg @${c.other} that ${c.word} was clean`],
  [4, (_r, c) => `${c.word} ${c.word2} hype PogChamp`],
  [3, (_r, c) => `first time here, love the ${c.word}`],
  [3, (r) => `www.${pick(r, DOMAINS)} has the vod`],
];
const TOTAL = TEMPLATES.reduce((s, [w]) => s + w, 0);

// Talk about relationships (and its look-alikes), drawn with its own share: rare in real chat,
// denser in the shipped fixtures so that the demo shows the analyzer at work.
const RELATIONSHIP: Template[] = [
  () => `is he still dating sara?`,
  () => `does he have a gf`,
  () => `he's not dating sara, they broke up ages ago`,
  () => `my brother is dating a girl from the chat lol`,
  () => `carbon dating this meme KEKW`,
  (_r, c) => `is the streamer married? asking for @${c.other}`,
  () => `i think he's dating jessica now`,
  () => `save the date for the charity stream`,
];

/** A stable numeric id for a login, like Twitch's user ids. */
export function stableUserId(login: string): string {
  let h = 2166136261;
  for (let i = 0; i < login.length; i++) h = Math.imul(h ^ login.charCodeAt(i), 16777619);
  return String(100000000 + ((h >>> 0) % 900000000));
}

/** One generated line as a fixture object (the spec's four fields, optionally more). */
export interface GenLine {
  ts: string;
  channel: string;
  user_name: string;
  text: string;
  message_id?: string;
  user_id?: string;
}

/** Options of {@link generateChat}. */
export interface GenOptions {
  seed: number;
  channels: string[];
  users: number;
  count: number;
  startMs: number;
  /** Mean gap between lines in ms. */
  meanGapMs: number;
  /** Add Twitch-like ids (message_id, user_id). */
  ids?: boolean;
  /** Extra users who chat often (the subjects of the demo). */
  regulars?: string[];
  /** Share of lines about relationships or their look-alikes. @default 0.01 */
  relationshipShare?: number;
}

/** Yields `count` chat lines, timestamps increasing. */
export function* generateChat(o: GenOptions): Generator<GenLine> {
  const r = prng(o.seed);
  let t = o.startMs;
  for (let i = 0; i < o.count; i++) {
    t += Math.max(1, Math.round(-Math.log(1 - r()) * o.meanGapMs));
    // Zipf-like activity: a few users write most of the chat.
    const u = Math.floor(o.users * Math.pow(r(), 3));
    const user = o.regulars && r() < 0.12 ? pick(r, o.regulars) : userName(u);
    const other = userName(Math.floor(o.users * Math.pow(r(), 2)));
    let x = r() * TOTAL;
    let tpl = TEMPLATES[0]![1];
    for (const [w, f] of TEMPLATES) {
      if ((x -= w) < 0) {
        tpl = f;
        break;
      }
    }
    if (r() < (o.relationshipShare ?? 0.01)) tpl = pick(r, RELATIONSHIP);
    const text = tpl(r, { other, word: pick(r, WORDS), word2: pick(r, WORDS) });
    const channel = o.channels[Math.floor(Math.pow(r(), 2) * o.channels.length)]!;
    const line: GenLine = { ts: new Date(t).toISOString(), channel, user_name: user, text };
    if (o.ids) {
      line.message_id = `${(i * 2654435761 >>> 0).toString(16).padStart(8, "0")}-${
        i.toString(16).padStart(12, "0")
      }`;
      line.user_id = stableUserId(user);
    }
    yield line;
  }
}
