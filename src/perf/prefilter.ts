import { appendString, DB_FILE, SQLITE_URL } from '../lang/python/strings.js';
import type { SyntaxNode } from '../lang/python/parser.js';
import { HOLE_TEXT, SqlBuilder } from '../sql/map.js';
import { looksLikeSql } from '../sql/looks-like-sql.js';

/*
 * Decides from a Python file's text alone whether analysing it could produce any fact. It must
 * never say no to a file that holds one; the argument for each trigger is written next to it, and
 * test/perf.test.ts runs the whole analysis with and without this filter over every fixture and a
 * slice of the Python standard library and compares the results.
 *
 * What makes a Python file produce facts (src/lang/python/analyzer.ts), and the text it needs:
 * - SQLite imports, `sqlite3.` references, aiosqlite, `sqlite:` URLs, `.sqlite` files, Django's
 *   `django.db.backends.sqlite3`, peewee's `Sqlite*Database`, `import_module("sqlite3")`: `sqlite`
 *   at the start of a name or a value (TRIGGER_START);
 * - `.db` / `.db3` file names:                                            `.db`;
 * - peewee's `APSWDatabase`:                                              `APSWDatabase`;
 * - suppression comments (an unused one is a finding):                   `pgready`;
 * - `x.executescript(…)` on a receiver of unknown origin:                 `executescript`;
 * - sqlite3-only connection methods on unknown receivers (create_function, iterdump …): their names
 *   as attributes (after a `.`);
 * - a string literal (or implicit concatenation of literals) whose text reads as SQL: 3xx rules
 *   fire on unexecuted SQL. Checked exactly as the analyzer does (same decoding, looksLikeSql);
 * - `x.execute(sql)` / `x.fetchall(sql)` on an unknown receiver, where `sql` is assembled with `+`,
 *   `%`, format() or names: when one of those method names occurs as code (outside comments and
 *   literals other than f-strings) and some literal opens with a SQL statement keyword that what
 *   follows inside it does not rule out (`"Create a widget"` cannot start SQL), or is a bare
 *   keyword prefix another literal of the file continues (`"SEL" + "ECT …"`);
 * - calls of project connection factories, possibly defined in another file: the factory's name
 *   and its module's (engine.ts checks `mentionsWord` against the project index).
 * Every other fact (cursor ops, `lastrowid`, `row_factory`, pandas on a connection …) needs a
 * SQLite import or connection in the same file first, which one of the triggers above gives.
 * Literal values are decoded with the analyzer's own code (appendString); words are searched in the
 * raw text and in every decoded literal an escape or a backslash-newline may change (mayHideTrigger),
 * so escapes (`"app\x2edb"`) cannot hide a trigger.
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

/** sqlite3-only methods: on a receiver of unknown origin they still make a fact (analyzer.ts). */
const METHOD_TRIGGERS = ['executescript', 'iterdump', 'create_function', 'create_aggregate', 'create_collation',
  'create_window_function', 'set_authorizer', 'set_progress_handler', 'set_trace_callback', 'load_extension',
  'enable_load_extension'];
/** Case-insensitive substrings of the file or of a literal that alone make a file worth analysing. */
const WORD_TRIGGERS = ['sqlite', '.db', 'pgready', 'apswdatabase', ...METHOD_TRIGGERS];
/**
 * What may follow a trigger (a lookahead; none: anything). A method name counts only as a whole
 * attribute name (analyzer.ts compares the identifier: `load_extensions` is another method), so no
 * identifier character follows it (this file's isIdChar). `.db` counts only at the end of a
 * database file name (analyzer.ts DB_FILE: `.db` or `.db3` ends the trimmed value, or an
 * f-string's raw tail), so a quote, whitespace, a backslash (an escape, a continuation) or `3`
 * follows it, or nothing (the end of a decoded value or of a searched stretch): `self.dbuf` does
 * not count.
 */
const TRIGGER_END = new Map<string, string>([
  ['.db', `(?![^\\s'"\\\\3])`],
  ...METHOD_TRIGGERS.map((w): [string, string] => [w, '(?![\\w\\u0080-\\uffff])']),
]);
/**
 * What must come before a trigger (a lookbehind; none: anything). The analyzer reads a method name
 * only as the attribute of a call (recordCall: `fn.type === 'attribute'`), never from a `def`, an
 * import or a literal (`getattr(x, "iterdump")` makes no fact), so a `.` comes before it, with
 * only what Python allows between a dot and the attribute: whitespace, line continuations and,
 * inside brackets, line breaks and comments. (`def create_function():` does not count.)
 */
const TRIGGER_START = new Map<string, string>([
  ...METHOD_TRIGGERS.map((w): [string, string] => [w, '\\.(?:[\\s\\\\]|#[^\\r\\n]*[\\r\\n])*']),
  /*
   * `sqlite` matters to the analyzer only at the start of a name or a value: the identifiers
   * sqlite3, aiosqlite and peewee's Sqlite*Database / CSqliteExtDatabase, the strings "sqlite3"
   * (import_module) and "django.db.backends.sqlite3", values opening with `sqlite:`/`sqlite+x:`
   * (SQLITE_URL, after trimming) and ending in `.sqlite`/`.sqlite3` (DB_FILE). So no identifier
   * character comes before it, or `aio`, or `c`, or an escape that decodes to whitespace (`\tsqlite:`
   * is trimmed to a URL); `_sqlite3`, `test_sqlite3` and `HAVE_LIBSQLITE3` do not count.
   */
  ['sqlite', '(?:(?<![\\w\\u0080-\\uffff])|(?<=[aA][iI][oO]|[cC])|(?<=\\\\[abfnrtv]|\\\\x[0-9a-fA-F]{2}|\\\\[0-7]{1,3}|\\\\u[0-9a-fA-F]{4}|\\\\U[0-9a-fA-F]{8}))'],
]);

/** A regex class for one character of a word, ASCII case folded (all the analyzer's own checks fold). */
function foldClass(c: string): string {
  const lower = c.toLowerCase();
  const upper = c.toUpperCase();
  if (lower !== upper) return `[${lower}${upper}]`;
  return /[\w]/.test(c) ? c : `\\${c}`;
}

function folded(word: string): string {
  return [...word].map(foldClass).join('');
}

/**
 * WORD_TRIGGERS as one regex that irregexp scans fast: each word is found at its rarest letter in
 * Python code (q, w, y, x, b, m, _), the text before that letter checked by a lookbehind, the rest
 * after it: irregexp then tries the alternatives only at those letters (a plain case-insensitive
 * alternation costs 3x the time). It matches where a word of WORD_TRIGGERS occurs, and nowhere
 * else (test/perf.test.ts tries each word in several cases, and near misses).
 */
