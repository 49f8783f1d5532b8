/**
 * `phone_info` (phone): what a number says about itself, offline, through libphonenumber-js
 * (`/max` metadata): valid/possible, number type, region, the E.164 / international / national
 * forms, and whether it lies in a range reserved for fiction.
 *
 * libphonenumber-js does not ship Google's geocoder, carrier or time-zone data, so:
 * - `location` and `time_zones` come from this project's own small tables (NANP area codes, and
 *   countries with a single zone) and say so in their `source`;
 * - `carrier` is always null (no offline data), with a note saying why.
 *
 * @module
 */
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { InputError } from "../../errors.ts";
import type { Subject } from "../../schemas.ts";
import type { Provider } from "./provider.ts";
import { NANP_NON_GEOGRAPHIC, nanpAreaCode } from "./nanp_area_codes.ts";

/** Countries on a single time zone (mainland), for numbers outside North America. */
const SINGLE_ZONE: Readonly<Record<string, string>> = {
  AT: "Europe/Vienna",
  BE: "Europe/Brussels",
  CH: "Europe/Zurich",
  CZ: "Europe/Prague",
  DE: "Europe/Berlin",
  DK: "Europe/Copenhagen",
  FI: "Europe/Helsinki",
  FR: "Europe/Paris",
  GB: "Europe/London",
  GR: "Europe/Athens",
  HU: "Europe/Budapest",
  IE: "Europe/Dublin",
  IN: "Asia/Kolkata",
  IL: "Asia/Jerusalem",
  IT: "Europe/Rome",
  JP: "Asia/Tokyo",
  KR: "Asia/Seoul",
  NL: "Europe/Amsterdam",
  NO: "Europe/Oslo",
  PH: "Asia/Manila",
  PL: "Europe/Warsaw",
  SE: "Europe/Stockholm",
  SG: "Asia/Singapore",
  CN: "Asia/Shanghai",
  ZA: "Africa/Johannesburg",
};

const TABLE_SOURCE = "twitch-osint built-in NANP area-code table (not libphonenumber)";

/**
 * The range a number belongs to when it is reserved for fiction, else null: North America's
 * 555-0100..555-0199, and Ofcom's drama ranges for London (020 7946 0xxx) and UK mobiles
 * (07700 900xxx).
 */
export function fictionRange(callingCode: string, national: string): string | null {
  // The NANP reservation is per geographic area code; 8XX-555 numbers are real toll-free lines.
  if (
    callingCode === "1" && /^\d{3}5550(1\d\d)$/.test(national) &&
    NANP_NON_GEOGRAPHIC[national.slice(0, 3)] === undefined
  ) return "NANP 555-0100..0199";
  if (callingCode === "44" && /^2079460\d{3}$/.test(national)) return "Ofcom drama: 020 7946 0xxx";
  if (callingCode === "44" && /^7700900\d{3}$/.test(national)) {
    return "Ofcom drama: 07700 900xxx";
  }
  return null;
}

let regionNames: Intl.DisplayNames | undefined;
function regionName(code: string): string | null {
  try {
    regionNames ??= new Intl.DisplayNames(["en"], { type: "region" });
    return regionNames.of(code) ?? null;
  } catch {
    return null;
  }
}

/**
 * The enrichment of one phone number (E.164 or anything libphonenumber-js parses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { phoneInfo } from "./phone_info.ts";
 * const info = phoneInfo("+1 212-555-0123");
 * assert.equal(info.e164, "+12125550123");
 * assert.equal(info.national, "(212) 555-0123");
 * assert.deepEqual(info.time_zones, ["America/New_York"]);
 * assert.equal(info.fiction_range, "NANP 555-0100..0199");
 * assert.equal(phoneInfo("+1 800 555 0123").fictional, false); // a real toll-free line
 * assert.throws(() => phoneInfo("12"), {
 *   name: "InputError",
 *   message: 'phone: "12" is not a phone number',
 * });
 * ```
 */
export function phoneInfo(value: string): Record<string, unknown> {
  const p = parsePhoneNumberFromString(value.trim());
  if (!p) throw new InputError("phone", `${JSON.stringify(value)} is not a phone number`);
  const national = p.nationalNumber;
  const calling = p.countryCallingCode;
  const country = p.country ?? null;

  let location: Record<string, unknown> | null = null;
  let zones: string[] | null = null;
  let zonesSource: string | null = null;
  let nonGeographic: string | null = null;
  if (calling === "1" && (country === "US" || country === "CA" || country === null)) {
    const area = national.slice(0, 3);
    nonGeographic = NANP_NON_GEOGRAPHIC[area] ?? null;
    const info = nanpAreaCode(area);
    if (info) {
      location = {
        description: info.description,
        region: info.region,
        area_code: area,
        source: TABLE_SOURCE,
      };
      zones = info.time_zones;
      zonesSource = TABLE_SOURCE;
    }
  } else if (country !== null && SINGLE_ZONE[country]) {
    zones = [SINGLE_ZONE[country]];
    zonesSource = "twitch-osint built-in single-zone country table (not libphonenumber)";
  }

  const type = p.getType();
  const fiction = fictionRange(calling, national);
  return {
    e164: p.number,
    international: p.formatInternational(),
    national: p.formatNational(),
    country_calling_code: calling,
    region: country,
    region_name: country ? regionName(country) : null,
    valid: p.isValid(),
    possible: p.isPossible(),
    type: type ? type.toLowerCase() : null,
    non_geographic: nonGeographic,
    location,
    location_note: location
      ? null
      : nonGeographic
      ? `non-geographic (${nonGeographic})`
      : "libphonenumber-js has no geocoder data, and the built-in tables have no entry",
    time_zones: zones,
    time_zones_source: zonesSource,
    carrier: null,
    carrier_note: "libphonenumber-js ships no carrier data; not derivable offline",
    fictional: fiction !== null,
    fiction_range: fiction,
  };
}

/** Creates the provider (stateless). */
export function createPhoneInfo(): Provider {
  return {
    name: "phone_info",
    description:
      "phone: valid/possible, type, region, E.164/international/national, area-code location and zones, fiction ranges (offline)",
    supports: ["phone"],
    needsNetwork: false,
    needsKey: false,
    enrich(subject: Subject): Promise<Record<string, unknown>> {
      return Promise.resolve(phoneInfo(subject.value));
    },
  };
}
