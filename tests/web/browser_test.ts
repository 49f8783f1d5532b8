/**
 * The page in a real browser: Playwright (`playwright-core`) driving Debian's Chromium. Reads
 * like a person using it: open the channels, search, open a person and follow the evidence,
 * watch a monitor's message arrive without a reload, and see hostile chat text stay text.
 * With `OSINT_SCREENSHOTS=1` each view is saved into `docs/screenshots/` for the README.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import type { Page } from "playwright-core";
import { launchBrowser } from "../support/browser.ts";
import { REPO, runCli, writeFixture } from "../support/cli.ts";
import { HOSTILE_TEXTS, serveOn, webData } from "./_workspace.ts";

const SHOTS = Deno.env.get("OSINT_SCREENSHOTS") === "1" ? join(REPO, "docs", "screenshots") : null;

async function shot(page: Page, name: string): Promise<void> {
  if (SHOTS === null) return;
  await Deno.mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

Deno.test("the workspace page, used in Chromium", async (t) => {
  await using browser = await launchBrowser();
  if (browser === null) {
    // Outside CI without Chromium: nothing to drive. In CI, launchBrowser() throws instead.
    console.warn("browser tests: no Chromium here (set CI to make this a failure)");
    return;
  }
  await using data = await webData();
  await using server = await serveOn(data.dataDir);
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  // Any dialog (alert) would mean a script ran from chat text.
  page.on("dialog", (d) => {
    errors.push(`dialog: ${d.message()}`);
    d.dismiss();
  });

  await t.step("/ shows the channels being watched and the latest messages", async () => {
    await page.goto(server.url + "/");
    await page.getByRole("heading", { name: "Channels being watched" }).waitFor();
    await page.getByRole("link", { name: "#example_channel" }).first().waitFor();
    await page.getByRole("link", { name: "#devchat" }).first().waitFor();
    assert.ok(await page.locator("#live-log li.msg").count() >= 20);
    await page.getByText("live", { exact: true }).waitFor();
    await shot(page, "channels");
  });

  await t.step("a message stored by a running monitor appears without a reload", async () => {
    const fixtures = join(dirname(data.dataDir), "live_fixtures");
    await writeFixture(fixtures, "live_chan", [
      {
        ts: "2025-09-02T13:00:00.000Z",
        channel: "live_chan",
        user_name: "late_viewer",
        text: "hello from the monitor <b>not bold</b>",
      },
    ]);
    await Deno.copyFile(join(REPO, "fixtures", "emotes.json"), join(fixtures, "emotes.json"));
    const monitor = await runCli(
      [
        "chat",
        "run",
        "--channels",
        "live_chan",
        "--offline",
        "--speed",
        "0",
        "--quiet",
        "--data-dir",
        data.dataDir,
        "--fixtures-dir",
        fixtures,
      ],
      { cwd: dirname(data.dataDir) },
    );
    assert.equal(monitor.code, 0, monitor.stderr);
    const line = page.locator("#live-log li.msg").first();
    await line.getByText("hello from the monitor <b>not bold</b>").waitFor();
    assert.equal(await line.locator("b").count(), 0);
    assert.equal(
      await line.getByRole("link", { name: "late_viewer" }).getAttribute("href"),
      "/ui/users/late_viewer",
    );
  });

  await t.step("search with filters shows a chat log with the total and paging", async () => {
    await page.getByRole("link", { name: "Search", exact: true }).click();
    await page.getByLabel("Contains").fill("dating");
    await page.getByLabel("By").selectOption("channel");
    await page.getByLabel("Name").fill("example_channel");
    await page.getByLabel("Per page").fill("5");
    await page.getByRole("button", { name: "Search" }).click();
    const total = page.getByTestId("total").first();
    await total.waitFor();
    assert.match(await total.innerText(), /^1–5 of \d+$/);
    assert.equal(await page.locator("#results li.msg").count(), 5);
    const texts = await page.locator("#results li.msg .text").allInnerTexts();
    assert.ok(texts.every((x) => /dating/i.test(x)), texts.join(" | "));
    await shot(page, "search");
    await page.getByRole("link", { name: "Next" }).first().click();
    await page.getByText(/^6–10 of/).first().waitFor();
  });

  await t.step(
    "a person's page draws the activity chart and links the evidence to the message",
    async () => {
      await page.goto(server.url + "/ui/users/someuser");
      await page.getByRole("heading", { name: /someuser/ }).first().waitFor();
      // Both charts (by hour, by day): wait for the second rather than count after the first.
      await page.locator("figure.chart.drawn canvas").nth(1).waitFor();
      assert.equal(await page.locator("figure.chart.drawn").count(), 2);
      await shot(page, "person");
      const evidence = page.getByTestId("evidence").getByRole("link").first();
      const snippet = await evidence.innerText();
      await evidence.click();
      const target = page.locator("#results li.msg:target");
      await target.waitFor();
      assert.ok(
        (await target.innerText()).toLowerCase().includes(snippet.toLowerCase().slice(0, 10)),
      );
    },
  );

  await t.step("a person's page links their timeline and their contacts", async () => {
    await page.goto(server.url + "/ui/users/someuser");
    await page.getByRole("navigation", { name: "This person" }).getByRole("link", {
      name: "Timeline",
    }).click();
    await page.getByRole("heading", { name: "Timeline of someuser" }).waitFor();
    const entries = page.getByTestId("timeline").locator("li.entry");
    await entries.first().waitFor();
    assert.ok(await entries.count() > 0);
    await shot(page, "timeline");
    await page.getByRole("link", { name: "Contacts" }).click();
    await page.getByRole("heading", { name: "Contacts of someuser" }).waitFor();
    const first = page.getByTestId("contacts").getByRole("link").first();
    await first.waitFor();
    await shot(page, "contacts");
    const login = await first.innerText();
    await first.click();
    await page.getByRole("heading", { name: new RegExp(login) }).first().waitFor();
  });

  await t.step("a channel's page: top users, activity, streamer signals", async () => {
    await page.goto(server.url + "/ui/channels/example_channel");
    await page.getByRole("heading", { name: "Streamer signals" }).waitFor();
    await page.locator("figure.chart.drawn canvas").first().waitFor();
    await page.getByRole("link", { name: "sara" }).first().waitFor();
    await shot(page, "channel");
  });

  await t.step("a subject's report: summary first, skipped providers folded", async () => {
    await page.goto(server.url + "/ui/subjects");
    await page.getByRole("link", { name: "someuser" }).click();
    const summary = page.getByTestId("summary");
    await summary.waitFor();
    assert.match(await summary.innerText(), /Seen in chat: 39 message\(s\) in 2 channel\(s\)/);
    const folded = page.locator("details").filter({ hasText: "skipped" });
    assert.equal(await folded.getAttribute("open"), null);
    await shot(page, "subject");
  });

  await t.step("hostile chat text is shown literally and never runs", async () => {
    const title = "#hostile_chan · twitch-osint";
    await page.goto(server.url + "/ui/channels/hostile_chan");
    for (const text of HOSTILE_TEXTS.slice(0, 2)) {
      await page.getByText(text, { exact: true }).first().waitFor();
    }
    assert.equal(await page.title(), title);
    assert.equal(await page.locator("main img").count(), 0);
    assert.equal(await page.locator("main script").count(), 0);
    await page.goto(server.url + "/ui/search?by=user&value=evil_user");
    await page.getByText(HOSTILE_TEXTS[1]!, { exact: true }).waitFor();
    assert.equal(await page.title(), "Search · twitch-osint");
    assert.equal(await page.locator("main img").count(), 0);
  });

  await t.step("the opt-out page asks for the token", async () => {
    await page.goto(server.url + "/ui/optout");
    await page.getByRole("link", { name: "Log in" }).waitFor();
  });

  await t.step("with the token, the opt-out list is changed from the page", async () => {
    const token = "a-browser-test-token-0123456789";
    await using guarded = await serveOn(data.dataDir, { token });
    await page.goto(guarded.url + "/ui/optout");
    await page.getByRole("link", { name: "Log in" }).click();
    await page.getByLabel("Token (OSINT_API_TOKEN)").fill(token);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("button", { name: "Add to the opt-out list" }).waitFor();
    await page.getByLabel("Name").fill("Lazy_Fox");
    await page.getByRole("button", { name: "Add to the opt-out list" }).click();
    await page.getByText("Added: user lazy_fox.").waitFor();
    // Not served any more, by the page either.
    const before = errors.length;
    const gone = await page.goto(guarded.url + "/ui/users/lazy_fox");
    assert.equal(gone?.status(), 404);
    // The browser logs the 404 of that page itself: expected here.
    errors.splice(before).forEach((e) => assert.match(e, /status of 404/));
    await page.goto(guarded.url + "/ui/optout");
    await page.getByRole("button", { name: "Remove user lazy_fox from the opt-out list" }).click();
    await page.getByText("Removed: user lazy_fox.").waitFor();
    assert.equal((await page.goto(guarded.url + "/ui/users/lazy_fox"))?.status(), 200);
    await page.locator("figure.chart.drawn canvas").first().waitFor();
    await page.goto("about:blank"); // before this server stops
  });

  await t.step("readable on a phone", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(server.url + "/ui/users/someuser");
    await page.locator("figure.chart.drawn canvas").first().waitFor();
    const overflow = await page.evaluate(
      // Runs in the page, where these exist; a string keeps Deno's type checker out of it.
      "document.documentElement.scrollWidth - window.innerWidth",
    ) as number;
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
    await shot(page, "person_phone");
  });

  assert.deepEqual(errors, []);
});
