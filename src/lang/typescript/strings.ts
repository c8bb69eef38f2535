import { ts } from 'ts-morph';
import type { SqlBuilder } from '../../sql/map.js';

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`',
  $: '$',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function isHex(c: string | undefined): boolean {
  return c !== undefined && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

/**
 * Appends the run-time text of one literal chunk (between quotes, or between template
 * delimiters) to the builder, keeping the SQL -> file map exact through escapes.
 * `base` is the file offset of `src[0]`. `template` chunks read a raw CRLF as "\n".
 */
export function appendChunk(out: SqlBuilder, src: string, base: number, template: boolean): void {
  let i = 0;
  let verbatimFrom = 0;
  const flush = (upTo: number) => {
    if (upTo > verbatimFrom) out.verbatim(src.slice(verbatimFrom, upTo), base + verbatimFrom);
  };
  const translate = (text: string, len: number) => {
    flush(i);
    out.translated(text, base + i, base + i + len);
    i += len;
    verbatimFrom = i;
  };
  while (i < src.length) {
    const c = src[i]!;
    // `a\r\nb` in a template literal: the line break reads as "\n"
    if (template && c === '\r') {
      translate('\n', src[i + 1] === '\n' ? 2 : 1);
      continue;
    }
    if (c !== '\\') {
      i++;
      continue;
    }
    const n = src[i + 1];
    if (n === undefined) {
      i++;
      continue;
    }
    // "a\<newline>b": a line continuation adds nothing
    if (n === '\n' || n === '\u2028' || n === '\u2029') {
      translate('', 2);
      continue;
    }
    if (n === '\r') {
      translate('', src[i + 2] === '\n' ? 3 : 2);
      continue;
    }
    const simple = SIMPLE_ESCAPES[n];
    if (simple !== undefined) {
      translate(simple, 2);
      continue;
    }
    // "\x41"
    if (n === 'x' && isHex(src[i + 2]) && isHex(src[i + 3])) {
      translate(String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16)), 4);
      continue;
    }
    // "\u{1F600}" / "\u00e9"
    if (n === 'u') {
      if (src[i + 2] === '{') {
        const close = src.indexOf('}', i + 3);
        const hex = close > 0 ? src.slice(i + 3, close) : '';
        if (hex.length > 0 && [...hex].every(isHex)) {
          const cp = parseInt(hex, 16);
          if (cp <= 0x10ffff) {
            translate(String.fromCodePoint(cp), close + 1 - i);
            continue;
          }
        }
      } else if ([2, 3, 4, 5].every((k) => isHex(src[i + k]))) {
        translate(String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16)), 6);
        continue;
      }
    }
    // "\0" (not followed by a digit)
    if (n === '0' && !(src[i + 2]! >= '0' && src[i + 2]! <= '9')) {
      translate('\0', 2);
      continue;
    }
    // any other escaped character stands for itself: "\q" is "q"
    translate(n, 2);
  }
  flush(src.length);
}

export type JsStringNode = ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateExpression;

export function isJsString(node: ts.Node): node is JsStringNode {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node);
}

/** The file offset where a template part's text starts: after `` ` `` or `}`. */
function partStart(part: ts.Node, sf: ts.SourceFile): number {
  return part.getStart(sf) + 1;
}

/** The file offset where a template part's text ends: before `` ` `` or `${`. */
function partEnd(part: ts.TemplateHead | ts.TemplateMiddle | ts.TemplateTail | ts.NoSubstitutionTemplateLiteral): number {
  const isTail = part.kind === ts.SyntaxKind.TemplateTail || part.kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral;
  return part.end - (isTail ? 1 : 2);
}

/**
 * Appends a string literal or template literal to the builder; `${…}` holes become
 * `hole()`s. Returns the number of holes added.
 */
export function appendJsString(out: SqlBuilder, node: JsStringNode, sf: ts.SourceFile): number {
  const text = sf.text;
  if (ts.isStringLiteral(node)) {
    const start = node.getStart(sf) + 1;
    const end = Math.max(start, node.end - 1);
    appendChunk(out, text.slice(start, end), start, false);
    return 0;
  }
  if (ts.isNoSubstitutionTemplateLiteral(node)) {
    const start = partStart(node, sf);
    appendChunk(out, text.slice(start, partEnd(node)), start, true);
    return 0;
  }
  // `${expr}`: the hole covers the whole substitution, from `${` to `}`
  appendTemplate(out, node, sf, (_span, start, end) => out.hole(start, end));
  return node.templateSpans.length;
}

/**
 * Appends a template literal's text; `onSpan(span, start, end)` appends what each `${…}`
 * stands for, `start` at its `$`, `end` just past its `}`.
 */
export function appendTemplate(out: SqlBuilder, node: ts.TemplateLiteral, sf: ts.SourceFile, onSpan: (span: ts.TemplateSpan, start: number, end: number) => void): void {
  const text = sf.text;
  if (ts.isNoSubstitutionTemplateLiteral(node)) {
    const start = partStart(node, sf);
    appendChunk(out, text.slice(start, partEnd(node)), start, true);
    return;
  }
  const head = node.head;
  const hs = partStart(head, sf);
  appendChunk(out, text.slice(hs, partEnd(head)), hs, true);
  let prev: ts.TemplateHead | ts.TemplateMiddle | ts.TemplateTail = head;
  for (const span of node.templateSpans) {
    const lit = span.literal;
    onSpan(span, partEnd(prev), lit.getStart(sf) + 1);
    const ls = partStart(lit, sf);
    appendChunk(out, text.slice(ls, partEnd(lit)), ls, true);
    prev = lit;
  }
}

/** The run-time value of a literal without holes, or undefined. */
export function literalValue(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return undefined;
}
