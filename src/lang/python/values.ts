import type { SyntaxNode } from './parser.js';
import type { FormatMode } from './strings.js';

/** A piece of string-valued program text: a literal node, a concatenation, or a run-time hole. */
export type Str =
  | { t: 'node'; node: SyntaxNode; mode: FormatMode }
  | { t: 'cat'; parts: Str[] }
  | { t: 'hole'; start: number; end: number }
  /** the expression [start, end) that assembled `inner` (a concatenation, `.format()`, `%`) */
  | { t: 'at'; inner: Str; start: number; end: number };

/** What the analyzer knows about the value of an expression. */
export type Value =
  | { k: 'unknown' }
  /** an external module: sqlite3, aiosqlite, contextlib, functools, importlib, pandas, psycopg2 … */
  | { k: 'module'; name: string }
  /** a member of an external module: sqlite3.connect, contextlib.closing, functools.partial … */
  | { k: 'member'; module: string; name: string }
  | { k: 'projmod'; file: string }
  /** `import a.b.c` binds `a`: a dotted prefix that may still name a project module */
  | { k: 'projpkg'; dotted: string }
  | { k: 'pfunc'; file: string; name: string }
  | { k: 'pclass'; file: string; name: string }
  | { k: 'instance'; file: string; cls: string }
  | { k: 'self'; file: string; cls: string }
  | { k: 'conn'; lib: string }
  | { k: 'cursor'; lib: string }
  /** a context manager whose `__enter__` yields `inner` */
  | { k: 'cm'; inner: Value }
  /** index pass: the result of a project call not yet known to be a factory */
  | { k: 'callref'; file: string; name: string }
  | { k: 'partial'; target: Value }
  | { k: 'lambda'; result: Value }
  | { k: 'str'; alts: Str[] }
  /** a string constant of another project module, possibly formatted here (`Q.format(…)`) */
  | { k: 'extconst'; file: string; name: string; formattedAt?: { start: number; end: number } }
  /** an object of a non-SQLite database driver */
  | { k: 'foreign' }
  /**
   * What another module's name is, or something derived from it, when that module has not been
   * indexed (src/perf/engine.ts indexes a module only when some analysis needs the answer).
   * `needs`: the `file\0name` export questions the value depends on. A place where the answer
   * would change what the analyzer records "forces" the value (ModuleAnalyzer.force).
   */
  | { k: 'unindexed'; needs: string[] };

export const UNKNOWN: Value = { k: 'unknown' };

/** Values that carry SQLite meaning win over values that do not when branches merge. */
export function weight(v: Value): number {
  switch (v.k) {
    case 'conn':
    case 'cursor':
    case 'cm':
      return 5;
    case 'callref':
    case 'pfunc':
    case 'partial':
    case 'lambda':
      return 4;
    case 'module':
    case 'member':
    case 'projmod':
    case 'projpkg':
    case 'pclass':
    case 'instance':
    case 'self':
    case 'extconst':
      return 3;
    case 'str':
      return 2;
    case 'foreign':
      return 1;
    case 'unknown':
    case 'unindexed':
      return 0;
  }
}

/** No answer to an export question (pfunc, pclass, instance, extconst, unknown) weighs more. */
export const MAX_EXPORT_WEIGHT = 4;

const MAX_ALTS = 8;

/** Structural identity: the same source pieces in the same modes. */
export function strKey(s: Str): string {
  switch (s.t) {
    case 'node':
      return `n${s.node.startIndex}:${s.node.endIndex}:${s.mode}`;
    case 'hole':
      return `h${s.start}:${s.end}`;
    case 'cat':
      return `(${s.parts.map(strKey).join('+')})`;
    case 'at':
      return `@${s.start}:${s.end}${strKey(s.inner)}`;
  }
}

/** The same string value, assembled by the expression at [start, end). */
export function assembledAt(alts: Str[], start: number, end: number): Str[] {
  return alts.map((inner) => ({ t: 'at', inner, start, end }));
}

/** The value of a name bound differently on two paths. */
export function mergeValues(a: Value, b: Value): Value {
  if (a === b) return a;
  if (a.k === 'str' && b.k === 'str') {
    const alts = [...a.alts];
    const seen = new Set(alts.map(strKey));
    for (const s of b.alts) {
      const key = strKey(s);
      if (seen.has(key) || alts.length >= MAX_ALTS) continue;
      seen.add(key);
      alts.push(s);
    }
    return { k: 'str', alts };
  }
  return weight(b) > weight(a) ? b : a;
}

/** Concatenation of two string values; a non-string side becomes a run-time hole. */
export function concatStr(left: Str[], right: Str[]): Str[] {
  const out: Str[] = [];
  for (const l of left) {
    for (const r of right) {
      if (out.length >= MAX_ALTS) return out;
      out.push({ t: 'cat', parts: [l, r] });
    }
  }
  return out;
}

/** `"… %s …" % args` / `"… {} …".format(…)`: the literal pieces are templates. */
export function withMode(s: Str, mode: FormatMode): Str {
  switch (s.t) {
    case 'node':
      return s.mode === 'plain' ? { ...s, mode } : s;
    case 'cat':
      return { t: 'cat', parts: s.parts.map((p) => withMode(p, mode)) };
    case 'hole':
      return s;
    case 'at':
      return { ...s, inner: withMode(s.inner, mode) };
  }
}
