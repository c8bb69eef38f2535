import { isAbsolute, relative, sep } from 'node:path';
import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';
import { CATEGORIES } from '../model/finding.js';
import type { Finding, Severity } from '../model/finding.js';
import type { RunResult } from '../model/run.js';
import { sortFindings } from '../runner.js';
import { LineIndex } from '../util/lines.js';
import type { Reporter, ReportOptions } from './types.js';

const LABEL_WIDTH = 20;

/**
 * The terminal report: each finding as `path:line:col  ID name  message` with a one-line code
 * frame, in file order, then a summary ending with the run's time.
 */
export const pretty: Reporter = (run, opts) => prettyBody(run, opts) + prettyTime(run.durationMs);

/**
 * The terminal report but for its last row, the run's time: a function of the audit's inputs and
 * of the colour alone, which a warm run may print again (src/perf/report-cache.ts).
 */
export function prettyBody(run: RunResult, opts: ReportOptions): string {
  // Level 1 (16 colours) whenever colour is on: the same bytes on every terminal.
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  // one gutter width per file, so the bars of a file line up
  const gutters = new Map<string, number>();
  const findings = sortFindings(run.findings);
  for (const f of findings) gutters.set(f.file, Math.max(gutters.get(f.file) ?? 1, String(f.line).length));
  // findings come file by file: one file's line index and lines at a time, its lines then one string.
  // Every file's index and every line kept to the end were what a large report's scavenges copied
  // (2,000 dense files: 9.7 MB of report, 10-20 ms a scavenge at the end of the run)
  let file: string | undefined;
  let idx: LineIndex | null = null;
  let lines: string[] = [];
  for (const f of findings) {
    if (f.file !== file) {
      if (lines.length > 0) out.push(lines.join('\n'));
      lines = [];
      file = f.file;
      const text = opts.sources?.get(file);
      idx = text === undefined ? null : new LineIndex(text);
    }
    lines.push(headline(f, opts, c), ...frame(f, idx, gutters.get(f.file) ?? 1, c), '');
  }
  if (lines.length > 0) out.push(lines.join('\n'));

  if (run.summary.findings === 0 && run.summary.filesWithSqlite === 0) {
    out.push(c.green('No SQLite usage found.'), '');
  } else if (run.summary.findings === 0) {
    out.push(c.green('No findings.'), '');
  }
  out.push(...summary(run, opts, c));
  return `${out.join('\n')}\n`;
}

/** The terminal report's last row: how long the run took. */
export function prettyTime(durationMs: number): string {
  return `${row('Time', duration(durationMs))}\n`;
}

function row(label: string, value: string): string {
  return `${label.padEnd(LABEL_WIDTH)}${value}`;
}

function headline(f: Finding, opts: ReportOptions, c: ChalkInstance): string {
  const where = c.bold(`${displayPath(f.file, opts.cwd)}:${f.line}:${f.column}`);
  return `${where}  ${severityColour(f.severity, c)(f.ruleId)} ${c.dim(f.ruleName)}  ${f.message}`;
}

/**
 * The start line with carets under the finding's range. Columns are UTF-16 code units; tabs before
 * the range are repeated in the caret line so the carets stay under the text in a terminal.
 */
function frame(f: Finding, idx: LineIndex | null, gutter: number, c: ChalkInstance): string[] {
  const bar = (label: string): string => c.dim(` ${label.padStart(gutter)} |`);
  if (!idx) return f.snippet ? [`${bar(String(f.line))} ${f.snippet}`] : [];
  const line = idx.lineText(f.line);
  const start = Math.min(Math.max(1, f.column), line.length + 1) - 1;
  const end = f.endLine === f.line ? Math.min(f.endColumn - 1, line.length) : line.length;
  const { text, from, to } = windowed(line, start, end);
  const width = Math.max(1, to - from);
  let pad = '';
  for (let i = 0; i < from; i++) pad += text[i] === '\t' ? '\t' : ' ';
  const carets = severityColour(f.severity, c)('^'.repeat(width));
  return [`${bar(String(f.line))} ${text}`, `${bar('')} ${pad}${carets}`];
}

/** A line longer than this many code units is shown in part, around the finding. */
const FRAME_WIDTH = 160;
/** How much of the line before the finding such a part shows. */
const FRAME_LEAD = 40;

/**
 * The part of `line` shown for a finding from `from` to `to`: all of it when it is short; else
 * FRAME_WIDTH code units from a little before the finding, with `…` where the line goes on. A
 * generated or minified line of a megabyte printed whole, with a caret line as long, made a 13 MB
 * terminal report of one file's six findings (before session 26).
 */
function windowed(line: string, from: number, to: number): { text: string; from: number; to: number } {
  if (line.length <= FRAME_WIDTH) return { text: line, from, to };
  let start = Math.max(0, Math.min(from - FRAME_LEAD, line.length - FRAME_WIDTH));
  // never half of a surrogate pair
  if (start > 0 && isLowSurrogate(line.charCodeAt(start))) start++;
  let end = Math.min(line.length, start + FRAME_WIDTH);
  if (end < line.length && isLowSurrogate(line.charCodeAt(end))) end++;
  const before = start > 0 ? '…' : '';
  const text = `${before}${line.slice(start, end)}${end < line.length ? '…' : ''}`;
  const shift = before.length - start;
  return { text, from: from + shift, to: Math.min(to, end) + shift };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

function summary(run: RunResult, opts: ReportOptions, c: ChalkInstance): string[] {
  const s = run.summary;
  const lines = [row('Files scanned', String(s.filesScanned)), row('Files using SQLite', String(s.filesWithSqlite))];

  const bySeverity = (['error', 'warning', 'info'] as const)
    .map((sev) => severityColour(sev, c)(plural(s.bySeverity[sev], sev, sev === 'info' ? 'info' : `${sev}s`)))
    .join(', ');
  lines.push(row('Findings', s.findings === 0 ? '0' : `${s.findings} (${bySeverity})`));
  for (const cat of CATEGORIES) {
    const n = s.byCategory[cat] ?? 0;
    if (n > 0) lines.push(row(`  ${cat}`, String(n)));
  }

  const recovered = run.recovered ?? [];
  if (recovered.length > 0) {
    lines.push(row('Syntax errors', `${recovered.length} file(s) parsed with recovery; findings there may be incomplete`));
    for (const r of recovered) lines.push(`  ${displayPath(r.path, opts.cwd)}:${r.line}  ${c.yellow(r.message)}`);
  }
  lines.push(row('Skipped', String(s.skipped)));
  for (const k of [...run.skipped].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    lines.push(`  ${displayPath(k.path, opts.cwd)}  ${c.yellow(k.reason)}: ${k.detail}`);
  }
  return lines;
}

function severityColour(s: Severity, c: ChalkInstance): (text: string) => string {
  if (s === 'error') return c.red.bold;
  if (s === 'warning') return c.yellow;
  return c.blue;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Paths are already relative to the working directory; an absolute one inside `cwd` is made so. */
function displayPath(p: string, cwd: string): string {
  if (!isAbsolute(p)) return p;
  const rel = relative(cwd, p);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return p;
  return rel.split(sep).join('/');
}
