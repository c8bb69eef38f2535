import type { PlaceholderKind, Range, SqlToken, SqlTokenType } from '../model/facts.js';
import { isSqliteKeyword } from './keywords.js';

/*
 * A SQLite tokenizer modelled on sqlite3GetToken() in SQLite's tokenize.c. It works on JS strings
 * (UTF-16 code units): every code unit >= 0x80 counts as an identifier character, as every byte
 * >= 0x80 does in SQLite's UTF-8 scanner, so non-ASCII names stay single tokens.
 * Differences from SQLite, all deliberate:
 * - the text never ends at a NUL character: NUL is an ordinary illegal character here;
 * - `#name` (a variable only legal in SQLite's nested parses) is an illegal `#` followed by a name;
 * - run-time holes (see HOLE_TEXT in map.ts) outside quotes and comments become 'hole' tokens.
 */

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** SQLite's IdChar(): letters, digits, `_`, `$` and anything non-ASCII. */
function isIdChar(c: number): boolean {
  return isAlpha(c) || isDigit(c) || c === 0x5f || c === 0x24 || c >= 0x80;
}

/** Characters that may start an identifier (SQLite's CC_ID, CC_KYWD, CC_X and non-ASCII classes). */
function isIdStart(c: number): boolean {
  return isAlpha(c) || c === 0x5f || c >= 0x80;
}

/** Space, \t, \n, \f, \r start whitespace; \v only continues it (SQLite's aiClass vs sqlite3Isspace). */
function isSpaceStart(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
}

function isSpace(c: number): boolean {
  return isSpaceStart(c) || c === 0x0b;
}

const ONE_CHAR_PUNCTUATION = new Set(['(', ')', ',', ';']);
const ONE_CHAR_OPERATORS = new Set(['+', '*', '%', '&', '~']);

interface Scan {
  type: SqlTokenType;
  end: number;
  placeholder?: PlaceholderKind;
  quote?: '"' | '[' | '`';
}

/**
 * Scans one token starting at `i`. Scanners of unquoted tokens never run past `limit` (the start of
 * the next hole); quoted tokens and comments may contain holes.
 */
