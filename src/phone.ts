/**
 * Phone numbers: normalization to E.164 with libphonenumber-js. Apart from `normalize.ts`
 * because its metadata is large (about 15 ms to load): commands that never read a phone number
 * (search, profiles, index) start without it.
 *
 * @module
 */
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { CountryCode } from "libphonenumber-js/max";
import { DEFAULT_REGION, type Normalized } from "./normalize.ts";

const fail = (reason: string): Normalized => ({ ok: false, reason });

/**
 * Normalizes a phone number to E.164 with libphonenumber-js. National forms are read in
 * `region`. A number must be *possible* (right length for its country); validity against the
 * numbering plan is reported by the `phone_info` provider rather than enforced here, since
 * fiction ranges such as 555-01xx are legitimate test subjects.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizePhone } from "./phone.ts";
 * assert.deepEqual(normalizePhone("(212) 555-0123"), { ok: true, value: "+12125550123" });
 * assert.deepEqual(normalizePhone("020 7946 0958", "gb"), { ok: true, value: "+442079460958" });
 * assert.equal(normalizePhone("call me").ok, false);
 * ```
 */
export function normalizePhone(input: string, region: string = DEFAULT_REGION): Normalized {
  const s = input.trim();
  if (s.length === 0) return fail("empty phone");
  if (!/^[+\d(][\d\s().\-/]*\d(?:\s*(?:x|ext\.?)\s*\d+)?$/i.test(s)) {
    return fail(`phone ${JSON.stringify(s)} holds characters other than digits and separators`);
  }
  const parsed = parsePhoneNumberFromString(s, region.toUpperCase() as CountryCode);
  if (!parsed || !parsed.isPossible()) {
    return fail(`phone ${JSON.stringify(s)} is not a possible number (region ${region})`);
  }
  return { ok: true, value: parsed.number };
}
