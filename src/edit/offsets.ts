import { diffChars } from 'diff';
import type { Offset } from '../model/facts.js';

/**
 * An offset of `after` (the file as `fix` would write it) -> the same place in `before` (the file
 * on disk). Text the fix inserted maps to where it was inserted.
 */
export function offsetMapper(before: string, after: string): (offset: Offset) => Offset {
  if (before === after) return (o) => o;
  const parts = diffChars(before, after);
  // [afterStart, beforeStart, length, same]
  const segments: [number, number, number, boolean][] = [];
  let a = 0;
  let b = 0;
  // `?` -> `%s` comes as removed then added: the new text stands where the old text started
  let replaced: number | undefined;
  for (const p of parts) {
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
  }
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