function scan(text: string, i: number, limit: number): Scan {
  const n = text.length;
  const c = text.charCodeAt(i);
  const ch = text[i]!;
  const at = (k: number): number => (k < n ? text.charCodeAt(k) : -1);

  // a byte-order mark is whitespace to SQLite (its CC_BOM class)
  if (c === 0xfeff) return { type: 'whitespace', end: i + 1 };
  if (isSpaceStart(c)) {
    let j = i + 1;
    while (j < limit && isSpace(text.charCodeAt(j))) j++;
    return { type: 'whitespace', end: j };
  }
  switch (ch) {
    case '-': {
      // -- comment, up to (not including) the newline
      if (at(i + 1) === 0x2d) {
        let j = i + 2;
        while (j < n && text.charCodeAt(j) !== 0x0a) j++;
        return { type: 'comment', end: j };
      }
      // -> and ->>
      if (at(i + 1) === 0x3e) return { type: 'operator', end: at(i + 2) === 0x3e ? i + 3 : i + 2 };
      return { type: 'operator', end: i + 1 };
    }
    case '/': {
      // /* comment */, unterminated runs to the end of the text
      if (at(i + 1) === 0x2a) {
        const close = text.indexOf('*/', i + 2);
        return { type: 'comment', end: close < 0 ? n : close + 2 };
      }
      return { type: 'operator', end: i + 1 };
    }
    case '=':
      return { type: 'operator', end: at(i + 1) === 0x3d ? i + 2 : i + 1 };
    case '<': {
      const d = at(i + 1);
      // <= <> <<
      return { type: 'operator', end: d === 0x3d || d === 0x3e || d === 0x3c ? i + 2 : i + 1 };
    }
    case '>': {
      const d = at(i + 1);
      // >= >>
      return { type: 'operator', end: d === 0x3d || d === 0x3e ? i + 2 : i + 1 };
    }
    case '!':
      // != ; a lone ! is illegal in SQLite
      return at(i + 1) === 0x3d ? { type: 'operator', end: i + 2 } : { type: 'error', end: i + 1 };
    case '|':
      return { type: 'operator', end: at(i + 1) === 0x7c ? i + 2 : i + 1 };
    case "'":
    case '"':
    case '`':
      return scanQuoted(text, i, ch);
    case '[': {
      // [identifier] has no escape; unterminated is illegal to the end
      const close = text.indexOf(']', i + 1);
      return close < 0 ? { type: 'error', end: n } : { type: 'quoted-identifier', end: close + 1, quote: '[' };
    }
    case '.':
      if (!isDigit(at(i + 1)) || i + 1 >= limit) return { type: 'punctuation', end: i + 1 };
      return scanNumber(text, i, limit);
    case '?': {
      // ? and ?NNN
      let j = i + 1;
      while (j < limit && isDigit(text.charCodeAt(j))) j++;
      return { type: 'placeholder', end: j, placeholder: j > i + 1 ? 'qmark-numbered' : 'qmark' };
    }
    case ':':
    case '@':
    case '$':
      return scanVariable(text, i, limit);
  }
  if (ONE_CHAR_PUNCTUATION.has(ch)) return { type: 'punctuation', end: i + 1 };
  if (ONE_CHAR_OPERATORS.has(ch)) return { type: 'operator', end: i + 1 };
  if (isDigit(c)) return scanNumber(text, i, limit);
  // x'AB' blob literal
  if ((ch === 'x' || ch === 'X') && at(i + 1) === 0x27) return scanBlob(text, i);
  if (isIdStart(c)) {
    let j = i + 1;
    while (j < limit && isIdChar(text.charCodeAt(j))) j++;
    const upper = text.slice(i, j).toUpperCase();
    return { type: isSqliteKeyword(upper) ? 'keyword' : 'identifier', end: j };
  }
  return { type: 'error', end: i + 1 };
}

/** '…' string, "…" / `…` identifiers; a doubled delimiter escapes it. Unterminated: illegal to the end. */
function scanQuoted(text: string, i: number, delim: string): Scan {
  let j = i + 1;
  for (;;) {
    const k = text.indexOf(delim, j);
    if (k < 0) return { type: 'error', end: text.length };
    if (text[k + 1] === delim) {
      j = k + 2;
      continue;
    }
    if (delim === "'") return { type: 'string', end: k + 1 };
    return { type: 'quoted-identifier', end: k + 1, quote: delim === '"' ? '"' : '`' };
  }
}

function scanBlob(text: string, i: number): Scan {
  let j = i + 2;
  while (j < text.length && isHexDigit(text.charCodeAt(j))) j++;
  // x'ABC' (odd length) or x'AG' is illegal up to and including the closing quote
  const ok = text[j] === "'" && (j - i - 2) % 2 === 0;
  if (!ok) {
    while (j < text.length && text[j] !== "'") j++;
  }
  if (j < text.length) j++;
  return { type: ok ? 'blob' : 'error', end: j };
}

/** Digits with SQLite 3.46's `_` separators between them (`1_000`). */
function skipDigits(text: string, j: number, limit: number): number {
  while (j < limit) {
    const c = text.charCodeAt(j);
    if (isDigit(c)) j++;
    else if (c === 0x5f && j > 0 && isDigit(text.charCodeAt(j - 1)) && j + 1 < limit && isDigit(text.charCodeAt(j + 1))) j++;
    else break;
  }
  return j;
}

