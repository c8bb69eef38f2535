import type { ParamStyle } from '../model/codemod.js';
import type { Offset, Range, SqlString, SqlToken } from '../model/facts.js';
import { significant, tokensOf } from '../sql/analyze.js';

/** How the SQL of a statement reaches PostgreSQL. */
export type TextMode =
  /** as `fix` leaves it: psycopg turns %s / %(name)s into parameters when parameters are passed */
  | { kind: 'fixed'; paramstyle: ParamStyle }
  /** as written today: SQLite placeholders become $n so the parser reaches the real error */
  | { kind: 'as-is' };

/** A dynamic hole and what it was replaced by in the PostgreSQL text. */
export interface HoleUse {
  /** the range in the PostgreSQL text */
  pg: Range;
  /** `values`: psycopg2 execute_values' `VALUES %s`, stood in for by `($n)` */
  as: 'parameter' | 'identifier' | 'assignment' | 'dropped' | 'values';
}

/** SQL text as PostgreSQL receives it, with a map back to the SqlString's offsets. */
export interface PgText {
  text: string;
  /** origin[i]: the SQL offset PostgreSQL text index i came from; origin[text.length] = end of the SQL. */
  origin: Offset[];
  holes: HoleUse[];
  /** What the driver (psycopg) would reject before PostgreSQL sees the SQL. */
  driverError?: { message: string; sqlOffset: Offset };
  /** nothing but run-time parts: there is no SQL to check */
  onlyHoles?: boolean;
}

/** The stand-in for a dynamic name: reads as an ordinary identifier, and shows where it came from. */
export const HOLE_IDENTIFIER = 'pgready_hole';

/** Keywords after which a hole stands for a name: `FROM {table}`, `INSERT INTO {table}`, `UPDATE {table}` … */
const NAME_AFTER = new Set(['FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE', 'INDEX', 'EXISTS', 'AS', 'VIEW', 'TRIGGER']);

function endsOperand(t: SqlToken | undefined): boolean {
  if (!t) return false;
  if (t.type === 'identifier' || t.type === 'quoted-identifier' || t.type === 'number' || t.type === 'string' || t.type === 'blob') return true;
  if (t.type === 'placeholder' || t.type === 'hole') return true;
  return t.type === 'punctuation' && t.text === ')';
}

/**
 * What a hole most likely stands for, from its neighbours:
 * `FROM {table}`, `{schema}.t`, `INSERT INTO t ({cols})` -> a name;
 * `SELECT * FROM t {where}`, `ORDER BY a {direction}` (right after a complete operand) -> a clause, dropped;
 * anything else (`WHERE id IN ({marks})`, `LIMIT {n}`, `= {value}`) -> a parameter.
 */
function holeKind(sig: SqlToken[], i: number): HoleUse['as'] {
  const prev = sig[i - 1];
  const next = sig[i + 1];
  const isPunct = (t: SqlToken | undefined, p: string) => t?.type === 'punctuation' && t.text === p;
  const isDot = (t: SqlToken | undefined) => t !== undefined && t.text === '.';
  if (prev && (prev.type === 'keyword' || prev.type === 'identifier') && NAME_AFTER.has(prev.upper ?? '')) return 'identifier';
  // UPDATE t SET {field} = ? / UPDATE t SET {assignments} WHERE …
  if (prev?.upper === 'SET') return next?.text === '=' ? 'identifier' : 'assignment';
  if (isDot(prev) || isDot(next) || isPunct(next, '(')) return 'identifier';
  // INSERT INTO t ({cols}) VALUES …
  if (isPunct(prev, '(') && sig[i - 3]?.upper === 'INTO') return 'identifier';
  if (endsOperand(prev) && prev?.type !== 'hole') return 'dropped';
  if (prev?.type === 'hole') return 'dropped';
  return 'parameter';
}

class Out {
  text = '';
  origin: Offset[] = [];
  params = 0;
  names = 0;
  holes: HoleUse[] = [];

  add(s: string, from: Offset): void {
    for (let k = 0; k < s.length; k++) this.origin.push(from);
    this.text += s;
  }

