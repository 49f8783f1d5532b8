/**
 * Scoring of the relationship-signal analyzer against a labelled JSONL set; shared by
 * `bench/signals_eval.ts` and the test that guards the figures.
 *
 * A line is `{"text", "channel", "asked": bool, "targets": [..]}`. Targets are scored per
 * (line, target) pair; `asked` per line (predicted when any signal fires).
 *
 * @module
 */
import { detectSignals } from "../src/analysis/signals.ts";

/** One labelled chat line. */
export interface Labelled {
  text: string;
  channel: string;
  asked: boolean;
  targets: string[];
  /** 1-based line number in its file. */
  line: number;
}

/** Precision, recall and F1 with their counts. */
export interface Score {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Reads a labelled JSONL file; throws naming file:line on a malformed line. */
export async function loadLabelled(url: URL): Promise<Labelled[]> {
  const text = await Deno.readTextFile(url);
  const out: Labelled[] = [];
  text.split("\n").forEach((raw, i) => {
    if (!raw.trim()) return;
    const where = `${url.pathname.split("/").pop()}:${i + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      throw new Error(`${where}: bad JSON (${(e as Error).message})`);
    }
    const o = v as Partial<Labelled>;
    if (
      typeof o.text !== "string" || typeof o.channel !== "string" ||
      typeof o.asked !== "boolean" || !Array.isArray(o.targets) ||
      !o.targets.every((t) => typeof t === "string")
    ) {
      throw new Error(`${where}: expected {text, channel, asked, targets}`);
    }
    out.push({ text: o.text, channel: o.channel, asked: o.asked, targets: o.targets, line: i + 1 });
  });
  return out;
}

function score(tp: number, fp: number, fn: number): Score {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

/** Scores the analyzer on `lines`; `errors` describes each wrong line. */
export function evaluateSet(
  lines: readonly Labelled[],
): { targets: Score; asked: Score; errors: string[] } {
  let ttp = 0, tfp = 0, tfn = 0, atp = 0, afp = 0, afn = 0;
  const errors: string[] = [];
  for (const l of lines) {
    const signals = detectSignals(l.text, { channel: l.channel });
    const asked = signals.length > 0;
    const got = new Set(signals.flatMap((s) => (s.target === null ? [] : [s.target])));
    const want = new Set(l.targets.map((t) => t.toLowerCase()));
    const problems: string[] = [];
    for (const t of got) {
      if (want.has(t)) ttp++;
      else {
        tfp++;
        problems.push(`wrong target ${t}`);
      }
    }
    for (const t of want) {
      if (!got.has(t)) {
        tfn++;
        problems.push(`missed target ${t}`);
      }
    }
    if (asked && l.asked) atp++;
    else if (asked) {
      afp++;
      problems.push(`false alarm (${signals.map((s) => s.rule).join(",")})`);
    } else if (l.asked) {
      afn++;
      problems.push("missed asked");
    }
    if (problems.length) {
      errors.push(`line ${l.line}: ${JSON.stringify(l.text)}: ${problems.join("; ")}`);
    }
  }
  return { targets: score(ttp, tfp, tfn), asked: score(atp, afp, afn), errors };
}
