/**
 * Real Twitch IRC lines from other projects' test suites, imported as a raw IRC capture. They
 * stay outside this repository (`../shared/corpus/` beside the clone); without that folder the
 * test is skipped and says why, except under CI (`CI` set), where a missing corpus fails.
 * The hand-written capture in tests/data/import/ covers the same cases in a fresh clone.
 */
import { assert, assertEquals } from "../support/assert.ts";
import { join } from "node:path";
import type { ChatItem } from "../../src/chat/source.ts";
import { importSource } from "../../src/import/import_source.ts";
import { detectFormat } from "../../src/import/detect.ts";

const CORPUS = new URL("../../../shared/corpus/twitch-irc-lines.txt", import.meta.url);

function readCorpus(): string | undefined {
  try {
    return Deno.readTextFileSync(CORPUS);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

const text = readCorpus();
const ci = Deno.env.get("CI") !== undefined && Deno.env.get("CI") !== "";
const skip = text === undefined && !ci;
const why = skip
  ? ` (SKIPPED: ${CORPUS.pathname} is absent; the corpus is kept outside the repository)`
  : "";

Deno.test({
  name: `import: the real IRC corpus reads as a capture, every timed chat line kept${why}`,
  ignore: skip,
  async fn() {
    assert(text !== undefined, `CI is set but the corpus ${CORPUS.pathname} is missing`);
    const lines = text.split("\n").filter((l) => l.length > 0 && !l.startsWith("#"));
    const dir = await Deno.makeTempDir();
    try {
      const path = join(dir, "capture.txt");
      await Deno.writeTextFile(path, lines.join("\r\n") + "\r\n");
      assertEquals(detectFormat(lines.join("\n")), "irc");
      const items: ChatItem[] = [];
      const source = importSource([{ path, format: "irc" }]);
      for await (const item of source(new AbortController().signal)) {
        items.push(...(item.kind === "batch" ? item.items : [item]));
      }
      const count = (kind: string) => items.filter((i) => i.kind === kind).length;
      // A line without `tmi-sent-ts` cannot be placed in time: it is reported, not guessed.
      const timed = lines.filter((l) => l.includes("tmi-sent-ts="));
      const untimed = lines.filter((l) =>
        !l.includes("tmi-sent-ts=") && / (?:PRIVMSG|USERNOTICE|CLEARMSG|CLEARCHAT) #/.test(l)
      );
      const privmsg = timed.filter((l) => / PRIVMSG #/.test(l)).length;
      const events = timed.filter((l) => / (?:USERNOTICE|CLEARMSG|CLEARCHAT) #/.test(l)).length;
      const problems = items.filter((i) => i.kind === "problem");
      assertEquals(problems.length, untimed.length);
      for (const p of problems) {
        assert(
          p.kind === "problem" && p.reason.startsWith("no tmi-sent-ts tag"),
          JSON.stringify(p),
        );
      }
      assertEquals(count("message"), privmsg);
      assertEquals(count("event"), events);
      assert(privmsg >= 15 && events >= 15, `${privmsg} messages, ${events} events`);
      for (const item of items) {
        if (item.kind === "message") assertEquals(item.draft.source, "import:irc");
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