function anchoredTriggers(): RegExp {
  const byAnchor = new Map<string, string[]>();
  for (const w of WORD_TRIGGERS) {
    // create_*, set_*, load_extension share the underscore; the other words their rarest letter
    let k = w.indexOf('_');
    if (k < 0) {
      const rarity = 'qwyxbm';
      k = [...w].reduce((best, c, i) => {
        const r = rarity.indexOf(c);
        const b = rarity.indexOf(w[best]!);
        return r >= 0 && (b < 0 || r < b) ? i : best;
      }, 0);
    }
    const anchor = w[k]!.toLowerCase();
    const alts = byAnchor.get(anchor) ?? [];
    alts.push(`(?<=${TRIGGER_START.get(w) ?? ''}${folded(w.slice(0, k + 1))})${folded(w.slice(k + 1))}${TRIGGER_END.get(w) ?? ''}`);
    byAnchor.set(anchor, alts);
  }
  return new RegExp([...byAnchor].map(([a, alts]) => `${foldClass(a)}(?:${alts.join('|')})`).join('|'));
}

const WORD_TRIGGER = anchoredTriggers();

function hasWordTrigger(text: string): boolean {
  return WORD_TRIGGER.test(text);
}

/** Every match of WORD_TRIGGER: each starts at its word's anchor letter (`qlite` of sqlite, `b` of .db). */
const EVERY_WORD_TRIGGER = new RegExp(WORD_TRIGGER.source, 'g');

/**
 * Where `sqlite` and `.db` count. In code, `sqlite` starts an identifier the analyzer reads
 * (sqlite3, aiosqlite, Sqlite*Database); `.db` in code is an attribute (`self.db`), which it never
 * reads. In a comment neither counts (the analyzer reads comments for suppressions only: `pgready`,
 * a trigger of its own). In a literal they count where its value names a database as the analyzer
 * reads values (visitStringPiece, importlibTarget): a SQLite URL or a database file name once
 * trimmed, or a module importlib may be asked for (`sqlite3`, `sqlite3.dbapi2`, `aiosqlite`). A
 * bytes literal has no value to it, and an f-string counts as code (its fields are code, and it is
 * read raw). Anything the string scanner does not model counts.
 */
function triggersMatter(text: string): boolean {
  const at: number[] = [];
  EVERY_WORD_TRIGGER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = EVERY_WORD_TRIGGER.exec(text)) !== null) {
    const anchor = m[0].charAt(0).toLowerCase();
    // the other words (pgready, APSWDatabase, the sqlite3-only methods) count wherever they are found
    if (anchor !== 'q' && anchor !== 'b') return true;
    at.push(anchor === 'q' ? m.index - 1 : m.index - 2);
  }
  // the usual case: an import of sqlite3 or aiosqlite, in code as far as a line can tell
  if (SQLITE_IMPORT_LINE.test(text)) return true;
  const scanner = new StringScanner(text);
  try {
    scanner.run();
  } catch (e) {
    if (e instanceof Unsure) return true;
    throw e;
  }
  const pieces = scanner.groups.flat();
  let r = 0;
  const notCode = scanner.notCode;
  for (const pos of at) {
    const inside = pieces.filter((p) => p.start <= pos && pos < p.end);
    if (inside.length > 0) {
      if (inside.some((p) => p.fstring)) return true;
      const p = inside[0]!;
      if (pos < p.contentStart) return true;
      if (!p.bytes && literalNamesDatabase(pieceText(text, p))) return true;
      continue;
    }
    while (r < notCode.length && notCode[r + 1]! <= pos) r += 2;
    const inComment = r < notCode.length && notCode[r]! <= pos;
    if (!inComment && text.charCodeAt(pos) !== 0x2e) return true;
  }
  return false;
}

/** `import sqlite3`, `from aiosqlite import …`: a line that imports them, unless a literal holds it. */
const SQLITE_IMPORT_LINE = /^[ \t]*(?:import|from)[ \t][^\n]*sqlite/im;

/** Whether the analyzer may read this literal value as naming a SQLite database or module (triggersMatter). */
function literalNamesDatabase(value: string): boolean {
  const trimmed = value.trim();
  return SQLITE_URL.test(trimmed) || DB_FILE.test(trimmed) || IMPORTABLE.test(value);
}

/** importlibTarget's value, `top` of which is compared with sqlite3 and aiosqlite (with room to spare). */
const IMPORTABLE = /^\s*(?:aio)?sqlite\w*\s*(?:\.|$)/i;

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

/** SqlBuilder's text without its offset map: the same value, built with less garbage. */
class TextBuilder extends SqlBuilder {
  override verbatim(text: string): void {
    this.text += text;
  }

  override translated(text: string): void {
    this.text += text;
  }

  override hole(): void {
    this.text += HOLE_TEXT;
  }
}

/** The text a literal reads as (f-string fields become holes), decoded by the analyzer's own code. */
function pieceText(text: string, p: Piece): string {
  if (!p.translated && !p.fstring) return text.slice(p.contentStart, p.contentEnd);
  // a minimal `string` node (string_start, interpolations, string_end): all appendString reads
  const first = { type: 'string_start', text: text.slice(p.start, p.contentStart), startIndex: p.start, endIndex: p.contentStart };
  const last = { type: 'string_end', startIndex: p.contentEnd, endIndex: p.end };
  const namedChildren = p.interps.map(([s, e]) => ({ type: 'interpolation', startIndex: s, endIndex: e }));
  const node = { type: 'string', firstChild: first, lastChild: last, namedChildren, startIndex: p.start, endIndex: p.end } as unknown as SyntaxNode;
  const b = new TextBuilder();
  appendString(b, node, text, 'plain');
  return b.text;
}

