import { diffArrays, diffLines } from 'diff';
import { partitionPoint } from '../util/search.js';

/** One run of a line diff, as jsdiff's diffLines gives it: lines kept, removed or added. */
export interface LineChange {
  value: string;
  count: number;
  added?: boolean;
  removed?: boolean;
}

/**
 * Lines of one side that the other lacks (counted up to this many) before the diff sets them
 * aside. jsdiff's Myers diff costs the length times the number of lines changed: a file whose
 * 6,000 lines all change took 4 s to diff, 20,000 lines about a minute, each time a diff was made
 * (`fix --dry-run` prints one, `report` maps offsets through another; before session 27).
 */
export const UNIQUE_LINES_LIMIT = 1000;

/** The lines of `text` with their line ends (`\n` or `\r\n`), as diffLines splits them. */
export function linesOf(text: string): string[] {
  const parts = text.split(/(\n|\r\n)/);
  if (!parts[parts.length - 1]) parts.pop();
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2) lines[lines.length - 1] += parts[i]!;
    else lines.push(parts[i]!);
  }
  return lines;
}

/**
 * diffLines(before, after), but where more than `limit` lines of either side are missing from the
 * other, those lines are set aside first: a line the other side lacks can be in no common
 * subsequence, so diffing the rest (jsdiff's diffArrays) finds a longest common subsequence of the
 * whole, and the lines set aside fall in between as removed and added. Below the limit the result
 * is jsdiff's own, so ordinary diffs stay as they were.
 */
export function lineChanges(before: string, after: string, limit = UNIQUE_LINES_LIMIT): LineChange[] {
  const a = linesOf(before);
  const b = linesOf(after);
  const inA = new Set(a);
  const inB = new Set(b);
  if (uniqueCount(a, b, inA, inB) <= limit) return diffLines(before, after) as LineChange[];

  const keptA: number[] = [];
  const keptB: number[] = [];
  a.forEach((l, i) => inB.has(l) && keptA.push(i));
  b.forEach((l, i) => inA.has(l) && keptB.push(i));
  // the pairs of lines the two sides share, in order
  const pairs: [number, number][] = [];
  let x = 0;
  let y = 0;
  for (const part of diffArrays(
    keptA.map((i) => a[i]!),
    keptB.map((j) => b[j]!),
  )) {
    const n = part.count ?? part.value.length;
    if (part.added) y += n;
    else if (part.removed) x += n;
    else for (let k = 0; k < n; k++) pairs.push([keptA[x++]!, keptB[y++]!]);
  }

  const out: LineChange[] = [];
  const push = (lines: string[], kind: 'same' | 'removed' | 'added'): void => {
    if (lines.length === 0) return;
    const last = out[out.length - 1];
    const lastKind = last ? (last.added ? 'added' : last.removed ? 'removed' : 'same') : undefined;
    if (last && lastKind === kind) {
      last.value += lines.join('');
      last.count += lines.length;
      return;
    }
    out.push({ value: lines.join(''), count: lines.length, added: kind === 'added', removed: kind === 'removed' });
  };
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...pairs, [a.length, b.length] as [number, number]]) {
    // what lies between two shared lines: removed, then added (as jsdiff puts a replaced block)
    push(a.slice(i, pi), 'removed');
    push(b.slice(j, pj), 'added');
    if (pi < a.length) push([a[pi]!], 'same');
    i = pi + 1;
    j = pj + 1;
  }
  return out;
}

function uniqueCount(a: readonly string[], b: readonly string[], inA: ReadonlySet<string>, inB: ReadonlySet<string>): number {
  let unique = 0;
  for (const l of a) if (!inB.has(l)) unique++;
  for (const l of b) if (!inA.has(l)) unique++;
  return unique;
}

/**
 * The unified diff of `changes` (lineChanges of two texts) with `context` lines around each hunk,
 * as jsdiff's createTwoFilesPatch writes it (headers, hunk ranges, `\ No newline at end of file`).
 */
export function formatUnifiedDiff(oldName: string, newName: string, changes: readonly LineChange[], context: number): string {
  const diff = [...changes.map((c) => ({ ...c, lines: splitLines(c.value) })), { value: '', count: 0, lines: [] as string[] }];
  const hunks: { oldStart: number; oldLines: number; newStart: number; newLines: number; lines: string[] }[] = [];
  let oldRangeStart = 0;
  let newRangeStart = 0;
  let range: string[] = [];
  let oldLine = 1;
  let newLine = 1;
  for (let i = 0; i < diff.length; i++) {
    const current = diff[i]!;
    const lines = current.lines;
    if (current.added || current.removed) {
      if (!oldRangeStart) {
        const prev = diff[i - 1];
        oldRangeStart = oldLine;
        newRangeStart = newLine;
        if (prev) {
          range = context > 0 ? prev.lines.slice(-context).map((l) => ` ${l}`) : [];
          oldRangeStart -= range.length;
          newRangeStart -= range.length;
        }
      }
      for (const line of lines) range.push((current.added ? '+' : '-') + line);
      if (current.added) newLine += lines.length;
      else oldLine += lines.length;
    } else {
      if (oldRangeStart) {
        if (lines.length <= context * 2 && i < diff.length - 2) {
          for (const line of lines) range.push(` ${line}`);
        } else {
          const size = Math.min(lines.length, context);
          for (const line of lines.slice(0, size)) range.push(` ${line}`);
          hunks.push({ oldStart: oldRangeStart, oldLines: oldLine - oldRangeStart + size, newStart: newRangeStart, newLines: newLine - newRangeStart + size, lines: range });
          oldRangeStart = 0;
          newRangeStart = 0;
          range = [];
        }
      }
      oldLine += lines.length;
      newLine += lines.length;
    }
  }
  const out = ['===================================================================', `--- ${oldName}`, `+++ ${newName}`];
  for (const h of hunks) {
    out.push(`@@ -${h.oldLines === 0 ? h.oldStart - 1 : h.oldStart},${h.oldLines} +${h.newLines === 0 ? h.newStart - 1 : h.newStart},${h.newLines} @@`);
    for (const line of h.lines) {
      if (line.endsWith('\n')) out.push(line.slice(0, -1));
      else out.push(line, '\\ No newline at end of file');
    }
  }
  return `${out.join('\n')}\n`;
}

/** `text` in lines that keep their `\n` (the last one without, when the text does not end in one). */
function splitLines(text: string): string[] {
  const result = text.split('\n').map((line) => `${line}\n`);
  if (text.endsWith('\n')) result.pop();
  else result.push(result.pop()!.slice(0, -1));
  return result;
}

/** The `\n` offsets of the last texts asked about (a fix summary asks for many lines of one file). */
const breaksOf: { text: string; breaks: number[] }[] = [];

/**
 * The 1-based line of `offset` in `text`, counting `\n` only. Counting from the start at every call
 * was quadratic in a file's changes (20,000 rewritten statements: 3.2 s of a fix; before session 27).
 */
export function lineNumberAt(text: string, offset: number): number {
  let entry = breaksOf.find((e) => e.text === text);
  if (!entry) {
    const breaks: number[] = [];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) breaks.push(i);
    entry = { text, breaks };
    breaksOf.unshift(entry);
    breaksOf.length = Math.min(breaksOf.length, 2);
  }
  // the number of line ends before offset
  return partitionPoint(entry.breaks, (b) => b < offset) + 1;
}
