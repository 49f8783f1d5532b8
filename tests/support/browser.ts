/**
 * Playwright (`playwright-core`, pinned in deno.json) over Debian's Chromium
 * (`/usr/bin/chromium`): never a downloaded browser. When the binary is missing and we run as
 * root with apt-get at hand (CI), the Debian package is installed first. In CI (`CI` set) a
 * browser that cannot start fails the test; elsewhere the caller may skip.
 *
 * @module
 */
import { type BrowserContext, chromium } from "playwright-core";

/** Where Debian puts Chromium. */
export const CHROMIUM = Deno.env.get("OSINT_CHROMIUM") ?? "/usr/bin/chromium";

/** The flags of every launch: no network of its own, no sandbox (containers), no GPU. */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function run(cmd: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, {
      args,
      stdout: "null",
      stderr: "piped",
      env: { DEBIAN_FRONTEND: "noninteractive" },
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Installs Debian's `chromium` when it is missing (as root, with apt-get). */
export async function ensureChromium(): Promise<boolean> {
  if (await exists(CHROMIUM)) return true;
  if (Deno.uid?.() !== 0 || !(await exists("/usr/bin/apt-get"))) return false;
  await run("apt-get", ["update", "-q"]);
  await run("apt-get", ["install", "-y", "-q", "--no-install-recommends", "chromium"]);
  return await exists(CHROMIUM);
}

/** A browser with a fresh profile, closed (and its profile removed) on dispose. */
export interface TestBrowser extends AsyncDisposable {
  context: BrowserContext;
}

/**
 * Launches Chromium, or returns null when it cannot be had outside CI. In CI it throws: the
 * browser tests fail, never skip.
 */
export async function launchBrowser(): Promise<TestBrowser | null> {
  const ci = Deno.env.get("CI") !== undefined && Deno.env.get("CI") !== "";
  if (!(await ensureChromium())) {
    if (ci) throw new Error(`Chromium is not at ${CHROMIUM} and could not be installed`);
    return null;
  }
  const profile = await Deno.makeTempDir({ prefix: "osint_chromium_" });
  try {
    // A fresh profile dir per launch (Playwright passes it as --user-data-dir).
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_FLAGS],
      viewport: { width: 1280, height: 900 },
    });
    return {
      context,
      async [Symbol.asyncDispose]() {
        await context.close().catch(() => {});
        await Deno.remove(profile, { recursive: true }).catch(() => {});
      },
    };
  } catch (e) {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
    if (ci) throw e;
    return null;
  }
}
