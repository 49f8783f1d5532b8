/**
 * The interaction graph as files other tools open: GEXF 1.3 (Gephi), GraphML (Cytoscape,
 * Gephi, yEd, NetworkX), JSON (`{ nodes, edges }`) and CSV (an edge table, through the shared
 * CSV module). Pure: a graph in, text out. Every name passes through XML escaping, and
 * characters XML 1.0 forbids are dropped, so hostile display names cannot break the file.
 *
 * @example
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { graphText } from "./graph_formats.ts";
 * const text = graphText("gexf", {
 *   nodes: [{ id: "a", label: "a", user_id: null, messages: 1 }, { id: "b", label: "b", user_id: null, messages: 0 }],
 *   edges: [{ source: "a", target: "b", weight: 1, mentions: 1, replies: 0, first_seen: "2025-01-01T00:00:00.000Z", last_seen: "2025-01-01T00:00:00.000Z", channels: ["c"] }],
 * });
 * ok(text.includes('<edge id="0" source="a" target="b" weight="1">'));
 * ```
 *
 * @module
 */
import type { GraphData } from "../analysis/interactions.ts";
import { csvRow } from "./csv.ts";

export type { GraphData };

/** The formats `graph export` writes. */
export const GRAPH_FORMATS = ["gexf", "graphml", "json", "csv"] as const;
/** One of {@link GRAPH_FORMATS}. */
export type GraphFormat = typeof GRAPH_FORMATS[number];

