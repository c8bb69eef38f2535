import type { Range, Suppression } from '../model/facts.js';

const RULE_ID = /^SQL\d{3}$/i;
const RULE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
/** Comment markers a directive may follow: `#`, `//`, `/*`, ` * ` (block comment lines), `;`, `--`. */
const MARKERS = ['#', '//', '/*', '*', ';', '--'];

/**
 * Reads a suppression directive from one comment, marker included:
 *   `# pgready: ignore[SQL201] legacy report`
 *   `// pgready: ignore[SQL201, qmark-placeholder] reason`
 *   `# type: ignore  # pgready: ignore[SQL301]` (a directive chained after another comment)
 * Spaces around `:`, `[`, `,` and `]` are tolerated. Ids are `SQL` plus three digits (any case,
 * returned upper-case) or kebab-case rule names. A malformed directive (no brackets, an empty
 * list, an entry that is neither an id nor a name) is not a suppression at all.
 */
export function parseSuppression(commentText: string, range: Range, line: number): Suppression | undefined {
  const lower = commentText.toLowerCase();
  for (let at = lower.indexOf('pgready'); at >= 0; at = lower.indexOf('pgready', at + 1)) {
    const before = commentText.slice(0, at).trimEnd();
    if (before !== '' && !MARKERS.some((m) => before.endsWith(m))) continue;
    const parsed = directiveAt(commentText, at + 'pgready'.length);
    if (parsed) return { range, line, ruleIds: parsed.ruleIds, reason: parsed.reason };
  }
  return undefined;
}

function directiveAt(text: string, from: number): { ruleIds: string[]; reason: string } | undefined {
  let i = skipSpaces(text, from);
  if (text[i] !== ':') return undefined;
  i = skipSpaces(text, i + 1);
  if (text.slice(i, i + 6).toLowerCase() !== 'ignore') return undefined;
  i = skipSpaces(text, i + 6);
  if (text[i] !== '[') return undefined;
  const close = text.indexOf(']', i + 1);
  if (close < 0) return undefined;
  const entries = text
    .slice(i + 1, close)
    .split(',')
    .map((e) => e.trim());
  const ruleIds: string[] = [];
  for (const e of entries) {
    if (RULE_ID.test(e)) ruleIds.push(e.toUpperCase());
    else if (RULE_NAME.test(e)) ruleIds.push(e);
    else return undefined;
  }
  return { ruleIds, reason: reasonOf(text.slice(close + 1)) };
}

/** The text after `]`: separators and a block comment's closing marker are dropped. */
function reasonOf(rest: string): string {
  let r = rest.trim();
  for (const end of ['*/', '-->']) if (r.endsWith(end)) r = r.slice(0, -end.length).trimEnd();
  let start = 0;
  while (start < r.length && ':-—–'.includes(r[start]!)) start++;
  return r.slice(start).trim();
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}
