import { createRequire } from 'node:module';
import type { Change, Codemod, CodemodContext, Edit, Refusal, Target } from '../model/codemod.js';
import type { FileFacts, Range, SourceFile, SqlString } from '../model/facts.js';
import { parsePython } from '../lang/python/parser.js';
import type { Tree } from '../lang/python/parser.js';
import { tokensOf } from '../sql/analyze.js';
import { tokenize } from '../sql/tokenize.js';
import { isSqlToCheck } from '../sql/rulekit.js';
import { lineNumberAt } from './line-diff.js';
import { partitionPoint } from '../util/search.js';

const require = createRequire(import.meta.url);

/** What a codemod sees besides the facts, minus the source (the engine fills that in per pass). */
export type PlanContext = Omit<CodemodContext, 'source'>;

export interface PlannedFile {
  changes: Change[];
  refusals: Refusal[];
}

function byRange(a: Range, b: Range): number {
  return a.start - b.start || a.end - b.end;
}

function changeStart(c: Change): Range {
  let first: Range | undefined;
  for (const e of c.edits) if (!first || byRange(e.range, first) < 0) first = e.range;
  return first ?? { start: 0, end: 0 };
}

function sortRefusals(refusals: Refusal[]): Refusal[] {
  return refusals.sort(
    (a, b) =>
      byRange(a.range, b.range) ||
      (a.codemod < b.codemod ? -1 : a.codemod > b.codemod ? 1 : 0) ||
      (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0),
  );
}

/**
 * Every change and refusal the codemods plan for one file. A codemod that throws, or returns an
 * edit outside the file, is turned into a refusal: one broken codemod never stops the others.
 */
