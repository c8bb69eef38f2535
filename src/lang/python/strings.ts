import { SqlBuilder } from '../../sql/map.js';
import type { SyntaxNode } from './parser.js';

/** How the decoded literal text is formatted at run time. */
export type FormatMode = 'plain' | 'format' | 'percent';

export interface StringPrefix {
  raw: boolean;
  bytes: boolean;
  fstring: boolean;
}

export function stringPrefix(node: SyntaxNode): StringPrefix {
  const start = node.firstChild;
  const text = start && start.type === 'string_start' ? start.text : node.text.slice(0, 4);
  let raw = false;
  let bytes = false;
  let fstring = false;
  for (const ch of text) {
    if (ch === '"' || ch === "'") break;
    const c = ch.toLowerCase();
    if (c === 'r') raw = true;
    else if (c === 'b') bytes = true;
    else if (c === 'f' || c === 't') fstring = true;
  }
  return { raw, bytes, fstring };
}

/** The [start, end) of a `string` node's content, between its quotes. */
export function contentRange(node: SyntaxNode): { start: number; end: number } {
  const first = node.firstChild;
  const last = node.lastChild;
  const start = first && first.type === 'string_start' ? first.endIndex : node.startIndex;
  const end = last && last.type === 'string_end' ? last.startIndex : node.endIndex;
  return { start, end: Math.max(start, end) };
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function isOctal(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '7';
}
function isHex(c: string | undefined): boolean {
  return c !== undefined && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

/**
 * Appends the run-time text of one literal chunk (no interpolations) to the builder,
 * keeping the SQL -> file map exact through escapes and CRLF.
 * `base` is the file offset of `src[0]`.
 */
function appendChunk(out: SqlBuilder, src: string, base: number, raw: boolean, mode: FormatMode, fstring: boolean): void {
  let i = 0;
  let verbatimFrom = 0;
  const flush = (upTo: number) => {
    if (upTo > verbatimFrom) out.verbatim(src.slice(verbatimFrom, upTo), base + verbatimFrom);
  };
  while (i < src.length) {
    const c = src[i]!;
    // a literal CRLF / CR inside a triple-quoted string reads as "\n" at run time
    if (c === '\r') {
      flush(i);
      const len = src[i + 1] === '\n' ? 2 : 1;
      out.translated('\n', base + i, base + i + len);
      i += len;
      verbatimFrom = i;
      continue;
    }
    if (c === '\\' && !raw) {
      flush(i);
      const next = src[i + 1];
      let len = 2;
      let text: string | undefined;
      if (next === undefined) {
        text = '\\';
        len = 1;
      } else if (next === '\n') {
        text = '';
      } else if (next === '\r') {
        text = '';
        len = src[i + 2] === '\n' ? 3 : 2;
      } else if (SIMPLE_ESCAPES[next] !== undefined) {
        text = SIMPLE_ESCAPES[next];
      } else if (isOctal(next)) {
        let j = i + 1;
        while (j < i + 4 && isOctal(src[j])) j++;
        text = String.fromCharCode(parseInt(src.slice(i + 1, j), 8));
        len = j - i;
      } else if (next === 'x' && isHex(src[i + 2]) && isHex(src[i + 3])) {
        text = String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16));
        len = 4;
      } else if (next === 'u' || next === 'U') {
        const n = next === 'u' ? 4 : 8;
        const digits = src.slice(i + 2, i + 2 + n);
        if (digits.length === n && [...digits].every(isHex)) {
          text = String.fromCodePoint(Math.min(parseInt(digits, 16), 0x10ffff));
          len = 2 + n;
        }
      } else if (next === 'N' && src[i + 2] === '{') {
        const close = src.indexOf('}', i + 3);
        if (close > 0) {
          // \N{NAME}: the character is unknown here; a neutral stand-in keeps offsets honest
          text = '\uFFFD';
          len = close + 1 - i;
        }
      }
      if (text === undefined) {
        // an unknown escape keeps its backslash: "\d" is two characters
        out.verbatim(src.slice(i, i + 2), base + i);
      } else {
        out.translated(text, base + i, base + i + len);
      }
      i += len;
      verbatimFrom = i;
      continue;
    }
    if (fstring && (c === '{' || c === '}') && src[i + 1] === c) {
      // f"{{" is a literal brace
      flush(i);
      out.translated(c, base + i, base + i + 2);
      i += 2;
      verbatimFrom = i;
      continue;
    }
    if (mode === 'format' && (c === '{' || c === '}')) {
      if (src[i + 1] === c) {
        flush(i);
        out.translated(c, base + i, base + i + 2);
        i += 2;
        verbatimFrom = i;
        continue;
      }
      if (c === '{') {
        const close = src.indexOf('}', i + 1);
        if (close > 0) {
          flush(i);
          out.hole(base + i, base + close + 1);
          i = close + 1;
          verbatimFrom = i;
          continue;
        }
      }
    }
    if (mode === 'percent' && c === '%') {
      flush(i);
      if (src[i + 1] === '%') {
        out.translated('%', base + i, base + i + 2);
        i += 2;
      } else {
        // %s, %d, %(name)s, %-10.2f …
        let j = i + 1;
        if (src[j] === '(') {
          const close = src.indexOf(')', j);
          j = close > 0 ? close + 1 : j;
        }
        while (j < src.length && '#0- +*.0123456789hlL'.includes(src[j]!)) j++;
        j = Math.min(src.length, j + 1);
        out.hole(base + i, base + j);
        i = j;
      }
      verbatimFrom = i;
      continue;
    }
    i++;
  }
  flush(src.length);
}

