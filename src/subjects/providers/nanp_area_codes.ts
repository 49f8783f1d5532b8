/**
 * A small, hand-written table of North American (NANP) area codes: the state or province each
 * serves and the time zones it spans. libphonenumber-js ships neither its geocoder nor its
 * time-zone data, so `phone_info` derives location and zones from this table instead, and
 * labels them as coming from here. It is not exhaustive (about 300 codes, chosen from the
 * common geographic ones); a code not listed yields no location rather than a guess.
 *
 * @module
 */

/** Zone letters used in the table below. */
const US_ZONES: Readonly<Record<string, string>> = {
  E: "America/New_York",
  C: "America/Chicago",
  M: "America/Denver",
  Z: "America/Phoenix",
  P: "America/Los_Angeles",
  A: "America/Anchorage",
  H: "Pacific/Honolulu",
};

/** Canadian provinces and territories: their zones, most populous first. */
const CA_ZONES: Readonly<Record<string, readonly string[]>> = {
  ON: ["America/Toronto"],
  QC: ["America/Toronto"],
  BC: ["America/Vancouver"],
  AB: ["America/Edmonton"],
  MB: ["America/Winnipeg"],
  SK: ["America/Regina"],
  NS: ["America/Halifax"],
  NB: ["America/Moncton"],
  NL: ["America/St_Johns"],
  "NS/PE": ["America/Halifax"],
  "YT/NT/NU": ["America/Whitehorse", "America/Yellowknife", "America/Iqaluit"],
};

const US_STATES: Readonly<Record<string, string>> = {
  AK: "Alaska",
  AL: "Alabama",
  AR: "Arkansas",
  AZ: "Arizona",
  CA: "California",
  CO: "Colorado",
  CT: "Connecticut",
  DC: "District of Columbia",
  DE: "Delaware",
  FL: "Florida",
  GA: "Georgia",
  HI: "Hawaii",
  IA: "Iowa",
  ID: "Idaho",
  IL: "Illinois",
  IN: "Indiana",
  KS: "Kansas",
  KY: "Kentucky",
  LA: "Louisiana",
  MA: "Massachusetts",
  MD: "Maryland",
  ME: "Maine",
  MI: "Michigan",
  MN: "Minnesota",
  MO: "Missouri",
  MS: "Mississippi",
  MT: "Montana",
  NC: "North Carolina",
  ND: "North Dakota",
  NE: "Nebraska",
  NH: "New Hampshire",
  NJ: "New Jersey",
  NM: "New Mexico",
  NV: "Nevada",
  NY: "New York",
  OH: "Ohio",
  OK: "Oklahoma",
  OR: "Oregon",
  PA: "Pennsylvania",
  RI: "Rhode Island",
  SC: "South Carolina",
  SD: "South Dakota",
  TN: "Tennessee",
  TX: "Texas",
  UT: "Utah",
  VA: "Virginia",
  VT: "Vermont",
  WA: "Washington",
  WI: "Wisconsin",
  WV: "West Virginia",
  WY: "Wyoming",
};

const CA_PROVINCES: Readonly<Record<string, string>> = {
  ON: "Ontario",
  QC: "Quebec",
  BC: "British Columbia",
  AB: "Alberta",
  MB: "Manitoba",
  SK: "Saskatchewan",
  NS: "Nova Scotia",
  NB: "New Brunswick",
  NL: "Newfoundland and Labrador",
  "NS/PE": "Nova Scotia and Prince Edward Island",
  "YT/NT/NU": "Yukon, Northwest Territories, Nunavut",
};

