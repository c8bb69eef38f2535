import type { Edit } from '../model/codemod.js';
import type { FileFacts, Range, StatementPos } from '../model/facts.js';

/** Small helpers for codemods that write Python: literals, line breaks, import lines. */

/** A Python string literal for a plain value: `"trades"`. */
export function pyString(value: string): string {
  let out = '"';
  for (const ch of value) {
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else out += ch;
  }
  return `${out}"`;
}

/** The line break the statement's line ends with (`\r\n` files stay `\r\n`); `\n` by default. */
export function lineBreakOf(text: string, pos: StatementPos): string {
  const end = pos.lines.end;
  if (text[end - 1] === '\n') return text[end - 2] === '\r' ? '\r\n' : '\n';
  if (text[end - 1] === '\r') return '\r';
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}

/** Whether the file already has this exact import statement (whitespace aside) outside functions. */
export function hasImport(facts: FileFacts, line: string): boolean {
  const want = squash(line);
  return (facts.importStatements ?? []).some((s) => squash(s.text) === want);
}

function squash(s: string): string {
  return s.trim().split(/\s+/).join(' ');
}

/** `line` as a statement of its own on the line after `pos`, with the same indentation. */
export function insertLineAfter(text: string, pos: StatementPos, line: string): Edit {
  const nl = lineBreakOf(text, pos);
  const at = pos.lines.end;
  const endsWithBreak = at > 0 && (text[at - 1] === '\n' || text[at - 1] === '\r');
  return { range: { start: at, end: at }, text: endsWithBreak ? `${pos.indent}${line}${nl}` : `${nl}${pos.indent}${line}` };
}

/** `line` as a statement of its own on the line before `pos`, with the same indentation. */
export function insertLineBefore(text: string, pos: StatementPos, line: string): Edit {
  return { range: { start: pos.lines.start, end: pos.lines.start }, text: `${pos.indent}${line}${lineBreakOf(text, pos)}` };
}

export function within(inner: Range, outer: Range): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

/** 1-based line of an offset, for refusal details. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
