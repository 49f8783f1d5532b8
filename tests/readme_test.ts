/**
 * The README's samples are what the program writes: each ```json block that follows a line
 * naming its source (`<!-- sample: message "TEXT" -->`) must equal that record from a real
 * offline run of the shipped fixtures.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readMessages, replayShipped, REPO, tempDir } from "./support/cli.ts";

const readme = await Deno.readTextFile(join(REPO, "README.md"));

/** `{ text, json }` for every `<!-- sample: message "TEXT" -->` followed by a ```json block. */
function messageSamples(): Array<{ text: string; json: unknown }> {
  const out: Array<{ text: string; json: unknown }> = [];
  const re = /<!-- sample: message "(.*?)" -->\s*```json\n([\s\S]*?)\n```/g;
  for (const m of readme.matchAll(re)) out.push({ text: m[1]!, json: JSON.parse(m[2]!) });
  return out;
}

Deno.test("README: every sample message record is what an offline run of the fixtures stores", async () => {
  const samples = messageSamples();
  assert.ok(samples.length >= 1, "the README has at least one marked sample record");
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const r = await replayShipped(["--quiet", "--data-dir", data]);
  assert.equal(r.code, 0, r.stderr);
  const records = await readMessages(data);
  for (const s of samples) {
    const found = records.find((m) => m.text === s.text);
    assert.ok(found, `no stored message with text ${JSON.stringify(s.text)}`);
    assert.deepEqual(found, s.json, `README sample for ${JSON.stringify(s.text)}`);
  }
});

/** The lines of the ```sh block that follows `<!-- test: NAME ... -->`. */
function shellBlock(name: string): string[] {
  const at = readme.indexOf(`<!-- test: ${name}`);
  assert.ok(at >= 0, `the README marks the "${name}" block`);
  const m = /```sh\n([\s\S]*?)\n```/.exec(readme.slice(at));
  assert.ok(m, `a sh block follows the "${name}" mark`);
  return m[1]!.split("\n").filter((l) => l.trim() !== "");
}

/** A command line's words (single and double quotes group; no other shell syntax). */
function words(line: string): { argv: string[]; comment: string } {
  const argv: string[] = [];
  let word: string | null = null;
  let i = 0;
  for (; i < line.length; i++) {
    const c = line[i]!;
    if (c === "#" && word === null) break;
    if (c === " ") {
      if (word !== null) argv.push(word);
      word = null;
    } else if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else word = (word ?? "") + c;
  }
  if (word !== null) argv.push(word);
  return { argv, comment: line.slice(i + 1).trim() };
}

/** Runs `deno ...` in the repo with only the data dir set (as a newcomer's shell would). */
function denoIn(data: string) {
  const env: Record<string, string> = { NO_COLOR: "1", OSINT_DATA_DIR: data };
  for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
    const v = Deno.env.get(name);
    if (v !== undefined) env[name] = v;
  }
  return (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args,
      cwd: REPO,
      clearEnv: true,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
}

/** The body of the ```text block that follows `after` in the README. */
function textBlockAfter(after: string): string {
  const at = readme.indexOf(after);
  assert.ok(at >= 0, after);
  const m = /```text\n([\s\S]*?)\n```/.exec(readme.slice(at));
  assert.ok(m, `a text block follows "${after}"`);
  return m[1]!;
}

/** Fetches `path` from `deno task serve` started on a free port; the page's status and HTML. */
async function servePage(
  deno: ReturnType<typeof denoIn>,
  argv: string[],
  path: string,
): Promise<{ status: string; html: string }> {
  const child = deno([...argv, "--port", "0"]).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let said = "";
  let url: string | undefined;
  try {
    while (url === undefined) {
      const r = await reader.read();
      assert.ok(!r.done, `serve ended before it listened: ${said}`);
      said += r.value;
      url = /the workspace is at (http:\/\/\S+?)\/ /.exec(said)?.[1];
    }
    // Fetched by a child process: the in-process CLI runs of this file drop the net
    // permission of the test process, as the offline commands do.
    const got = await deno([
      "eval",
      "const r = await fetch(Deno.args[0]); console.log(r.status); console.log(await r.text());",
      url + path,
    ]).output();
    const [status, ...rest] = new TextDecoder().decode(got.stdout).split("\n");
    return { status: status!, html: rest.join("\n") };
  } finally {
    child.kill("SIGINT");
    await reader.cancel();
    await child.status;
    await child.stdout.cancel();
  }
}