/** 123, 1.5, .5, 1e10, 2.5E-3, 0x1F; a number running into identifier characters (`12abc`) is illegal. */
function scanNumber(text: string, i: number, limit: number): Scan {
  const at = (k: number): number => (k < limit ? text.charCodeAt(k) : -1);
  let j: number;
  if (text[i] === '0' && (at(i + 1) === 0x78 || at(i + 1) === 0x58) && isHexDigit(at(i + 2))) {
    j = i + 3;
    while (j < limit && isHexDigit(text.charCodeAt(j))) j++;
  } else {
    j = skipDigits(text, i, limit);
    if (at(j) === 0x2e) j = skipDigits(text, j + 1, limit);
    const e = at(j);
    if ((e === 0x65 || e === 0x45) && (isDigit(at(j + 1)) || ((at(j + 1) === 0x2b || at(j + 1) === 0x2d) && isDigit(at(j + 2))))) {
      j = skipDigits(text, j + 2, limit);
    }
  }
  let type: SqlTokenType = 'number';
  while (j < limit && isIdChar(text.charCodeAt(j))) {
    type = 'error';
    j++;
  }
  return { type, end: j };
}

/** :name @name $name, with Tcl-style `::` segments and a trailing `(…)` suffix (`$a::b(c)`). */
function scanVariable(text: string, i: number, limit: number): Scan {
  const kind: PlaceholderKind = text[i] === ':' ? 'named-colon' : text[i] === '@' ? 'named-at' : 'named-dollar';
  let nameChars = 0;
  let j = i + 1;
  let type: SqlTokenType = 'placeholder';
  while (j < limit) {
    const c = text.charCodeAt(j);
    if (isIdChar(c)) {
      nameChars++;
      j++;
    } else if (c === 0x28 && nameChars > 0) {
      // $a(b c) is illegal: the suffix ends at whitespace
      j++;
      while (j < limit && !isSpace(text.charCodeAt(j)) && text[j] !== ')') j++;
      if (j < limit && text[j] === ')') j++;
      else type = 'error';
      break;
    } else if (c === 0x3a && j + 1 < limit && text[j + 1] === ':') {
      j += 2;
    } else {
      break;
    }
  }
  if (nameChars === 0) type = 'error';
  return type === 'placeholder' ? { type, end: j, placeholder: kind } : { type, end: j };
}

/**
 * The type of the first token of `text` that is neither whitespace nor a comment (tokenize's, with
 * no holes), scanning no further; undefined when there is none.
 */
export function firstSignificantType(text: string): SqlTokenType | undefined {
  for (let i = 0; i < text.length; ) {
    const s = scan(text, i, text.length);
    if (s.type !== 'whitespace' && s.type !== 'comment') return s.type;
    i = Math.max(s.end, i + 1);
  }
  return undefined;
}

/**
 * Tokenizes SQLite SQL. The tokens cover `text` exactly: their texts concatenate to it.
 * `holes` are SQL ranges of run-time values; one starting outside a quoted token or comment
 * becomes a single 'hole' token.
 */
export function tokenize(text: string, holes: Range[] = []): SqlToken[] {
  const starts = holes
    .filter((h) => h.end > h.start && h.start >= 0 && h.end <= text.length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const tokens: SqlToken[] = [];
  let h = 0;
  let i = 0;
  while (i < text.length) {
    while (h < starts.length && starts[h]!.start < i) h++;
    const hole = starts[h];
    if (hole && hole.start === i) {
      tokens.push({ type: 'hole', start: i, end: hole.end, text: text.slice(i, hole.end) });
      i = hole.end;
      continue;
    }
    const limit = hole ? hole.start : text.length;
    const s = scan(text, i, limit);
    const end = Math.max(s.end, i + 1);
    const token: SqlToken = { type: s.type, start: i, end, text: text.slice(i, end) };
    if (s.type === 'keyword' || s.type === 'identifier') token.upper = token.text.toUpperCase();
    if (s.quote) token.quote = s.quote;
    if (s.placeholder) token.placeholder = s.placeholder;
    tokens.push(token);
    i = end;
  }
  return tokens;
}
