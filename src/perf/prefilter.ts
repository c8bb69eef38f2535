import { appendString } from '../lang/python/strings.js';
import type { SyntaxNode } from '../lang/python/parser.js';
import { SqlBuilder } from '../sql/map.js';
import { looksLikeSql } from '../sql/looks-like-sql.js';

/*
 * Decides from a Python file's text alone whether analysing it could produce any fact. It must
 * never say no to a file that holds one; the argument for each trigger is written next to it, and
 * test/perf.test.ts runs the whole analysis with and without this filter over every fixture and a
 * slice of the Python standard library and compares the results.
 *
 * What makes a Python file produce facts (src/lang/python/analyzer.ts), and the text it needs:
 * - SQLite imports, `sqlite3.` references, aiosqlite, `sqlite:` URLs, `.sqlite` files, Django's
 *   `django.db.backends.sqlite3`, peewee's `Sqlite*Database`, `import_module("sqlite3")`: `sqlite`;
 * - `.db` / `.db3` file names:                                            `.db`;
 * - peewee's `APSWDatabase`:                                              `APSWDatabase`;
 * - suppression comments (an unused one is a finding):                   `pgready`;
 * - `x.executescript(…)` on a receiver of unknown origin:                 `executescript`;
 * - sqlite3-only connection methods on unknown receivers (create_function, iterdump …): their names;
 * - a string literal (or implicit concatenation of literals) whose text reads as SQL: 3xx rules
 *   fire on unexecuted SQL. Checked exactly as the analyzer does (same decoding, looksLikeSql);
 * - `x.execute(sql)` / `x.fetchall(sql)` on an unknown receiver, where `sql` is assembled with `+`,
 *   `%`, format() or names: when one of those method names occurs as code (outside comments and
 *   literals other than f-strings) and some literal opens with a SQL statement keyword (or is a
 *   bare keyword prefix, `"SEL" + "ECT …"`);
 * - calls of project connection factories, possibly defined in another file: the factory's name
 *   and its module's (engine.ts checks `mentionsWord` against the project index).
 * Every other fact (cursor ops, `lastrowid`, `row_factory`, pandas on a connection …) needs a
 * SQLite import or connection in the same file first, which one of the triggers above gives.
 * Literal values are decoded with the analyzer's own code (appendString); words are searched in the
 * raw text and in every decoded literal, so escapes (`"app\x2edb"`) cannot hide a trigger.
 * When the string scanner meets something it does not understand (an unterminated literal, a quote
 * inside an f-string field that could close it), the file passes.
 */

/** Statement openings looksLikeSql accepts (src/sql/looks-like-sql.ts, statementAt). */
const STATEMENT_KEYWORDS = [
  'SELECT', 'INSERT', 'REPLACE', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER', 'PRAGMA', 'WITH', 'EXPLAIN',
  'BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'ATTACH', 'DETACH', 'VACUUM', 'ANALYZE', 'REINDEX',
];
const KEYWORDS = new Set(STATEMENT_KEYWORDS);
const KEYWORD_PREFIXES = new Set<string>();
for (const k of STATEMENT_KEYWORDS) for (let i = 1; i < k.length; i++) KEYWORD_PREFIXES.add(k.slice(0, i));

/** Case-insensitive substrings of the file or of a literal that alone make a file worth analysing. */
const WORD_TRIGGERS = ['sqlite', '.db', 'pgready', 'apswdatabase', 'executescript', 'iterdump', 'create_function',
  'create_aggregate', 'create_collation', 'create_window_function', 'set_authorizer', 'set_progress_handler',
  'set_trace_callback', 'load_extension'];

// one case-insensitive pass (ASCII case only, which is all the analyzer's own checks fold)
const WORD_TRIGGER = new RegExp(WORD_TRIGGERS.map((w) => w.replace('.', '\\.')).join('|'), 'i');