export function planFile(codemods: readonly Codemod[], facts: FileFacts, ctx: CodemodContext): PlannedFile {
  const changes: Change[] = [];
  const refusals: Refusal[] = [];
  const length = ctx.source.text.length;
  for (const codemod of codemods) {
    if (!(codemod.languages ?? ['python']).includes(facts.language)) continue;
    const own: Change[] = [];
    const ownRefusals: Refusal[] = [];
    try {
      codemod.plan(facts, ctx, {
        change: (c) => own.push({ ...c, codemod: codemod.name, edits: c.edits.map((e) => ({ range: { ...e.range }, text: e.text })) }),
        refuse: (range, reason, detail) => ownRefusals.push({ codemod: codemod.name, range: { ...range }, reason, detail }),
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      refusals.push({
        codemod: codemod.name,
        range: { start: 0, end: 0 },
        reason: 'codemod-error',
        detail: `the codemod failed on this file (${message}); nothing of it was applied. Please report this with the file attached.`,
      });
      continue;
    }
    refusals.push(...ownRefusals);
    for (const c of own) {
      const bad = c.edits.find((e) => e.range.start < 0 || e.range.end > length || e.range.start > e.range.end);
      if (c.edits.length === 0) continue;
      if (bad) {
        refusals.push({
          codemod: codemod.name,
          range: { start: Math.max(0, Math.min(bad.range.start, length)), end: Math.max(0, Math.min(bad.range.start, length)) },
          reason: 'invalid-edit',
          detail: `the change "${c.title}" has an edit outside the file; it was not applied. Please report this.`,
        });
        continue;
      }
      changes.push(c);
    }
  }
  changes.sort((a, b) => byRange(changeStart(a), changeStart(b)) || (a.codemod < b.codemod ? -1 : a.codemod > b.codemod ? 1 : 0));
  return { changes, refusals: sortRefusals(refusals) };
}

/** Two edits collide when they share a character, or insert at the same point, or one inserts inside the other. */
export function editsOverlap(a: Range, b: Range): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  if (a.start === a.end) return b.start < a.start && a.start < b.end;
  if (b.start === b.end) return a.start < b.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/**
 * The changes to apply together: in (start, end) order, a change is accepted when none of its
 * edits collides with an edit already accepted (or with another edit of the same change);
 * otherwise it is dropped whole and reported as an 'overlap' refusal.
 */
export function mergeChanges(changes: readonly Change[]): { accepted: Change[]; refusals: Refusal[] } {
  const accepted: Change[] = [];
  const refusals: Refusal[] = [];
  const taken = new TakenEdits();
  const seen = new Set<string>();
  const ordered = [...changes].sort((a, b) => byRange(changeStart(a), changeStart(b)));
  for (const c of ordered) {
    // one SQL constant executed at two call sites: the same change planned twice is applied once
    const key = JSON.stringify(c.edits.map((e) => [e.range.start, e.range.end, e.text]).sort());
    if (seen.has(key)) continue;
    const own = c.edits.map((e) => e.range);
    const selfOverlap = own.some((r, i) => own.some((q, j) => j > i && editsOverlap(r, q)));
    const clash = taken.firstColliding(own);
    if (selfOverlap || clash) {
      const other = clash?.change;
      refusals.push({
        codemod: c.codemod,
        range: changeStart(c),
        reason: 'overlap',
        detail: selfOverlap
          ? `the change "${c.title}" has edits that overlap each other; it was not applied. Please report this.`
          : `the change "${c.title}" overlaps "${other?.title ?? 'another change'}"${other ? ` (${other.codemod})` : ''}; it was not applied in this pass.`,
      });
      continue;
    }
    accepted.push(c);
    seen.add(key);
    taken.add(c);
  }
  return { accepted, refusals };
}

/**
 * The edits of the changes accepted so far, by position. No two of them collide, so in (start,
 * end) order their ends only grow, and the ones a range collides with lie together around it:
 * found by binary search, where comparing each change with every edit taken before it was
 * quadratic (20,000 rewritten statements in one file: 3 s of a report; before session 27).
 */
class TakenEdits {
  /** by (start, end); `seq`: the order they were taken in */
  private readonly edits: { range: Range; seq: number; change: Change }[] = [];
  private count = 0;

  add(change: Change): void {
    for (const e of change.edits) {
      const entry = { range: e.range, seq: this.count++, change };
      const at = partitionPoint(this.edits, (t) => byRange(t.range, e.range) < 0);
      if (at === this.edits.length) this.edits.push(entry);
      else this.edits.splice(at, 0, entry);
    }
  }

  /** The edit taken first of those any of `ranges` collides with (editsOverlap). */
  firstColliding(ranges: readonly Range[]): { range: Range; change: Change } | undefined {
    let first: { range: Range; seq: number; change: Change } | undefined;
    for (const r of ranges) {
      // a colliding edit ends at or after r starts, and starts at or before r ends
      for (let i = partitionPoint(this.edits, (t) => t.range.end < r.start); i < this.edits.length && this.edits[i]!.range.start <= r.end; i++) {
        const t = this.edits[i]!;
        if ((!first || t.seq < first.seq) && editsOverlap(r, t.range)) first = t;
      }
    }
    return first;
  }
}

/** '\r\n' when CRLF line ends outnumber bare LF ones, else '\n'. */
export function dominantEol(text: string): '\n' | '\r\n' {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf ? '\r\n' : '\n';
}

/** Inserted text with its line ends written the file's way. */
export function withEol(text: string, eol: '\n' | '\r\n'): string {
  if (!text.includes('\n') && !text.includes('\r')) return text;
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  return lines.join(eol);
}

/**
 * Applies non-overlapping edits to `text`. Inserted line ends follow the file's dominant style.
 * Returns the new text and, for each edit in input order, the range its text occupies in it.
 */
export function applyEdits(text: string, edits: readonly Edit[]): { text: string; spans: Range[] } {
  const eol = dominantEol(text);
  const order = edits.map((e, i) => ({ e, i })).sort((a, b) => byRange(a.e.range, b.e.range) || a.i - b.i);
  const spans: Range[] = new Array<Range>(edits.length);
  let out = '';
  let pos = 0;
  for (const { e, i } of order) {
    if (e.range.start < pos) throw new Error(`overlapping edits at offset ${e.range.start}`);
    out += text.slice(pos, e.range.start);
    const inserted = withEol(e.text, eol);
    spans[i] = { start: out.length, end: out.length + inserted.length };
    out += inserted;
    pos = e.range.end;
  }
  out += text.slice(pos);
  return { text: out, spans };
}

/** Maps an offset of the edited text back to the original text (an offset inside an edit maps to its start). */
function oldOffset(edits: readonly Edit[], spans: readonly Range[], offset: number): number {
  let delta = 0;
  const order = spans.map((s, i) => ({ s, e: edits[i]! })).sort((a, b) => a.s.start - b.s.start);
  for (const { s, e } of order) {
    if (offset < s.start) break;
    if (offset < s.end) return e.range.start;
    delta = e.range.end - s.end;
  }
  return offset + delta;
}

/** The number of ERROR and MISSING nodes tree-sitter recovered from. */
export function syntaxErrorCount(text: string): number {
  return syntaxErrorsIn(parsePython(text));
}

/** syntaxErrorCount of a tree parsed already. */
function syntaxErrorsIn(tree: Tree): number {
  if (!tree.rootNode.hasError) return 0;
  let count = 0;
  for (let i = 0; i < tree.nodeCount; i++) {
    const node = tree.node(i)!;
    if (node.type === 'ERROR' || node.isMissing) count++;
  }
  return count;
}

/** TypeScript's parser loads only for runs that rewrite JavaScript/TypeScript files. */
async function jsSyntaxErrorCounter(path: string): Promise<(text: string) => number> {
  const { jsSyntaxErrors } = await import('../lang/typescript/syntax.js');
  return (text) => jsSyntaxErrors(path, text).length;
}

export interface PgParser {
  loadModule(): Promise<void>;
  parseSync(sql: string): unknown;
}
let pgReady: Promise<PgParser> | undefined;

/** libpg-query (PostgreSQL's own parser, as WASM), loaded once. */
export function loadPostgresParser(): Promise<PgParser> {
  if (!pgReady) {
    const pg = require('libpg-query') as PgParser;
    pgReady = pg.loadModule().then(() => pg);
  }
  return pgReady;
}

/**
 * What PostgreSQL receives for SQL that psycopg sends with parameters: psycopg replaces `%s`,
 * `%b`, `%t` and `%(name)s` with parameters and `%%` with `%` anywhere in the string (string
 * literals included). Returns the text with `$n` parameters, or the driver's complaint.
 */
export function psycopgToPostgres(sql: string): { text: string } | { error: string } {
  let out = '';
  let n = 0;
  const named = new Map<string, number>();
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i]!;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const next = sql[i + 1];
    if (next === '%') {
      out += '%';
      i++;
    } else if (next === 's' || next === 'b' || next === 't') {
      out += `$${++n}`;
      i++;
    } else if (next === '(') {
      const close = sql.indexOf(')', i + 2);
      const kind = close >= 0 ? sql[close + 1] : undefined;
      if (close < 0 || !(kind === 's' || kind === 'b' || kind === 't')) {
        return { error: `psycopg would reject \`${sql.slice(i, i + 12)}…\`: a named placeholder must read %(name)s` };
      }
      const name = sql.slice(i + 2, close);
      let k = named.get(name);
      if (k === undefined) {
        k = ++n;
        named.set(name, k);
      }
      out += `$${k}`;
      i = close + 1;
    } else {
      const shown = next === undefined ? '%' : `%${next}`;
      return { error: `psycopg would reject \`${shown}\` at SQL offset ${i}: a literal % must be written %% when parameters are passed` };
    }
  }
  return { text: out };
}

