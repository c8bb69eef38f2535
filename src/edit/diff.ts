import { formatUnifiedDiff, lineChanges, lineNumberAt } from './line-diff.js';
import type { Change, Refusal } from '../model/codemod.js';
import type { FileFix } from './engine.js';

/** A unified diff of one file, `a/<path>` against `b/<path>`, 3 lines of context; '' when equal. */
export function unifiedDiff(path: string, before: string, after: string): string {
  if (before === after) return '';
  // written as jsdiff's createTwoFilesPatch writes it, from one line diff (line-diff.ts)
  return formatUnifiedDiff(`a/${path}`, `b/${path}`, lineChanges(before, after), 3);
}

/** 0-based lines of `after` that differ from `before` (added or changed). */
export function changedLines(before: string, after: string): Set<number> {
  const lines = new Set<number>();
  let line = 0;
  for (const part of lineChanges(before, after)) {
    const count = part.count;
    if (part.added) for (let i = 0; i < count; i++) lines.add(line + i);
    if (!part.removed) line += count;
  }
  return lines;
}

export interface ManualItem {
  path: string;
  /** 1-based line in the text the report refers to (the fixed text when it was written) */
  line: number;
  codemod: string;
  reason: string;
  detail: string;
}

export interface PendingUnsafe {
  path: string;
  line: number;
  codemod: string;
  title: string;
}

export interface FixFileReport {
  path: string;
  diff: string;
  changed: boolean;
  /** the failed check, when the file was left untouched */
  failure?: { check: string; detail: string };
}

/** What `fix` did or would do, for the reporters: plain data, sorted. */
export interface FixSummary {
  files: FixFileReport[];
  filesChanged: number;
  /** edits applied, by codemod name */
  editsByCodemod: Record<string, number>;
  changesBySafety: { safe: number; unsafe: number };
  pendingUnsafe: PendingUnsafe[];
  /** unsafe changes that were applied (--unsafe-fixes), labelled in the report */
  appliedUnsafe: PendingUnsafe[];
  manual: ManualItem[];
}


function byPathLine<T extends { path: string; line: number }>(a: T, b: T): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line;
}

/** Diffs and counts for a set of fixed files (in any order; the summary is sorted by path). */
export function summariseFixes(fixes: readonly FileFix[]): FixSummary {
  const files: FixFileReport[] = [];
  const editsByCodemod: Record<string, number> = {};
  const changesBySafety = { safe: 0, unsafe: 0 };
  const pendingUnsafe: PendingUnsafe[] = [];
  const appliedUnsafe: PendingUnsafe[] = [];
  const manual: ManualItem[] = [];
  const sorted = [...fixes].sort((a, b) => (a.source.path < b.source.path ? -1 : a.source.path > b.source.path ? 1 : 0));
  for (const fix of sorted) {
    const path = fix.source.path;
    const changed = fix.text !== fix.source.text;
    const report: FixFileReport = { path, diff: unifiedDiff(path, fix.source.text, fix.text), changed };
    if (fix.failure) report.failure = { ...fix.failure };
    if (changed || fix.failure) files.push(report);
    for (const c of fix.applied) {
      editsByCodemod[c.codemod] = (editsByCodemod[c.codemod] ?? 0) + c.edits.length;
      changesBySafety[c.safety]++;
      if (c.safety === 'unsafe') appliedUnsafe.push({ path, line: c.line, codemod: c.codemod, title: c.title });
    }
    for (const c of fix.pendingUnsafe) pendingUnsafe.push({ path, line: lineNumberAt(fix.text, firstStart(c)), codemod: c.codemod, title: c.title });
    // one SQL constant executed at two call sites is refused twice: report it once
    const seen = new Set<string>();
    for (const r of fix.refusals) {
      const key = `${r.range.start}:${r.range.end}:${r.codemod}:${r.reason}:${r.detail}`;
      if (seen.has(key)) continue;
      seen.add(key);
      manual.push(manualItem(path, fix.text, r));
    }
  }
  const codemodsSorted: Record<string, number> = {};
  for (const k of Object.keys(editsByCodemod).sort()) codemodsSorted[k] = editsByCodemod[k]!;
  return {
    files,
    filesChanged: files.filter((f) => f.changed).length,
    editsByCodemod: codemodsSorted,
    changesBySafety,
    pendingUnsafe: pendingUnsafe.sort(byPathLine),
    appliedUnsafe: appliedUnsafe.sort(byPathLine),
    manual: manual.sort((a, b) => byPathLine(a, b) || (a.codemod < b.codemod ? -1 : a.codemod > b.codemod ? 1 : 0)),
  };
}

function firstStart(c: Change): number {
  return c.edits.reduce((m, e) => Math.min(m, e.range.start), Number.POSITIVE_INFINITY);
}

function manualItem(path: string, text: string, r: Refusal): ManualItem {
  return { path, line: lineNumberAt(text, r.range.start), codemod: r.codemod, reason: r.reason, detail: r.detail };
}