function hasWordTrigger(text: string): boolean {
  return WORD_TRIGGER.test(text);
}

function isIdChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c >= 0x80;
}

const PREFIX_LETTERS = 'rRbBfFuUtT';

interface Piece {
  start: number;
  contentStart: number;
  contentEnd: number;
  end: number;
  interps: [number, number][];
  bytes: boolean;
  /** f-strings: the analyzer reads their raw text for paths and URLs, which the whole-file check covers */
  fstring: boolean;
  /** the content holds a backslash or a CR: its value differs from its text */
  translated: boolean;
}

class Unsure extends Error {}

/** The text a literal reads as (f-string fields become holes), decoded by the analyzer's own code. */
function pieceText(text: string, p: Piece): string {
  if (!p.translated && !p.fstring) return text.slice(p.contentStart, p.contentEnd);
  // a minimal `string` node (string_start, interpolations, string_end): all appendString reads
  const first = { type: 'string_start', text: text.slice(p.start, p.contentStart), startIndex: p.start, endIndex: p.contentStart };
  const last = { type: 'string_end', startIndex: p.contentEnd, endIndex: p.end };
  const namedChildren = p.interps.map(([s, e]) => ({ type: 'interpolation', startIndex: s, endIndex: e }));
  const node = { type: 'string', firstChild: first, lastChild: last, namedChildren, startIndex: p.start, endIndex: p.end } as unknown as SyntaxNode;
  const b = new SqlBuilder();
  appendString(b, node, text, 'plain');
  return b.text;
}

/**
 * The string literals of a Python file, grouped as tree-sitter groups them into
 * `concatenated_string` nodes (adjacent literals). Literals inside f-string fields are groups of their own.
 */
class StringScanner {
  readonly groups: Piece[][] = [];
  /** [start, end) of comments and of literals other than f-strings, in file order: text that is not code */
  readonly notCode: number[] = [];
  private depth = 0;

  constructor(private readonly text: string) {}

  run(): void {
    const t = this.text;
    const special = /["'#()[\]{}]/g;
    let group: Piece[] | undefined;
    let lastEnd = -1;
    let m: RegExpExecArray | null;
    while ((m = special.exec(t)) !== null) {
      const i = m.index;
      const ch = t[i]!;
      if (ch === '#') {
        // # comment, up to the end of the line
        const nl = t.indexOf('\n', i);
        special.lastIndex = nl < 0 ? t.length : nl;
        this.notCode.push(i, special.lastIndex);
        continue;
      }
      if (ch !== '"' && ch !== "'") {
        if (ch === '(' || ch === '[' || ch === '{') this.depth++;
        else if (this.depth > 0) this.depth--;
        continue;
      }
      let start = i;
      while (start > 0 && i - start < 3 && PREFIX_LETTERS.includes(t[start - 1]!)) start--;
      // an identifier glued to a quote (`x"…"`) is something the scanner does not model
      if (start > 0 && isIdChar(t.charCodeAt(start - 1))) throw new Unsure();
      const { piece, end } = this.literal(start, i);
      if (!group || !this.adjacent(lastEnd, start)) {
        group = [];
        this.groups.push(group);
      }
      group.push(piece);
      // f-string fields are code (cur.execute may sit in one): those literals stay searchable
      if (!piece.fstring) this.notCode.push(start, end);
      lastEnd = end;
      special.lastIndex = end;
    }
  }

  /** Only whitespace, comments and line continuations (and newlines inside brackets) between two literals. */
  private adjacent(from: number, to: number): boolean {
    const t = this.text;
    let i = from;
    while (i < to) {
      const c = t.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0c || c === 0x0d) i++;
      else if (c === 0x0a) {
        if (this.depth === 0) return false;
        i++;
      } else if (c === 0x5c && (t[i + 1] === '\n' || t[i + 1] === '\r')) i += 2;
      else if (c === 0x23) {
        while (i < to && t.charCodeAt(i) !== 0x0a) i++;
      } else return false;
    }
    return true;
  }

