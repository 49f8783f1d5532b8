import { strictEqual } from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { sha1Hex, sha256Hex } from "../src/digest.ts";

Deno.test("sha1Hex() and sha256Hex() give node:crypto's digests at every padding boundary", () => {
  for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 4096, 10_000]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 255);
    strictEqual(sha1Hex(bytes), createHash("sha1").update(bytes).digest("hex"), `sha1 of ${n}`);
    strictEqual(
      sha256Hex(bytes),
      createHash("sha256").update(bytes).digest("hex"),
      `sha256 of ${n}`,
    );
  }
});

Deno.test("sha1Hex() and sha256Hex() equal node:crypto on random input", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      strictEqual(sha1Hex(bytes), createHash("sha1").update(bytes).digest("hex"));
      strictEqual(sha256Hex(bytes), createHash("sha256").update(bytes).digest("hex"));
    }),
    { numRuns: 500 },
  );
});

Deno.test("sha256Hex() hashes a string as its UTF-8", () => {
  fc.assert(
    fc.property(fc.string({ unit: "grapheme" }), (s) => {
      strictEqual(sha256Hex(s), createHash("sha256").update(s).digest("hex"));
    }),
  );
});
