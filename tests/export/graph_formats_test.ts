import assert from "node:assert/strict";
import { XMLParser } from "fast-xml-parser";
import { graphChunks, type GraphData, xmlText } from "../../src/export/graph_formats.ts";
import { writeChunksAtomic } from "../../src/store/atomic.ts";
import { tempDir } from "../support/cli.ts";

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

/** A graph of `n` persons in a ring, with names that need escaping. */
function ring(n: number): GraphData {
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: i % 2 ? `#${i}` : `login_${i}`,
    label: `name<${i}>&"ü😀`,
    user_id: i % 2 ? String(i) : null,
    messages: i,
  }));
  const edges = nodes.map((s, i) => ({
    source: s.id,
    target: nodes[(i + 1) % n]!.id,
    weight: i + 1,
    mentions: i,
    replies: 1,
    first_seen: "2025-09-01T00:00:00.000Z",
    last_seen: "2025-09-02T00:00:00.000Z",
    channels: ["a", "=b"],
  }));
  return { nodes, edges };
}

Deno.test("graphChunks() in many chunks: json is JSON.stringify's text, XML parses whole", async () => {
  for (const g of [ring(0), ring(1), ring(4500)]) {
    const json = [...graphChunks("json", g)];
    assert.equal(json.join(""), JSON.stringify({ nodes: g.nodes, edges: g.edges }, null, 2) + "\n");
    for (const format of ["gexf", "graphml"] as const) {
      const text = [...graphChunks(format, g)].join("");
      const doc = new XMLParser({ ignoreAttributes: false }).parse(text, true);
      assert.ok(doc, format);
      assert.equal(text.split("<edge ").length - 1, g.edges.length, format);
    }
    assert.equal([...graphChunks("csv", g)].join("").split("\r\n").length - 2, g.edges.length);
  }
  // Written as it is made: the file holds every chunk, multi-byte characters whole.
  await using dir = await tempDir();
  const file = `${dir.path}/g.gexf`;
  const g = ring(4500);
  await writeChunksAtomic(file, graphChunks("gexf", g));
  assert.equal(await Deno.readTextFile(file), [...graphChunks("gexf", g)].join(""));
});
