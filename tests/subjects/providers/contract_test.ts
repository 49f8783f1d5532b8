/**
 * The provider contract, checked over every registered provider (the built-ins and a
 * third-party module loaded through a providers config): declared `supports` are honoured,
 * output is a deterministic JSON object, and one provider's failure never touches another's.
 */
import { assert, assertEquals } from "../../support/assert.ts";
import { canonicalJson, enrichSubjects } from "../../../src/subjects/enrichment.ts";
import { loadRegistry } from "../../../src/subjects/providers/registry.ts";
import type { Provider } from "../../../src/subjects/providers/provider.ts";
import { Enrichment, type Subject, SubjectType } from "../../../src/schemas.ts";
import { subjectKey } from "../../../src/subjects/loading.ts";
import {
  context,
  fakeClock,
  FIXTURES,
  moduleSource,
  profile,
  subject,
  tempDir,
} from "./_helpers.ts";

const SAMPLES: Subject[] = [
  subject("email", "alice@example.com"),
  subject("email", "bob@example.com"),
  subject("username", "someuser"),
  subject("username", "ghost"),
  subject("username", "nobody_known"),
  subject("phone", "+12025550123"),
  subject("phone", "+442079460123"),
];

/** A data dir with one user profile and a providers config naming a third-party module. */
async function setup(path: string): Promise<void> {
  await Deno.mkdir(`${path}/profiles/users`, { recursive: true });
  await Deno.writeTextFile(
    `${path}/profiles/users/someuser.json`,
    JSON.stringify(profile("someuser")),
  );
  await Deno.writeTextFile(`${path}/echo.ts`, moduleSource("echo"));
  await Deno.writeTextFile(`${path}/providers.json`, JSON.stringify({ modules: ["./echo.ts"] }));
}

/** Wraps a provider, counting calls per subject type. */
function counting(p: Provider): { provider: Provider; calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  return {
    calls,
    provider: {
      ...p,
      enrich: (s, ctx) => {
        calls[s.type] = (calls[s.type] ?? 0) + 1;
        return p.enrich(s, ctx);
      },
    },
  };
}

const failing: Provider = {
  name: "zz_failing",
  description: "throws",
  supports: [...SubjectType.options],
  needsNetwork: false,
  needsKey: false,
  enrich: () => Promise.reject(new Error("boom")),
};

const hanging: Provider = {
  name: "zz_hanging",
  description: "never answers",
  supports: [...SubjectType.options],
  needsNetwork: false,
  needsKey: false,
  enrich: (_s, ctx) =>
    new Promise((_, reject) =>
      ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))
    ),
};

Deno.test("every registered provider honours the contract", async (t) => {
  await using dir = await tempDir();
  await setup(dir.path);
  const registry = await loadRegistry({ dataDir: dir.path });
  assertEquals(registry.providers.length, 5);

  for (const original of registry.providers) {
    await t.step(`${original.name}: declared supports honoured`, async () => {
      const { provider, calls } = counting(original);
      const s = await enrichSubjects(SAMPLES, {
        dataDir: dir.path,
        fixturesDir: FIXTURES,
        registry: { providers: [provider] },
      });
      assertEquals(s.counts.error, 0, JSON.stringify(s.errors));
      for (const type of SubjectType.options) {
        const supported = original.supports.includes(type);
        const n = SAMPLES.filter((x) => x.type === type).length;
        assertEquals(calls[type] ?? 0, supported ? n : 0, `${type} calls`);
      }
      for (const x of SAMPLES) {
        const file = Enrichment.parse(
          JSON.parse(
            await Deno.readTextFile(`${dir.path}/enrichment/${subjectKey(x.type, x.value)}.json`),
          ),
        );
        const r = file.providers[original.name];
        assertEquals(r?.status, original.supports.includes(x.type) ? "ok" : "skipped", x.key);
      }
    });

    await t.step(
      `${original.name}: same input, same output (fresh instances, other clock)`,
      async () => {
        const again = (await loadRegistry({ dataDir: dir.path })).providers.find((p) =>
          p.name === original.name
        )!;
        for (const x of SAMPLES.filter((s) => original.supports.includes(s.type))) {
          const a = await original.enrich(x, context({ dataDir: dir.path }));
          const b = await again.enrich(x, context({ dataDir: dir.path, clock: fakeClock(0) }));
          assert(a !== null && typeof a === "object" && !Array.isArray(a));
          assertEquals(canonicalJson(a), canonicalJson(b), x.key);
          assertEquals(JSON.parse(JSON.stringify(a)), a, "JSON round trip");
        }
      },
    );

    await t.step(`${original.name}: failures of others do not touch its results`, async () => {
      await using alone = await tempDir();
      await using mixed = await tempDir();
      for (const d of [alone.path, mixed.path]) await setup(d);
      const clock = fakeClock(0);
      await enrichSubjects(SAMPLES, {
        dataDir: alone.path,
        fixturesDir: FIXTURES,
        clock,
        registry: { providers: [original] },
      });
      const s = await enrichSubjects(SAMPLES, {
        dataDir: mixed.path,
        fixturesDir: FIXTURES,
        clock,
        // Long enough that the provider under test never hits it on a loaded machine (50 ms did,
        // under load 4.5); every subject at once, so the hanging one costs this wait only once.
        timeoutMs: 2_000,
        concurrency: SAMPLES.length,
        registry: { providers: [failing, original, hanging] },
      });
      assertEquals(s.counts.error, SAMPLES.length * 2);
      for (const x of SAMPLES) {
        const read = async (d: string) =>
          Enrichment.parse(JSON.parse(await Deno.readTextFile(`${d}/enrichment/${x.key}.json`)));
        const a = await read(alone.path);
        const b = await read(mixed.path);
        assertEquals(b.providers[original.name], a.providers[original.name], x.key);
        assertEquals(b.providers.zz_failing?.error, "boom");
        assertEquals(b.providers.zz_hanging?.error, "timed out after 2000 ms");
      }
    });
  }
});