/** SQLite-dialect text as PostgreSQL could read it: every placeholder token (`?`, `?3`, `:name`, `@n`, `$n`) becomes `$k`. */
function sqliteToPostgres(sql: SqlString): string {
  let out = '';
  let n = 0;
  const named = new Map<string, number>();
  for (const t of tokensOf(sql)) {
    if (t.type !== 'placeholder') {
      out += t.text;
      continue;
    }
    if (t.placeholder === 'qmark') out += `$${++n}`;
    else {
      let k = named.get(t.text);
      if (k === undefined) {
        k = ++n;
        named.set(t.text, k);
      }
      out += `$${k}`;
    }
  }
  return out;
}

/**
 * SQLite placeholders a pass left alone (`?` in SQL nothing executes, a refused `:name`) as `$k`:
 * they are the placeholder codemod's business, not a syntax error of this pass.
 */
function leftoverPlaceholders(text: string): string {
  let out = '';
  let n = 0;
  for (const t of tokenize(text)) {
    const positional = t.placeholder === 'named-dollar' && t.text.length > 1 && [...t.text.slice(1)].every((c) => c >= '0' && c <= '9');
    out += t.type === 'placeholder' && !positional ? `$${++n}` : t.text;
  }
  return out;
}

/** The text the PostgreSQL parser should read for SQL rewritten to `target`. */
export function rewrittenToPostgres(sql: SqlString, target: Target): { text: string } | { error: string } {
  if (target.paramstyle !== 'numeric' && sql.hasParams) {
    const driver = psycopgToPostgres(sql.text);
    return 'error' in driver ? driver : { text: leftoverPlaceholders(driver.text) };
  }
  return { text: leftoverPlaceholders(sql.text) };
}