// XML 1.0 allows tab, LF, CR and U+0020 upwards except surrogates (lone ones) and U+FFFE/F.
const XML_INVALID =
  // deno-lint-ignore no-control-regex -- the point is to match control characters
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Anything {@link xmlText} changes: most names and times hold none of it. */
// deno-lint-ignore no-control-regex -- control characters are what it looks for
const XML_SPECIAL = /[\u0000-\u001F&<>"'\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Text for an XML attribute or element: escaped, forbidden characters dropped. */
export function xmlText(s: string): string {
  if (!XML_SPECIAL.test(s)) return s;
  return s.replace(XML_INVALID, "").replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&apos;")
    .replaceAll("\t", "&#9;").replaceAll("\n", "&#10;").replaceAll("\r", "&#13;");
}

const a = xmlText;

/** Items joined into one chunk of output: big enough to write well, small enough to hold. */
const CHUNK_ITEMS = 2000;

/** `items` as text, `CHUNK_ITEMS` at a time, each item written by `line`. */
function* chunked<T>(items: readonly T[], line: (item: T, i: number) => string): Generator<string> {
  for (let i = 0; i < items.length; i += CHUNK_ITEMS) {
    let out = "";
    const end = Math.min(items.length, i + CHUNK_ITEMS);
    for (let k = i; k < end; k++) out += line(items[k]!, k);
    yield out;
  }
}

/** GEXF 1.3, directed, with node and edge attributes, a chunk at a time. */
export function* gexfChunks(g: GraphData): Generator<string> {
  yield [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
    "  <meta>",
    "    <creator>twitch-osint</creator>",
    "    <description>who addressed whom in chat (@mentions and replies)</description>",
    "  </meta>",
    '  <graph mode="static" defaultedgetype="directed">',
    '    <attributes class="node">',
    '      <attribute id="user_id" title="user_id" type="string"/>',
    '      <attribute id="messages" title="messages" type="integer"/>',
    "    </attributes>",
    '    <attributes class="edge">',
    '      <attribute id="mentions" title="mentions" type="integer"/>',
    '      <attribute id="replies" title="replies" type="integer"/>',
    '      <attribute id="first_seen" title="first_seen" type="string"/>',
    '      <attribute id="last_seen" title="last_seen" type="string"/>',
    '      <attribute id="channels" title="channels" type="string"/>',
    "    </attributes>",
    "    <nodes>",
    "",
  ].join("\n");
  yield* chunked(
    g.nodes,
    (n) =>
      `      <node id="${a(n.id)}" label="${a(n.label)}">\n        <attvalues>\n` +
      (n.user_id !== null ? `          <attvalue for="user_id" value="${a(n.user_id)}"/>\n` : "") +
      `          <attvalue for="messages" value="${n.messages}"/>\n` +
      "        </attvalues>\n      </node>\n",
  );
  yield "    </nodes>\n    <edges>\n";
  yield* chunked(
    g.edges,
    (e, i) =>
      `      <edge id="${i}" source="${a(e.source)}" target="${
        a(e.target)
      }" weight="${e.weight}">\n` +
      "        <attvalues>\n" +
      `          <attvalue for="mentions" value="${e.mentions}"/>\n` +
      `          <attvalue for="replies" value="${e.replies}"/>\n` +
      `          <attvalue for="first_seen" value="${a(e.first_seen)}"/>\n` +
      `          <attvalue for="last_seen" value="${a(e.last_seen)}"/>\n` +
      `          <attvalue for="channels" value="${a(e.channels.join(";"))}"/>\n` +
      "        </attvalues>\n      </edge>\n",
  );
  yield "    </edges>\n  </graph>\n</gexf>\n";
}

/** GEXF 1.3 as one text. */
export function toGexf(g: GraphData): string {
  return [...gexfChunks(g)].join("");
}

/** GraphML, directed, with typed keys, a chunk at a time. */
export function* graphmlChunks(g: GraphData): Generator<string> {
  yield [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
    '  <key id="user_id" for="node" attr.name="user_id" attr.type="string"/>',
    '  <key id="messages" for="node" attr.name="messages" attr.type="int"/>',
    '  <key id="weight" for="edge" attr.name="weight" attr.type="int"/>',
    '  <key id="mentions" for="edge" attr.name="mentions" attr.type="int"/>',
    '  <key id="replies" for="edge" attr.name="replies" attr.type="int"/>',
    '  <key id="first_seen" for="edge" attr.name="first_seen" attr.type="string"/>',
    '  <key id="last_seen" for="edge" attr.name="last_seen" attr.type="string"/>',
    '  <key id="channels" for="edge" attr.name="channels" attr.type="string"/>',
    '  <graph id="interactions" edgedefault="directed">',
    "",
  ].join("\n");
  yield* chunked(
    g.nodes,
    (n) =>
      `    <node id="${a(n.id)}">\n      <data key="label">${a(n.label)}</data>\n` +
      (n.user_id !== null ? `      <data key="user_id">${a(n.user_id)}</data>\n` : "") +
      `      <data key="messages">${n.messages}</data>\n    </node>\n`,
  );
  yield* chunked(
    g.edges,
    (e, i) =>
      `    <edge id="e${i}" source="${a(e.source)}" target="${a(e.target)}">\n` +
      `      <data key="weight">${e.weight}</data>\n` +
      `      <data key="mentions">${e.mentions}</data>\n` +
      `      <data key="replies">${e.replies}</data>\n` +
      `      <data key="first_seen">${a(e.first_seen)}</data>\n` +
      `      <data key="last_seen">${a(e.last_seen)}</data>\n` +
      `      <data key="channels">${a(e.channels.join(";"))}</data>\n` +
      "    </edge>\n",
  );
  yield "  </graph>\n</graphml>\n";
}

/** GraphML as one text. */
export function toGraphml(g: GraphData): string {
  return [...graphmlChunks(g)].join("");
}

/** An array of values as `JSON.stringify(list, null, 2)` writes it at depth 1, by chunks. */
function* jsonArrayChunks(list: readonly unknown[], last: boolean): Generator<string> {
  if (list.length === 0) {
    yield `[]${last ? "" : ","}\n`;
    return;
  }
  yield "[\n";
  yield* chunked(list, (v, i) =>
    "    " + JSON.stringify(v, null, 2).replaceAll("\n", "\n    ") +
    (i < list.length - 1 ? ",\n" : "\n"));
  yield `  ]${last ? "" : ","}\n`;
}

/** `{ nodes, edges }` as `JSON.stringify(..., null, 2)` writes it, a chunk at a time. */
export function* jsonChunks(g: GraphData): Generator<string> {
  yield '{\n  "nodes": ';
  yield* jsonArrayChunks(g.nodes, false);
  yield '  "edges": ';
  yield* jsonArrayChunks(g.edges, true);
  yield "}\n";
}

const CSV_HEADER = [
  "source",
  "target",
  "source_login",
  "target_login",
  "weight",
  "mentions",
  "replies",
  "first_seen",
  "last_seen",
  "channels",
];

/**
 * The edge table as CSV (with each end's login), for Cytoscape's or Gephi's table import, a
 * chunk at a time.
 */
export function* edgeCsvChunks(g: GraphData): Generator<string> {
  const label = new Map(g.nodes.map((n) => [n.id, n.label]));
  yield csvRow(CSV_HEADER);
  yield* chunked(g.edges, (e) =>
    csvRow([
      e.source,
      e.target,
      label.get(e.source) ?? e.source,
      label.get(e.target) ?? e.target,
      e.weight,
      e.mentions,
      e.replies,
      e.first_seen,
      e.last_seen,
      e.channels,
    ]));
}

/** The edge table as CSV as one text. */
export function toEdgeCsv(g: GraphData): string {
  return [...edgeCsvChunks(g)].join("");
}

/** The graph in one of the formats, a chunk at a time (for writing as it is made). */
export function graphChunks(format: GraphFormat, g: GraphData): Generator<string> {
  switch (format) {
    case "gexf":
      return gexfChunks(g);
    case "graphml":
      return graphmlChunks(g);
    case "json":
      return jsonChunks(g);
    case "csv":
      return edgeCsvChunks(g);
  }
}

/** The graph in one of the formats, as one text. */
export function graphText(format: GraphFormat, g: GraphData): string {
  return [...graphChunks(format, g)].join("");
}
