import type { FileFacts, Range, SqlString, SqlToken } from '../model/facts.js';
import type { RuleHit } from '../model/rule.js';
import { looksLikeSql } from './looks-like-sql.js';
import { significant, tokensOf } from './analyze.js';
import { toFileRange } from './map.js';
import { partitionPoint } from '../util/search.js';

const sqlVerdicts = new WeakMap<SqlString, boolean>();
/** Every SQL rule filters the same token lists: keep one significant list per token list. */
const significantCache = new WeakMap<SqlToken[], SqlToken[]>();

function significantOf(tokens: SqlToken[]): SqlToken[] {
  let sig = significantCache.get(tokens);
  if (!sig) {
    sig = significant(tokens);
    significantCache.set(tokens, sig);
  }
  return sig;
}

/** Executed SQL, or text that clearly is SQL (a statement keyword first): what 3xx rules look at. */
export function isSqlToCheck(sql: SqlString): boolean {
  if (sql.executed) return true;
  let verdict = sqlVerdicts.get(sql);
  if (verdict === undefined) {
    verdict = looksLikeSql(sql.text);
    sqlVerdicts.set(sql, verdict);
  }
  return verdict;
}

/** Sorted by range, then message; one hit per (file range, message). */
export function uniqueHits(hits: RuleHit[]): RuleHit[] {
  const seen = new Set<string>();
  const out: RuleHit[] = [];
  for (const hit of hits) {
    const key = `${hit.range.start}:${hit.range.end}:${hit.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(hit);
  }
  return out.sort(
    (a, b) => a.range.start - b.range.start || a.range.end - b.range.end || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

/**
 * Runs `fn` over the file's SQL strings (only executed ones with `executedOnly`; otherwise those
 * executed or clearly SQL), maps each SQL range back into the file, and drops duplicates
 * (one constant executed twice gives one finding).
 */
export function sqlRuleHits(
  facts: FileFacts,
  fn: (sql: SqlString, sig: SqlToken[]) => { range: Range; message: string }[],
  opts: { executedOnly?: boolean } = {},
): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const sql of facts.sqlStrings) {
    if (opts.executedOnly ? !sql.executed : !isSqlToCheck(sql)) continue;
    const sig = significantOf(tokensOf(sql));
    for (const hit of fn(sql, sig)) {
      hits.push({ range: toFileRange(sql, hit.range), message: hit.message });
    }
  }
  return uniqueHits(hits);
}

/** The SQL of `range` for a message: whitespace and comments collapsed, holes as `{…}`, at most `max` characters. */
export function sqlSnippet(sql: SqlString, range: Range, max = 60): string {
  // the tokens lie in order, without gaps: from the first one that reaches into the range, and no
  // further than the snippet's length. Reading every token for each finding was quadratic in a
  // script's length (executescript of 20,000 INSERTs: 43 s; before session 27).
  const tokens = tokensOf(sql);
  let out = '';
  for (let i = partitionPoint(tokens, (t) => t.end <= range.start); i < tokens.length && out.length <= max + 1; i++) {
    const t = tokens[i]!;
    if (t.start >= range.end) break;
    if (t.end <= range.start) continue;
    if (t.type === 'whitespace' || t.type === 'comment') {
      if (out.length > 0 && !out.endsWith(' ')) out += ' ';
    } else {
      out += t.type === 'hole' ? '{…}' : t.text;
    }
  }
  out = out.trimEnd();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
