/**
 * The command line's flags read as `node:util`'s `parseArgs` reads them with `strict: true` and
 * `allowPositionals: true` (same values, same positionals, same error messages: a property test
 * holds the two together), written here because importing `node:util` loads Node's
 * compatibility layer, ~15 ms of every command's start-up, and a read command needs nothing
 * else of it.
 *
 * The forms: `--name value`, `--name=value`, `-n value`, `-nvalue`, `-abc` (booleans grouped;
 * a string flag in a group takes the rest of it), `--` (everything after it is positional). A
 * string flag takes the next argument whatever it is, and refuses one that looks like a flag
 * ("ambiguous") unless given as `--name=-x`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFlagArgs } from "./flag_parser.ts";
 * const spec = { limit: { type: "string" as const }, count: { type: "boolean" as const, short: "c" } };
 * const { values, positionals } = parseFlagArgs(["--limit", "5", "-c", "x"], spec);
 * assert.deepEqual({ ...values }, { limit: "5", count: true });
 * assert.deepEqual(positionals, ["x"]);
 * assert.throws(() => parseFlagArgs(["--limit"], spec), { message: "Option '--limit <value>' argument missing" });
 * ```
 *
 * @module
 */

/** One flag's definition, as `parseArgs` takes it. */
export interface FlagDef {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  default?: string | boolean | string[] | boolean[];
}

/** What {@link parseFlagArgs} read. */
export interface ParsedFlags {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** The message of a bad command line (the text `parseArgs` throws). */
export class FlagError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = "FlagError";
  }
}

interface Token {
  name: string;
  rawName: string;
  value: string | undefined;
  inline: boolean;
}

const own = (o: object, k: string) => Object.hasOwn(o, k);

/** Reads `args` against `spec`; throws {@link FlagError} as `parseArgs` would (strict mode). */
export function parseFlagArgs(
  args: readonly string[],
  spec: Readonly<Record<string, FlagDef>>,
): ParsedFlags {
  const values: ParsedFlags["values"] = Object.create(null);
  const positionals: string[] = [];
  for (const t of tokenize(args, spec)) {
    if ("positional" in t) {
      positionals.push(t.positional);
      continue;
    }
    check(t, spec);
    if (t.name === "__proto__") continue;
    const v = t.value ?? true;
    if (spec[t.name]!.multiple) {
      const list = values[t.name];
      if (Array.isArray(list)) list.push(v);
      else values[t.name] = [v];
    } else values[t.name] = v;
  }
  for (const [name, d] of Object.entries(spec)) {
    if (d.default !== undefined && values[name] === undefined) values[name] = d.default;
  }
  return { values, positionals };
}

/** The options and positionals of `args`, in order, unchecked (as `parseArgs`' tokens). */
function tokenize(
  args: readonly string[],
  spec: Readonly<Record<string, FlagDef>>,
): Array<Token | { positional: string }> {
  const typeOf = (name: string) => (own(spec, name) ? spec[name]!.type : undefined);
  const longFor = (short: string) =>
    Object.entries(spec).find(([, d]) => d.short === short)?.[0] ?? short;
  const tokens: Array<Token | { positional: string }> = [];
  const rest = [...args];
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (arg === "--") {
      for (const a of rest) tokens.push({ positional: a });
      break;
    }
    const shortish = arg.length > 2 && arg[0] === "-" && arg[1] !== "-";
    if (arg.length === 2 && arg[0] === "-" && arg[1] !== "-") {
      // -f, maybe with the next argument as its value.
      const name = longFor(arg[1]!);
      const takes = typeOf(name) === "string" && rest.length > 0;
      tokens.push({ name, rawName: arg, value: takes ? rest.shift() : undefined, inline: false });
    } else if (shortish && typeOf(longFor(arg[1]!)) !== "string") {
      // -abc: -a -b -c; a string flag inside takes the rest (-abfFILE: -a -b -fFILE).
      const expanded: string[] = [];
      for (let i = 1; i < arg.length; i++) {
        if (typeOf(longFor(arg[i]!)) !== "string" || i === arg.length - 1) {
          expanded.push(`-${arg[i]}`);
        } else {
          expanded.push(`-${arg.slice(i)}`);
          break;
        }
      }
      rest.unshift(...expanded);
    } else if (shortish) {
      // -fVALUE
      tokens.push({
        name: longFor(arg[1]!),
        rawName: arg.slice(0, 2),
        value: arg.slice(2),
        inline: true,
      });
    } else if (arg.length > 2 && arg.startsWith("--") && !arg.includes("=", 3)) {
      const name = arg.slice(2);
      const takes = typeOf(name) === "string" && rest.length > 0;
      tokens.push({ name, rawName: arg, value: takes ? rest.shift() : undefined, inline: false });
    } else if (arg.length > 2 && arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq);
      tokens.push({ name, rawName: `--${name}`, value: arg.slice(eq + 1), inline: true });
    } else tokens.push({ positional: arg });
  }
  return tokens;
}

/** The checks of strict mode, with `parseArgs`'s messages. */
function check(t: Token, spec: Readonly<Record<string, FlagDef>>): void {
  if (!own(spec, t.name)) {
    throw new FlagError(
      `Unknown option '${t.rawName}'. To specify a positional argument starting with a '-', ` +
        `place it at the end of the command after '--', as in '-- ${JSON.stringify(t.rawName)}`,
    );
  }
  const d = spec[t.name]!;
  const both = `${d.short ? `-${d.short}, ` : ""}--${t.name}`;
  if (d.type === "string" && typeof t.value !== "string") {
    throw new FlagError(`Option '${both} <value>' argument missing`);
  }
  if (d.type === "boolean" && t.value !== undefined) {
    throw new FlagError(`Option '${both}' does not take an argument`);
  }
  if (!t.inline && t.value !== undefined && t.value.length > 1 && t.value[0] === "-") {
    const example = t.rawName.startsWith("--")
      ? `'${t.rawName}=-XYZ'`
      : `'--${t.name}=-XYZ' or '${t.rawName}-XYZ'`;
    throw new FlagError(
      `Option '${t.rawName}' argument is ambiguous.\n` +
        `Did you forget to specify the option argument for '${t.rawName}'?\n` +
        `To specify an option argument starting with a dash use ${example}.`,
    );
  }
}