  /** `s` copied from the SQL starting at `from`, one to one. */
  copy(s: string, from: Offset): void {
    for (let k = 0; k < s.length; k++) this.origin.push(from + k);
    this.text += s;
  }

  hole(as: HoleUse['as'], from: Offset): void {
    const start = this.text.length;
    if (as === 'parameter') this.add(`$${++this.params}`, from);
    else if (as === 'identifier') this.add(`${HOLE_IDENTIFIER}_${++this.names}`, from);
    else if (as === 'assignment') this.add(`${HOLE_IDENTIFIER}_${++this.names} = $${++this.params}`, from);
    this.holes.push({ pg: { start, end: this.text.length }, as });
  }
}

/**
 * `{table}` in a SQL constant that is filled in with str.format before it runs: a run-time part,
 * like an f-string field. Returns the index of the closing `}` token, or -1.
 */
function templateFieldEnd(tokens: SqlToken[], i: number): number {
  if (!(tokens[i]?.type === 'error' && tokens[i]!.text === '{')) return -1;
  for (let k = i + 1; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.type === 'error' && t.text === '}') return k > i + 1 ? k : -1;
    if (!(t.type === 'identifier' || t.type === 'keyword' || t.type === 'number' || (t.type === 'punctuation' && t.text === '.'))) return -1;
  }
  return -1;
}

/** psycopg's placeholders: `%s`, `%b`, `%t`, `%(name)s`. */
function hasPsycopgPlaceholder(text: string): boolean {
  for (let i = text.indexOf('%'); i >= 0; i = text.indexOf('%', i + 1)) {
    const next = text[i + 1];
    if (next === '%') i++;
    else if (next === 's' || next === 'b' || next === 't' || next === '(') return true;
  }
  return false;
}

/**
 * The text PostgreSQL would receive for `sql`, and where each of its characters came from.
 * - fixed mode, executed with parameters, `format`/`pyformat` style: as psycopg does, `%s`, `%b`,
 *   `%t` and `%(name)s` become `$n` and `%%` becomes `%` anywhere (string literals too);
 * - fixed mode, executed without parameters, or `numeric` style: the text as it is;
 * - SQL that nothing executes (a constant): its placeholders, whatever their style, become `$n`;
 *   how it would be executed is unknown, and the point is to check the rest;
 * - as-is mode: SQLite placeholders (`?`, `?3`, `:name`, `@name`, `$name`) become `$n`, so that
 *   PostgreSQL's parser reaches what else is SQLite-only instead of stopping at the first `?`.
 * Dynamic parts (f-string fields, `{name}` format fields) become a parameter, a name or nothing.
 */