// "code STATE zones" for the US (zone letters above, several when the area spans zones);
// "code PROVINCE" for Canada. Kept as text so the table reads like a reference list.
// deno-fmt-ignore
const US_TABLE = `
201 NJ E|202 DC E|203 CT E|205 AL C|206 WA P|207 ME E|208 ID MP|209 CA P|210 TX C|212 NY E
213 CA P|214 TX C|215 PA E|216 OH E|217 IL C|218 MN C|219 IN C|224 IL C|225 LA C|228 MS C
229 GA E|231 MI E|234 OH E|239 FL E|240 MD E|248 MI E|251 AL C|252 NC E|253 WA P|254 TX C
256 AL C|260 IN E|262 WI C|267 PA E|269 MI E|270 KY CE|276 VA E|281 TX C|301 MD E|302 DE E
303 CO M|304 WV E|305 FL E|307 WY M|308 NE CM|309 IL C|310 CA P|312 IL C|313 MI E|314 MO C
315 NY E|316 KS C|317 IN E|318 LA C|319 IA C|320 MN C|321 FL E|323 CA P|330 OH E|334 AL C
336 NC E|337 LA C|339 MA E|347 NY E|351 MA E|352 FL E|360 WA P|361 TX C|385 UT M|386 FL E
401 RI E|402 NE C|404 GA E|405 OK C|406 MT M|407 FL E|408 CA P|409 TX C|410 MD E|412 PA E
413 MA E|414 WI C|415 CA P|417 MO C|419 OH E|423 TN E|425 WA P|430 TX C|432 TX CM|434 VA E
435 UT M|440 OH E|442 CA P|443 MD E|469 TX C|470 GA E|475 CT E|478 GA E|479 AR C|480 AZ Z
484 PA E|501 AR C|502 KY E|503 OR P|504 LA C|505 NM M|507 MN C|508 MA E|509 WA P|510 CA P
512 TX C|513 OH E|515 IA C|516 NY E|517 MI E|518 NY E|520 AZ Z|530 CA P|540 VA E|541 OR PM
551 NJ E|559 CA P|561 FL E|562 CA P|563 IA C|567 OH E|570 PA E|571 VA E|573 MO C|574 IN E
575 NM M|580 OK C|585 NY E|586 MI E|601 MS C|602 AZ Z|603 NH E|605 SD CM|606 KY E|607 NY E
608 WI C|609 NJ E|610 PA E|612 MN C|614 OH E|615 TN C|616 MI E|617 MA E|618 IL C|619 CA P
620 KS C|623 AZ Z|626 CA P|630 IL C|631 NY E|636 MO C|641 IA C|646 NY E|650 CA P|651 MN C
660 MO C|661 CA P|662 MS C|678 GA E|682 TX C|701 ND CM|702 NV P|703 VA E|704 NC E|706 GA E
707 CA P|708 IL C|712 IA C|713 TX C|714 CA P|715 WI C|716 NY E|717 PA E|718 NY E|719 CO M
720 CO M|724 PA E|727 FL E|731 TN C|732 NJ E|734 MI E|740 OH E|754 FL E|757 VA E|760 CA P
762 GA E|763 MN C|765 IN E|770 GA E|772 FL E|773 IL C|774 MA E|775 NV P|781 MA E|785 KS C
786 FL E|801 UT M|802 VT E|803 SC E|804 VA E|805 CA P|806 TX C|808 HI H|810 MI E|812 IN EC
813 FL E|814 PA E|815 IL C|816 MO C|817 TX C|818 CA P|828 NC E|830 TX C|831 CA P|832 TX C
843 SC E|845 NY E|847 IL C|848 NJ E|850 FL CE|856 NJ E|857 MA E|858 CA P|859 KY E|860 CT E
862 NJ E|863 FL E|864 SC E|865 TN E|870 AR C|878 PA E|901 TN C|903 TX C|904 FL E|906 MI EC
907 AK A|908 NJ E|909 CA P|910 NC E|912 GA E|913 KS C|914 NY E|915 TX M|916 CA P|917 NY E
918 OK C|919 NC E|920 WI C|925 CA P|928 AZ Z|929 NY E|931 TN CE|936 TX C|937 OH E|940 TX C
941 FL E|947 MI E|949 CA P|951 CA P|952 MN C|954 FL E|956 TX C|970 CO M|971 OR P|972 TX C
973 NJ E|978 MA E|979 TX C|980 NC E|984 NC E|985 LA C
`;

// deno-fmt-ignore
const CA_TABLE = `
204 MB|226 ON|236 BC|249 ON|250 BC|289 ON|306 SK|343 ON|365 ON|403 AB|416 ON|418 QC|431 MB
437 ON|438 QC|450 QC|506 NB|514 QC|519 ON|548 ON|579 QC|581 QC|587 AB|604 BC|613 ON|639 SK
647 ON|705 ON|709 NL|778 BC|780 AB|782 NS/PE|807 ON|819 QC|825 AB|867 YT/NT/NU|873 QC|902 NS/PE
905 ON
`;

/** What the table knows of one area code. */
export interface AreaCodeInfo {
  country: "US" | "CA";
  /** Postal abbreviation(s) of the state or province. */
  region: string;
  /** e.g. "New York, US". */
  description: string;
  /** IANA zones the area spans, most of its population first. */
  time_zones: string[];
}

function buildTable(): Map<string, AreaCodeInfo> {
  const out = new Map<string, AreaCodeInfo>();
  for (const entry of US_TABLE.split(/[|\n]/).map((s) => s.trim()).filter(Boolean)) {
    const [code, st, zones] = entry.split(" ") as [string, string, string];
    out.set(code, {
      country: "US",
      region: st,
      description: `${US_STATES[st] ?? st}, US`,
      time_zones: [...zones].map((z) => US_ZONES[z] ?? z),
    });
  }
  for (const entry of CA_TABLE.split(/[|\n]/).map((s) => s.trim()).filter(Boolean)) {
    const [code, pr] = entry.split(" ") as [string, string];
    out.set(code, {
      country: "CA",
      region: pr,
      description: `${CA_PROVINCES[pr] ?? pr}, CA`,
      time_zones: [...(CA_ZONES[pr] ?? [])],
    });
  }
  return out;
}

const TABLE = buildTable();

/**
 * The table's entry for a 3-digit NANP area code, or undefined.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nanpAreaCode } from "./nanp_area_codes.ts";
 * assert.deepEqual(nanpAreaCode("212"), {
 *   country: "US",
 *   region: "NY",
 *   description: "New York, US",
 *   time_zones: ["America/New_York"],
 * });
 * assert.equal(nanpAreaCode("604")?.description, "British Columbia, CA");
 * assert.equal(nanpAreaCode("800"), undefined);
 * ```
 */
export function nanpAreaCode(code: string): AreaCodeInfo | undefined {
  const info = TABLE.get(code);
  return info ? { ...info, time_zones: [...info.time_zones] } : undefined;
}

/** How many area codes the table holds (for docs and tests). */
export function nanpTableSize(): number {
  return TABLE.size;
}

/** NANP codes that are not places: toll-free and premium-rate. */
export const NANP_NON_GEOGRAPHIC: Readonly<Record<string, string>> = {
  "800": "toll-free",
  "833": "toll-free",
  "844": "toll-free",
  "855": "toll-free",
  "866": "toll-free",
  "877": "toll-free",
  "888": "toll-free",
  "900": "premium-rate",
};
