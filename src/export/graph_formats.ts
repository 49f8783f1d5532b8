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
import { toCsv } from "./csv.ts";

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

/** GEXF 1.3, directed, with node and edge attributes. */
export function toGexf(g: GraphData): string {
  const L: string[] = [
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
  ];
  for (const n of g.nodes) {
    L.push(`      <node id="${a(n.id)}" label="${a(n.label)}">`);
    L.push("        <attvalues>");
    if (n.user_id !== null) L.push(`          <attvalue for="user_id" value="${a(n.user_id)}"/>`);
    L.push(`          <attvalue for="messages" value="${n.messages}"/>`);
    L.push("        </attvalues>");
    L.push("      </node>");
  }
  L.push("    </nodes>", "    <edges>");
  g.edges.forEach((e, i) => {
    L.push(
      `      <edge id="${i}" source="${a(e.source)}" target="${a(e.target)}" weight="${e.weight}">`,
      "        <attvalues>",
      `          <attvalue for="mentions" value="${e.mentions}"/>`,
      `          <attvalue for="replies" value="${e.replies}"/>`,
      `          <attvalue for="first_seen" value="${a(e.first_seen)}"/>`,
      `          <attvalue for="last_seen" value="${a(e.last_seen)}"/>`,
      `          <attvalue for="channels" value="${a(e.channels.join(";"))}"/>`,
      "        </attvalues>",
      "      </edge>",
    );
  });
  L.push("    </edges>", "  </graph>", "</gexf>", "");
  return L.join("\n");
}

/** GraphML, directed, with typed keys. */
export function toGraphml(g: GraphData): string {
  const L: string[] = [
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
  ];
  for (const n of g.nodes) {
    L.push(`    <node id="${a(n.id)}">`);
    L.push(`      <data key="label">${a(n.label)}</data>`);
    if (n.user_id !== null) L.push(`      <data key="user_id">${a(n.user_id)}</data>`);
    L.push(`      <data key="messages">${n.messages}</data>`, "    </node>");
  }
  g.edges.forEach((e, i) => {
    L.push(
      `    <edge id="e${i}" source="${a(e.source)}" target="${a(e.target)}">`,
      `      <data key="weight">${e.weight}</data>`,
      `      <data key="mentions">${e.mentions}</data>`,
      `      <data key="replies">${e.replies}</data>`,
      `      <data key="first_seen">${a(e.first_seen)}</data>`,
      `      <data key="last_seen">${a(e.last_seen)}</data>`,
      `      <data key="channels">${a(e.channels.join(";"))}</data>`,
      "    </edge>",
    );
  });
  L.push("  </graph>", "</graphml>", "");
  return L.join("\n");
}

/** The edge table as CSV (with each end's login), for Cytoscape's or Gephi's table import. */
export function toEdgeCsv(g: GraphData): string {
  const label = new Map(g.nodes.map((n) => [n.id, n.label]));
  return toCsv(
    [
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
    ],
    g.edges.map((e) => [
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
    ]),
  );
}

/** The graph in one of the formats. */
export function graphText(format: GraphFormat, g: GraphData): string {
  switch (format) {
    case "gexf":
      return toGexf(g);
    case "graphml":
      return toGraphml(g);
    case "json":
      return JSON.stringify({ nodes: g.nodes, edges: g.edges }, null, 2) + "\n";
    case "csv":
      return toEdgeCsv(g);
  }
}
