/**
 * Boundaries from ARCHITECTURE.md that a type checker cannot see: `src/` never prints and never
 * exits (only main.ts and the CLI handlers turn results into output and exit codes), and no
 * `any` appears without a comment saying why.
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
