import type { RunRefusal } from '../model/run.js';
import { LineIndex } from '../util/lines.js';
import type { FileFix } from './engine.js';
import { offsetMappers } from './offsets.js';

/**
 * What `fix` leaves to a person, placed in the files as they are on disk: refusals are
 * planned against the text of the last edit pass, so their ranges are mapped back; a file
 * whose rewrite failed a check is one manual item of its own.
 */
export function manualItems(fixes: readonly FileFix[], toDiskOf = offsetMappers()): RunRefusal[] {
  const out: RunRefusal[] = [];
  for (const fix of fixes) {
    const before = fix.source.text;
    const lines = new LineIndex(before);
    const place = (start: number, end: number) => {
      const { line, column } = lines.position(start);
      return { file: fix.source.path, line, column, range: { start, end: Math.max(start, end) } };
    };
    if (fix.failure) {
      out.push({
        codemod: 'fix',
        reason: `${fix.failure.check}-check-failed`,
        detail: `the rewrite of this file failed the ${fix.failure.check} check (${fix.failure.detail}); the file is left as it is`,
        ...place(0, 0),
      });
      continue;
    }
    if (fix.refusals.length === 0) continue;
    const toDisk = toDiskOf(fix.source.path, before, fix.text);
    for (const r of fix.refusals) {
      out.push({ codemod: r.codemod, reason: r.reason, detail: r.detail, ...place(toDisk(r.range.start), toDisk(r.range.end)) });
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start - b.range.start || (a.codemod < b.codemod ? -1 : a.codemod > b.codemod ? 1 : 0)));
}
