import assert from "node:assert/strict";
import { run } from "../../src/cli/signals.ts";
import { UsageError } from "../../src/errors.ts";
import { fakeIO } from "./_fake_io.ts";
import { runMain } from "../support/cli.ts";

Deno.test("signals explain prints the rule, span and target that fired", async () => {
  const io = fakeIO();
  const code = await run(
    ["explain", "hey @mod is he still dating sara?", "--channel", "example_channel"],
    io,
  );
  assert.equal(code, 0);
  assert.match(io.stdout, /result: {2}1 signal\n/);
  assert.match(io.stdout, /question, target sara, confidence [0-9.]+, rule dating/);
  assert.match(io.stdout, /rule dating: "is he still dating sara" -> question, target sara/);
  assert.match(io.stdout, /addressed: @mod/);
  assert.equal(io.stderr, "");
});

Deno.test("signals explain says nothing fired and names the guard that stopped it", async () => {
  const io = fakeIO();
  assert.equal(
    await run(["explain", "he's not dating sara", "--channel", "example_channel"], io),
    0,
  );
  assert.match(io.stdout, /result: {2}nothing fired/);
  assert.match(io.stdout, /stopped by guard negation/);

  const plain = fakeIO();
  await run(["explain", "gg wp", "--channel", "example_channel"], plain);
  assert.match(plain.stdout, /prefilter: no relationship word/);
});

Deno.test("signals explain --format json prints the signals and steps", async () => {
  const io = fakeIO();
  const code = await run(
    ["explain", "sara is his gf", "--channel", "#Example_Channel", "--format", "json"],
    io,
  );
  assert.equal(code, 0);
  const out = JSON.parse(io.stdout);
  assert.equal(out.channel, "example_channel");
  assert.equal(out.fired.length, 1);
  assert.equal(out.fired[0].target, "sara");
  assert.equal(out.fired[0].type, "claim");
  assert.ok(Array.isArray(out.steps) && out.steps.length > 0);
});

Deno.test("signals explain --streamer-name adds a name for the streamer", async () => {
  const without = fakeIO();
  await run(["explain", "is felix dating sara", "--channel", "xqcow", "--format", "json"], without);
  // Without the name, "felix" is only guessed to be the streamer (a nickname), and says so.
  const guessed = JSON.parse(without.stdout) as { steps: string[] };
  assert.ok(guessed.steps.some((s) => s.startsWith("nickname")), guessed.steps.join("\n"));
  const withName = fakeIO();
  await run(
    [
      "explain",
      "is felix dating sara",
      "--channel",
      "xqcow",
      "--streamer-name",
      "Felix",
      "--format",
      "json",
    ],
    withName,
  );
  const known = JSON.parse(withName.stdout) as { fired: { target: string }[]; steps: string[] };
  assert.equal(known.fired[0]!.target, "sara");
  assert.ok(!known.steps.some((s) => s.startsWith("nickname")), known.steps.join("\n"));
});

Deno.test("signals explain rejects bad usage with UsageError", async () => {
  await assert.rejects(() => run(["explain", "is he single"], fakeIO()), UsageError);
  await assert.rejects(() => run(["explain", "--channel", "c"], fakeIO()), UsageError);
  await assert.rejects(() => run(["explain", "a", "b", "--channel", "c"], fakeIO()), UsageError);
  await assert.rejects(
    () => run(["explain", "x", "--channel", "c", "--format", "xml"], fakeIO()),
    UsageError,
  );
  await assert.rejects(() => run(["frobnicate"], fakeIO()), UsageError);
});

Deno.test("signals (through main) exits 2 on usage errors and 0 on --help", async () => {
  const bad = await runMain(["signals", "explain", "is he single"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--channel is required/);
  const help = await runMain(["signals", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /signals explain "TEXT" --channel C/);
  const ok = await runMain(["signals", "explain", "is he single?", "--channel", "c"]);
  assert.equal(ok.code, 0);
  assert.match(ok.stdout, /question, target \(none named\)/);
});
