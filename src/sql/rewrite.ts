import type { Change, CodemodOutput, Edit } from '../model/codemod.js';
import type { FileFacts, Range, SqlRun, SqlString, SqlToken } from '../model/facts.js';
import { significant, tokensOf } from './analyze.js';
import { isVerbatim, toFileRange } from './map.js';
import { isSqlToCheck } from './rulekit.js';
import { partitionPoint } from '../util/search.js';

/*
 * In-place SQL rewriting for the SQL3xx codemods: edits on SQL offsets become edits on the file
 * text, escaped for the Python string literal they land in. An edit is only made where the SQL is one
 * stretch of one literal (verbatim text and whole escape sequences); otherwise the occurrence is
 * refused ('not-verbatim').
 */

/** The SQL strings the SQL3xx rules look at (executed, or clearly SQL), with significant tokens. */
export function sqlTargets(facts: FileFacts): { sql: SqlString; sig: SqlToken[] }[] {
  return facts.sqlStrings.filter(isSqlToCheck).map((sql) => ({ sql, sig: significant(tokensOf(sql)) }));
}

export const NOT_VERBATIM_DETAIL =
  'This part of the SQL is split across source pieces, comes from a run-time value, or sits in a raw literal that cannot take the new text, so it cannot be rewritten in place: rewrite it by hand.';

interface Literal {
  /** `'`, `"`, `'''` or `"""` */
  quote: string;
  raw: boolean;
  fstring: boolean;
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c === '$');
}

function runIndexAt(map: SqlRun[], s: number): number {
  let lo = 0;
  let hi = map.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const run = map[mid]!;
    if (s < run.sqlStart) hi = mid - 1;
    else if (s >= run.sqlStart + run.length) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function runFileEnd(run: SqlRun): number {
  return run.verbatim ? run.fileStart + run.length : (run.fileEnd ?? run.fileStart);
}

/**
 * The Python literal that run `index` belongs to: walk back over runs that continue each other in
 * the file (escapes and f-string fields stay inside one literal) to the content start, whose
 * preceding characters are the quotes and the prefix (`f"""`, `r'`).
 */
function literalOf(sql: SqlString, source: string, index: number): Literal | undefined {
  let k = index;
  while (k > 0 && runFileEnd(sql.map[k - 1]!) === sql.map[k]!.fileStart) k--;
  const contentStart = sql.map[k]!.fileStart;
  const q = source[contentStart - 1];
  // `SELECT … ${x} …`: a JavaScript template literal
  if (q === '`') return { quote: q, raw: false, fstring: false };
  if (q !== '"' && q !== "'") return undefined;
  const triple = source[contentStart - 2] === q && source[contentStart - 3] === q;
  const quoteStart = contentStart - (triple ? 3 : 1);
  let p = quoteStart - 1;
  while (p >= 0 && 'rRfFbBuUtT'.includes(source[p]!)) p--;
  // a Python prefix is at most two letters after a non-name character; JavaScript's `typeof'x'` has none
  const prefix = quoteStart - 1 - p <= 2 && !isIdentChar(source[p]) ? source.slice(p + 1, quoteStart).toLowerCase() : '';
  const raw = prefix.includes('r');
  const fstring = prefix.includes('f') || prefix.includes('t');
  return { quote: triple ? q + q + q : q, raw, fstring };
}

/** `text` as it must be written inside `lit` between the file characters `before` and `after`. */
function escapeFor(text: string, lit: Literal, before: string | undefined, after: string | undefined): string | undefined {
  const q = lit.quote[0]!;
  let out = text;
  // a template literal takes line breaks as they are; `\`, `` ` `` and `${` need a backslash
  if (q === '`') return out.split('\\').join('\\\\').split('`').join('\\`').split('${').join('\\${');
  if (out.includes('\n') && lit.quote.length === 1) return undefined;
  if (out.includes('\\')) {
    if (lit.raw) return undefined;
    out = out.split('\\').join('\\\\');
  }
  // '… = "x"' -> '… = \'x\'': the literal's own quote must be escaped; in a triple-quoted literal only
  // where it would touch another quote and close the literal early
  const mustEscape =
    out.includes(q) && (lit.quote.length === 1 || before === q || after === q || out.includes(q + q + q));
  if (mustEscape) {
    if (lit.raw) return undefined;
    out = out.split(q).join(`\\${q}`);
  }
  if (lit.fstring) out = out.split('{').join('{{').split('}').join('}}');
  return out;
}

/**
 * The SQL ranges of query parameters: SQLite placeholders (`?`, `:name`, `$1`), and the psycopg forms
 * `%s` / `%(name)s` that the placeholder codemod writes (to SQLite's tokenizer a `%` operator and a name).
 */
export function paramRanges(tokens: SqlToken[]): readonly Range[] {
  const known = paramRangesOf.get(tokens);
  if (known) return known;
  const out: Range[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'placeholder') out.push({ start: t.start, end: t.end });
    if (t.type !== 'operator' || t.text !== '%') continue;
    const a = tokens[i + 1];
    if (a && a.start === t.end && a.type === 'identifier' && a.text === 's') out.push({ start: t.start, end: a.end });
    // %(name)s
    const [open, name, close, s] = [a, tokens[i + 2], tokens[i + 3], tokens[i + 4]];
    if (open?.text === '(' && open.start === t.end && name && name.start === open.end && close?.text === ')' && close.start === name.end && s?.text === 's' && s.start === close.end) {
      out.push({ start: t.start, end: s.end });
    }
  }
  paramRangesOf.set(tokens, out);
  return out;
}