export function postgresText(sql: Pick<SqlString, 'text' | 'holes' | 'tokens' | 'hasParams' | 'executed'>, mode: TextMode): PgText {
  const tokens = tokensOf(sql);
  const executed = sql.executed !== false;
  const psycopg = executed
    ? mode.kind === 'fixed' && mode.paramstyle !== 'numeric' && sql.hasParams
    : hasPsycopgPlaceholder(sql.text) && !(mode.kind === 'fixed' && mode.paramstyle === 'numeric');
  const sqlitePlaceholders = mode.kind === 'as-is' || !executed;

  // holes: the adapter's, and `{name}` fields of a format template
  const holeEnd = new Map<Offset, Offset>();
  const holeTokens: SqlToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'hole') {
      holeEnd.set(t.start, t.end);
      holeTokens.push(t);
      continue;
    }
    const close = templateFieldEnd(tokens, i);
    if (close >= 0) {
      const end = tokens[close]!.end;
      holeEnd.set(t.start, end);
      holeTokens.push({ type: 'hole', start: t.start, end, text: sql.text.slice(t.start, end) });
      i = close;
    }
  }
  // the significant tokens, each hole (of either kind) as one token
  const sigMerged: SqlToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const hole = holeTokens.find((h) => h.start === t.start);
    if (hole) {
      sigMerged.push(hole);
      while (i + 1 < tokens.length && tokens[i + 1]!.start < hole.end) i++;
    } else if (t.type !== 'whitespace' && t.type !== 'comment') sigMerged.push(t);
  }
  const holeAs = new Map<Offset, HoleUse['as']>();
  sigMerged.forEach((t, i) => {
    if (t.type === 'hole') holeAs.set(t.start, holeKind(sigMerged, i));
  });
  const placeholderAt = new Map<Offset, SqlToken>();
  if (sqlitePlaceholders) for (const t of tokens) if (t.type === 'placeholder') placeholderAt.set(t.start, t);
  // `INSERT … VALUES %s` (psycopg2's execute_values fills in the rows)
  const valuesAt = new Set<Offset>();
  if (psycopg) {
    const s2 = significant(tokens);
    s2.forEach((t, i) => {
      const prev = s2[i - 1];
      if (t.type === 'operator' && t.text === '%' && s2[i + 1]?.text === 's' && prev?.upper === 'VALUES') valuesAt.add(t.start);
    });
  }

  const out = new Out();
  const named = new Map<string, number>();
  const param = (name: string | undefined, from: Offset): void => {
    if (name === undefined) {
      out.add(`$${++out.params}`, from);
      return;
    }
    let k = named.get(name);
    if (k === undefined) named.set(name, (k = ++out.params));
    out.add(`$${k}`, from);
  };
  if (!psycopg && !sqlitePlaceholders) {
    // `… = $3 AND x IN ({marks})`: holes are numbered after the highest `$n` written
    for (const t of tokens) {
      if (t.type === 'placeholder' && t.text.startsWith('$')) {
        const n = Number(t.text.slice(1));
        if (Number.isInteger(n) && n > out.params) out.params = n;
      }
    }
  }
  let driverError: PgText['driverError'];
  const text = sql.text;
  for (let i = 0; i < text.length; i++) {
    const end = holeEnd.get(i);
    if (end !== undefined) {
      out.hole(holeAs.get(i) ?? 'parameter', i);
      i = end - 1;
      continue;
    }
    const ph = placeholderAt.get(i);
    if (ph) {
      param(ph.placeholder === 'qmark' ? undefined : ph.text, i);
      i = ph.end - 1;
      continue;
    }
    const ch = text[i]!;
    if (!psycopg || ch !== '%') {
      out.copy(ch, i);
      continue;
    }
    const next = text[i + 1];
    if (next === '%') {
      out.add('%', i);
      i++;
    } else if (valuesAt.has(i)) {
      const start = out.text.length;
      out.add('(', i);
      param(undefined, i);
      out.add(')', i);
      out.holes.push({ pg: { start, end: out.text.length }, as: 'values' });
      i++;
    } else if (next === 's' || next === 'b' || next === 't') {
      param(undefined, i);
      i++;
    } else if (next === '(') {
      const close = text.indexOf(')', i + 2);
      const kind = close >= 0 ? text[close + 1] : undefined;
      if (close < 0 || !(kind === 's' || kind === 'b' || kind === 't')) {
        if (executed) driverError ??= { message: 'psycopg rejects this placeholder: a named placeholder must read %(name)s', sqlOffset: i };
        out.copy(ch, i);
        continue;
      }
      param(`%(${text.slice(i + 2, close)})`, i);
      i = close + 1;
    } else {
      if (executed) {
        driverError ??= {
          message: `psycopg rejects \`%${next ?? ''}\`: a literal % must be written %% when parameters are passed`,
          sqlOffset: i,
        };
      }
      out.copy(ch, i);
    }
  }
  out.origin.push(sql.text.length);
  const onlyHoles = sigMerged.length > 0 && sigMerged.every((t) => t.type === 'hole');
  return { text: out.text, origin: out.origin, holes: out.holes, ...(driverError ? { driverError } : {}), ...(onlyHoles ? { onlyHoles } : {}) };
}

/** The SQL offset PostgreSQL text index `i` came from. */
export function sqlOffsetOf(pg: Pick<PgText, 'origin'>, i: number): Offset {
  const clamped = Math.max(0, Math.min(i, pg.origin.length - 1));
  return pg.origin[clamped] ?? 0;
}
