/**
 * The provider registry: the built-in providers in an explicit list, plus third-party providers
 * loaded with `import()` from module paths named in a config file (`<data dir>/providers.json`
 * by default, or `--providers-config PATH`). The config also holds each provider's options.
 * The format, with an example, is in `docs/providers.md`:
 *
 * ```json
 * {
 *   "modules": ["./my_providers/breach_lookup.ts"],
 *   "options": { "handle_presence": { "platforms": ["twitch", "github", "reddit"] } }
 * }
 * ```
 *
 * Relative module paths are resolved against the config file's folder. A module exports its
 * provider as `provider`, as `providers` (an array), or as its default export.
 *
 * @module
 */
import { dirname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { errorMessage, InputError } from "../../errors.ts";
import { SubjectType } from "../../schemas.ts";
import type { Provider } from "./provider.ts";
import { joinPath, readJsonFile } from "./fixture_file.ts";
import { createGravatarLike } from "./gravatar_like.ts";
import { createHandlePresence } from "./handle_presence.ts";
import { createPhoneInfo } from "./phone_info.ts";
import { createChatPresence } from "./chat_presence.ts";

/** Fresh instances of the built-in providers, in the order they are listed and run. */
export function builtinProviders(): Provider[] {
  return [createGravatarLike(), createHandlePresence(), createPhoneInfo(), createChatPresence()];
}

/** The providers config file. */
export const ProvidersConfig = z.strictObject({
  /** Module specifiers: paths (relative to the config file) or `file:`/`npm:`/... URLs. */
  modules: z.array(z.string().min(1)).default([]),
  /** Options by provider name, handed to that provider as `ctx.options`. */
  options: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
});
export type ProvidersConfig = z.output<typeof ProvidersConfig>;

/** The providers a run may use and their options. */
export interface Registry {
  providers: Provider[];
  options: Record<string, Record<string, unknown>>;
  /** The config file read, or null when there was none. */
  configPath: string | null;
  /** Where each provider came from: `built-in`, or the module as written in the config. */
  origins: Record<string, string>;
}

/** A provider name: the key of its results, so it must be a plain identifier. */
export const PROVIDER_NAME_RE: RegExp = /^[a-z][a-z0-9_]{0,63}$/;

const ProviderShape = z.object({
  name: z.string().regex(PROVIDER_NAME_RE, {
    message: "expected a name of lowercase letters, digits and _ (starting with a letter)",
  }),
  description: z.string(),
  supports: z.array(SubjectType).min(1),
  needsNetwork: z.boolean(),
  usesNetwork: z.boolean().optional(),
  needsKey: z.boolean(),
  keyEnv: z.string().min(1).optional(),
  checkOptions: z.function().optional(),
  enrich: z.function(),
});

/** Throws a one-line Error when `value` does not look like a {@link Provider}. */
export function assertProvider(value: unknown): asserts value is Provider {
  const r = ProviderShape.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`not a provider: ${i ? `${i.path.join(".") || "(root)"}: ${i.message}` : ""}`, {
      cause: r.error,
    });
  }
}

function specifierFor(module: string, configDir: string): string {
  // `npm:x`, `file:///...`, `https://...` pass through; a Windows drive letter is a path.
  if (/^[a-z][a-z0-9+.-]+:/i.test(module) && !/^[a-z]:[\\/]/i.test(module)) return module;
  return pathToFileURL(isAbsolute(module) ? module : resolve(configDir, module)).href;
}

function providersFromModule(mod: Record<string, unknown>): unknown[] {
  if (Array.isArray(mod.providers)) return mod.providers;
  if (mod.provider !== undefined) return [mod.provider];
  if (mod.default !== undefined) return Array.isArray(mod.default) ? mod.default : [mod.default];
  return [];
}

/**
 * What a config module exports as providers (not yet checked); an InputError naming the file
 * when it cannot be loaded or exports none.
 */
async function exportedProviders(
  path: string,
  where: string,
  specifier: string,
): Promise<unknown[]> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(specifier);
  } catch (e) {
    throw new InputError(
      path,
      `${where}: cannot load: ${errorMessage(e)}`,
      {
        cause: e,
      },
    );
  }
  const found = providersFromModule(mod);
  if (found.length === 0) {
    throw new InputError(
      path,
      `${where}: exports no provider (export provider, providers or default)`,
    );
  }
  return found;
}

/** Each provider's options in the config: for a provider of that name, and accepted by it. */
function checkProviderOptions(
  path: string,
  providers: readonly Provider[],
  options: Readonly<Record<string, unknown>>,
): void {
  for (const [name, opts] of Object.entries(options)) {
    const p = providers.find((q) => q.name === name);
    if (!p) throw new InputError(path, `options.${name}: no provider of that name`);
    try {
      p.checkOptions?.(opts);
    } catch (e) {
      throw new InputError(path, `options.${name}: ${e instanceof Error ? e.message : e}`, {
        cause: e,
      });
    }
  }
}

/**
 * Loads the registry: the built-ins plus the modules named in the config. Without
 * `configPath`, `<dataDir>/providers.json` is read when it exists. Any problem in the config
 * (syntax, a module that fails to load or exports no provider, a duplicate name, options for an
 * unknown provider or options a provider rejects) is an {@link InputError} naming the file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadRegistry } from "./registry.ts";
 * const dataDir = await Deno.makeTempDir();
 * const plain = await loadRegistry({ dataDir });
 * assert.equal(plain.configPath, null);
 * assert.deepEqual(Object.values(plain.origins), ["built-in", "built-in", "built-in", "built-in"]);
 * const configPath = `${dataDir}/providers.json`;
 * await Deno.writeTextFile(configPath, '{ "options": { "breach_lookup": {} } }');
 * await assert.rejects(loadRegistry({ dataDir }), {
 *   name: "InputError",
 *   message: `${configPath}: options.breach_lookup: no provider of that name`,
 * });
 * const options = { handle_presence: { platforms: ["github"] } };
 * await Deno.writeTextFile(configPath, JSON.stringify({ options }));
 * const configured = await loadRegistry({ dataDir });
 * assert.equal(configured.configPath, configPath);
 * assert.deepEqual(configured.options, options);
 * await Deno.remove(dataDir, { recursive: true });
 * ```
 */
export async function loadRegistry(
  options: { dataDir: string; configPath?: string | undefined },
): Promise<Registry> {
  const providers = builtinProviders();
  const origins: Record<string, string> = Object.fromEntries(
    providers.map((p) => [p.name, "built-in"]),
  );
  let path = options.configPath;
  if (path === undefined) {
    const candidate = joinPath(options.dataDir, "providers.json");
    try {
      await Deno.stat(candidate);
      path = candidate;
    } catch {
      return { providers, options: {}, configPath: null, origins };
    }
  }
  const config = await readJsonFile(path, ProvidersConfig);
  const configDir = dirname(resolve(path));
  for (const [i, module] of config.modules.entries()) {
    const where = `modules[${i}] (${module})`;
    for (const p of await exportedProviders(path, where, specifierFor(module, configDir))) {
      try {
        assertProvider(p);
      } catch (e) {
        throw new InputError(path, `${where}: ${e instanceof Error ? e.message : e}`, { cause: e });
      }
      if (providers.some((q) => q.name === p.name)) {
        throw new InputError(path, `${where}: a provider named "${p.name}" is already registered`);
      }
      providers.push(p);
      origins[p.name] = module;
    }
  }
  checkProviderOptions(path, providers, config.options);
  return { providers, options: config.options, configPath: path, origins };
}