/**
 * paramRanges of each token list, kept, and those that overlap merged: every edit of a rewrite asks
 * (coversParam), and so does each date function a codemod rewrites; reading the whole list each
 * time was quadratic in a script's length (executescript of 6,000 INSERTs: 2.8 s of a 9.8 s fix,
 * 20,000: 24 s; before session 27). Token lists are not changed once made. Ranges that only touch
 * stay apart: an insertion between them covers neither.
 */
const paramRangesOf = new WeakMap<SqlToken[], readonly Range[]>();
const paramSpans = new WeakMap<SqlToken[], Range[]>();

function paramSpansOf(tokens: SqlToken[]): Range[] {
  const known = paramSpans.get(tokens);
  if (known) return known;
  const spans: Range[] = [];
  for (const p of [...paramRanges(tokens)].sort((a, b) => a.start - b.start)) {
    const last = spans[spans.length - 1];
    if (last && p.start < last.end) last.end = Math.max(last.end, p.end);
    else spans.push({ ...p });
  }
  paramSpans.set(tokens, spans);
  return spans;
}

/** Whether the SQL range `r` holds or touches the inside of a query parameter. */
export function coversParam(sql: SqlString, r: Range): boolean {
  // the spans lie in order and apart: the first that ends after r starts is the only candidate
  const spans = paramSpansOf(tokensOf(sql));
  const first = spans[partitionPoint(spans, (p) => p.end <= r.start)];
  return first !== undefined && first.start < r.end;
}

/** Collects the file edits of one rewrite of one SQL string; the first failure sticks. */
export class SqlRewrite {
  readonly edits: Edit[] = [];
  failure?: string;

  constructor(
    readonly sql: SqlString,
    readonly source: string,
  ) {}

  private fail(reason: string): this {
    this.failure ??= reason;
    return this;
  }

  /** Replaces the SQL range `r` (an insertion when empty, anchored after the previous character). */
  replace(r: Range, text: string): this {
    if (this.failure) return this;
    // the placeholder codemod owns every `?`, `:name` and `%s`: our edits never cover one
    if (coversParam(this.sql, r)) return this.fail('placeholder-in-range');
    let file: Range;
    let runAt: number;
    if (r.end > r.start) {
      const found = this.fileRangeOf(r);
      if (!found) return this.fail('not-verbatim');
      file = found;
      runAt = r.start;
    } else if (r.start > 0 && isVerbatim(this.sql, { start: r.start - 1, end: r.start })) {
      const pos = toFileRange(this.sql, { start: r.start - 1, end: r.start }).end;
      file = { start: pos, end: pos };
      runAt = r.start - 1;
    } else if (r.start < this.sql.text.length && isVerbatim(this.sql, { start: r.start, end: r.start + 1 })) {
      const pos = toFileRange(this.sql, { start: r.start, end: r.start + 1 }).start;
      file = { start: pos, end: pos };
      runAt = r.start;
    } else {
      return this.fail('not-verbatim');
    }
    const index = runIndexAt(this.sql.map, runAt);
    const lit = index < 0 ? undefined : literalOf(this.sql, this.source, index);
    if (!lit) return this.fail('not-verbatim');
    const escaped = escapeFor(text, lit, this.source[file.start - 1], this.source[file.end]);
    if (escaped === undefined) return this.fail('not-verbatim');
    // "… {0} …".format(x): inserted braces would become format fields
    if ((this.sql.dynamicKind === 'format' && (text.includes('{') || text.includes('}'))) || (this.sql.dynamicKind === 'percent' && text.includes('%'))) {
      return this.fail('not-verbatim');
    }
    this.edits.push({ range: file, text: escaped });
    return this;
  }

