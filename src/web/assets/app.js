// The workspace page's script: live messages on the landing page (server-sent events), and
// interactive charts (uPlot) over the server-drawn SVG ones. Chat text is only ever set as a
// text node: nothing received is parsed as markup. Its modules are loaded by URL, beside it in
// /assets/ (this file is also text inside the program's bundle, where an import line would be
// taken for one of the program's own).
const asset = (name) => new URL(name, import.meta.url).href;
const { segments } = await import(asset("segments.js"));

const MAX_LIVE = 200;

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function anchorOf(id) {
  return "m-" + String(id).replace(/[^A-Za-z0-9_-]/g, "_");
}

function messageItem(m) {
  const text = el("span", { class: "text" });
  for (const s of segments(String(m.text ?? ""), m)) {
    if (s.kind === "mention") {
      text.append(
        el("a", { class: "mention", href: "/ui/users/" + encodeURIComponent(s.href) }, s.text),
      );
    } else if (s.kind === "url" && /^https?:\/\//i.test(s.href)) {
      text.append(
        el("a", {
          class: "url",
          href: s.href,
          rel: "noopener noreferrer nofollow",
          target: "_blank",
        }, s.text),
      );
    } else if (s.kind === "emote") {
      text.append(el("span", { class: "emote" }, s.text));
    } else {
      text.append(document.createTextNode(s.text));
    }
  }
  const ts = String(m.ts ?? "");
  return el(
    "li",
    { class: "msg fresh", id: anchorOf(m.message_id) },
    el("time", { datetime: ts }, ts.slice(0, 19).replace("T", " ")),
    " ",
    el(
      "a",
      { class: "chan", href: "/ui/channels/" + encodeURIComponent(m.channel) },
      "#" + m.channel,
    ),
    " ",
    el(
      "a",
      { class: "user", href: "/ui/users/" + encodeURIComponent(m.user_name) },
      m.display_name ?? m.user_name,
    ),
    el("span", { class: "sep" }, ":"),
    " ",
    text,
  );
}

function startLive() {
  const log = document.getElementById("live-log");
  const state = document.getElementById("live-state");
  if (!log || typeof EventSource === "undefined") return;
  const source = new EventSource("/live");
  source.addEventListener("ready", () => {
    if (state) state.textContent = "live";
    log.dataset.live = "ready";
  });
  source.addEventListener("message", (ev) => {
    let m;
    try {
      m = JSON.parse(ev.data);
    } catch {
      return;
    }
    log.querySelector("li.empty")?.remove();
    log.prepend(messageItem(m));
    while (log.children.length > MAX_LIVE) log.lastElementChild?.remove();
  });
  source.addEventListener("error", () => {
    if (state) state.textContent = "reconnecting…";
  });
}

async function drawCharts() {
  const figures = document.querySelectorAll("figure.chart[data-chart]");
  if (figures.length === 0) return;
  const { default: uPlot } = await import(asset("uPlot.esm.js"));
  for (const fig of figures) {
    let data;
    try {
      data = JSON.parse(fig.dataset.chart);
    } catch {
      continue;
    }
    const xs = data.values.map((_, i) => i);
    const width = Math.max(240, Math.min(fig.clientWidth || 600, 900));
    const holder = el("div", { class: "uplot-holder" });
    fig.append(holder);
    new uPlot(
      {
        width,
        height: 180,
        legend: { show: false },
        cursor: { points: { show: false } },
        scales: { x: { time: false } },
        axes: [
          { values: (_, ticks) => ticks.map((t) => data.labels[t] ?? "") },
          {},
        ],
        series: [
          {},
          {
            label: "messages",
            stroke: "#5b3cc4",
            fill: "rgba(91,60,196,0.35)",
            paths: uPlot.paths.bars({ size: [0.8] }),
            points: { show: false },
          },
        ],
      },
      [xs, data.values],
      holder,
    );
    fig.classList.add("drawn");
  }
}

startLive();
drawCharts();
