import { strictEqual } from "node:assert/strict";
import { posix } from "node:path";
import fc from "fast-check";
import { joinPath } from "../src/path_join.ts";

Deno.test("joinPath() joins as node:path's posix join for any parts", () => {
  const seg = fc.constantFrom(
    "",
    ".",
    "..",
    "/",
    "a",
    "b.json",
    "./data",
    "../x",
    "/abs",
    "c/",
    "//",
    "d/../e",
    "~f",
  );
  fc.assert(
    fc.property(
      fc.array(fc.array(seg, { maxLength: 4 }).map((s) => s.join("")), { maxLength: 5 }),
      (parts) => {
        strictEqual(joinPath(...parts), posix.join(...parts), JSON.stringify(parts));
      },
    ),
    { numRuns: 5000 },
  );
});
