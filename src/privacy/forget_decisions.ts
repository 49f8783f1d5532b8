/**
 * The record decisions of forget: for one message or event record (or one raw log line, or one
 * entry of set-aside torn lines), whether to keep it, drop it, or replace it with a scrubbed
 * copy, under a {@link ForgetRule}. Pure; {@link forgetPlan} hands them to the Store, which
 * applies them to whatever it stores.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { compileRule } from "./forget_rule.ts";
 * import { forgetRecord } from "./forget_decisions.ts";
 * const rule = compileRule({ users: ["someuser"] });
 * deepStrictEqual(forgetRecord({ user_name: "someuser", channel: "c" }, "message", rule), "drop");
 * deepStrictEqual(forgetRecord({ user_name: "other", channel: "c", text: "hi" }, "message", rule), "keep");
 * ```
 *
 * @module
 */
import type { ForgetPlan, RecordDecision } from "../store/store.ts";
import { type ForgetRule, scrubDeep, WORD } from "./forget_rule.ts";

export type { RecordDecision };

/** A raw log line as the Store hands it to {@link ForgetPlan.line}. */
type LineView = Parameters<ForgetPlan["line"]>[0];

/** What {@link ForgetPlan.line} decides for a raw log line. */
type LineDecision = ReturnType<ForgetPlan["line"]>;

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/**
 * Decides one message record (`kind: "message"`) or event record (`"event"`). Fields that
 * name the record's place (`channel`, ids of the record itself) are never scrubbed, so a kept
 * record still satisfies the schema. Learns the user ids of dropped records of forgotten users.
 */
export function forgetRecord(
  rec: Record<string, unknown>,
  kind: "message" | "event",
  rule: ForgetRule,
): RecordDecision {
  const user = str(rec.user_name);
  const channel = str(rec.channel);
  const ts = str(rec.ts);
  if (user !== null && rule.users.has(user.toLowerCase())) {
    const id = str(rec.user_id);
    if (id !== null && id !== "") rule.userIds.add(id);
    return "drop";
  }
  // A forgotten person's records under any login (a rename) carry their id.
  const uid = str(rec.user_id);
  if (uid !== null && rule.userIds.has(uid)) return "drop";
  if (channel !== null && rule.channels.has(channel)) return "drop";
  if (rule.before !== null && ts !== null && ts < rule.before) return "drop";
  if (rule.users.size === 0) return "keep";

  const next: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) {
    if (k === "channel" || k === "message_id" || k === "event_id" || k === "ts") {
      next[k] = v;
    } else if (kind === "message" && k === "mentions" && Array.isArray(v)) {
      next[k] = v.filter((x) => !(typeof x === "string" && rule.users.has(x.toLowerCase())));
    } else if (kind === "message" && k === "signals" && Array.isArray(v)) {
      const kept = v.filter((s) => {
        const t = (s as { target?: unknown })?.target;
        return !(typeof t === "string" && rule.users.has(t.toLowerCase()));
      });
      if (kept.length) next[k] = scrubDeep(kept, rule);
    } else if (kind === "message" && k === "hits" && Array.isArray(v)) {
      const kept = v.filter((h) => {
        const key = (h as { subject_key?: unknown })?.subject_key;
        return !(typeof key === "string" && rule.subjectKeys.has(key));
      });
      if (kept.length) next[k] = kept;
    } else {
      next[k] = scrubDeep(v, rule);
    }
  }
  return JSON.stringify(next) === JSON.stringify(rec) ? "keep" : { replace: next };
}

/** True when a line may concern the rule at all (a cheap test before parsing). */
function mayConcern(text: string, ts: string | null, rule: ForgetRule): boolean {
  if (rule.anyUser !== null && rule.anyUser.test(text)) return true;
  if (rule.userIds.size) {
    for (const id of rule.userIds) if (text.includes(id)) return true;
  }
  for (const c of rule.channels) if (text.includes(c)) return true;
  if (rule.before !== null && (ts === null || ts < rule.before)) return true;
  return false;
}

/**
 * Decides one line of a JSONL log. A line that is not a JSON object (should not happen in a
 * log) is dropped when it names a forgotten user or channel, otherwise kept as it is.
 */
export function forgetLine(
  line: LineView,
  kind: "message" | "event",
  rule: ForgetRule,
): LineDecision {
  if (!mayConcern(line.text, line.ts, rule)) return "keep";
  let rec: unknown = null;
  if (line.utf8 && !line.partial) {
    try {
      rec = JSON.parse(line.text);
    } catch {
      rec = null;
    }
  }
  if (typeof rec !== "object" || rec === null || Array.isArray(rec)) {
    return namesAny(line.text, rule) ? "drop" : "keep";
  }
  const d = forgetRecord(rec as Record<string, unknown>, kind, rule);
  return typeof d === "string" ? d : { replace: JSON.stringify(d.replace) };
}

/** True when text holds a forgotten login or channel as a word (for lines we cannot parse). */
function namesAny(text: string, rule: ForgetRule): boolean {
  if (rule.word !== null) {
    rule.word.lastIndex = 0;
    if (rule.word.test(text)) return true;
  }
  for (const c of rule.channels) {
    if (new RegExp(`(?<![${WORD}])${c}(?![${WORD}])`, "i").test(text)) return true;
  }
  return false;
}

/**
 * Decides one entry of a `.corrupt` file (a header line and the torn bytes after it): true to
 * drop it, when the torn bytes name a forgotten user or channel or one of the forgotten users'
 * ids, or when it is older than the retention cutoff (its own `ts` when readable, else the
 * time it was set aside, `setAsideAt`, which the store reads from the entry's header).
 */
export function dropCorruptEntry(
  setAsideAt: string | null,
  body: string,
  rule: ForgetRule,
): boolean {
  if (namesAny(body, rule)) return true;
  for (const id of rule.userIds) if (body.includes(id)) return true;
  if (rule.before !== null) {
    const ts = /"ts":"([^"]+)"/.exec(body)?.[1] ?? setAsideAt;
    if (ts !== null && ts < rule.before) return true;
  }
  return false;
}

/** The plan a Store applies for `rule`: the decisions above, bound to it. */
export function forgetPlan(rule: ForgetRule): ForgetPlan {
  return {
    users: rule.users,
    channels: rule.channels,
    before: rule.before,
    record: (rec, kind) => forgetRecord(rec, kind, rule),
    line: (line, kind) => forgetLine(line, kind, rule),
    corruptEntry: (setAsideAt, body) => dropCorruptEntry(setAsideAt, body, rule),
  };
}