/** Why PostgreSQL's parser rejects `text`, or undefined when it parses. */
export function postgresError(pg: PgParser, text: string): string | undefined {
  try {
    pg.parseSync(text);
    return undefined;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // libpg-query: sqlDetails.cursorPosition is the 0-based offset where parsing stopped
    const at = (err as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
    if (typeof at !== 'number' || at < 0) return message;
    const from = Math.max(0, at - 30);
    const near = text.slice(from, at + 30).split('\n').join(' ');
    return `${message} in \`${from > 0 ? '…' : ''}${near}${at + 30 < text.length ? '…' : ''}\``;
  }
}

/**
 * Why PostgreSQL (through the target driver) would reject this rewritten SQL, or undefined.
 * SQL the adapter no longer sees executed with parameters is also tried through psycopg's
 * %-processing: once `sqlite3.connect` became `get_connection`, `cur.execute(sql, args)` no
 * longer reads as a SQLite call.
 */
export function postgresProblem(pg: PgParser, sql: SqlString, target: Target): string | undefined {
  const pgText = rewrittenToPostgres(sql, target);
  const problem = 'error' in pgText ? pgText.error : postgresError(pg, pgText.text);
  if (problem !== undefined && !sql.hasParams && target.paramstyle !== 'numeric') {
    const viaDriver = psycopgToPostgres(sql.text);
    if ('text' in viaDriver && postgresError(pg, leftoverPlaceholders(viaDriver.text)) === undefined) return undefined;
  }
  return problem;
}

/** The file ranges an SqlString's text came from. */
function sqlFileRanges(sql: SqlString): Range[] {
  const ranges: Range[] = [sql.range];
  for (const run of sql.map) {
    ranges.push(run.verbatim ? { start: run.fileStart, end: run.fileStart + run.length } : { start: run.fileStart, end: run.fileEnd ?? run.fileStart + 1 });
  }
  return ranges;
}

function touches(a: Range, span: Range): boolean {
  if (span.start === span.end) return a.start <= span.start && span.start <= a.end;
  return a.start < span.end && span.start < a.end;
}

export interface FixFailure {
  check: 'syntax' | 'postgres' | 'idempotence' | 'internal';
  detail: string;
}

export interface AppliedChange extends Change {
  /** 1-based line of its first edit in the text of its pass (the original text for pass 1) */
  line: number;
}

export interface FileFix {
  source: SourceFile;
  /** The text to write: the original when nothing applies or a check failed. */
  text: string;
  /** Changes applied, pass by pass (ranges relative to the text of their pass). */
  applied: AppliedChange[];
  /** Unsafe changes left out (no --unsafe-fixes), against `text`. */
  pendingUnsafe: Change[];
  /** Manual items, against `text`. */
  refusals: Refusal[];
  /** Set when a check failed: `text` is then the original. */
  failure?: FixFailure;
  /** Edit passes run until the plan came back empty. */
  passes: number;
}

export interface FixFileOptions {
  codemods: readonly Codemod[];
  ctx: PlanContext;
  /**
   * Facts of the file as it would read with `text` (the pipeline re-runs its adapter); `tree`: a
   * Python file's text parsed already (by the syntax check), which the adapter may take as it is.
   */
  reanalyse: (source: SourceFile, tree?: Tree) => FileFacts;
  unsafeFixes?: boolean;
  /** Applying one pass can unblock a change that overlapped; stop after this many. */
  maxPasses?: number;
}

/**
 * Plans, merges, applies and validates the codemods on one file, pass after pass until a plan is
 * empty (at most maxPasses): each pass must add no tree-sitter error, and every SQL statement it
 * touched must parse with PostgreSQL's parser (unless it did not before the pass either: a
 * SQLite-only construct another codemod left alone is a manual item, not this pass's fault).
 * Any failure leaves the whole file untouched. Never throws for bad input.
 */
export async function fixFile(source: SourceFile, facts: FileFacts, opts: FixFileOptions): Promise<FileFix> {
  const maxPasses = opts.maxPasses ?? 5;
  const pg = await loadPostgresParser();
  const applied: AppliedChange[] = [];
  let text = source.text;
  let current = source;
  let currentFacts = facts;
  // counted on the first pass that has something to apply: most files have nothing
  let errorsBefore: number | undefined;
  const original = (extra: Partial<FileFix>, plan: PlannedFile, pending: Change[]): FileFix => ({
    source,
    text: source.text,
    applied: [],
    pendingUnsafe: pending,
    refusals: plan.refusals,
    passes: 0,
    ...extra,
  });
  let firstPlan: PlannedFile | undefined;
  let firstPending: Change[] = [];

  for (let pass = 1; ; pass++) {
    const plan = planFile(opts.codemods, currentFacts, { ...opts.ctx, source: current });
    const selected = plan.changes.filter((c) => opts.unsafeFixes || c.safety === 'safe');
    const pending = plan.changes.filter((c) => !(opts.unsafeFixes || c.safety === 'safe'));
    if (!firstPlan) {
      firstPlan = plan;
      firstPending = pending;
    }
    if (selected.length === 0) {
      return { source, text, applied, pendingUnsafe: pending, refusals: plan.refusals, passes: pass - 1 };
    }
    if (pass > maxPasses) {
      return original(
        {
          failure: {
            check: 'idempotence',
            detail: `the codemods still plan ${selected.length} change(s) after ${maxPasses} passes (${[...new Set(selected.map((c) => c.codemod))].join(', ')}); the file was left untouched. Please report this.`,
          },
        },
        firstPlan,
        firstPending,
      );
    }
    const { accepted } = mergeChanges(selected);
    const edits = accepted.flatMap((c) => c.edits);
    const { text: next, spans } = applyEdits(text, edits);
    const nextSource: SourceFile = { ...current, text: next };

    const parsed = source.language === 'python' ? 'Python' : source.language === 'javascript' ? 'JavaScript' : source.language === 'typescript' ? 'TypeScript' : undefined;
    // the rewritten Python text's tree: parsed once, for the syntax check and the analysis after it
    let nextTree: Tree | undefined;
    if (parsed) {
      const count = parsed === 'Python' ? syntaxErrorCount : await jsSyntaxErrorCounter(source.path);
      // A Python file whose facts list no syntax error has none (the analysis lists every ERROR and
      // MISSING node that hasError leads to): no parse needed, where parsing the original text again
      // for this count was a sixth of `pgready report`'s parsing (before session 27). Facts made
      // without a parse (the prefilter's empty ones) could only make a rewrite look worse than it
      // is, and so refuse it; they plan nothing anyway.
      errorsBefore ??= parsed === 'Python' && facts.diagnostics.length === 0 ? 0 : count(text);
      if (parsed === 'Python') nextTree = parsePython(next);
      const errorsAfter = nextTree ? syntaxErrorsIn(nextTree) : count(next);
      if (errorsAfter > errorsBefore) {
        return original(
          {
            failure: {
              check: 'syntax',
              detail: `the rewrite would add ${errorsAfter - errorsBefore} ${parsed} syntax error(s) (changes by ${[...new Set(accepted.map((c) => c.codemod))].join(', ')}); the file was left untouched. Please report this.`,
            },
          },
          firstPlan,
          firstPending,
        );
      }
      errorsBefore = errorsAfter;
    }

    const nextFacts = opts.reanalyse(nextSource, nextTree);
    const oldByStart = new Map<number, SqlString>();
    for (const s of currentFacts.sqlStrings) if (!oldByStart.has(s.range.start)) oldByStart.set(s.range.start, s);
    for (const sql of nextFacts.sqlStrings) {
      if (!isSqlToCheck(sql)) continue;
      const ranges = sqlFileRanges(sql);
      if (!spans.some((span) => ranges.some((r) => touches(r, span)))) continue;
      const problem = postgresProblem(pg, sql, opts.ctx.target);
      if (problem === undefined) continue;
      const pgText = rewrittenToPostgres(sql, opts.ctx.target);
      const before = oldByStart.get(oldOffset(edits, spans, sql.range.start));
      if (before && postgresError(pg, sqliteToPostgres(before)) !== undefined && !('error' in pgText)) continue;
      const line = lineNumberAt(next, sql.range.start);
      return original(
        {
          failure: {
            check: 'postgres',
            detail: `line ${line}: the rewritten SQL does not parse as PostgreSQL: ${problem}; the file was left untouched. Please report this.`,
          },
        },
        firstPlan,
        firstPending,
      );
    }

    for (const c of accepted) applied.push({ ...c, line: lineNumberAt(text, changeStart(c).start) });
    text = next;
    current = nextSource;
    currentFacts = nextFacts;
  }
}

