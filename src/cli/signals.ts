/**
 * `signals explain "TEXT" --channel C`: runs the relationship-signal analyzer on one text and
 * prints what fired and why (the rule, the words it matched, the target), or that nothing did
 * and which guard stopped it. Pure: no files, no network.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { explainSignals } from "../analysis/signals.ts";
import { choice, COMMON_HELP, parseCommand, required, subcommandHelp } from "./args.ts";
import type { CliIO, Handler } from "./io.ts";

const HELP =
  `Usage: twitch-osint signals explain "TEXT" --channel C [--streamer-name NAME]... [--format text|json]

Runs the relationship-signal analyzer on TEXT as if it were said in channel C, and prints
what fired (type, target, confidence, rule, evidence snippet) and every step of its reasoning:
which rule matched which words, or which guard stopped it (negation, denial, hypothetical,
other sense, fiction, sponsor, self, addressed, antecedent...).

Options:
  --channel C            the channel (its login is the streamer's); required
  --streamer-name NAME   another name for the streamer (display name, nickname); repeatable
  --format text|json     output format (default text); json prints {"fired": [...], "steps": [...]}

${COMMON_HELP}

Example:
  twitch-osint signals explain "hey @mod is he still dating sara?" --channel example_channel
`;

/**
 * `signals <subcommand>`: usage errors reject the promise, as from every handler.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { run } from "./signals.ts";
 * let out = "", err = "";
 * const io = {
 *   out: (text: string) => void (out += text),
 *   err: (text: string) => void (err += text),
 *   errIsTerminal: false,
 *   env: () => undefined,
 *   signal: new AbortController().signal,
 * };
 * const text = "is he still dating sara?";
 * await run(["explain", text, "--channel", "example_channel", "--format", "json"], io);
 * const { fired } = JSON.parse(out);
 * assert.deepEqual(fired.map((s: { type: string; target: string }) => [s.type, s.target]), [
 *   ["question", "sara"],
 * ]);
 * await assert.rejects(run(["explain", "hi"], io), {
 *   name: "UsageError",
 *   message: "--channel is required",
 * });
 * ```
 */
export const run: Handler = (args: string[], io: CliIO): Promise<number> =>
  Promise.resolve().then(() => signals(args, io));

function signals(args: string[], io: CliIO): number {
  const [sub, ...rest] = args;
  const helped = subcommandHelp(sub, HELP, io);
  if (helped !== null) return helped;
  if (sub !== "explain") {
    throw new UsageError(`unknown signals subcommand "${sub}" (expected explain)`);
  }
  const p = parseCommand(rest, HELP, io, {
    channel: { type: "string" },
    "streamer-name": { type: "string", multiple: true },
    format: { type: "string" },
  }, { positionals: true });
  if (p === null) return 0;
  const format = choice(p, "format", ["text", "json"]);
  if (p.positionals.length === 0) throw new UsageError(`signals explain needs the TEXT to explain`);
  if (p.positionals.length > 1) {
    throw new UsageError(
      `signals explain takes one TEXT, got ${p.positionals.length} (quote the message)`,
    );
  }
  const text = p.positionals[0]!;
  const channel = required(p, "channel").trim().toLowerCase().replace(/^[#@]/, "");
  const names = p.values["streamer-name"];
  const streamerNames = Array.isArray(names) ? names : [];
  const e = explainSignals(text, { channel, streamerNames });
  if (format === "json") {
    io.out(JSON.stringify({ text, channel, fired: e.fired, steps: e.steps }, null, 2) + "\n");
    return 0;
  }
  let out = `text:    ${JSON.stringify(text)}\nchannel: ${channel}\n`;
  if (e.fired.length === 0) {
    out += "result:  nothing fired\n";
  } else {
    out += `result:  ${e.fired.length} signal${e.fired.length === 1 ? "" : "s"}\n`;
    for (const s of e.fired) {
      out += `  - ${s.type}, target ${s.target ?? "(none named)"}, confidence ${s.confidence}, ` +
        `rule ${s.rule}\n    evidence: ${JSON.stringify(s.snippet)}\n`;
    }
  }
  out += "steps:\n" + e.steps.map((s) => `  ${s}\n`).join("");
  io.out(out);
  return 0;
}
