import { readFileSync } from 'node:fs';
import type { Finding } from './model/finding.js';
import { UsageError } from './util/errors.js';
import { findJsonError } from './util/json-error.js';

/**
 * A baseline records the findings a team has accepted for now, by fingerprint, so that
 * `audit --baseline` fails only on new ones and `report --baseline` can show progress.
 * The file is committed: it is sorted and carries no timestamps or tool version, so it only
 * changes when the findings do.
 */

export const BASELINE_VERSION = 1;
export const DEFAULT_BASELINE_FILE = '.pgready-baseline.json';

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  file: string;
  /** 1-based; informative only (the fingerprint does not depend on it) */
  line: number;
  message: string;
}

export interface Baseline {
  version: number;
  tool: string;
  findings: BaselineEntry[];
}

/** A run's findings measured against a baseline. */
export interface BaselineComparison {
  /** The baseline file as the user named it, for messages. */
  label: string;
  /** Findings in the baseline file. */
  total: number;
  /** Fingerprints of current findings that are in the baseline. */
  known: ReadonlySet<string>;
  /** Baseline findings no longer found, sorted by (file, line, ruleId, fingerprint). */
  resolved: BaselineEntry[];
  /** Current findings that are not in the baseline. */
  newCount: number;
}

export function makeBaseline(findings: readonly Finding[]): Baseline {
  const entries = findings.map((f) => ({
    fingerprint: f.fingerprint,
    ruleId: f.ruleId,
    file: f.file,
    line: f.line,
    message: f.message,
  }));
  return { version: BASELINE_VERSION, tool: 'pgready', findings: sortEntries(entries) };
}

export function formatBaseline(b: Baseline): string {
  const doc = {
    version: b.version,
    tool: b.tool,
    findings: sortEntries(b.findings).map((e) => ({
      fingerprint: e.fingerprint,
      ruleId: e.ruleId,
      file: e.file,
      line: e.line,
      message: e.message,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Reads and validates a baseline file; every problem is a UsageError naming the file. */
export function readBaseline(absPath: string, label: string): Baseline {
  let text: string;
  try {
    text = readFileSync(absPath, 'utf8');
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : 'unknown error';
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
    throw new UsageError(
      `${label}: the baseline file ${why}. Create it with \`pgready baseline --output ${label}\`, or check the path given to --baseline or the config's "baseline".`,
    );
  }
  return parseBaseline(text, label);
}

export function parseBaseline(text: string, label: string): Baseline {
  const bad = (what: string): UsageError =>
    new UsageError(`${label}: not a pgready baseline (${what}). Recreate it with \`pgready baseline --output ${label}\`.`);
  const syntax = findJsonError(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (syntax) throw bad(`invalid JSON at line ${syntax.line}, column ${syntax.column}: ${syntax.message}`);
  const doc: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!isObject(doc)) throw bad('the top level is not an object');
  if (doc.tool !== 'pgready') throw bad('"tool" is not "pgready"');
  if (doc.version !== BASELINE_VERSION) {
    throw bad(`"version" is ${JSON.stringify(doc.version)}; this pgready reads version ${BASELINE_VERSION}`);
  }
  if (!Array.isArray(doc.findings)) throw bad('"findings" is not a list');
  const findings: BaselineEntry[] = [];
  doc.findings.forEach((e: unknown, i: number) => {
    const at = `findings[${i}]`;
    if (!isObject(e)) throw bad(`${at} is not an object`);
    if (typeof e.fingerprint !== 'string' || e.fingerprint === '') throw bad(`${at}.fingerprint is not a string`);
    if (typeof e.ruleId !== 'string') throw bad(`${at}.ruleId is not a string`);
    if (typeof e.file !== 'string') throw bad(`${at}.file is not a string`);
    if (typeof e.line !== 'number' || !Number.isInteger(e.line)) throw bad(`${at}.line is not a whole number`);
    if (typeof e.message !== 'string') throw bad(`${at}.message is not a string`);
    findings.push({ fingerprint: e.fingerprint, ruleId: e.ruleId, file: e.file, line: e.line, message: e.message });
  });
  return { version: BASELINE_VERSION, tool: 'pgready', findings };
}

/**
 * Which current findings the baseline knows, and which baseline findings are gone. Matching is
 * by fingerprint only, so findings that moved lines still match.
 */
export function compareBaseline(findings: readonly Finding[], baseline: Baseline, label: string): BaselineComparison {
  const current = new Set(findings.map((f) => f.fingerprint));
  const recorded = new Set(baseline.findings.map((e) => e.fingerprint));
  const known = new Set([...current].filter((fp) => recorded.has(fp)));
  // a fingerprint listed twice in a hand-edited file is resolved once
  const seen = new Set<string>();
  const resolved = baseline.findings.filter((e) => {
    if (current.has(e.fingerprint) || seen.has(e.fingerprint)) return false;
    seen.add(e.fingerprint);
    return true;
  });
  return {
    label,
    total: recorded.size,
    known,
    resolved: sortEntries(resolved),
    newCount: findings.filter((f) => !recorded.has(f.fingerprint)).length,
  };
}

/** "41 of 163 baseline findings resolved (25%)"; the percentage rounds down, so 100% means all. */
export function progressText(resolved: number, total: number): string {
  const percent = total === 0 ? 100 : Math.floor((resolved * 100) / total);
  return `${resolved} of ${total} baseline finding${total === 1 ? '' : 's'} resolved (${percent}%)`;
}

function sortEntries(entries: readonly BaselineEntry[]): BaselineEntry[] {
  return [...entries].sort(
    (a, b) => cmp(a.file, b.file) || a.line - b.line || cmp(a.ruleId, b.ruleId) || cmp(a.fingerprint, b.fingerprint),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
