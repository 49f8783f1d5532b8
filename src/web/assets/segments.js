/**
 * How chat text is shown: cut into plain text, @mentions, URLs and emotes, from what the stored
 * record already says it holds (`mentions`, `urls`, `emotes`). Shared by the server's renderer
 * and the page's script (which builds the live messages), so both mark text the same way.
 * Nothing here produces markup: each piece is text, to be escaped or set as a text node.
 *
 * @module
 */

/**
 * @typedef {{ kind: "text" | "mention" | "url" | "emote", text: string, href?: string }} Segment
 */

/**
 * Cuts a message's text into segments.
 *
 * @param {string} text
 * @param {{ mentions?: readonly string[], urls?: readonly string[], emotes?: readonly string[] }} known
 * @returns {Segment[]}
 */
export function segments(text, known) {
  const mentions = new Set(known.mentions ?? []);
  const urls = known.urls ?? [];
  const emotes = new Set(known.emotes ?? []);
  /** @type {Segment[]} */
  const out = [];
  const push = (/** @type {Segment} */ s) => {
    if (s.text === "") return;
    const last = out[out.length - 1];
    if (s.kind === "text" && last && last.kind === "text") last.text += s.text;
    else out.push(s);
  };
  for (const word of text.split(/(\s+)/)) {
    if (word === "" || /^\s+$/.test(word)) {
      push({ kind: "text", text: word });
      continue;
    }
    const url = urls.find((u) => u !== "" && word.includes(u));
    if (url !== undefined) {
      const at = word.indexOf(url);
      push({ kind: "text", text: word.slice(0, at) });
      push({ kind: "url", text: url, href: /^https?:\/\//i.test(url) ? url : `https://${url}` });
      push({ kind: "text", text: word.slice(at + url.length) });
      continue;
    }
    const mention = /^@([A-Za-z0-9_]{1,25})(.*)$/s.exec(word);
    if (mention && mentions.has(mention[1].toLowerCase())) {
      push({ kind: "mention", text: `@${mention[1]}`, href: mention[1].toLowerCase() });
      push({ kind: "text", text: mention[2] });
      continue;
    }
    if (emotes.has(word)) {
      push({ kind: "emote", text: word });
      continue;
    }
    push({ kind: "text", text: word });
  }
  return out;
}
