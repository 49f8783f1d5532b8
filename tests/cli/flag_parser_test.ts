import { deepStrictEqual } from "node:assert/strict";
import { parseArgs } from "node:util";
import fc from "fast-check";
import { type FlagDef, parseFlagArgs } from "../../src/cli/flag_parser.ts";

const SPEC: Record<string, FlagDef> = {
  query: { type: "string", short: "q" },
  limit: { type: "string" },
  count: { type: "boolean", short: "c" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  user: { type: "string", multiple: true, short: "u" },
  all: { type: "boolean", multiple: true, short: "a" },
  format: { type: "string", default: "json" },
};

/** What node:util's parseArgs makes of `args`: values and positionals, or its message. */
function viaNode(args: string[]): unknown {
  try {
    const r = parseArgs({ args, options: SPEC, allowPositionals: true, strict: true });
    return { values: { ...(r.values as object) }, positionals: r.positionals };
  } catch (e) {
    return (e as Error).message;
  }
}

function viaOurs(args: string[]): unknown {
  try {
    const r = parseFlagArgs(args, SPEC);
    return { values: { ...r.values }, positionals: r.positionals };
  } catch (e) {
    return (e as Error).message;
  }
}

const WORDS = [
  "--query",
  "-q",
  "-qx",
  "--query=a b",
  "--limit",
  "--limit=5",
  "--limit=-5",
  "-5",
  "5",
  "--count",
  "-c",
  "--count=yes",
  "-ch",
  "-hc",
  "-cq",
  "-cqfoo",
  "-cu",
  "-a",
  "-aa",
  "-aca",
  "--debug",
  "--help",
  "-h",
  "--user",
  "-u",
  "-uann",
  "--all",
  "--all=1",
  "--format",
  "--format=csv",
  "--nope",
  "-z",
  "-cz",
  "--",
  "-",
  "---x",
  "--=x",
  "--no-count",
  "x",
  "y z",
  "--__proto__",
  "--toString",
  "-",
  "--limit=",
  "",
];

Deno.test("parseFlagArgs() reads every command line as node:util's parseArgs does", () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }), (args) => {
      deepStrictEqual(viaOurs(args), viaNode(args));
    }),
    { numRuns: 3000 },
  );
});

Deno.test("parseFlagArgs() gives parseArgs' messages for the usual mistakes", () => {
  for (
    const args of [["--nope"], ["--limit"], ["--count=x"], ["-z"], ["--limit", "--count"], [
      "-q",
      "-x",
    ]]
  ) {
    deepStrictEqual(viaOurs(args), viaNode(args));
    deepStrictEqual(typeof viaOurs(args), "string");
  }
});
