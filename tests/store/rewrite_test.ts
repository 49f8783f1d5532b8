import { assertEquals } from "../support/assert.ts";
import { join } from "node:path";
import { rewriteLines } from "../../src/store/log/rewrite.ts";
import { tempDir } from "../support/cli.ts";

const enc = new TextEncoder();

function concat(...parts: Array<string | Uint8Array>): Uint8Array {
  const bytes = parts.map((p) => (typeof p === "string" ? enc.encode(p) : p));
  const out = new Uint8Array(bytes.reduce((s, b) => s + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

Deno.test("rewriteLines() drops and replaces lines and copies kept ones byte for byte", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "f.jsonl");
  const bad = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]); // "{" invalid UTF-8 "}"
  await Deno.writeFile(
    path,
    concat("keep 1\n", "drop me\n", "crlf\r\n", bad, "\n", "swap\n", "tail"),
  );
  const seen: string[] = [];
  const r = await rewriteLines(path, (l) => {
    seen.push(`${l.utf8 ? "u" : "b"}${l.partial ? "p" : ""}`);
    if (l.text === "drop me") return "drop";
    if (l.text === "swap") return { replace: "swapped" };
    return "keep";
  });
  assertEquals(seen, ["u", "u", "u", "b", "u", "up"]);
  assertEquals({ ...r, path: "" }, { path: "", lines: 6, dropped: 1, replaced: 1, written: true });
  assertEquals(
    await Deno.readFile(path),
    concat("keep 1\n", "crlf\r\n", bad, "\n", "swapped\n", "tail"),
  );
});

Deno.test("rewriteLines() leaves the file (and its inode) alone when nothing changes, and when dry", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "f.jsonl");
  await Deno.writeTextFile(path, "a\nb\n");
  const ino = (await Deno.stat(path)).ino;
  const same = await rewriteLines(path, () => "keep");
  assertEquals([same.written, (await Deno.stat(path)).ino], [false, ino]);
  const dry = await rewriteLines(path, () => "drop", { dryRun: true });
  assertEquals([dry.dropped, dry.written, await Deno.readTextFile(path)], [2, false, "a\nb\n"]);
  const entries = await Array.fromAsync(Deno.readDir(dir.path));
  assertEquals(entries.map((e) => e.name), ["f.jsonl"]);
});

Deno.test("rewriteLines() replaces the file by a new one (new inode) and leaves no temporary file", async () => {
  await using dir = await tempDir();
  const path = join(dir.path, "f.jsonl");
  await Deno.writeTextFile(path, "a\nb\n");
  const ino = (await Deno.stat(path)).ino;
  const r = await rewriteLines(path, (l) => (l.text === "a" ? "drop" : "keep"));
  assertEquals(r.written, true);
  assertEquals(await Deno.readTextFile(path), "b\n");
  assertEquals((await Deno.stat(path)).ino !== ino, true);
  const entries = await Array.fromAsync(Deno.readDir(dir.path));
  assertEquals(entries.map((e) => e.name), ["f.jsonl"]);
});

Deno.test("rewriteLines() counts a missing file as empty", async () => {
  await using dir = await tempDir();
  const r = await rewriteLines(join(dir.path, "nope.jsonl"), () => "drop");
  assertEquals([r.lines, r.written], [0, false]);
});