/**
 * Appends a `string` node's run-time value to the builder. Returns false for bytes literals
 * (never SQL text here). f-string fields become holes.
 */
export function appendString(out: SqlBuilder, node: SyntaxNode, source: string, mode: FormatMode = 'plain'): boolean {
  const prefix = stringPrefix(node);
  if (prefix.bytes) return false;
  const { start, end } = contentRange(node);
  if (!prefix.fstring) {
    appendChunk(out, source.slice(start, end), start, prefix.raw, mode, false);
    return true;
  }
  let pos = start;
  for (const child of node.namedChildren) {
    if (child.type !== 'interpolation') continue;
    if (child.startIndex > pos) appendChunk(out, source.slice(pos, child.startIndex), pos, prefix.raw, mode, true);
    out.hole(child.startIndex, child.endIndex);
    pos = child.endIndex;
  }
  if (end > pos) appendChunk(out, source.slice(pos, end), pos, prefix.raw, mode, true);
  return true;
}

/** A database file name, as the end of a trimmed literal value (or of an f-string's raw tail) (analyzer.ts, src/perf/prefilter.ts). */
export const DB_FILE = /\.(db|sqlite|sqlite3|db3)$/i;
/** A SQLite URL, as the start of a trimmed literal value (or of an f-string's raw text). */
export const SQLITE_URL = /^sqlite(\+[A-Za-z0-9_]+)?:/i;

/** The run-time text of a plain (non-f, non-bytes) string node, or undefined. */
export function literalValue(node: SyntaxNode, source: string): string | undefined {
  if (node.type === 'string') {
    const p = stringPrefix(node);
    if (p.bytes || p.fstring) return undefined;
    const b = new SqlBuilder();
    const { start, end } = contentRange(node);
    appendChunk(b, source.slice(start, end), start, p.raw, 'plain', false);
    return b.text;
  }
  if (node.type === 'concatenated_string') {
    let s = '';
    for (const c of node.namedChildren) {
      const v = literalValue(c, source);
      if (v === undefined) return undefined;
      s += v;
    }
    return s;
  }
  if (node.type === 'parenthesized_expression' && node.namedChildCount === 1) {
    return literalValue(node.namedChildren[0]!, source);
  }
  return undefined;
}
