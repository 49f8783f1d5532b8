/**
 * The emote names recognized in text when a source gives no emote ranges:
 * `<fixtures>/emotes.json`, `{ "emotes": ["Kappa", ...] }`.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import { InputError } from "../errors.ts";

const EmotesFile = z.object({ emotes: z.array(z.string().min(1)) });

/** Reads the known emote names; an absent file means none. */
export async function loadKnownEmotes(fixturesDir: string): Promise<Set<string>> {
  const path = join(fixturesDir, "emotes.json");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return new Set();
    throw new InputError(path, `cannot read (${(e as Error).message})`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `bad JSON (${(e as Error).message})`, { cause: e });
  }
  const r = EmotesFile.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new InputError(`${path}: ${issue.path.join(".") || "file"}`, issue.message, {
      cause: r.error,
    });
  }
  return new Set(r.data.emotes);
}
