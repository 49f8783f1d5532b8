/**
 * What the read commands load before they run: the modules `main.ts`, the handlers of
 * `search`, `profiles` and `subjects hits`, and the embedded store (which `openStore` imports)
 * import statically (other dynamic imports load on use: `deno.json` sets `lazy-dynamic-imports`). None of them may import an npm package (zod alone is
 * ~95 modules and ~40 ms, its schemas ~25 ms more; libphonenumber ~50 ms; the CSV parser ~25 ms)
 * or `schemas.ts` as a value: whatever validates a file imports its schema when it has one to
 * check (see `json_file.ts`'s `SchemaRef`, `event_index.ts`'s `eventParser`).
 * `bench/startup.ts` measures the same commands.
 */
import { deepStrictEqual as assertEquals, ok } from "node:assert/strict";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;

/** The value imports of a file (type-only ones are erased): static only, not `import()`. */
async function staticImports(file: string): Promise<string[]> {
  const text = await Deno.readTextFile(file);
  // Code only: JSDoc examples import freely (they are documentation).
  const code = text.split("\n").filter((l) => !/^\s*(\*|\/\/)/.test(l)).join("\n");
  const out: string[] = [];
  const re = /^(?:import|export)\s+(type\s+)?(?:[^;"]*?\s+from\s+)?"([^"]+)"/gm;
  for (const m of code.matchAll(re)) {
    if (m[1] === undefined) out.push(m[2]!);
  }
  return out;
}

/** Every module `entries` reach through static value imports, and the bare specifiers met. */
async function staticGraph(entries: string[]): Promise<{ files: Set<string>; bare: Set<string> }> {
  const files = new Set<string>();
  const bare = new Set<string>();
  const todo = entries.map((e) => join(root, e));
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of await staticImports(file)) {
      if (spec.startsWith(".")) todo.push(join(file, "..", spec));
      else if (!spec.startsWith("node:")) bare.add(`${spec} (from ${relative(root, file)})`);
    }
  }
  return { files, bare };
}

Deno.test("the read commands import no npm package and no schema before they run", async (t) => {
  const config = JSON.parse(await Deno.readTextFile(join(root, "deno.json")));
  ok(config.unstable?.includes("lazy-dynamic-imports"), "deno.json loads dynamic imports lazily");
  for (
    const handler of [
      "src/cli/search.ts",
      "src/cli/profiles.ts",
      "src/cli/subjects.ts",
      "src/cli/subjects_hits.ts",
    ]
  ) {
    await t.step(handler, async () => {
      const { files, bare } = await staticGraph([
        "main.ts",
        handler,
        "src/store/embedded/embedded_store.ts",
      ]);
      assertEquals([...bare], []);
      assertEquals(
        [...files].map((f) => relative(root, f)).filter((f) => f === "src/schemas.ts"),
        [],
      );
      // The graph walk itself works: it reaches the store.
      ok(files.has(join(root, "src/errors.ts")));
    });
  }
});
