/**
 * Generated Twitch-like chat lines for benchmarks and the live demo: PRIVMSG lines with the
 * tags Twitch sends (about 300 characters on average), emotes with code-point offsets (emoji
 * included), replies, `/me` actions and cheers. Deterministic for a given seed. The words are
 * made up here; nothing is copied from real chat.
 *
 * @module
 */
import { escapeTag } from "./fake_twitch.ts";
import { prng } from "../../scripts/chatgen.ts";

const WORDS = (
  "the stream is so good today gg wp chat let's go no way that was insane clip it " +
  "who is playing next round lag again is it just me what a play hello from france " +
  "first time here love the music what game is this how long have you been live " +
  "this boss fight is hard pog nice one so close next time any tips for beginners " +
  "song name please we need a rematch who won that one unlucky bro the chat is wild"
).split(" ");
const EMOTES = [
  "Kappa",
  "LUL",
  "PogChamp",
  "<3",
  "Kreygasm",
  "BibleThump",
  "SeemsGood",
  "NotLikeThis",
];
const EMOTE_IDS: Record<string, string> = {
  Kappa: "25",
  LUL: "425618",
  PogChamp: "305954156",
  "<3": "483",
  Kreygasm: "41",
  BibleThump: "86",
  SeemsGood: "64138",
  NotLikeThis: "58765",
};
const EMOJI = ["😂", "🔥", "👀", "🎉", "💀"];
const FIRST = ["night", "pixel", "happy", "lazy", "quiet", "brave", "cosmic", "tiny", "red"];
const SECOND = ["owl", "gamer", "fox", "tomato", "wizard", "panda", "rider", "coder", "cat"];
const COLORS = ["#1E90FF", "#FF4500", "#8A2BE2", "#00FF7F", "#DAA520", ""];

/** One generated line. */
export interface FakeLine {
  id: string;
  channel: string;
  user: string;
  text: string;
  line: string;
}

/** A seeded generator of chat lines. */
export class FakeChat {
  #rand: () => number;
  #seq = 0;
  readonly users: string[];

  /** `seed` fixes the sequence; `userCount` the size of the audience. */
  constructor(seed = 1, userCount = 500) {
    this.#rand = prng(seed >>> 0 || 1);
    this.users = Array.from(
      { length: userCount },
      (_, i) => `${this.#pick(FIRST)}_${this.#pick(SECOND)}${i}`,
    );
  }

  /** A uniform number in [0, 1) (the generator's seeded mulberry32). */
  random(): number {
    return this.#rand();
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  /** Message text with emotes; returns the text and Twitch's `emotes` tag for it. */
  text(): { text: string; emotes: string } {
    const parts: string[] = [];
    const ranges = new Map<string, string[]>();
    let points = 0;
    const count = 3 + Math.floor(this.random() * 12);
    for (let i = 0; i < count; i++) {
      const r = this.random();
      const word = r < 0.18 ? this.#pick(EMOTES) : r < 0.24 ? this.#pick(EMOJI) : this.#pick(WORDS);
      if (parts.length > 0) points += 1;
      const length = [...word].length;
      if (EMOTE_IDS[word]) {
        const id = EMOTE_IDS[word]!;
        if (!ranges.has(id)) ranges.set(id, []);
        ranges.get(id)!.push(`${points}-${points + length - 1}`);
      }
      parts.push(word);
      points += length;
    }
    const emotes = [...ranges].map(([id, list]) => `${id}:${list.join(",")}`).join("/");
    return { text: parts.join(" "), emotes };
  }

  /** A PRIVMSG line to `channel` sent at `ts` (epoch ms). */
  line(channel: string, ts: number = Date.now()): FakeLine {
    const seq = ++this.#seq;
    const user = this.#pick(this.users);
    const { text: body, emotes } = this.text();
    const r = this.random();
    const id = `${hex(this.random(), 8)}-${hex(this.random(), 4)}-4${hex(this.random(), 3)}-8${
      hex(this.random(), 3)
    }-${seq.toString(16).padStart(12, "0")}`;
    const subMonths = Math.floor(this.random() * 40);
    const tags: Array<[string, string]> = [
      ["badge-info", subMonths ? `subscriber/${subMonths}` : ""],
      ["badges", subMonths ? `subscriber/${Math.min(subMonths, 24)},premium/1` : ""],
      ["client-nonce", hex(this.random(), 16) + hex(this.random(), 16)],
      ["color", this.#pick(COLORS)],
      ["display-name", user.replace(/^./, (c) => c.toUpperCase())],
      ["emotes", r < 0.05 ? "" : emotes],
      ["first-msg", this.random() < 0.02 ? "1" : "0"],
      ["flags", ""],
      ["id", id],
      ["mod", "0"],
      ["returning-chatter", "0"],
      ["room-id", String(10_000 + channel.length * 7919)],
      ["subscriber", subMonths ? "1" : "0"],
      ["tmi-sent-ts", String(ts)],
      ["turbo", "0"],
      ["user-id", String(100_000 + this.users.indexOf(user))],
      ["user-type", ""],
    ];
    let text = body;
    if (r >= 0.05 && r < 0.15) {
      const parent = this.#pick(this.users);
      tags.push(
        ["reply-parent-display-name", parent],
        ["reply-parent-msg-body", this.text().text],
        [
          "reply-parent-msg-id",
          `${hex(this.random(), 8)}-0000-4000-8000-${hex(this.random(), 12)}`,
        ],
        ["reply-parent-user-id", String(100_000 + this.users.indexOf(parent))],
        ["reply-parent-user-login", parent],
      );
      // Twitch's offsets for a reply count the "@parent " it prepends.
      text = `@${parent} ${body}`;
      const shift = [...`@${parent} `].length;
      tags[5] = ["emotes", shiftEmotes(tags[5]![1], shift)];
    } else if (r >= 0.15 && r < 0.18) {
      tags.push(["bits", String(1 + Math.floor(this.random() * 500))]);
    }
    tags.sort((a, b) => (a[0] < b[0] ? -1 : 1));
    const wire = r >= 0.18 && r < 0.22 ? `\x01ACTION ${text}\x01` : text;
    const tagText = tags.map(([k, v]) => `${k}=${escapeTag(v)}`).join(";");
    return {
      id,
      channel,
      user,
      text,
      line: `@${tagText} :${user}!${user}@${user}.tmi.twitch.tv PRIVMSG #${channel} :${wire}`,
    };
  }
}

function hex(r: number, digits: number): string {
  return Math.floor(r * 16 ** digits).toString(16).padStart(digits, "0").slice(0, digits);
}

function shiftEmotes(tag: string, by: number): string {
  if (!tag) return tag;
  return tag.split("/").map((group) => {
    const [id, ranges] = group.split(":");
    const shifted = ranges!.split(",").map((range) => {
      const [a, b] = range.split("-").map(Number);
      return `${a! + by}-${b! + by}`;
    });
    return `${id}:${shifted.join(",")}`;
  }).join("/");
}
