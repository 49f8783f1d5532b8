/**
 * Activity charts as inline SVG bars: drawn by the server, so a report file shows them with no
 * script at all. The page upgrades each one into an interactive uPlot chart from the same
 * numbers (its `data-chart` attribute).
 *
 * @module
 */
import { type Html, html, jsonAttr } from "./html.ts";

/** One bar chart: labels along the bottom, one value each. */
export interface BarChart {
  title: string;
  labels: readonly string[];
  values: readonly number[];
}

const W = 600;
const H = 160;
const PAD = 24;

/**
 * Renders a bar chart with a caption and a text alternative.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { barChart } from "./chart.ts";
 * const svg = barChart({ title: "By <hour>", labels: ["00", "01"], values: [3, 1] }).text;
 * assert.ok(svg.includes("<figcaption>By &lt;hour&gt; <span class=\"muted\">(4 messages, max 3)"));
 * // The tallest bar fills the height; the others are in proportion.
 * assert.ok(svg.includes('<rect x="25.0" y="0.0" width="286.0" height="136.0">'));
 * assert.ok(svg.includes('<rect x="313.0" y="90.7" width="286.0" height="45.3">'));
 * // The numbers the page's script draws from, as an escaped attribute.
 * assert.ok(svg.includes('data-chart="{&quot;labels&quot;:[&quot;00&quot;,&quot;01&quot;],'));
 * ```
 */
export function barChart(c: BarChart): Html {
  const max = Math.max(1, ...c.values);
  const n = Math.max(1, c.values.length);
  const bw = (W - PAD) / n;
  const every = Math.max(1, Math.ceil(n / 12));
  const bars = c.values.map((v, i) => {
    const h = (v / max) * (H - PAD);
    const x = PAD + i * bw;
    return html`
      <rect x="${(x + 1).toFixed(1)}" y="${(H - PAD - h).toFixed(1)}" width="${Math.max(1, bw - 2)
        .toFixed(1)}" height="${h.toFixed(1)}">
        <title>${c.labels[i] ?? ""}: ${v}</title>
      </rect>
    `;
  });
  const ticks = c.labels.map((l, i) =>
    i % every === 0
      ? html`<text x="${(PAD + i * bw + bw / 2).toFixed(1)}" y="${H - 8}">${l}</text>`
      : html``
  );
  const total = c.values.reduce((s, v) => s + v, 0);
  const data = { labels: c.labels, values: c.values };
  return html`
    <figure class="chart" data-chart="${jsonAttr(data)}">
      <figcaption>${c.title} <span class="muted">(${total} messages, max ${max})</span></figcaption>
      <svg viewBox="0 0 ${W} ${H}" role="img"
        aria-label="${c
          .title}"><text x="2" y="12" class="axis">${max}</text><line x1="${PAD}" y1="${H -
          PAD}" x2="${W}" y2="${H - PAD}"/>${bars}${ticks}</svg>
    </figure>
  `;
}

/** The by-hour chart of an activity record (24 UTC hours). */
export function hourChart(byHour: readonly number[]): Html {
  return barChart({
    title: "Messages by hour of day (UTC)",
    labels: byHour.map((_, h) => String(h).padStart(2, "0")),
    values: byHour,
  });
}

/** The by-day chart of an activity record (every day from the first to the last, gaps as 0). */
export function dayChart(byDay: Readonly<Record<string, number>>): Html {
  const days = Object.keys(byDay).sort();
  const labels: string[] = [];
  if (days.length) {
    const end = Date.parse(days[days.length - 1]!);
    for (let t = Date.parse(days[0]!); t <= end && labels.length < 400; t += 86_400_000) {
      labels.push(new Date(t).toISOString().slice(0, 10));
    }
  }
  return barChart({
    title: "Messages by day (UTC)",
    labels,
    values: labels.map((d) => byDay[d] ?? 0),
  });
}
