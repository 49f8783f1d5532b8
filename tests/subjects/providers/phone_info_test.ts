import { assert, assertEquals, assertRejects, assertThrows } from "../../support/assert.ts";
import fc from "fast-check";
import {
  createPhoneInfo,
  fictionRange,
  phoneInfo,
} from "../../../src/subjects/providers/phone_info.ts";
import { nanpAreaCode, nanpTableSize } from "../../../src/subjects/providers/nanp_area_codes.ts";
import { InputError } from "../../../src/errors.ts";
import { context, subject } from "./_helpers.ts";

Deno.test("phone_info: the spec's +12025550123 (Washington DC, fiction range)", async () => {
  const r = await createPhoneInfo().enrich(subject("phone", "+12025550123"), context());
  assertEquals(r.e164, "+12025550123");
  assertEquals(r.international, "+1 202 555 0123");
  assertEquals(r.national, "(202) 555-0123");
  assertEquals(r.country_calling_code, "1");
  assertEquals(r.region, "US");
  assertEquals(r.region_name, "United States");
  assertEquals([r.valid, r.possible], [true, true]);
  assertEquals(r.type, "fixed_line_or_mobile");
  assertEquals((r.location as { description: string }).description, "District of Columbia, US");
  assert(String((r.location as { source: string }).source).includes("not libphonenumber"));
  assertEquals(r.time_zones, ["America/New_York"]);
  assertEquals(r.carrier, null);
  assertEquals([r.fictional, r.fiction_range], [true, "NANP 555-0100..0199"]);
});

Deno.test("phone_info: other numbers (UK drama range, toll-free, Canada, not fiction)", () => {
  const uk = phoneInfo("+442079460123");
  assertEquals([uk.region, uk.type, uk.fictional], ["GB", "fixed_line", true]);
  assertEquals(uk.time_zones, ["Europe/London"]);
  assertEquals(uk.location, null);
  const tollFree = phoneInfo("+18005550100");
  assertEquals([tollFree.type, tollFree.non_geographic, tollFree.fictional], [
    "toll_free",
    "toll-free",
    false,
  ]);
  const ottawa = phoneInfo("+16135550110");
  assertEquals(ottawa.region, "CA");
  assertEquals((ottawa.location as { description: string }).description, "Ontario, CA");
  assertEquals(ottawa.time_zones, ["America/Toronto"]);
  assertEquals(phoneInfo("+12025550200").fictional, false);
  assertEquals(phoneInfo("+12125551212").fictional, false);
});

Deno.test("phone_info: what is not a number is an error", async () => {
  assertThrows(() => phoneInfo("hello"), InputError);
  await assertRejects(
    () => createPhoneInfo().enrich(subject("phone", "12"), context()),
    InputError,
  );
});

Deno.test("fictionRange() flags exactly NXX-555-0100..0199 on geographic NANP codes", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 200, max: 999 }),
      fc.integer({ min: 200, max: 999 }),
      fc.integer({ min: 0, max: 9999 }),
      (area, exchange, line) => {
        const national = `${area}${exchange}${String(line).padStart(4, "0")}`;
        const tollFree = [800, 833, 844, 855, 866, 877, 888, 900].includes(area);
        const expected = exchange === 555 && line >= 100 && line <= 199 && !tollFree;
        assertEquals(fictionRange("1", national) !== null, expected, national);
        assertEquals(fictionRange("33", national), null);
      },
    ),
  );
});

Deno.test("nanpAreaCode() table: real IANA zones, US or CA, a description per code", () => {
  assert(nanpTableSize() > 250);
  for (let code = 200; code <= 999; code++) {
    const info = nanpAreaCode(String(code));
    if (!info) continue;
    assert(info.time_zones.length > 0, String(code));
    // Intl throws a RangeError for an unknown zone.
    for (const tz of info.time_zones) new Intl.DateTimeFormat("en", { timeZone: tz });
    assert(info.description.endsWith(`, ${info.country}`));
  }
  assertEquals(nanpAreaCode("555"), undefined);
  assertEquals(nanpAreaCode("212")?.description, "New York, US");
  assertEquals(nanpAreaCode("808")?.time_zones, ["Pacific/Honolulu"]);
});
