/**
 * Boundaries from ARCHITECTURE.md that a type checker cannot see: `src/` never prints and never
 * exits (only main.ts and the CLI handlers turn results into output and exit codes); no `any`
 * appears without a comment saying why; the layers (kernel at `src/` root, analysis, sources,
 * the store, the query layer, features, views) import only what is below them; sources and the
 * runner reach the store only through its interface; only the store touches a database or joins
 * paths onto the data dir; the folders of `src/` import each other without cycles.
 */
import { deepStrictEqual as assertEquals } from "node:assert/strict";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const p = join(dir, e.name);
    if (e.isDirectory) yield* sourceFiles(p);
    else if (e.name.endsWith(".ts")) yield p;
  }
}

Deno.test("src/ never prints to the console or exits the process", async () => {
  const offenders: string[] = [];
  for await (const file of sourceFiles(join(root, "src"))) {
    const lines = (await Deno.readTextFile(file)).split("\n");
    lines.forEach((line, i) => {
      // JSDoc examples (` * ...`) may print: they are documentation, run by `deno test --doc`.
      if (/^\s*\*/.test(line)) return;
      const code = line.replace(/\/\/.*$/, "");
      if (/\bconsole\.\w+\(|\bDeno\.exit\(/.test(code)) {
        offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assertEquals(offenders, []);
});

Deno.test("no `any` without a comment saying why", async () => {
  const offenders: string[] = [];
  for (const dir of ["src", "tests", "bench", "scripts"]) {
    for await (const file of sourceFiles(join(root, dir))) {
      if (file.endsWith("architecture_test.ts")) continue;
      const lines = (await Deno.readTextFile(file)).split("\n");
      lines.forEach((line, i) => {
        if (!/(:\s*any\b|\bas any\b|<any>)/.test(line)) return;
        const context = `${lines[i - 1] ?? ""}\n${line}`;
        if (!/\/\/.*\b(why|because|any:)/i.test(context) && !/deno-lint-ignore/.test(context)) {
          offenders.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
        }
      });
    }
  }
  assertEquals(offenders, []);
});

/** Relative imports of a file (static and dynamic), resolved to paths under the repo. */
async function importsOf(file: string): Promise<string[]> {
  const text = await Deno.readTextFile(file);
  const out: string[] = [];
  // Code only: JSDoc examples import freely (they are documentation).
  const code = text.split("\n").filter((l) => !/^\s*\*/.test(l)).join("\n");
  for (const m of code.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
    out.push(relative(root, join(file, "..", m[1]!)));
  }
  return out;
}

/** The layer of a source file, by where it lives. */
function layerOf(path: string): string {
  const parts = path.split("/");
  if (parts[0] !== "src") return "outside";
  if (parts.length === 2) return "kernel";
  const dir = parts[1]!;
  if (dir === "chat") return path === "src/chat/runner.ts" ? "pipeline" : "sources";
  if (dir === "import") return "sources";
  return dir;
}

/** Which layers each layer may import (itself always). */
const ALLOWED: Record<string, readonly string[]> = {
  kernel: [],
  analysis: ["kernel"],
  sources: ["kernel", "analysis"],
  // The store folds messages into profiles with the pure rollups of analysis/.
  store: ["kernel", "analysis"],
  // The query layer resolves persons and folds the interaction graph with the pure functions
  // of analysis/ (identity, interactions, name matching) over what the store returns.
  query: ["kernel", "analysis", "store"],
  // Writers of export formats (CSV, GEXF, GraphML): pure text from records.
  export: ["kernel", "analysis"],
  pipeline: ["kernel", "analysis", "sources", "store"],
  subjects: ["kernel", "analysis", "store", "query"],
  privacy: ["kernel", "store", "query", "subjects"],
};

Deno.test("layers: each part of src/ imports only the layers below it", async () => {
  const offenders: string[] = [];
  for await (const file of sourceFiles(join(root, "src"))) {
    const from = relative(root, file);
    const layer = layerOf(from);
    const allowed = ALLOWED[layer];
    if (allowed === undefined) continue; // views (cli, web) import anything below them
    for (const target of await importsOf(file)) {
      const to = layerOf(target);
      if (to !== layer && !allowed.includes(to)) offenders.push(`${from} (${layer}) -> ${target}`);
    }
  }
  assertEquals(offenders, []);
});

Deno.test("sources and the pipeline reach the store only through store.ts (the interface and factory)", async () => {
  // The runner writes through `Store.appendMessages`/`appendEvents`; the log, its layout, the
  // index and the implementations behind the Store are none of its business (nor of sources).
  const offenders: string[] = [];
  for await (const file of sourceFiles(join(root, "src"))) {
    const from = relative(root, file);
    const layer = layerOf(from);
    if (layer !== "sources" && layer !== "pipeline") continue;
    for (const target of await importsOf(file)) {
      if (target.startsWith("src/store/") && target !== "src/store/store.ts") {
        offenders.push(`${from} -> ${target}`);
      }
    }
  }
  assertEquals(offenders, []);
});

Deno.test("only the store reaches a Store implementation: nothing outside src/store/ imports src/store/postgres/", async () => {
  // The CLI's `db migrate | status | import` go through `store/fleet_admin.ts`, the views and
  // the query layer through the Store interface; the factory in store.ts picks the backend.
  const offenders: string[] = [];
  for await (const file of sourceFiles(join(root, "src"))) {
    const from = relative(root, file);
    if (from.startsWith("src/store/")) continue;
    for (const target of await importsOf(file)) {
      if (target.startsWith("src/store/postgres/")) offenders.push(`${from} -> ${target}`);
    }
  }
  assertEquals(offenders, []);
});

Deno.test("nothing outside src/store/ joins a path onto the data dir (layout() does)", async () => {
  const offenders: string[] = [];
  for await (const file of sourceFiles(join(root, "src"))) {
    const from = relative(root, file);
    if (from.startsWith("src/store/")) continue;
    const lines = (await Deno.readTextFile(file)).split("\n");
    lines.forEach((line, i) => {
      if (/^\s*\*/.test(line)) return;
      if (/\bjoin\(\s*[\w.]*[dD]ata[dD]ir\s*[,)]/.test(line.replace(/\/\/.*$/, ""))) {
        offenders.push(`${from}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assertEquals(offenders, []);
});

Deno.test("nothing outside src/store/ imports node:sqlite or a database client", async () => {
  const offenders: string[] = [];
  for await (const file of sourceFiles(join(root, "src"))) {
    const from = relative(root, file);
    if (from.startsWith("src/store/")) continue;
    const code = (await Deno.readTextFile(file)).split("\n").filter((l) => !/^\s*\*/.test(l));
    if (code.some((l) => /from\s+"(node:sqlite|postgres|npm:postgres[^"]*)"/.test(l))) {
      offenders.push(from);
    }
  }
  assertEquals(offenders, []);
});

Deno.test("no cycles between the folders of src/", async () => {
  const edges = new Map<string, Set<string>>();
  // A Store implementation's folder (src/store/postgres) is part of the store layer: the
  // factory in store.ts picks it, and it implements the interface store.ts declares. The
  // server's route folders (src/web/api, src/web/pages) are parts of the server: app.ts
  // registers them, and they answer from the workspace and the security rules beside it.
  const dirOf = (p: string) =>
    p.split("/").slice(0, -1).join("/")
      .replace(/^src\/store\/.*/, "src/store")
      .replace(/^src\/web\/(api|pages)$/, "src/web");
  for await (const file of sourceFiles(join(root, "src"))) {
    const from = dirOf(relative(root, file));
    for (const target of await importsOf(file)) {
      const to = dirOf(target);
      if (to === from || !to.startsWith("src")) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (d: string, path: string[]) => {
    if (state.get(d) === "done") return;
    if (state.get(d) === "open") {
      cycles.push([...path.slice(path.indexOf(d)), d].join(" -> "));
      return;
    }
    state.set(d, "open");
    for (const n of [...(edges.get(d) ?? [])].sort()) visit(n, [...path, d]);
    state.set(d, "done");
  };
  for (const d of [...edges.keys()].sort()) visit(d, []);
  assertEquals(cycles, []);
});

Deno.test("doc examples assert with node:assert, never console.assert (which only logs)", async () => {
  const offenders: string[] = [];
  for await (const file of sourceFiles(join(root, "src"))) {
    const from = relative(root, file);
    if ((await Deno.readTextFile(file)).includes("console.assert(")) offenders.push(from);
  }
  assertEquals(offenders, []);
});