  /** One literal starting at `start` (its prefix) with its quote at `q`. */
  private literal(start: number, q: number): { piece: Piece; end: number } {
    const t = this.text;
    const prefix = t.slice(start, q).toLowerCase();
    const bytes = prefix.includes('b');
    const fstring = prefix.includes('f') || prefix.includes('t');
    const quote = t[q]!;
    const triple = t[q + 1] === quote && t[q + 2] === quote;
    const contentStart = q + (triple ? 3 : 1);
    const interps: [number, number][] = [];
    const qc = quote.charCodeAt(0);
    let translated = false;
    let i = contentStart;
    for (;;) {
      if (i >= t.length) throw new Unsure();
      const c = t.charCodeAt(i);
      if (c === 0x5c) {
        // in raw strings too, a backslash keeps the next character from closing the literal
        translated = true;
        i += 2;
        continue;
      }
      if (c === 0x0a || c === 0x0d) {
        if (!triple) throw new Unsure();
        if (c === 0x0d) translated = true;
      } else if (c === qc) {
        if (!triple || (t.charCodeAt(i + 1) === qc && t.charCodeAt(i + 2) === qc)) break;
      } else if (fstring && c === 0x7b) {
        if (t.charCodeAt(i + 1) === 0x7b) {
          i += 2;
          continue;
        }
        const end = this.field(i, quote);
        interps.push([i, end]);
        i = end;
        continue;
      }
      i++;
    }
    const end = i + (triple ? 3 : 1);
    return { piece: { start, contentStart, contentEnd: i, end, interps, bytes, fstring, translated }, end };
  }

  /** An f-string field `{…}` starting at `open`; returns the offset after its `}`. */
  private field(open: number, outerQuote: string): number {
    const t = this.text;
    let depth = 0;
    let i = open;
    while (i < t.length) {
      const ch = t[i]!;
      if (ch === '{' || ch === '(' || ch === '[') depth++;
      else if (ch === '}' || ch === ')' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      } else if (ch === outerQuote || ch === '#' || ch === '\\') {
        // Python 3.12 quote reuse, comments and escapes in fields: not modelled
        throw new Unsure();
      } else if (ch === '"' || ch === "'") {
        let s = i;
        while (s > open && PREFIX_LETTERS.includes(t[s - 1]!) && !isIdChar(t.charCodeAt(s - 2))) s--;
        const { piece, end } = this.literal(s, i);
        this.groups.push([piece]);
        i = end;
        continue;
      }
      i++;
    }
    throw new Unsure();
  }
}

function isSqlIdChar(c: number): boolean {
  return isIdChar(c) || c === 0x24;
}

/**
 * The first word of SQL text after whitespace and comments, as the SQL tokenizer reads them
 * (whitespace here also takes \v, which the tokenizer only accepts inside a run: a superset).
 */
function firstWord(sql: string, from: number): { upper: string; end: number } | undefined {
  let i = from;
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xfeff) i++;
    else if (c === 0x2d && sql.charCodeAt(i + 1) === 0x2d) {
      while (i < n && sql.charCodeAt(i) !== 0x0a) i++;
    } else if (c === 0x2f && sql.charCodeAt(i + 1) === 0x2a) {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
    } else break;
  }
  const c = sql.charCodeAt(i);
  if (!(i < n && ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c >= 0x80))) return undefined;
  let e = i + 1;
  while (e < n && isSqlIdChar(sql.charCodeAt(e))) e++;
  return { upper: sql.slice(i, e).toUpperCase(), end: e };
}

/** looksLikeSql, answered without tokenizing when the text cannot open with a statement keyword. */
function readsAsSql(sql: string): boolean {
  const w = firstWord(sql, 0);
  return w !== undefined && KEYWORDS.has(w.upper) && looksLikeSql(sql);
}

