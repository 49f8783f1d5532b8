import assert from "node:assert/strict";
import { choice, parseCommand, parseFlags, subcommandHelp } from "../../src/cli/args.ts";
import type { CliIO } from "../../src/cli/io.ts";
import { UsageError } from "../../src/errors.ts";
import { runMain } from "../support/cli.ts";

function io(): CliIO & { outText: string; errText: string } {
  const r = {
    outText: "",
    errText: "",
    out: (t: string) => void (r.outText += t),
    err: (t: string) => void (r.errText += t),
    errIsTerminal: false,
    env: () => undefined,
    signal: new AbortController().signal,
  };
  return r;
}

Deno.test("subcommandHelp(): none given is exit 2 on stderr, --help exit 0 on stdout, else null", () => {
  const a = io();
  assert.equal(subcommandHelp(undefined, "HELP\n", a), 2);
  assert.deepEqual([a.outText, a.errText], ["", "HELP\n"]);
  const b = io();
  assert.equal(subcommandHelp("-h", "HELP\n", b), 0);
  assert.deepEqual([b.outText, b.errText], ["HELP\n", ""]);
  assert.equal(subcommandHelp("run", "HELP\n", io()), null);
});

Deno.test("parseCommand(): --help prints and returns null; stray arguments are usage errors unless allowed", () => {
  const spec = { format: { type: "string" as const } };
  const h = io();
  assert.equal(parseCommand(["--help"], "HELP\n", h, spec), null);
  assert.equal(h.outText, "HELP\n");
  assert.throws(
    () => parseCommand(["extra"], "HELP\n", io(), spec),
    (e: unknown) => e instanceof UsageError && e.message === 'unexpected argument "extra"',
  );
  const p = parseCommand(["KEY"], "HELP\n", io(), spec, { positionals: true });
  assert.deepEqual(p?.positionals, ["KEY"]);
});

Deno.test("choice(): the first value is the default; anything else names every allowed value", () => {
  const parse = (args: string[]) =>
    parseFlags(args, { format: { type: "string" } }, () => undefined);
  assert.equal(choice(parse([]), "format", ["json", "jsonl", "table"]), "json");
  assert.equal(choice(parse(["--format", "table"]), "format", ["json", "jsonl", "table"]), "table");
  assert.throws(
    () => choice(parse(["--format", "xml"]), "format", ["json", "jsonl", "table"]),
    (e: unknown) =>
      e instanceof UsageError && e.message === '--format must be json, jsonl or table, got "xml"',
  );
});

Deno.test("subjects load refuses stray arguments like every other command", async () => {
  const r = await runMain(["subjects", "load", "--path", "subjects.csv", "extra"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unexpected argument "extra"/);
});

Deno.test("parseFlags(): a negative number after a flag reaches the flag's own check, not 'ambiguous'", async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [["search", "messages", "--limit", "-1"], /--limit must be at least 1, got -1/],
    [
      ["chat", "run", "--channels", "x", "--offline", "--duration-seconds", "-5"],
      /--duration-seconds must be/,
    ],
    [
      ["chat", "run", "--channels", "x", "--offline", "--speed", "-1"],
      /--speed must be a number >= 0, got "-1"/,
    ],
  ];
  for (const [args, re] of cases) {
    await t.step(args.join(" "), async () => {
      const r = await runMain(args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, re);
      assert.doesNotMatch(r.stderr, /ambiguous/);
    });
  }
  assert.throws(
    () => parseFlags(["--format", "-x"], { format: { type: "string" } }, () => undefined),
    UsageError,
    "a value that starts with '-' and is not a number is still refused",
  );
});