Deno.test("README: following one person through a rename and across channels runs as written", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const deno = denoIn(data);
  const dec = new TextDecoder();
  const ran = new Set<string>();
  for (const line of shellBlock("following one person")) {
    const { argv, comment } = words(line);
    assert.equal(argv[0], "deno", line);
    if (argv[1] === "task" && argv[2] === "serve") {
      const path = /http:\/\/127\.0\.0\.1:8080(\/\S*)/.exec(comment)?.[1];
      assert.ok(path, `"${line}" names the page to open`);
      const { status, html } = await servePage(deno, argv.slice(1), path);
      assert.equal(status, "200", html);
      for (const s of ["Timeline of zed_new", "zed_old -&gt; zed_new", "devchat", "timed out"]) {
        assert.ok(html.includes(s), `the timeline page shows ${s}`);
      }
      ran.add("serve");
      continue;
    }
    const r = await deno(argv.slice(1)).output();
    const stdout = dec.decode(r.stdout);
    assert.equal(r.code, 0, `${line}\n${dec.decode(r.stderr)}`);
    const cmd = argv.slice(3, 5).join(" ");
    ran.add(cmd);
    if (cmd.startsWith("users")) {
      assert.match(stdout, /^zed_new\s+90001\s+6\s.*zed_old/m);
      assert.equal(stdout.trim().split("\n").length, 2, "one person");
    } else if (cmd.startsWith("timeline")) {
      // What the README shows is what it prints.
      assert.equal(stdout.trim(), textBlockAfter("`users find zed` finds one person"));
    } else if (cmd === "graph neighbors") {
      assert.match(stdout, /^mia_k\s+#90002\s+4\s+1\s+3\s/m);
      assert.match(stdout, /^kit_b\s+#90003\s+2\s/m);
    } else if (cmd.startsWith("profiles")) {
      const p = JSON.parse(stdout) as Record<string, unknown>;
      assert.equal(p.user_name, "zed_new");
      assert.equal(p.message_count, 6);
      assert.deepEqual(
        (p.login_history as Array<{ login: string }>).map((s) => s.login),
        ["zed_old", "zed_new"],
      );
    } else if (cmd === "search messages") {
      const rows = stdout.trim().split("\r\n");
      assert.equal(rows.length, 7, stdout);
      assert.equal(rows.filter((l) => l.includes(",zed_old,")).length, 4);
      assert.equal(rows.filter((l) => l.includes(",zed_new,")).length, 2);
    }
  }
  assert.deepEqual(
    [...ran].sort(),
    [
      "graph neighbors",
      "import fixtures/rename_walkthrough.irc.txt",
      "profiles show",
      "search messages",
      "serve",
      "timeline --user",
      "users find",
    ].sort(),
  );
});

Deno.test("README: the import walkthrough runs as written, and importing again changes nothing", async () => {
  await using dir = await tempDir();
  const data = join(dir.path, "data");
  const env: Record<string, string> = { NO_COLOR: "1", OSINT_DATA_DIR: data };
  for (const name of ["PATH", "HOME", "DENO_DIR", "XDG_CACHE_HOME", "TMPDIR"]) {
    const v = Deno.env.get(name);
    if (v !== undefined) env[name] = v;
  }
  const deno = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args,
      cwd: REPO,
      clearEnv: true,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
  const dec = new TextDecoder();
  const snapshot = async () => {
    const out: Record<string, string> = {};
    for (const p of ["logs/messages.jsonl", "profiles/users/pixel_fox.json"]) {
      out[p] = await Deno.readTextFile(join(data, p));
    }
    return out;
  };
  let imports = 0;
  let before: Record<string, string> | null = null;
  for (const line of shellBlock("import walkthrough")) {
    const { argv, comment } = words(line);
    assert.equal(argv[0], "deno", line);
    if (argv[1] === "task" && argv[2] === "serve") {
      // The page the comment names, from a server on a free port.
      const path = /http:\/\/127\.0\.0\.1:8080(\/\S*)/.exec(comment)?.[1];
      assert.ok(path, `"${line}" names the page to open`);
      const child = deno([...argv.slice(1), "--port", "0"]).spawn();
      const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let said = "";
      let url: string | undefined;
      while (url === undefined) {
        const r = await reader.read();
        assert.ok(!r.done, `serve ended before it listened: ${said}`);
        said += r.value;
        url = /the workspace is at (http:\/\/\S+?)\/ /.exec(said)?.[1];
      }
      try {
        // Fetched by a child process: the in-process CLI runs of this file drop the net
        // permission of the test process, as the offline commands do.
        const got = await deno([
          "eval",
          "const r = await fetch(Deno.args[0]); console.log(r.status); console.log(await r.text());",
          url + path,
        ]).output();
        const [status, ...rest] = dec.decode(got.stdout).split("\n");
        const html = rest.join("\n");
        assert.equal(status, "200", html);
        // The person's page shows their imported messages, the latest first.
        const theirs = (await readMessages(data)).filter((m) => m.user_name === "pixel_fox");
        const latest = theirs.reduce((a, b) => (String(b.ts) > String(a.ts) ? b : a));
        assert.ok(html.includes("example_streamer"), "the page names the channel");
        assert.ok(html.includes(`id="m-${latest.message_id}"`), "the page shows the messages");
      } finally {
        child.kill("SIGINT");
        await reader.cancel();
        await child.status;
        await child.stdout.cancel();
      }
      continue;
    }
    const r = await deno(argv.slice(1)).output();
    const stdout = dec.decode(r.stdout);
    const stderr = dec.decode(r.stderr);
    assert.equal(r.code, 0, `${line}\n${stderr}`);
    if (argv[3] === "import") {
      imports++;
      if (imports === 1) {
        assert.match(stderr, /: 303 new, 0 duplicate,/);
        before = await snapshot();
      } else {
        // Again: nothing new, nothing changed.
        assert.match(stderr, /: 0 new, 303 duplicate,/);
        assert.deepEqual(await snapshot(), before);
      }
    } else if (argv[3] === "search") {
      const found = JSON.parse(stdout) as Array<Record<string, unknown>>;
      assert.ok(found.length >= 1, stdout);
      for (const m of found) {
        assert.equal(m.user_name, "pixel_fox");
        assert.equal(m.source, "import:twitchdownloader");
        assert.match(String(m.text), /giveaway/);
      }
    } else if (argv[3] === "profiles") {
      const profile = JSON.parse(stdout) as Record<string, unknown>;
      assert.equal(profile.user_name, "pixel_fox");
      assert.deepEqual(profile.channels_participated, ["example_streamer"]);
    }
  }
  assert.equal(imports, 2, "the walkthrough imports, then imports again");
});

Deno.test("the shipped sample VOD is what scripts/vod_sample.ts writes", async () => {
  const { sampleText, SAMPLE_PATH } = await import("../scripts/vod_sample.ts");
  assert.equal(await Deno.readTextFile(SAMPLE_PATH), sampleText());
});