  /**
   * The file text that produced the SQL range `r`, when it is one stretch of one literal: verbatim text
   * and whole escape sequences (`\"` for `"`), but no run-time value and no gap between two pieces.
   */
  private fileRangeOf(r: Range): Range | undefined {
    let s = r.start;
    let start: number | undefined;
    let end = -1;
    while (s < r.end) {
      const run = this.sql.map[runIndexAt(this.sql.map, s)];
      if (!run) return undefined;
      let from: number;
      let to: number;
      if (run.verbatim) {
        const stop = Math.min(r.end, run.sqlStart + run.length);
        from = run.fileStart + (s - run.sqlStart);
        to = run.fileStart + (stop - run.sqlStart);
        s = stop;
      } else {
        // an escape sequence is replaced whole or not at all; a hole never
        if (s !== run.sqlStart || run.sqlStart + run.length > r.end) return undefined;
        if (this.sql.holes.some((h) => h.start === run.sqlStart)) return undefined;
        from = run.fileStart;
        to = runFileEnd(run);
        s = run.sqlStart + run.length;
      }
      if (start === undefined) start = from;
      else if (from !== end) return undefined;
      end = to;
    }
    return start === undefined ? undefined : { start, end };
  }

  replaceTokens(first: SqlToken, last: SqlToken, text: string): this {
    return this.replace({ start: first.start, end: last.end }, text);
  }

  insertAfter(t: SqlToken, text: string): this {
    return this.replace({ start: t.end, end: t.end }, text);
  }

  insertBefore(t: SqlToken, text: string): this {
    if (this.failure) return this;
    // anchored on the token's own first character, so it lands in the token's literal
    if (this.sql.dynamicKind === 'format' && (text.includes('{') || text.includes('}'))) return this.fail('not-verbatim');
    if (!isVerbatim(this.sql, { start: t.start, end: t.start + 1 })) return this.fail('not-verbatim');
    const pos = toFileRange(this.sql, { start: t.start, end: t.start + 1 }).start;
    const index = runIndexAt(this.sql.map, t.start);
    const lit = index < 0 ? undefined : literalOf(this.sql, this.source, index);
    const escaped = lit ? escapeFor(text, lit, this.source[pos - 1], this.source[pos]) : undefined;
    if (escaped === undefined) return this.fail('not-verbatim');
    this.edits.push({ range: { start: pos, end: pos }, text: escaped });
    return this;
  }
}

/** Reason -> what a person should do, for refusals raised by SqlRewrite itself. */
export function rewriteFailureDetail(reason: string): string {
  if (reason === 'placeholder-in-range') return 'The rewrite would have to move a query parameter: rewrite it by hand.';
  return NOT_VERBATIM_DETAIL;
}

/** Emits `rw` as one change, or its failure as a refusal at the SQL range `at`. */
export function emitRewrite(out: CodemodOutput, rw: SqlRewrite, at: Range, change: Omit<Change, 'codemod' | 'edits'>): void {
  if (rw.failure) out.refuse(toFileRange(rw.sql, at), rw.failure, rewriteFailureDetail(rw.failure));
  else if (rw.edits.length > 0) out.change({ ...change, edits: rw.edits });
}

/**
 * The output with repeats dropped: a constant executed twice is one SQL text in the file but two
 * SqlStrings, and must give one change.
 */
export function once(out: CodemodOutput): CodemodOutput {
  const seen = new Set<string>();
  return {
    change(c) {
      const key = `c ${c.edits.map((e) => `${e.range.start}:${e.range.end}:${e.text}`).sort().join('|')}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.change(c);
    },
    refuse(range, reason, detail) {
      const key = `r ${range.start}:${range.end}:${reason}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.refuse(range, reason, detail);
    },
  };
}

/** `text` in the letter case of `sample` (a keyword as written): `coalesce` for `ifnull`. */
export function caseLike(sample: SqlToken, text: string): string {
  const s = sample.text;
  return s === s.toLowerCase() && s !== s.toUpperCase() ? text.toLowerCase() : text;
}
