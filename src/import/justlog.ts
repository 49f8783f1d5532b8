/**
 * justlog's and rustlog's answers: JSON (`{"messages": [...]}`, each message with `id`,
 * `username`, `displayName`, `channel`, `timestamp`, `type`, `raw`, `tags`), NDJSON (one such
 * message per line, rustlog's `?ndjson`), and the plain text answer
 * (`[2024-01-15 12:34:56] #channel user: text`). Their raw answers and the `.txt.gz` files
 * justlog stores are raw IRC lines: the `irc` format.
 *
 * A JSON message with a `raw` line is read as that IRC line (every tag kept, with the message's
 * `timestamp` when the line lacks `tmi-sent-ts`); without one, from its fields.
 *
 * @module
 */
import { normalizeLogin, parseTimestamp } from "../normalize.ts";
import { messageIdFor } from "../analysis/message_id.ts";
import { emoteNamesFromTag } from "../analysis/emote_ranges.ts";
import type { ChatSource, MessageDraft } from "../chat/source.ts";
import { readLineBatches } from "../line_reader.ts";
import { openBytes, openReusedChunks, readHead } from "./input.ts";
import { jsonArrayRecords } from "./json_stream.ts";
import { parseIrcLogLine } from "./irc_log.ts";
import {
  at,
  type FileContext,
  fileSource,
  type ImportOptions,
  type Outcome,
  problem,
  SKIP,
} from "./outcome.ts";
import { str } from "./json_values.ts";

/** go-twitch-irc's message types, as justlog writes them in `type`. */
const PRIVMSG_TYPE = 1;

/**
 * One message of a justlog/rustlog JSON answer. Pure.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseJustlogMessage } from "./justlog.ts";
 * const o = parseJustlogMessage({
 *   text: "hi", username: "ann", displayName: "Ann", channel: "chan",
 *   timestamp: "2024-01-15T12:34:56.789Z", id: "m1", type: 1, raw: "", tags: { "user-id": "7" },
 * });
 * strictEqual(o.kind === "message" && o.draft.user_id, "7");
 * ```
 */
export function parseJustlogMessage(v: unknown): Outcome {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return problem("a message is not a JSON object");
  }
  const o = v as Record<string, unknown>;
  const ts = parseTimestamp(o.timestamp);
  const raw = str(o.raw);
  if (raw) return parseIrcLogLine(raw, ts.ok ? ts.ms : null, "import:justlog");
  if (o.type !== undefined && o.type !== PRIVMSG_TYPE) return SKIP;
  if (!ts.ok) return problem(`timestamp: ${ts.reason}`);
  const channel = normalizeLogin(str(o.channel) ?? "");
  if (!channel.ok) return problem(`channel: ${channel.reason}`);
  const user = normalizeLogin(str(o.username) ?? "");
  if (!user.ok) return problem(`username: ${user.reason}`);
  const text = str(o.text);
  if (text === undefined) return problem("text: missing");
  const tags = typeof o.tags === "object" && o.tags !== null
    ? o.tags as Record<string, unknown>
    : {};
  const id = str(o.id) || str(tags.id);
  const draft: MessageDraft = {
    ts: ts.value,
    channel: channel.value,
    message_id: id ? id.slice(0, 128) : messageIdFor(channel.value, ts.value, user.value, text),
    user_id: str(tags["user-id"]) || null,
    user_name: user.value,
    text,
    source: "import:justlog",
  };
  const emotes = str(tags.emotes);
  if (emotes !== undefined) draft.emotes = emoteNamesFromTag(emotes, text);
  const display = str(o.displayName) || str(tags["display-name"]);
  if (display) draft.display_name = display;
  const badges = str(tags.badges);
  if (badges) draft.badges = badges.split(",").filter((b) => b.length > 0);
  return { kind: "message", draft };
}

const TEXT_LINE = /^\[(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})\] #(\w+) (.*)$/;
const USER_PART = /^(\w{1,25}): /;

/**
 * One line of justlog's/rustlog's plain text answer. Lines without a user (bans, subs told
 * in words) are skipped. Pure.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { parseJustlogTextLine } from "./justlog.ts";
 * const o = parseJustlogTextLine("[2024-01-15 12:34:56] #chan ann: hello: there");
 * strictEqual(o.kind === "message" && o.draft.text, "hello: there");
 * ```
 */
export function parseJustlogTextLine(line: string): Outcome {
  if (line.trim() === "") return SKIP;
  const m = TEXT_LINE.exec(line);
  if (!m) return problem("not a justlog text line ([YYYY-MM-DD HH:MM:SS] #channel user: text)");
  const ts = parseTimestamp(`${m[1]}T${m[2]}.000Z`);
  if (!ts.ok) return problem(`time: ${ts.reason}`);
  const channel = normalizeLogin(m[3]!);
  if (!channel.ok) return problem(`channel: ${channel.reason}`);
  const rest = m[4]!;
  const u = USER_PART.exec(rest);
  if (!u) return SKIP;
  const user = normalizeLogin(u[1]!);
  if (!user.ok) return problem(`user: ${user.reason}`);
  const text = rest.slice(u[0].length);
  return {
    kind: "message",
    draft: {
      ts: ts.value,
      channel: channel.value,
      message_id: messageIdFor(channel.value, ts.value, user.value, text),
      user_id: null,
      user_name: user.value,
      text,
      source: "import:justlog",
    },
  };
}

function checked(o: Outcome, ctx: FileContext, where: string): Outcome {
  if (o.kind === "message") ctx.channel.check(o.draft.channel, where);
  else if (o.kind === "event") ctx.channel.check(o.event.channel, where);
  return at(o, where);
}

/** Reads one justlog/rustlog answer, whichever of JSON, NDJSON or text it is. */
export async function* readJustlogFile(path: string, ctx: FileContext): AsyncGenerator<Outcome[]> {
  const head = (await readHead(path)).trimStart();
  const firstLine = head.slice(0, head.indexOf("\n") >>> 0);
  const ndjson = head.startsWith("{") && !/^\{\s*"messages"\s*:/.test(head) &&
    /"(?:raw|username)"\s*:/.test(firstLine);
  if (head.startsWith("{") && !ndjson) {
    for await (
      const batch of jsonArrayRecords(await openReusedChunks(path), { arrayKey: "messages" })
    ) {
      yield batch.map((r) => {
        const where = `${path}:record ${r.record}`;
        return "error" in r
          ? problem(r.error, where)
          : checked(parseJustlogMessage(r.value), ctx, where);
      });
    }
    return;
  }
  for await (const batch of readLineBatches(await openBytes(path))) {
    const out: Outcome[] = [];
    for (const item of batch) {
      const where = `${path}:${item.line}`;
      if ("error" in item) out.push(problem(item.error, where));
      else if (!ndjson) out.push(checked(parseJustlogTextLine(item.text), ctx, where));
      else if (item.text.trim() === "") out.push(SKIP);
      else {
        let value: unknown;
        try {
          value = JSON.parse(item.text);
        } catch (e) {
          out.push(problem(`bad JSON (${(e as Error).message})`, where));
          continue;
        }
        out.push(checked(parseJustlogMessage(value), ctx, where));
      }
    }
    yield out;
  }
}

/** A chat source over justlog/rustlog answers. */
export function justlogSource(paths: readonly string[], options: ImportOptions = {}): ChatSource {
  return fileSource(paths.map((path) => ({ path, reader: readJustlogFile })), options);
}
