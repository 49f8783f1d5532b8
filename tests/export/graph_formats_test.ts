import assert from "node:assert/strict";
import { xmlText } from "../../src/export/graph_formats.ts";

Deno.test("xmlText() escapes markup and drops what XML 1.0 forbids; plain text passes as is", () => {
  assert.equal(
    xmlText("pixel_fox #123 2025-01-01T00:00:00.000Z"),
    "pixel_fox #123 2025-01-01T00:00:00.000Z",
  );
  assert.equal(
    xmlText(`a&b<c>"d'e\tf\ng\rh\u0001i\uFFFFj\uD800k😀`),
    "a&amp;b&lt;c&gt;&quot;d&apos;e&#9;f&#10;g&#13;hijk😀",
  );
});