/**
 * Whether this piece may hold the first token of SQL assembled from several pieces: it opens with a
 * statement keyword, or is a keyword prefix the next piece may complete (`"SEL" + "ECT …"`). A
 * comment opened by an earlier piece may end in this one, so the text after its first `*\/` counts too.
 */
function opensWithKeyword(sql: string): boolean {
  const starts = [0];
  const close = sql.indexOf('*/');
  if (close >= 0) starts.push(close + 2);
  for (const s of starts) {
    const w = firstWord(sql, s);
    if (!w) continue;
    if (KEYWORDS.has(w.upper)) return true;
    if (KEYWORD_PREFIXES.has(w.upper) && w.end === sql.length) return true;
  }
  return false;
}

/**
 * Whether the group, or any run of adjacent pieces in it, reads as SQL. tree-sitter groups adjacent
 * literals as Python does, but in code with syntax errors it may group them otherwise, so every run
 * counts. Leading whitespace and comments do not change what looksLikeSql says, so a run that can
 * read as SQL starts where a piece (or the text after a comment that piece closes) opens with a
 * statement keyword or a keyword prefix the next piece completes.
 */
function groupReadsAsSql(pieces: string[], budget: { chars: number }): boolean {
  for (let k = 0; k < pieces.length; k++) {
    const piece = pieces[k]!;
    const close = piece.indexOf('*/');
    for (const head of close >= 0 ? [piece, piece.slice(close + 2)] : [piece]) {
      if (!opensWithKeyword(head)) continue;
      let joined = head;
      if (readsAsSql(joined)) return true;
      for (let m = k + 1; m < pieces.length; m++) {
        joined += pieces[m]!;
        // every run is tokenized anew: a long run of keyword-led lines (documentation kept in
        // implicit concatenations) would cost time quadratic in its length; past the budget, pass the file
        budget.chars -= joined.length;
        if (budget.chars < 0) throw new Unsure();
        if (readsAsSql(joined)) return true;
      }
    }
  }
  return false;
}

/** True when analysing this Python text could produce a fact, leaving out calls of project factories. */
export function pythonMayHoldFacts(text: string): boolean {
  if (hasWordTrigger(text)) return true;
  if (!mayHoldSqlText(text)) return false;
  try {
    return scanLiterals(text);
  } catch (e) {
    if (e instanceof Unsure) return true;
    throw e;
  }
}

/**
 * Keyword prefixes as the scanner compares them: ASCII case folded, and the two letters that
 * String.prototype.toUpperCase maps into ASCII (ſ -> S, ı -> I) counted as what they become.
 */
function prefixPattern(word: string): string {
  let out = '';
  for (const c of word) out += c === 'S' ? '[sſ]' : c === 'I' ? '[iı]' : c;
  return out;
}

const LEADING_SPACE = '[ \\t\\n\\r\\f\\v\\ufeff]*';
const WORDS = STATEMENT_KEYWORDS.map(prefixPattern).join('|');
const PREFIXES = [...KEYWORD_PREFIXES].sort((a, b) => b.length - a.length).map(prefixPattern).join('|');
/**
 * Where a literal's text may start a statement: a quote, whitespace, then a statement keyword as a
 * whole word, or an escape or SQL comment before anything else (they hide what follows from this
 * pattern), or a keyword prefix cut short by an escape or by the end of the literal when another
 * literal follows (`"SEL" "ECT"`: adjacent literals are one string).
 */
const SQL_OPENING = new RegExp(
  `['"]${LEADING_SPACE}(?:\\\\|/\\*|--|(?:${WORDS})(?![\\w$\\u0080-\\uffff])|(?:${PREFIXES})(?:\\\\|['"][ \\t\\f\\r\\n\\\\]*(?:#[^\\n]*\\n[ \\t\\f\\r\\n\\\\]*)*[rRbBfFuUtT]{0,2}['"]))`,
  'i',
);
/** A call of a cursor method on a receiver of unknown origin needs one of these names in the file. */
const EXECUTE_OR_FETCH_WORD = /\b(?:execute|executemany|fetchone|fetchall|fetchmany)\b/;
/** Escapes that decode to letters or dots: a word trigger may hide behind them. */
const LETTER_ESCAPE = /\\[xuUN0-7]/;
const LINE_CONTINUATION = /\\\r?\n/g;

