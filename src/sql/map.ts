import type { Offset, Range, SqlRun, SqlString } from '../model/facts.js';

/** Builds the run list of an SqlString piece by piece, in SQL order. */
export class SqlBuilder {
  text = '';
  readonly map: SqlRun[] = [];
  readonly holes: Range[] = [];

  /** Text that stands in the file verbatim at `fileStart`. */
  verbatim(text: string, fileStart: Offset): void {
    if (text.length === 0) return;
    const last = this.map[this.map.length - 1];
    if (last && last.verbatim && last.sqlStart + last.length === this.text.length && last.fileStart + last.length === fileStart) {
      last.length += text.length;
    } else {
      this.map.push({ sqlStart: this.text.length, fileStart, length: text.length, verbatim: true });
    }
    this.text += text;
  }

  /** SQL text produced by a source span that is not the same text (an escape sequence). */
  translated(text: string, fileStart: Offset, fileEnd: Offset): void {
    if (text.length === 0) return;
    this.map.push({ sqlStart: this.text.length, fileStart, length: text.length, verbatim: false, fileEnd });
    this.text += text;
  }

  /** A value known only at run time, standing at [fileStart, fileEnd) in the file. */
  hole(fileStart: Offset, fileEnd: Offset): void {
    const start = this.text.length;
    this.translated(HOLE_TEXT, fileStart, fileEnd);
    this.holes.push({ start, end: this.text.length });
  }
}

/** What a dynamic hole reads as in SQL text: an identifier-shaped stand-in. */
export const HOLE_TEXT = '__pgready_hole__';

function runAt(map: SqlRun[], sqlOffset: Offset): SqlRun | undefined {
  let lo = 0;
  let hi = map.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const run = map[mid]!;
    if (sqlOffset < run.sqlStart) hi = mid - 1;
    else if (sqlOffset >= run.sqlStart + run.length) lo = mid + 1;
    else return run;
  }
  return undefined;
}

/** The file offset where SQL offset `s` starts. */
export function fileOffsetOf(map: SqlRun[], s: Offset): Offset {
  const run = runAt(map, s);
  if (!run) {
    const last = map[map.length - 1];
    if (!last) return 0;
    return last.verbatim ? last.fileStart + last.length : (last.fileEnd ?? last.fileStart);
  }
  return run.verbatim ? run.fileStart + (s - run.sqlStart) : run.fileStart;
}

/** Maps a SQL range to the file range that produced it. */
export function toFileRange(sql: Pick<SqlString, 'map'>, r: Range): Range {
  const start = fileOffsetOf(sql.map, r.start);
  if (r.end <= r.start) return { start, end: start };
  const lastRun = runAt(sql.map, r.end - 1);
  let end: Offset;
  if (!lastRun) end = fileOffsetOf(sql.map, r.end);
  else if (lastRun.verbatim) end = lastRun.fileStart + (r.end - 1 - lastRun.sqlStart) + 1;
  else end = lastRun.fileEnd ?? lastRun.fileStart + 1;
  return { start, end: Math.max(start, end) };
}

/** True when every SQL character of `r` stands verbatim in the file (so it can be replaced in place). */
export function isVerbatim(sql: Pick<SqlString, 'map'>, r: Range): boolean {
  for (let s = r.start; s < r.end; ) {
    const run = runAt(sql.map, s);
    if (!run || !run.verbatim) return false;
    s = run.sqlStart + run.length;
  }
  return true;
}
