/**
 * TwitchDownloader's chat JSON, written from generated chat: the shipped sample VOD
 * (`fixtures/vod_2001234567.twitchdownloader.json`, the README's import walkthrough) and the
 * import benchmark's inputs. The shape is what TwitchDownloaderCLI `chatdownload` writes
 * (`streamer`, `video`, `comments[]` with `commenter`, `message.fragments` split at emotes,
 * `user_badges`), so the import reads it as it reads a real download.
 *
 *   deno run --allow-write scripts/vod_sample.ts [PATH]   (default: the shipped sample's path)
 *
 * @module
 */
import { generateChat, type GenLine } from "./chatgen.ts";

/** Emote names the generated text uses, marked as emote fragments. */
const EMOTES = new Set([
  "Kappa",
  "LUL",
  "PogChamp",
  "KEKW",
  "monkaS",
  "Sadge",
  "catJAM",
  "OMEGALUL",
]);

/** A generated line with its Twitch ids, and what a VOD's comment also carries. */
export interface VodLine extends GenLine {
  message_id: string;
  user_id: string;
  display_name?: string;
}

/** One TwitchDownloader comment for `l` (fragments split at emotes), as the tool writes it. */
export function tdComment(l: VodLine, offsetSeconds = 0): Record<string, unknown> {
  const fragments: { text: string; emoticon: { emoticon_id: string } | null }[] = [];
  let plain = "";
  for (const word of l.text.split(" ")) {
    if (EMOTES.has(word)) {
      if (plain) fragments.push({ text: plain, emoticon: null });
      plain = "";
      fragments.push({ text: word, emoticon: { emoticon_id: "25" } });
      plain = " ";
    } else plain += (plain && plain !== " " ? " " : "") + word;
  }
  if (plain.trim()) fragments.push({ text: plain, emoticon: null });
  return {
    _id: l.message_id,
    created_at: l.ts,
    channel_id: "9001",
    content_type: "video",
    content_id: "2001234567",
    content_offset_seconds: offsetSeconds,
    commenter: {
      display_name: l.display_name ?? l.user_name,
      _id: l.user_id,
      name: l.user_name,
      type: null,
      bio: null,
      created_at: "2019-05-01T10:00:00Z",
      updated_at: "2024-01-01T10:00:00Z",
      logo: "https://static-cdn.jtvnw.net/jtv_user_pictures/x-profile_image-300x300.png",
    },
    source: "chat",
    state: "published",
    message: {
      body: l.text,
      bits_spent: 0,
      fragments,
      is_action: false,
      user_badges: [{ _id: "subscriber", version: "12" }],
      user_color: "#1E90FF",
      user_notice_params: { msg_id: null },
      emoticons: [],
    },
    more_replies: false,
  };
}

/** The text before the comments of a file of `channel`'s VOD (ends with `"comments":[`). */
export function tdHead(channel: string, title = "bench"): string {
  return `{"FileInfo":{"Version":{"Major":1,"Minor":3,"Patch":1}},"streamer":{"name":"${channel}",` +
    `"id":9001,"login":"${channel}"},"video":{"title":${
      JSON.stringify(title)
    },"id":"2001234567","start":0,"end":3600},"comments":[`;
}

/** The text after the comments. */
export const TD_TAIL = `],"embeddedData":null}`;

/** The shipped sample's channel, and the people the README looks up in it. */
export const SAMPLE_CHANNEL = "example_streamer";

const START_MS = Date.UTC(2024, 2, 10, 18, 0, 0);

/** The lines of the shipped sample: a few written by hand, then an hour of generated chat. */
export function sampleLines(): VodLine[] {
  const hand: VodLine[] = [
    {
      ts: "2024-03-10T18:00:01.250Z",
      user_name: "pixel_fox",
      display_name: "Pixel_Fox",
      text: "hello chat Kappa",
    },
    {
      ts: "2024-03-10T18:00:02.500Z",
      user_name: "cozy_owl",
      display_name: "Cozy_Owl",
      text: "@pixel_fox hi! is the giveaway still on? PogChamp",
    },
    {
      ts: "2024-03-10T18:00:04.000Z",
      user_name: "pixel_fox",
      display_name: "Pixel_Fox",
      text: "@cozy_owl giveaway ends at the end of the stream, type !join",
    },
  ].map((l, i) => ({
    ...l,
    channel: SAMPLE_CHANNEL,
    message_id: `5a3f0c2e-0000-4000-8000-${String(i + 1).padStart(12, "0")}`,
    user_id: String(2001 + i % 2),
  }));
  const generated = [
    ...generateChat({
      seed: 2001234567,
      channels: [SAMPLE_CHANNEL],
      users: 120,
      count: 300,
      startMs: START_MS + 5000,
      meanGapMs: 8000,
      ids: true,
      regulars: ["pixel_fox", "cozy_owl"],
    }),
  ].map((l, i) => ({
    ...l,
    // The VOD's own ids: the generator numbers its ids the same for every seed, so its ids
    // would be those of the shipped live fixtures, and after the demo an import of the sample
    // would store 3 new comments of 303 (a Twitch id is one message, whatever the channel).
    message_id: `5a3f0c2e-0000-4000-8001-${String(i + 1).padStart(12, "0")}`,
    user_id: l.user_id!,
  }));
  // The regulars keep their ids and display names from the hand-written lines.
  for (const l of generated as VodLine[]) {
    const known = hand.find((h) => h.user_name === l.user_name);
    if (known) {
      l.user_id = known.user_id;
      l.display_name = known.display_name!;
    }
  }
  return [...hand, ...generated];
}

/** The shipped sample file's text. */
export function sampleText(): string {
  return tdHead(SAMPLE_CHANNEL, "Sample VOD: an hour of chat") +
    sampleLines().map((l) => JSON.stringify(tdComment(l, (Date.parse(l.ts) - START_MS) / 1000)))
      .join(",") +
    TD_TAIL + "\n";
}

/** Where the shipped sample lives. */
export const SAMPLE_PATH = new URL(
  "../fixtures/vod_2001234567.twitchdownloader.json",
  import.meta.url,
);

if (import.meta.main) {
  await Deno.writeTextFile(Deno.args[0] ?? SAMPLE_PATH, sampleText());
}
