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

/**
 * A hash of a Str's structure, kept per object: a chain of `+=`, `.format()` or branches makes
 * Strs thousands deep, and a key spelled out from the whole structure on every merge was cubic
 * in the chain's length (400 `if c: q += "…"`: 1.4 s; before session 27).
 */
const hashes = new WeakMap<Str, number>();

const MODE_CODE: Record<FormatMode, number> = { plain: 1, percent: 2, format: 3 };

function mix(h: number, x: number): number {
  return Math.imul(h ^ x, 0x9e3779b1) >>> 0;
}

function strHash(s: Str): number {
  const known = hashes.get(s);
  if (known !== undefined) return known;
  let h: number;
  switch (s.t) {
    case 'node':
      h = mix(mix(mix(1, s.node.startIndex), s.node.endIndex), MODE_CODE[s.mode]);
      break;
    case 'hole':
      h = mix(mix(2, s.start), s.end);
      break;
    case 'cat':
      h = 3;
      for (const p of s.parts) h = mix(h, strHash(p));
      break;
    case 'at':
      h = mix(mix(mix(4, s.start), s.end), strHash(s.inner));
      break;
  }
  hashes.set(s, h);
  return h;
}

/** Structural identity: the same source pieces in the same modes. Shared pieces compare at once. */
export function sameStr(a: Str, b: Str): boolean {
  if (a === b) return true;
  if (strHash(a) !== strHash(b)) return false;
  switch (a.t) {
    case 'node':
      return b.t === 'node' && a.mode === b.mode && a.node.startIndex === b.node.startIndex && a.node.endIndex === b.node.endIndex;
    case 'hole':
      return b.t === 'hole' && a.start === b.start && a.end === b.end;
    case 'cat':
      return b.t === 'cat' && a.parts.length === b.parts.length && a.parts.every((p, i) => sameStr(p, b.parts[i]!));
    case 'at':
      return b.t === 'at' && a.start === b.start && a.end === b.end && sameStr(a.inner, b.inner);
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
    for (const s of b.alts) {
      if (alts.length >= MAX_ALTS) break;
      if (!alts.some((t) => sameStr(t, s))) alts.push(s);
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

/** Strs with no 'plain' piece left: `withMode` returns them as they are. */
const settled = new WeakSet<Str>();

/**
 * `"… %s …" % args` / `"… {} …".format(…)`: the literal pieces are templates. A piece that has a
 * mode keeps it, so what has none left is returned as it is, and is known to be so without
 * reading it again: a chain of `.format()` calls went through the whole chain at each call.
 */
export function withMode(s: Str, mode: Exclude<FormatMode, 'plain'>): Str {
  if (settled.has(s)) return s;
  let out: Str;
  switch (s.t) {
    case 'node':
      out = s.mode === 'plain' ? { ...s, mode } : s;
      break;
    case 'cat': {
      const was = s.parts;
      const parts = was.map((p) => withMode(p, mode));
      out = parts.every((p, i) => p === was[i]) ? s : { t: 'cat', parts };
      break;
    }
    case 'hole':
      out = s;
      break;
    case 'at': {
      const was = s.inner;
      const inner = withMode(was, mode);
      out = inner === was ? s : { t: 'at', inner, start: s.start, end: s.end };
      break;
    }
  }
  settled.add(out);
  return out;
}