/**
 * False only when no literal of the file can read as SQL, no cursor-method call can be made on
 * an unknown receiver, and no escape can hide a word trigger: then the string scanner has nothing
 * to find. A SQL literal's decoded text opens, after whitespace and SQL comments, with a keyword;
 * its source text then shows that keyword after the quote, or an escape, a comment opener or a
 * continuation into the next literal before it (SQL_OPENING). A comment closed in another piece
 * (`*\/`) sends the file to the scanner too.
 */
function mayHoldSqlText(text: string): boolean {
  if (SQL_OPENING.test(text) || EXECUTE_OR_FETCH_WORD.test(text) || LETTER_ESCAPE.test(text) || text.includes('*/')) return true;
  // "sq\<newline>lite": a backslash-newline inside a literal disappears from its value
  return text.includes('\\\n') || text.includes('\\\r') ? hasWordTrigger(text.replace(LINE_CONTINUATION, '')) : false;
}

/** The string scanner's verdict (throws Unsure where it cannot tell). */
function scanLiterals(text: string): boolean {
  const scanner = new StringScanner(text);
  scanner.run();
  const budget = { chars: 4 * text.length + (1 << 20) };
  const execOrFetch = EXECUTE_OR_FETCH.some((w) => mentionsCodeWord(text, scanner.notCode, w));
  for (const group of scanner.groups) {
    // a group holding bytes is never SQL (appendString refuses it)
    if (group.some((p) => p.bytes)) continue;
    const pieces = group.map((p) => pieceText(text, p));
    for (let k = 0; k < group.length; k++) {
      const p = group[k]!;
      // without an escape the piece's text is a slice of the file, already searched
      if (!p.fstring && p.translated && hasWordTrigger(pieces[k]!)) return true;
    }
    if (groupReadsAsSql(pieces, budget)) return true;
    if (execOrFetch) for (const piece of pieces) if (opensWithKeyword(piece)) return true;
  }
  return false;
}

/**
 * The methods that make a call on a receiver of unknown origin a cursor operation
 * (analyzer.ts EXECUTE_METHODS and FETCH_METHODS; executescript is a word trigger of its own).
 * The analyzer reads them as the attribute of a call, an identifier: code, never a comment or a
 * plain literal's text.
 */
const EXECUTE_OR_FETCH = ['execute', 'executemany', 'fetchone', 'fetchall', 'fetchmany'];

/** `word` as a whole identifier outside the ranges (sorted [start, end) pairs) that are not code. */
function mentionsCodeWord(text: string, notCode: number[], word: string): boolean {
  let r = 0;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    while (r < notCode.length && notCode[r + 1]! <= at) r += 2;
    if (r < notCode.length && notCode[r]! <= at) continue;
    const before = at > 0 ? text.charCodeAt(at - 1) : -1;
    const after = at + word.length < text.length ? text.charCodeAt(at + word.length) : -1;
    if (!(before >= 0 && isIdChar(before)) && !(after >= 0 && isIdChar(after))) return true;
  }
  return false;
}

/** Whether `word` occurs in the text as a whole identifier (not inside a longer one). */
export function mentionsWord(text: string, word: string): boolean {
  if (word === '') return false;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const before = at > 0 ? text.charCodeAt(at - 1) : -1;
    const after = at + word.length < text.length ? text.charCodeAt(at + word.length) : -1;
    if (!(before >= 0 && isIdChar(before)) && !(after >= 0 && isIdChar(after))) return true;
  }
  return false;
}
