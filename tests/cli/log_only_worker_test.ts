/**
 * A log-only run analyses in worker threads (`src/cli/analysis_worker.ts`): with two
 * (`OSINT_ANALYSIS_WORKER=2`), the log, the events and what the run says are those of the same run analysing in one worker
 * (`OSINT_ANALYSIS_WORKER=1`) and inline (`=0`), for imports and the replay, with opt-outs,
 * subjects, repeats and bad lines.
 */
import { assertEquals, assertMatch } from "../support/assert.ts";
import { join } from "node:path";
import { FIXTURES, REPO, runMain, tempDir } from "../support/cli.ts";

const DATA = join(REPO, "tests", "data", "import");

/** What a run says, without its times and rates. */
const untimed = (stderr: string, dataDir: string) =>
  stderr.replaceAll(dataDir, "<data>").replace(/ in [\d.]+s \([^)]*\)/g, "").replace(
    /\| [\d.,]+k?\/s/g,
    "",
  );

/** A capture of `n` chat lines: repeats, mentions of `@quiet_cat`, emails, one bad line. */
function capture(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const user = `user_${i % 97}`;
    const text = i % 11 === 0
      ? `hey @quiet_cat are you her boyfriend? Kappa`
      : i % 13 === 0
      ? `mail me at someone${i}@example.com`
      : `message number ${i} https://example.com/${i}`;
    lines.push(
      `@id=w-${i % 4000};tmi-sent-ts=${1710093600000 + i};user-id=${i % 97};display-name=U${i} ` +
        `:${user}!${user}@${user}.tmi.twitch.tv PRIVMSG #example_streamer :${text}`,
    );
    if (i === 2500) lines.push("not an IRC line");
  }
  return lines.join("\n") + "\n";
}

async function bothWays(
  args: (dataDir: string) => string[],
  prepare: (dataDir: string) => Promise<void> = async () => {},
): Promise<void> {
  await using dir = await tempDir();
  const outs: string[] = [];
  const logs: Uint8Array[] = [];
  const ways = ["2", "1", "0"];
  for (const worker of ways) {
    const dataDir = join(dir.path, `data-${worker}`);
    await Deno.mkdir(dataDir, { recursive: true });
    await prepare(dataDir);
    for (let round = 0; round < 2; round++) {
      const r = await runMain(args(dataDir), { env: { OSINT_ANALYSIS_WORKER: worker } });
      assertEquals(r.code, 0, r.stderr);
      outs.push(untimed(r.stderr, dataDir));
    }
    logs.push(await Deno.readFile(join(dataDir, "logs", "messages.jsonl")));
    const events = await Deno.readFile(join(dataDir, "logs", "events.jsonl")).catch(() => null);
    if (events) logs.push(events);
  }
  for (let w = 1; w < ways.length; w++) {
    assertEquals(outs.slice(0, 2), outs.slice(2 * w, 2 * w + 2));
  }
  const each = logs.length / ways.length;
  assertEquals(logs.length, ways.length * each);
  for (let w = 1; w < ways.length; w++) {
    for (let k = 0; k < each; k++) {
      assertEquals(firstDifference(logs[k]!, logs[w * each + k]!), -1);
    }
  }
}

/** Where two byte strings first differ, or -1 (a diff of whole logs would take too long). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

Deno.test("import --log-only in the worker thread writes the log and says what the inline run says", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "big.irc.txt");
  await Deno.writeTextFile(path, capture(6000));
  const subjects = join(dir.path, "subjects.csv");
  await Deno.writeTextFile(subjects, "type,value\nusername,user_5\nemail,someone26@example.com\n");
  await bothWays(
    (
      dataDir,
    ) => ["import", path, DATA, "--channel", "example_streamer", "--log-only", ...common(dataDir)],
    async (dataDir) => {
      const d = common(dataDir);
      assertEquals(
        (await runMain(["subjects", "load", "--path", subjects, "--no-enrich", ...d])).code,
        0,
      );
      assertEquals(
        (await runMain(["privacy", "optout", "add", "--user", "quiet_cat", ...d])).code,
        0,
      );
      assertEquals((await runMain(["privacy", "optout", "add", "--user", "user_3", ...d])).code, 0);
    },
  );
  const r = await runMain(["import", path, "--log-only", ...common(join(dir.path, "x"))], {
    env: {},
  });
  assertMatch(r.stderr, /4000 new, 2000 duplicate/);
});

Deno.test("chat run --offline --log-only in the worker thread writes the log of the inline run", async () => {
  await bothWays((dataDir) => [
    "chat",
    "run",
    "--channels",
    "example_channel",
    "--offline",
    "--speed",
    "0",
    "--log-only",
    ...common(dataDir),
  ]);
});

function common(dataDir: string): string[] {
  return ["--data-dir", dataDir, "--fixtures-dir", FIXTURES];
}
