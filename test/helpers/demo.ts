import { allRules } from '../../rules/index.js';
import type { Finding } from '../../src/model/finding.js';
import type { RunResult } from '../../src/model/run.js';
import { anchorLinesFor, compare, describe, parseAnnotations } from './annotations.js';
import { read } from './paths.js';

export function languageOf(file: string): 'python' | 'javascript' | 'typescript' | 'text' {
  if (file.endsWith('.py')) return 'python';
  if (/\.(ts|mts|cts|tsx)$/.test(file)) return 'typescript';
  if (/\.(js|mjs|cjs|jsx)$/.test(file)) return 'javascript';
  return 'text';
}

export interface AnnotatedCheck {
  matched: number;
  missing: number;
  noisy: number;
  /** empty when the run reports exactly the annotated findings */
  report: string;
  /** one line with precision and recall, for the test log */
  summary: string;
}

/** Every finding of every rule against the annotations of the files a run scanned (or reported). */
export function checkAnnotated(name: string, run: RunResult): AnnotatedCheck {
  const all = new Set(allRules.map((r) => r.id));
  const byFile = new Map<string, Finding[]>();
  for (const f of run.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  let matched = 0;
  let missing = 0;
  let noisy = 0;
  const reports: string[] = [];
  for (const file of [...new Set([...run.files.map((f) => f.path), ...byFile.keys()])].sort()) {
    const text = read(file);
    const result = compare(parseAnnotations(text), byFile.get(file) ?? [], all, anchorLinesFor(text, languageOf(file), file));
    matched += result.matched;
    missing += result.missing.length;
    noisy += result.unexpected.length;
    const d = describe(file, result);
    if (d) reports.push(d);
  }
  const precision = matched / Math.max(1, matched + noisy);
  const recall = matched / Math.max(1, matched + missing);
  const summary = `${name}: ${matched} annotated findings reported, ${missing} missed, ${noisy} not annotated — precision ${(precision * 100).toFixed(1)}%, recall ${(recall * 100).toFixed(1)}%`;
  return { matched, missing, noisy, report: reports.join('\n'), summary };
}
