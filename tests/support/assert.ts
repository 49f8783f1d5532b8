/**
 * Minimal assertions over `node:assert` (JSR's @std/assert is unreachable here), with the
 * shapes of @std/assert so tests read the same.
 */
import { deepStrictEqual, ok } from "node:assert";

/** Fails unless `cond` is truthy. */
export function assert(cond: unknown, msg?: string): asserts cond {
  ok(cond, msg);
}

/** Deep, strict equality. */
export function assertEquals<T>(actual: unknown, expected: T, msg?: string): void {
  deepStrictEqual(actual, expected, msg);
}

/** Fails unless `text` matches `re`. */
export function assertMatch(text: string, re: RegExp): void {
  ok(re.test(text), `expected ${JSON.stringify(text)} to match ${re}`);
}

// deno-lint-ignore no-explicit-any -- error classes take any constructor arguments
type ErrorClass<E extends Error> = new (...args: any[]) => E;

/** Awaits `fn`, expecting a rejection of class `cls`; returns the error. */
export async function assertRejects<E extends Error = Error>(
  fn: () => Promise<unknown>,
  cls?: ErrorClass<E>,
): Promise<E> {
  try {
    await fn();
  } catch (e) {
    if (cls && !(e instanceof cls)) {
      throw new Error(`expected ${cls.name}, got ${e instanceof Error ? e.name : typeof e}: ${e}`);
    }
    return e as E;
  }
  throw new Error("expected a rejection, but it resolved");
}

/** Calls `fn`, expecting it to throw an error of class `cls`; returns the error. */
export function assertThrows<E extends Error = Error>(fn: () => unknown, cls?: ErrorClass<E>): E {
  try {
    fn();
  } catch (e) {
    if (cls && !(e instanceof cls)) {
      throw new Error(`expected ${cls.name}, got ${e instanceof Error ? e.name : typeof e}: ${e}`);
    }
    return e as E;
  }
  throw new Error("expected a throw, but it returned");
}