/** What StringScanner.literal acts on inside a literal: a backslash, a line break, the quote, and `{` in an f-string. */
const LITERAL_STOPS = [/['\\\n\r]/g, /["\\\n\r]/g, /['\\\n\r{]/g, /["\\\n\r{]/g];

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
    // the characters the loop below acts on: others it steps over, the regex faster
    const stops = LITERAL_STOPS[(fstring ? 2 : 0) + (quote === '"' ? 1 : 0)]!;
    let translated = false;
    let i = contentStart;
    for (;;) {
      stops.lastIndex = i;
      if (!stops.test(t)) throw new Unsure();
      i = stops.lastIndex - 1;
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
        const end = this.field(i, quote, triple);
        interps.push([i, end]);
        i = end;
        continue;
      }
      i++;
    }
    const end = i + (triple ? 3 : 1);
    return { piece: { start, contentStart, contentEnd: i, end, interps, bytes, fstring, translated }, end };
  }

  /**
   * An f-string field `{…}` starting at `open`; returns the offset after its `}`. In a
   * triple-quoted f-string a single quote of the outer kind opens a literal inside the field (only
   * three end the outer one); in a single-quoted one it is Python 3.12 quote reuse, not modelled.
   */
  private field(open: number, outerQuote: string, triple: boolean): number {
    const t = this.text;
    let depth = 0;
    let i = open;
    while (i < t.length) {
      const ch = t[i]!;
      if (ch === '{' || ch === '(' || ch === '[') depth++;
      else if (ch === '}' || ch === ')' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      } else if (ch === ':' && depth === 1) {
        // `{x:>10}`, `{x:=10}` (a format spec, not an assignment): the format spec runs to the
        // field's `}`; anything else with a colon sits in brackets (lambda, slice, dict)
        return this.formatSpec(i + 1, outerQuote, triple);
      } else if (ch === '#' || ch === '\\' || (ch === outerQuote && (!triple || t.startsWith(outerQuote.repeat(3), i)))) {
        // quote reuse, comments and escapes in fields: not modelled
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

  /**
   * A format spec (after the field's `:`) up to the field's `}`: text (`#x`, `>10`: tree-sitter's
   * format_specifier token), with nested fields `{…}`. Quotes are not modelled (the outer one ends
   * the literal in Python but not in tree-sitter's token; where tree-sitter reads on as an
   * expression, `{lambda x: "…"}`, a quote opens a literal), nor escapes, line breaks and `{{`.
   */
  private formatSpec(from: number, outerQuote: string, triple: boolean): number {
    const t = this.text;
    let i = from;
    while (i < t.length) {
      const ch = t[i]!;
      if (ch === '}') return i + 1;
      if (ch === '{') {
        if (t[i + 1] === '{') throw new Unsure();
        i = this.field(i, outerQuote, triple);
        continue;
      }
      if (ch === '"' || ch === "'" || ch === '\\' || ch === '\n' || ch === '\r') throw new Unsure();
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
  const o = openings(sql);
  return o === true || o.length > 0;
}

/** How the piece opens (see opensWithKeyword): with a statement keyword (true), else the bare keyword prefixes it is, upper-cased. */
function openings(sql: string): true | string[] {
  const prefixes: string[] = [];
  const starts = [0];
  const close = sql.indexOf('*/');
  if (close >= 0) starts.push(close + 2);
  for (const s of starts) {
    const w = firstWord(sql, s);
    if (!w) continue;
    if (KEYWORDS.has(w.upper)) return true;
    if (KEYWORD_PREFIXES.has(w.upper) && w.end === sql.length) prefixes.push(w.upper);
  }
  return prefixes;
}

/**
 * Whether no text joined after `run` can make it read as SQL: its first word is settled (a
 * character follows it, or it is no keyword's start: appending only lengthens it, and toUpperCase
 * maps each character on its own) and no statement keyword, or what follows the keyword rules the
 * statement out (HEAD_REFUTED). The comments and whitespace before that word are settled too:
 * firstWord only finds a word after comments closed in the text.
 */
function runCannotRead(run: string): boolean {
  const w = firstWord(run, 0);
  if (!w) return false;
  if (!KEYWORDS.has(w.upper)) return w.end < run.length || !KEYWORD_PREFIXES.has(w.upper);
  return HEAD_REFUTED.test(run);
}

/**
 * Where SQL may start in a piece, whatever text is joined after it: the piece itself, or the text
 * after a comment an earlier piece opened and this one closes (`*\/`), when that opens with a
 * statement keyword or a keyword prefix (opensWithKeyword) and what follows the keyword inside the
 * piece does not rule the statement out (HEAD_REFUTED).
 */
function sqlHeads(piece: string): string[] {
  const close = piece.indexOf('*/');
  return (close >= 0 ? [piece, piece.slice(close + 2)] : [piece]).filter((head) => opensWithKeyword(head) && !HEAD_REFUTED.test(head));
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
    for (const head of sqlHeads(pieces[k]!)) {
      let joined = head;
      if (readsAsSql(joined)) return true;
      for (let m = k + 1; m < pieces.length; m++) {
        joined += pieces[m]!;
        // every run is tokenized anew: a long run of keyword-led lines (documentation kept in
        // implicit concatenations) would cost time quadratic in its length; past the budget, pass the file
        budget.chars -= joined.length;
        if (budget.chars < 0) throw new Unsure();
        if (readsAsSql(joined)) return true;
        if (runCannotRead(joined)) break;
      }
    }
  }
  return false;
}

/** True when analysing this Python text could produce a fact, leaving out calls of project factories. */
export function pythonMayHoldFacts(text: string): boolean {
  return mayHoldFacts(text, undefined);
}

/**
 * pythonMayHoldFacts, where `sqlBit` (when given) is the native screen's SCREEN_SQL: false when
 * hasSqlLiteralOpening and COMMENT_CLOSE_OPENING surely fail, true when they may match.
 */
function mayHoldFacts(text: string, sqlBit: boolean | undefined): boolean {
  // most files hold no word trigger, no execute/fetch name, no letter escape and no import by name: one pass tells
  const { signal, importer } = signalsOf(text);
  if (signal && hasWordTrigger(text) && triggersMatter(text)) return true;
  const execOrFetch = signal && EXECUTE_OR_FETCH_WORD.test(text);
  const imports = importer();
  const hiddenTrigger = (signal && LETTER_ESCAPE.test(text)) || hidesTriggerInContinuation(text) || (imports && hidesTriggerAcrossLiterals(text));
  const joins = hiddenTrigger && imports;
  if (sqlBit === true && !execOrFetch) return hintedVerdict(text, hiddenTrigger, joins);
  const sql = sqlBit === undefined ? mayOpenSql(text, execOrFetch) : execOrFetch;
  if (!hiddenTrigger && !sql) return false;
  return scanVerdict(text, execOrFetch, hiddenTrigger, sql, joins);
}

/**
 * The verdict of a file where the screen found that a literal may open SQL, without trying
 * hasSqlLiteralOpening's patterns: irregexp spends 30-80 ms compiling them (about 52 KB of source
 * each), more than a standard-library run spends on the rest of the prefilter. The scanner reads
 * the literals with `sql` on. That gives the patterns' verdict: scanLiterals finds SQL only in a
 * group that reads as SQL (groupReadsAsSql), and a literal that does opens as mayOpenSql's
 * patterns ask; with no execute/fetch attribute nothing else differs. Only where the scanner
 * cannot tell (Unsure) are the patterns tried, to take the path pythonMayHoldFacts takes.
 */
function hintedVerdict(text: string, hiddenTrigger: boolean, joins: boolean): boolean {
  try {
    return scanLiterals(text, false, hiddenTrigger, true, joins);
  } catch (e) {
    if (!(e instanceof Unsure)) throw e;
  }
  const sql = mayOpenSql(text, false);
  if (!hiddenTrigger && !sql) return false;
  return scanVerdict(text, false, hiddenTrigger, sql, joins);
}

/** What the native screen found in a file's bytes (native/screen.h, SCREEN_*). */
export const SCREEN_SQL = 1;
export const SCREEN_EXECUTE = 2;
export const SCREEN_ESCAPE = 4;
export const SCREEN_HIDDEN = 8;
export const SCREEN_WORD = 16;

/**
 * pythonMayHoldFacts, given what the native screen (native/screen.c) found in the file's bytes: each
 * of its checks is a superset of one made here, so a bit it leaves clear is a check that fails, and
 * is not made again. A file with a word trigger, an escape or a hidden trigger is read as before but
 * for the SQL patterns (mayHoldFacts); otherwise only what its literals may open counts (signal,
 * hiddenTrigger and joins are false). test/prefilter-screen.test.ts checks that this gives
 * pythonMayHoldFacts's verdict.
 */
export function pythonMayHoldFactsScreened(text: string, found: number): boolean {
  if (found === 0) return false;
  const sqlBit = (found & SCREEN_SQL) !== 0;
  if ((found & (SCREEN_WORD | SCREEN_ESCAPE | SCREEN_HIDDEN)) !== 0) return mayHoldFacts(text, sqlBit);
  const execOrFetch = (found & SCREEN_EXECUTE) !== 0 && EXECUTE_OR_FETCH_WORD.test(text);
  if (execOrFetch) return scanVerdict(text, true, false, true, false);
  return sqlBit && hintedVerdict(text, false, false);
}

/**
 * ANY_SIGNAL and IMPORT_BY_NAME in one pass. The leftmost match tells which: only IMPORT_BY_NAME's
 * starts with a `p` (ANY_SIGNAL's start with q, b, y, w, x, m, _, h or a backslash); the other is
 * then searched for from there on (no match of either starts before the leftmost).
 */
function signalsOf(text: string): { signal: boolean; importer: () => boolean } {
  SIGNAL_OR_IMPORT.lastIndex = 0;
  const m = SIGNAL_OR_IMPORT.exec(text);
  if (!m) return { signal: false, importer: () => false };
  const rest = (re: RegExp, from: number): boolean => {
    re.lastIndex = from;
    return re.test(text);
  };
  if (m[0].charAt(0) === 'p') return { signal: rest(ANY_SIGNAL_FROM, m.index + m[0].length), importer: () => true };
  return { signal: true, importer: () => rest(IMPORT_BY_NAME_FROM, m.index) };
}

/** Whether the string scanner has to read a file without word triggers (the cheap checks; for tests). */
export function needsLiteralScan(text: string): boolean {
  return mayHideTrigger(text) || mayOpenSql(text, EXECUTE_OR_FETCH_WORD.test(text));
}

/** The string scanner's verdict; where it cannot tell, the file passes. */
function scanVerdict(text: string, execOrFetch: boolean, hiddenTrigger: boolean, sql: boolean, joins: boolean): boolean {
  try {
    return scanLiterals(text, execOrFetch, hiddenTrigger, sql, joins);
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
 * What may open a statement where a piece's text goes on after a `*\/`: after whitespace, a
 * statement keyword as a whole word, or an escape or SQL comment before anything else (they hide
 * what follows from this pattern), or a keyword prefix cut short by an escape or by the end of the
 * literal (another literal may complete it). Any case: a superset of what the scanner looks for.
 */
const OPENING_BODY = `${LEADING_SPACE}(?:\\\\|/\\*|--|(?:${WORDS})(?![\\w$\\u0080-\\uffff])|(?:${PREFIXES})(?:\\\\|['"]))`;
/** A comment closed in a piece (`*\/`), then what may open a statement: the scanner reads on after it. */
const COMMENT_CLOSE_OPENING = new RegExp(`\\*/${OPENING_BODY}`, 'i');

/**
 * A keyword as a regex without the i flag: ASCII case folded, ſ and ı as what toUpperCase makes them
 * (S and I). The other letters it maps into ASCII (ß, the ligatures ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ) give SS, FF, FI,
 * FL, ST, which no word these patterns compare with holds.
 */
function keywordClasses(word: string): string {
  let out = '';
  for (const c of word) out += c === 'S' ? '[sSſ]' : c === 'I' ? '[iIı]' : `[${c.toLowerCase()}${c}]`;
  return out;
}

function anyOf(words: string[]): string {
  return `(?:${words.map(keywordClasses).join('|')})`;
}

/**
 * Statements looksLikeSql accepts as the keyword alone (`"BEGIN"`), and only written in capitals
 * (shortStatement and the VACUUM/ANALYZE/REINDEX case check isUpperWord on the keyword's token).
 */
const SHORT_KEYWORDS = ['BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'VACUUM', 'ANALYZE', 'REINDEX'];
const NOT_ID_AHEAD = '(?![\\w$\\u0080-\\uffff])';
/**
 * After a literal's closing quote, what lets another literal continue the string: whitespace (as
 * tree-sitter's extras read it, a superset of the scanner's), line continuations, comments, a
 * prefix and a quote.
 */
const NEXT_LITERAL = '(?:[\\s\\\\\\u2060\\u200b]|#[^\\n]*\\n)*[rRbBfFuUtT]{0,3}[\'"]';
/**
 * A word of the source that is one whole SQL word of the decoded text: an identifier-like run not
 * followed by an identifier character, an escape other than `\n \t \r \f` (`\x41` may extend it),
 * the literal's closing quote `close` with another literal after it (which may extend it) or `{`
 * (an f-string field glued to it). The other quote is text of the literal, and ends the word. Where
 * the end is not sure, no shape below matches: the word is neither refuted nor taken as allowed.
 */
const WORD = '[A-Za-z_\\u0080-\\uffff][\\w$\\u0080-\\uffff]*';
function wordEnd(close: string): string {
  return `(?![\\w$\\u0080-\\uffff{]|\\\\(?![ntrf])|${close}${NEXT_LITERAL})`;
}
/**
 * A character that is a whole SQL token that is no word: punctuation, operators, placeholders,
 * illegal characters. Left out: what may start a comment (`-`, `/`), an escape, quotes, quoted
 * identifiers (`` ` ``, `[`), `{` (f-string fields and template holes), `%` (`%s` reads as a hole)
 * and `$` (an identifier character to SQLite).
 */
const PUNCT = '[!#&()*+,.:;<=>?@\\]^|}~]';
const PUNCT_NO_PAREN = '[!#&)*+,.:;<=>?@\\]^|}~]';
const PUNCT_NO_DOT = '[!#&()*+,:;<=>?@\\]^|}~]';

/**
 * What the next token after a statement keyword must be (statementAt in looks-like-sql.ts), as
 * shapes of the text that make looksLikeSql say no, given `ws`: whitespace as the text may hold it,
 * `end`: what ends a word for sure, and `quoted`: a quoted identifier that is a whole token (or '').
 * Each shape shows whole tokens that no text after them can change: words end at `end`, a PUNCT
 * character is a token that is no word, however it continues.
 */
function refutations(keyword: string, ws: string, end: string, quoted = ''): string[] {
  const next = (allowed: string[]): string[] => [
    // DELETE the…, CREATE a new…: a word that is not one the grammar allows
    `${ws}+(?!${anyOf(allowed)}${end})${WORD}${end}`,
    // CREATE(, DELETE.: no word at all
    `${ws}*${PUNCT}`,
  ];
  const notAs = `(?!${anyOf(['AS'])}${end})`;
  const notRecursive = `(?!${anyOf(['RECURSIVE'])}${end})`;
  switch (keyword) {
    case 'INSERT':
      return next(['OR', 'INTO']);
    case 'REPLACE':
      return next(['INTO']);
    case 'DELETE':
      return next(['FROM']);
    case 'CREATE':
      return next(['TEMP', 'TEMPORARY', 'UNIQUE', 'VIRTUAL', 'TABLE', 'INDEX', 'VIEW', 'TRIGGER']);
    case 'DROP':
      return next(['TABLE', 'INDEX', 'VIEW', 'TRIGGER']);
    case 'ALTER':
      return next(['TABLE']);
    case 'EXPLAIN':
      return next(['QUERY', ...STATEMENT_KEYWORDS]);
    case 'WITH': {
      // WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] (
      const name = quoted ? `(?:${ws}+${notRecursive}${WORD}|${ws}*${quoted})` : `${ws}+${notRecursive}${WORD}`;
      const cols = `${ws}*\\([^()'"\\\\\`[\\]{}\\n/-]*\\)`;
      const afterAs = `${ws}*(?:(?!${anyOf(['NOT', 'MATERIALIZED'])}${end})${WORD}${end}|${PUNCT_NO_PAREN})`;
      return [
        `${ws}*${PUNCT}`,
        // with self.lock:  with a, b:
        `${name}${ws}*${PUNCT_NO_PAREN}`,
        // with the …  with x as y:  with open(path) as f:
        `${name}(?:${cols})?(?:${ws}+${notAs}${WORD}${end}|${ws}+${anyOf(['AS'])}${end}${afterAs})`,
        `${name}${cols}${ws}*${PUNCT_NO_PAREN}`,
        // with length "1".
        ...(quoted ? [`${name}${ws}*${quoted}`] : []),
      ];
    }
    case 'UPDATE': {
      // UPDATE [OR x] t [[AS] a] [INDEXED BY i | NOT INDEXED] SET
      const table = `${ws}+(?!${anyOf(['OR'])}${end})${WORD}`;
      const after = `(?:${ws}*${PUNCT}|${ws}+(?!${anyOf(['SET', 'INDEXED', 'NOT'])}${end})${WORD}${end})`;
      return [
        `${ws}*${PUNCT}`,
        `${table}${ws}*${PUNCT_NO_DOT}`,
        // update your profile.  update the list of …
        `${table}${ws}+(?!${anyOf(['AS', 'SET', 'INDEXED', 'NOT'])}${end})${WORD}${end}${after}`,
      ];
    }
    case 'PRAGMA':
      // PRAGMA [schema.]name [= value | (value)]: no second word
      return [`${ws}*${PUNCT}`, `${ws}+${WORD}${ws}+${WORD}${end}`];
    case 'RELEASE':
      // RELEASE [SAVEPOINT] name, alone
      return [`${ws}*${PUNCT}`, `${ws}+(?!${anyOf(['SAVEPOINT'])}${end})${WORD}${ws}+${WORD}${end}`];
    case 'SAVEPOINT':
      return [`${ws}*${PUNCT}`, `${ws}+${WORD}${ws}+${WORD}${end}`];
    default:
      return [];
  }
}

/** Two hex digits of an ASCII letter; of \t \n \f \r and space. */
const HEX_LETTER = '(?:4[1-9a-fA-F]|5[0-9aA]|6[1-9a-fA-F]|7[0-9aA])';
const HEX_SPACE = '(?:0[9acdAC]|20)';
/** Escapes that may decode to an ASCII letter, ſ (U+017F) or ı (U+0131): what a keyword is made of. */
const LETTER_ESCAPE_BODY = `x${HEX_LETTER}|u(?:00${HEX_LETTER}|0131|017[fF])|U0000(?:00${HEX_LETTER}|0131|017[fF])|1[0-7]{2}|461|577`;
/**
 * Escapes that may decode to what opens a statement, whitespace aside: a letter, `-` or `/`
 * (comments). `\\ \' \" \a \b \v`, `\N{…}` (U+FFFD, an identifier) and unknown escapes (the
 * backslash stays: an illegal token) never do.
 */
const OPENING_ESCAPE = `\\\\(?:${LETTER_ESCAPE_BODY}|x2[dfDF]|u002[dfDF]|U0000002[dfDF]|0?5[57])`;
/**
 * Escapes that decode to whitespace to the SQL tokenizer (\t \n \f \r, space, the byte-order mark),
 * and backslash-newlines (nothing). In a raw literal the backslash stays: an illegal token, so
 * reading them as whitespace only passes more. An octal escape takes up to three digits.
 */
const SPACE_ESCAPE = [
  '\\\\[ntrfv]',
  '\\\\(?:\\r\\n?|\\n)',
  `\\\\(?:x|u00|U000000)${HEX_SPACE}`,
  '\\\\(?:u|U0000)[fF][eE][fF][fF]',
  '\\\\(?:01[1245]|1[1245](?![0-7])|040|40(?![0-7]))',
].join('|');

/** The letters that continue a keyword prefix into some statement keyword. */
function nextLetters(prefix: string): string[] {
  return [...new Set(STATEMENT_KEYWORDS.filter((k) => k.length > prefix.length && k.startsWith(prefix)).map((k) => k[prefix.length]!))];
}

/**
 * A keyword prefix the decoded text may continue into a keyword: an escape that may decode to a
 * letter or a backslash-newline follows, or the literal ends (SPLIT) and the next literal opens with
 * a letter that continues some keyword with this prefix, an escape, or another quote (an empty or
 * triple-quoted literal). When that letter ends its literal too, the one after must go on likewise
 * (`"D" "E" "F"` is no keyword: tables of one-letter literals). A next literal opening with anything
 * else ends the word: whitespace, comments and punctuation end it; an f-string field glues an
 * identifier to it.
 */
const SPLIT = `['"]${NEXT_LITERAL}`;
const PREFIX_CONTINUED = `(?:${[...KEYWORD_PREFIXES]
  .sort((a, b) => b.length - a.length)
  .map((p) => {
    const letters = nextLetters(p).map((c) => {
      const grown = p + c;
      if (KEYWORDS.has(grown)) return keywordClasses(c);
      const after = [...nextLetters(grown).map(keywordClasses), `[\\\\'"]`].join('|');
      return `${keywordClasses(c)}(?!${SPLIT})|${keywordClasses(c)}${SPLIT}(?:${after})`;
    });
    return `${keywordClasses(p)}(?:\\\\(?:${LETTER_ESCAPE_BODY}|\\r|\\n)|${SPLIT}(?:${[...letters, `[\\\\'"]`].join('|')}))`;
  })
  .join('|')})`;

/**
 * Where a literal may open text that reads as SQL on its own (the SQL of files with no
 * execute/fetch call), from looksLikeSql's necessary conditions:
 * - the quote opens a literal: a single-quoted one holds no raw line break (Python ends it there,
 *   and the scanner gives up on it), so only after a triple quote may line breaks lead;
 * - escapes as leading whitespace (SPACE_ESCAPE); other escapes count when they may decode to what
 *   opens a statement (OPENING_ESCAPE);
 * - a keyword other than the short ones needs a token after it (every statementAt branch reads
 *   s[i + 1]): it may not be followed, after whitespace, by the literal's closing quote unless
 *   another literal may follow (NEXT_LITERAL; with no adjacent literal the run is this piece
 *   alone), nor by a next token its statement does not allow (refutations);
 * - a short keyword must be in capitals, as written (its text is the source text: no escapes in it);
 * - `--` in a single-quoted literal: the comment runs to a line feed, which only an escape can put
 *   in the piece, else it takes the whole piece and SQL may only start in another literal;
 * - `/*` hides what follows; keyword prefixes as PREFIX_CONTINUED.
 * Runs that start after a `*\/` are COMMENT_CLOSE_OPENING's.
 */
function literalOpening(quote: string, space: string, ws: string, close: string, triple: boolean): string {
  const long = STATEMENT_KEYWORDS.filter((k) => !SHORT_KEYWORDS.includes(k)).map(
    (k) => `${keywordClasses(k)}${NOT_ID_AHEAD}(?!${[`${ws}*${close}(?!${NEXT_LITERAL})`, ...refutations(k, ws, wordEnd(close))].join('|')})`,
  );
  const comment = triple ? '--' : `--(?=[^\\n]*?(?:\\\\|['"]${NEXT_LITERAL}))`;
  return (
    `${quote}${space}(?:${OPENING_ESCAPE}|/\\*|${comment}` +
    `|${long.join('|')}` +
    `|(?:${SHORT_KEYWORDS.join('|')})${NOT_ID_AHEAD}` +
    `|${PREFIX_CONTINUED})`
  );
}
/** The two cases of literalOpening, each tried where a candidate starts (sticky). */
const SINGLE_QUOTED_OPENING = new RegExp(
  literalOpening(`(['"])`, `(?:[^\\S\\n]|${SPACE_ESCAPE})*`, '(?:[ \\t\\f\\r]|\\\\[ntrf])', '\\1', false),
  'y',
);
const TRIPLE_QUOTED_OPENING = new RegExp(
  literalOpening(`('''|""")`, `(?:\\s|${SPACE_ESCAPE})*`, '(?:[ \\t\\f\\r\\n]|\\\\[ntrf])', '\\1', true),
  'y',
);

/**
 * The keyword prefixes as a trie: at each prefix, a continuation (an escape that may decode to a
 * letter, a backslash-newline, or a quote that a next literal may follow), the keyword's end, or the
 * next letter of some keyword. One pass of this regex is cheap where the alternation of ~100
 * keyword-led patterns is not.
 */
function keywordTrie(prefix: string): string {
  const alts: string[] = [];
  if (prefix) alts.push(`\\\\(?:${LETTER_ESCAPE_BODY}|\\r|\\n)|['"](?=[\\s\\\\#rRbBfFuUtT'"\\u2060\\u200b])`);
  if (KEYWORDS.has(prefix)) alts.push(NOT_ID_AHEAD);
  for (const c of nextLetters(prefix)) alts.push(keywordClasses(c) + keywordTrie(prefix + c));
  return `(?:${alts.join('|')})`;
}
/**
 * Where SINGLE_QUOTED_OPENING or TRIPLE_QUOTED_OPENING may match: a quote or three, whitespace
 * (line breaks too), then an escape, a comment or a keyword or keyword prefix as they allow it. Each
 * pattern is a superset of theirs (their keyword shapes all start with a trie path), so trying them
 * only here finds every match.
 */
const SQL_LITERAL_CANDIDATE = new RegExp(`(?:'''|"""|['"])(?:\\s|${SPACE_ESCAPE})*(?:${OPENING_ESCAPE}|/\\*|--|${keywordTrie('')})`, 'g');

/**
 * Whether some literal may open with SQL that reads as such on its own: at each candidate, the
 * quote opens a triple-quoted literal if two more follow (Python reads `"""` so), else a single-quoted one.
 */
function hasSqlLiteralOpening(text: string): boolean {
  const candidates = SQL_LITERAL_CANDIDATE;
  candidates.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = candidates.exec(text)) !== null) {
    const at = m.index;
    const q = text.charCodeAt(at);
    const exact = text.charCodeAt(at + 1) === q && text.charCodeAt(at + 2) === q ? TRIPLE_QUOTED_OPENING : SINGLE_QUOTED_OPENING;
    exact.lastIndex = at;
    if (exact.test(text)) return true;
    candidates.lastIndex = at + 1;
  }
  return false;
}

/** What ends a word for sure in decoded text: a character that no identifier or template field continues. */
const DECODED_END = '(?=[^\\w$\\u0080-\\uffff{])';
/**
 * A decoded piece whose opening rules out every run that starts with it, so groupReadsAsSql need
 * not join and tokenize them: the keyword and the tokens refuting it (refutations, or a short
 * keyword not in capitals) lie inside the piece, each followed by a character of it. The SQL
 * tokenizer decides a word from its characters and the one after it, so no text joined after the
 * piece changes them.
 */
const HEAD_REFUTED = new RegExp(
  `^[ \\t\\n\\f\\r\\ufeff]*(?:${[
    ...STATEMENT_KEYWORDS.filter((k) => refutations(k, '', '').length > 0).map(
      (k) => `${keywordClasses(k)}${DECODED_END}(?:${refutations(k, '[ \\t\\n\\f\\r]', DECODED_END, '"[^"]*"(?=[^"])').join('|')})`,
    ),
    `(?!(?:${SHORT_KEYWORDS.join('|')})${DECODED_END})${anyOf(SHORT_KEYWORDS)}${DECODED_END}`,
  ].join('|')})`,
);

/**
 * A call of a cursor method on a receiver of unknown origin needs one of these names in the file
 * (execute, executemany, fetchone, fetchall, fetchmany) as an attribute (recordCall reads it only
 * from `recv.execute(…)`): after a `.` and what Python allows between a dot and a name, as
 * TRIGGER_START has it. Found at their rarer letters x and h. `def execute(`, `execute=True` and a
 * function imported by name (`execute(func, args)`) make no cursor operation.
 */
const EXECUTE_OR_FETCH_WORD = /x(?<=\.(?:[\s\\]|#[^\r\n]*[\r\n])*ex)ecute(?:many)?\b|h(?<=\.(?:[\s\\]|#[^\r\n]*[\r\n])*fetch)(?:one|all|many)\b/;
/**
 * Escapes that may decode to a character of a word trigger (an ASCII letter, `.` or `_`; the search
 * folds ASCII case only): `\x41`-`\x5a`, `\x61`-`\x7a`, `\x2e`, `\x5f`, the same as `\u00XX` and
 * `\U000000XX`, octal `\1XX` (0o100-0o177) and `\56`/`\056`. `\N{…}` decodes to U+FFFD.
 */
const LETTER_ESCAPE = /\\(?:x|u00|U000000)(?:[46][1-9a-fA-F]|[57][0-9aA]|2[eE]|5[fF])|\\(?:1[0-7]{2}|0?56)/;
/** WORD_TRIGGER, EXECUTE_OR_FETCH_WORD or LETTER_ESCAPE: one pass costs what WORD_TRIGGER's alone does. */
const ANY_SIGNAL = new RegExp(`${WORD_TRIGGER.source}|${EXECUTE_OR_FETCH_WORD.source}|${LETTER_ESCAPE.source}`);
const ANY_SIGNAL_FROM = new RegExp(ANY_SIGNAL.source, 'g');
/** A backslash-newline (LF, CRLF or a lone CR, as appendString reads it); one regex to find them, one to drop them. */
const LINE_CONTINUATION = /\\(?:\r\n?|\n)/g;
/** The longest word trigger: a trigger a continuation splits lies within this distance of it. */
const LONGEST_TRIGGER = Math.max(...WORD_TRIGGERS.map((w) => w.length));

/**
 * False only when no literal of the file can read as SQL and no cursor-method call can be made on
 * an unknown receiver (`execOrFetch`: EXECUTE_OR_FETCH_WORD matched): then the string scanner can
 * only find word triggers hidden by escapes (mayHideTrigger). A SQL literal's decoded text opens,
 * after whitespace and SQL comments, with a keyword; its source text then shows that keyword after
 * the quote, or an escape, a comment opener or a continuation into the next literal before it
 * (hasSqlLiteralOpening). A comment closed in a piece (`*\/`) and followed by an opening
 * (COMMENT_CLOSE_OPENING) sends the file to the scanner too.
 */
function mayOpenSql(text: string, execOrFetch: boolean): boolean {
  // a file that may execute SQL goes to the scanner as it is (few files do)
  if (execOrFetch || hasSqlLiteralOpening(text)) return true;
  return text.includes('*/') && COMMENT_CLOSE_OPENING.test(text);
}

/**
 * Whether a literal's value may hold a word trigger its source text does not show. A value differs
 * from the source by escapes (each decodes to one character; only LETTER_ESCAPE ones to a character
 * of a trigger), by backslash-newlines (removed), by CR/CRLF read as LF and, in f-strings, by
 * doubled braces: only the first two can make a trigger appear.
 */
function mayHideTrigger(text: string): boolean {
  return LETTER_ESCAPE.test(text) || hidesTriggerInContinuation(text) || (IMPORT_BY_NAME.test(text) && hidesTriggerAcrossLiterals(text));
}

/**
 * "sq\<newline>lite": a backslash-newline inside a literal disappears from its value. A trigger it
 * splits lies within LONGEST_TRIGGER characters of it (or of the next continuation, when several
 * split it); each such stretch is searched with its continuations removed.
 */
function hidesTriggerInContinuation(text: string): boolean {
  if (!text.includes('\\\n') && !text.includes('\\\r')) return false;
  return hidesTriggerAcross(text, LINE_CONTINUATION);
}

/**
 * A word trigger split between adjacent literals, `import_module("sql" "ite3")`: literalValue joins
 * a group's pieces into one value for the argument of importlib.import_module and __import__ (the
 * analyzer's only reader of a joined value that looks for a trigger; every other reader takes one
 * piece at a time, and SQL is the literal scan's). Only a file naming one of them can call one (an
 * alias of import_module is bound where the name is spelled). What stands between two pieces'
 * contents is a gap (LITERAL_GAP); the stretches around the gaps are searched with them removed.
 * A prefix letter reads as one only before a quote; as a one-letter literal (`"sqli" "t" "e3"`) it
 * is content, so each stretch is also searched with the gaps' letters left in.
 */
function hidesTriggerAcrossLiterals(text: string): boolean {
  return hidesTriggerAcross(text, LITERAL_GAP, true);
}

/** import_module or __import__ (as `import_` and `_module` or `__`), found at the p. */
const IMPORT_BY_NAME = /p(?<=imp)ort(?:_module|__)/;
const IMPORT_BY_NAME_FROM = new RegExp(IMPORT_BY_NAME.source, 'g');
/** ANY_SIGNAL or IMPORT_BY_NAME (signalsOf). */
const SIGNAL_OR_IMPORT = new RegExp(`${ANY_SIGNAL.source}|${IMPORT_BY_NAME.source}`, 'g');
/** What may stand between adjacent literals besides quotes: whitespace, line continuations, comments. */
const GAP_FILLER = '[\\s\\\\\\u2060\\u200b]|#[^\\r\\n]*[\\r\\n]';
/**
 * Closing quotes, GAP_FILLER, the next literal's prefix letters and opening quotes (empty literals
 * on the way too). A trigger split there has one of its characters (a letter, `.` or `_`), or a
 * backslash-newline the value drops, on each side: most quotes of a file (`x = ""`, `f(' ')`) do not.
 */
const LITERAL_GAP = new RegExp(
  `['"](?<=(?:[A-Za-z._]|\\\\(?:\\r\\n?|\\n))['"])(?:['"]|${GAP_FILLER}|[rRbBfFuUtT](?=[rRbBfFuUtT]{0,2}['"]))*['"](?=[A-Za-z._]|\\\\[\\r\\n])`,
  'g',
);
const ALL_LINE_CONTINUATIONS = /\\(?:\r\n?|\n)/g;
const NOT_LETTERS = /[^A-Za-z]/g;

/**
 * Whether removing the matches of `gap` (a global regex) from the text joins a word trigger: a
 * trigger a gap splits lies within LONGEST_TRIGGER characters of it, or of the next gap when
 * several split it. Each such stretch is searched with exactly its gaps taken out; `literals`:
 * also with its line continuations taken out, and once more with the gaps' letters left in.
 */
function hidesTriggerAcross(text: string, gap: RegExp, literals = false): boolean {
  gap.lastIndex = 0;
  let m: RegExpExecArray | null;
  let from = -1;
  let to = -1;
  let gaps: [number, number][] = [];
  const joined = (letters: boolean): string => {
    let out = '';
    let at = from;
    for (const [s, e] of gaps) {
      out += text.slice(at, s);
      if (letters) out += text.slice(s, e).replace(NOT_LETTERS, '');
      at = e;
    }
    out += text.slice(at, to);
    return literals ? out.replace(ALL_LINE_CONTINUATIONS, '') : out;
  };
  const found = (): boolean => hasWordTrigger(joined(false)) || (literals && hasWordTrigger(joined(true)));
  while ((m = gap.exec(text)) !== null) {
    const start = m.index;
    const end = start + m[0].length;
    const a = Math.max(0, start - LONGEST_TRIGGER);
    if (from >= 0 && a > to) {
      if (found()) return true;
      from = -1;
      gaps = [];
    }
    if (from < 0) from = a;
    gaps.push([start, end]);
    to = Math.min(text.length, end + LONGEST_TRIGGER);
  }
  return from >= 0 && found();
}

/**
 * The string scanner's verdict (throws Unsure where it cannot tell). `execWord`: EXECUTE_OR_FETCH_WORD
 * matched (it matches wherever mentionsCodeAttribute finds one of the names); `hiddenTrigger`: what
 * mayHideTrigger said (without it no decoded piece holds a trigger the file's text does not);
 * `sql`: what mayOpenSql said (without it no run of pieces reads as SQL).
 */
function scanLiterals(text: string, execWord: boolean, hiddenTrigger: boolean, sql: boolean, joins: boolean): boolean {
  const scanner = new StringScanner(text);
  scanner.run();
  const budget = { chars: 4 * text.length + (1 << 20) };
  const execOrFetch = execWord && EXECUTE_OR_FETCH.some((w) => mentionsCodeAttribute(text, scanner.notCode, w));
  /** the rest of each statement keyword a bare prefix some literal opens with may begin (`ECT` for `"SEL"`) */
  const remainders = new Set<string>();
  for (const group of scanner.groups) {
    // a group holding bytes is never SQL (appendString refuses it)
    if (group.some((p) => p.bytes)) continue;
    for (let k = 0; hiddenTrigger && k < group.length; k++) {
      const p = group[k]!;
      // without an escape the piece's text is a slice of the file, already searched
      if (!p.fstring && p.translated && hasWordTrigger(pieceText(text, p))) return true;
    }
    if (!sql && !joins) continue;
    const pieces = group.map((p) => pieceText(text, p));
    // the group's value as literalValue joins it, for import_module (hidesTriggerAcrossLiterals)
    if (joins && pieces.length > 1 && hasWordTrigger(pieces.join(''))) return true;
    if (!sql) continue;
    if (groupReadsAsSql(pieces, budget)) return true;
    // SQL assembled at run time (`+`, `%`, format()) starts with one of its literals, joined after
    // whatever else: `"Create a new widget."` cannot start it however it goes on
    if (execOrFetch) {
      for (const piece of pieces) {
        const start = assembledStart(piece);
        if (start === true) return true;
        for (const prefix of start) for (const rest of keywordRests(prefix)) remainders.add(rest);
      }
    }
  }
  // a bare keyword prefix (`"w"`, `"SEL"`) opens SQL only when a literal of this file continues it
  return remainders.size > 0 && scanner.groups.some((g) => g.some((p) => continuesKeyword(pieceText(text, p), remainders)));
}

/** What spells each statement keyword that starts with this prefix after it (`ECT` for `SEL`). */
function keywordRests(prefix: string): string[] {
  return STATEMENT_KEYWORDS.filter((k) => k.length > prefix.length && k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

/**
 * Whether a literal, joined right after a bare keyword prefix, may complete the keyword: the word
 * they make is the keyword only when the literal's value goes on with the rest of it (`"SEL" + "ECT
 * a FROM t"`), or is a start of that rest that more joined text may finish (`"SEL" + "E" + "CT"`).
 * The tokenizer compares the word upper-cased, character by character, as this does (ſ reads as S,
 * ı as I). An empty literal adds nothing, and `"D" + "Event loop is closed"` spells no keyword.
 */
function continuesKeyword(value: string, rests: Set<string>): boolean {
  if (value === '') return false;
  const upper = value.toUpperCase();
  for (const rest of rests) if (upper.startsWith(rest) || rest.startsWith(upper)) return true;
  return false;
}

/**
 * How SQL assembled at run time may start with this piece: with a statement keyword (true), with
 * a keyword prefix the text joined next must complete (the prefixes, upper-cased), or not at all.
 * The analyzer joins only strings it knows, and it knows only this file's literals (a string
 * constant imported from another module is a hole to it; test/perf.test.ts pins this): the text
 * completing a prefix is a literal of this file whose value begins with the next letter.
 */
function assembledStart(piece: string): true | string[] {
  const prefixes: string[] = [];
  for (const head of sqlHeads(piece)) {
    const o = openings(head);
    if (o === true) return true;
    prefixes.push(...o);
  }
  return prefixes;
}

/**
 * The methods that make a call on a receiver of unknown origin a cursor operation
 * (analyzer.ts EXECUTE_METHODS and FETCH_METHODS; executescript is a word trigger of its own).
 * The analyzer reads them as the attribute of a call, an identifier: code, never a comment or a
 * plain literal's text.
 */
const EXECUTE_OR_FETCH = ['execute', 'executemany', 'fetchone', 'fetchall', 'fetchmany'];

/**
 * `word` as a whole identifier outside the ranges (sorted [start, end) pairs) that are not code,
 * and an attribute: a `.` comes before it, with only whitespace, line continuations and comments
 * between (EXECUTE_OR_FETCH_WORD).
 */
function mentionsCodeAttribute(text: string, notCode: number[], word: string): boolean {
  let r = 0;
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    while (r < notCode.length && notCode[r + 1]! <= at) r += 2;
    if (r < notCode.length && notCode[r]! <= at) continue;
    const before = at > 0 ? text.charCodeAt(at - 1) : -1;
    const after = at + word.length < text.length ? text.charCodeAt(at + word.length) : -1;
    if (!(before >= 0 && isIdChar(before)) && !(after >= 0 && isIdChar(after)) && afterDot(text, notCode, at)) return true;
  }
  return false;
}

/** Whether a `.` stands before `at`, past whitespace, backslash-newlines and comments (ranges of notCode opening with `#`). */
function afterDot(text: string, notCode: number[], at: number): boolean {
  let p = at - 1;
  for (;;) {
    if (p < 0) return false;
    const c = text.charCodeAt(p);
    if (c === 0x20 || c === 0x09 || c === 0x0c || c === 0x0a || c === 0x0d || c === 0x5c) {
      p--;
      continue;
    }
    const comment = rangeAt(notCode, p);
    if (comment >= 0 && text.charCodeAt(notCode[comment]!) === 0x23) {
      p = notCode[comment]! - 1;
      continue;
    }
    return c === 0x2e;
  }
}

/** The index in notCode of the range holding `p`, or -1. */
function rangeAt(notCode: number[], p: number): number {
  let lo = 0;
  let hi = notCode.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (notCode[2 * mid + 1]! <= p) lo = mid + 1;
    else if (notCode[2 * mid]! > p) hi = mid - 1;
    else return 2 * mid;
  }
  return -1;
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
