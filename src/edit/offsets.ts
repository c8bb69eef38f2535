import { diffChars } from 'diff';
import { lineChanges, linesOf } from './line-diff.js';
import type { Offset } from '../model/facts.js';

/**
 * An offset of `after` (the file as `fix` would write it) -> the same place in `before` (the file
 * on disk). Text the fix inserted maps to where it was inserted.
 */
export function offsetMapper(before: string, after: string): (offset: Offset) => Offset {
  if (before === after) return (o) => o;
  // [afterStart, beforeStart, length, same]
  const segments: [number, number, number, boolean][] = [];
  let a = 0;
  let b = 0;
  // `?` -> `%s` comes as removed then added: the new text stands where the old text started
  let replaced: number | undefined;
  const take = (p: { value: string; added?: boolean; removed?: boolean }): void => {
    const n = p.value.length;
    if (p.added) {
      segments.push([a, replaced ?? b, n, false]);
      a += n;
    } else if (p.removed) {
      replaced ??= b;
      b += n;
    } else {
      replaced = undefined;
      segments.push([a, b, n, true]);
      a += n;
      b += n;
    }
  };
  // lines first, then characters within each run of changed lines: diffChars over a whole file
  // took 8 ms a file on the dense corpus (its cost grows with the file's length times its edits),
  // 16 of report's 36 s on 2,000 files (before session 26)
  let removed = '';
  let added = '';
  const flush = (): void => {
    if (removed === '' && added === '') return;
    // as many lines on each side (a rewrite within lines, the usual case): line by line, which also
    // keeps a run of thousands of changed lines from one character diff the size of the run (its
    // cost grows with the run's length times its edits: before session 27, report on a file whose
    // 20,000 lines all changed ran for more than 15 minutes)
    const was = linesOf(removed);
    const now = linesOf(added);
    if (was.length === now.length && was.length > 1) for (let i = 0; i < was.length; i++) for (const p of diffChars(was[i]!, now[i]!)) take(p);
    else for (const p of diffChars(removed, added)) take(p);
    removed = '';
    added = '';
  };
  for (const p of lineChanges(before, after)) {
    if (p.added) added += p.value;
    else if (p.removed) removed += p.value;
    else {
      flush();
      take(p);
    }
  }
  flush();
  return (o) => {
    let lo = 0;
    let hi = segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [as, bs, n, same] = segments[mid]!;
      if (o < as) hi = mid - 1;
      else if (o >= as + n) lo = mid + 1;
      else return same ? bs + (o - as) : bs;
    }
    return o >= a ? b : Math.min(o, before.length);
  };
}

/**
 * offsetMapper made once for each file (`key`) however often it is asked for: fix's outcome maps
 * a file's findings and then its refusals, and each diff of a file cost as much again.
 */
export function offsetMappers(): (key: string, before: string, after: string) => (offset: Offset) => Offset {
  const made = new Map<string, (offset: Offset) => Offset>();
  return (key, before, after) => {
    let mapper = made.get(key);
    if (!mapper) {
      mapper = offsetMapper(before, after);
      made.set(key, mapper);
    }
    return mapper;
  };
}
