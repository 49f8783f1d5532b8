/**
 * Step 1 of the relationship-signal analyzer: the pre-filter. One precompiled, case-blind regex
 * of word-initial stems over the raw text; about 99% of chat has none and costs this one scan.
 *
 * @module
 */
// 1. Pre-filter: one case-blind regex of word-initial stems. It accepts a superset of the
// spellings the rules know (a test checks each one). "with" is common, so a message whose
// only stem is "with" passes only when a subject-like word stands right before it.
// (Measured: a char-code scanner in JS costs about three times as much as this regex.)

const STEMS =
  /\b(?:dat|[gb]f|bae|girl|going out|[gb]\w{0,4}fr|fianc|wif|hu[sb]b|marr|maried|merri|enga|propos|purpos|tog|taken|a thing|2ge|coupl|seein|singl|relations|con?grat|grat|(?<w>with\b|w\/|w\b))/i;
const STEMS_NO_WITH =
  /\b(?:dat|[gb]f|bae|girl|going out|[gb]\w{0,4}fr|fianc|wif|hu[sb]b|marr|maried|merri|enga|propos|purpos|tog|taken|a thing|2ge|coupl|seein|singl|relations|con?grat|grat)/i;
const WITH_AFTER_SUBJECT =
  /(?:\b(?:he|she|hes|shes|is|u|you|ur|are|r|still|back|now|currently|been|was|were|literally|actually|really|def|prob|probably|totally|lowkey|officially|secretly|apparently|already|like|just|so|also|fr)|['’]s) w(?:ith\b|\/|\b)/i;

/**
 * The pre-filter: false when `text` certainly holds no relationship talk, so that the ~99% of
 * chat without it costs one regex scan and nothing else.
 */
export function mayMentionRelationship(text: string): boolean {
  const m = STEMS.exec(text);
  if (m === null) return false;
  if (m.groups?.w === undefined) return true;
  return STEMS_NO_WITH.test(text) || WITH_AFTER_SUBJECT.test(text);
}
