import { hash } from 'node:crypto';
import type { FileFacts, Range, SourceFile, Suppression } from './model/facts.js';
import { CATEGORIES } from './model/finding.js';
import type { Category, Finding, Severity } from './model/finding.js';
import type { Config } from './model/config.js';
import type { TableSchema } from './model/codemod.js';
import type { Rule, RuleContext, RuleHit } from './model/rule.js';
import { projectSchema } from './edit/schema.js';
import type { FileSummary, RunResult, RunSummary, Skipped } from './model/run.js';
import { LineIndex } from './util/lines.js';
import unusedSuppression from '../rules/unused-suppression.js';

/** A rule whose detect threw on one file; the file's other rules still ran. */
export interface RuleError {
  ruleId: string;
  ruleName: string;
  file: string;
  message: string;
}

export interface RuleRunResult {
  /** Sorted with sortFindings; suppressed findings removed, SQL900 findings added. */
  findings: Finding[];
  errors: RuleError[];
}

export const SNIPPET_MAX = 200;

/**
 * The config entry for a rule: looked up by id first, then by name, so that
 * `{ "SQL201": "error", "qmark-placeholder": "off" }` gives SQL201 the id's setting.
 */
export function ruleSetting(rule: Pick<Rule, 'id' | 'name'>, cfg: Pick<Config, 'rules'>): 'off' | 'on' | Severity | undefined {
  return own(cfg.rules, rule.id) ?? own(cfg.rules, rule.name);
}

function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Removed rules never run; active rules run unless the config turns them off. */
export function isEnabled(rule: Pick<Rule, 'id' | 'name' | 'status'>, cfg: Pick<Config, 'rules'>): boolean {
  if (rule.status === 'removed') return false;
  return ruleSetting(rule, cfg) !== 'off';
}

export function effectiveSeverity(rule: Pick<Rule, 'id' | 'name' | 'severity'>, cfg: Pick<Config, 'rules'>): Severity {
  const setting = ruleSetting(rule, cfg);
  return setting === undefined || setting === 'on' || setting === 'off' ? rule.severity : setting;
}

export function enabledRules(rules: Rule[], cfg: Pick<Config, 'rules'>): Rule[] {
  return rules.filter((r) => isEnabled(r, cfg));
}

/**
 * Runs every enabled rule over one file's facts and turns the hits into findings:
 * coordinates, snippet and fingerprint filled in, exact duplicates dropped, suppressions applied.
 * `ctx.schema` is the project's; without one, the file's own CREATE TABLEs are its whole schema.
 */
export function runRules(rules: Rule[], facts: FileFacts, source: SourceFile, cfg: Config, ctx?: RuleContext): RuleRunResult {
  const lines = new LineIndex(source.text);
  let own: ReadonlyMap<string, TableSchema> | undefined;
  const context: RuleContext = ctx ?? {
    get schema() {
      return (own ??= projectSchema([facts]));
    },
  };
  const errors: RuleError[] = [];
  const raw: Finding[] = [];
  const seen = new Set<string>();

  for (const rule of rules) {
    if (!isEnabled(rule, cfg)) continue;
    const severity = effectiveSeverity(rule, cfg);
    const produced: Finding[] = [];
    try {
      const hits: RuleHit[] = rule.detect(facts, context);
      if (!Array.isArray(hits)) throw new TypeError(`detect returned ${typeof hits}, not an array`);
      for (const hit of hits) {
        const range = clampRange(hit.range, source.text.length);
        produced.push(makeFinding(rule, severity, String(hit.message), range, source, lines));
      }
    } catch (e) {
      errors.push({ ruleId: rule.id, ruleName: rule.name, file: source.path, message: errorMessage(e) });
      continue;
    }
    for (const f of produced) {
      const key = `${f.ruleId}\0${f.range.start}\0${f.range.end}`;
      if (seen.has(key)) continue;
      seen.add(key);
      raw.push(f);
    }
  }

  assignFingerprints(raw, source.text);
  // An entry naming a rule that exists but is turned off is not reported: whether it would
  // match anything is unknowable. Unknown ids and removed rules are reported.
  const quiet = (entry: string): boolean =>
    names(unusedSuppression.id, unusedSuppression.name, entry) ||
    rules.some((r) => r.status !== 'removed' && names(r.id, r.name, entry) && !isEnabled(r, cfg));
  const { kept, unused } = applySuppressions(sortFindings(raw), facts.suppressions, quiet);

  if (!isEnabled(unusedSuppression, cfg)) return { findings: kept, errors };

  const severity = effectiveSeverity(unusedSuppression, cfg);
  const marker = facts.language === 'javascript' || facts.language === 'typescript' ? '//' : '#';
  const meta: Finding[] = [];
  for (const { suppression, ruleId } of unused) {
    const message = `\`${marker} pgready: ignore[${ruleId}]\` suppresses nothing here; remove it`;
    const range = clampRange(suppression.range, source.text.length);
    // ignore[SQL201,SQL201]: one finding, not two
    const key = `${range.start}\0${range.end}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    meta.push(makeFinding(unusedSuppression, severity, message, range, source, lines));
  }
  assignFingerprints(meta, source.text);
  // `# pgready: ignore[SQL900]` covers unused suppressions reported on its line or the next
  const { kept: metaKept } = applySuppressions(sortFindings(meta), facts.suppressions, () => true);
  return { findings: sortFindings([...kept, ...metaKept]), errors };
}

function makeFinding(
  rule: Rule,
  severity: Severity,
  message: string,
  range: Range,
  source: SourceFile,
  lines: LineIndex,
): Finding {
  const start = lines.position(range.start);
  const end = lines.position(range.end);
  const finding: Finding = {
    ruleId: rule.id,
    ruleName: rule.name,
    category: rule.category,
    severity,
    file: source.path,
    range,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    message,
    snippet: snippetOf(lines.lineText(start.line)),
    fingerprint: '',
  };
  if (rule.fixedBy !== undefined) finding.fixedBy = rule.fixedBy;
  return finding;
}

/** A rule's range, forced inside the text and ordered (a rule never makes the runner throw). */
function clampRange(range: Range | undefined, length: number): Range {
  const s = Number.isFinite(range?.start) ? Math.floor(range!.start) : 0;
  const e = Number.isFinite(range?.end) ? Math.floor(range!.end) : s;
  const start = Math.min(Math.max(0, s), length);
  const end = Math.min(Math.max(start, e), length);
  return { start, end };
}

/** The start line trimmed, cut to SNIPPET_MAX characters without splitting a surrogate pair. */
export function snippetOf(lineText: string): string {
  const t = lineText.trim();
  if (t.length <= SNIPPET_MAX) return t;
  let cut = SNIPPET_MAX - 1;
  const last = t.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${t.slice(0, cut)}…`;
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The text of a finding's range with each whitespace run collapsed to one space. */
export function normalisedSnippet(text: string, range: Range): string {
  return text.slice(range.start, range.end).replace(/\s+/g, ' ').trim();
}

export function fingerprintOf(ruleId: string, file: string, normalised: string, occurrence: number): string {
  // one call, without a Hash object: 2.4x as fast as createHash for inputs this short
  return hash('sha256', `${ruleId}\0${file}\0${normalised}\0${occurrence}`).slice(0, 16);
}

/**
 * Fingerprints for findings of one file: rule + file + the normalised source line and range
 * text + how many earlier findings (by position) share those. No line numbers, so lines inserted above keep them.
 */
function assignFingerprints(findings: Finding[], text: string): void {
  const counts = new Map<string, number>();
  for (const f of sortFindings(findings)) {
    // the line as well as the range: every `?` has the same text, but not the same statement
    const norm = `${f.snippet.replace(/\s+/g, ' ')}\u0000${normalisedSnippet(text, f.range)}`;
    const key = `${f.ruleId}\0${norm}`;
    const occurrence = counts.get(key) ?? 0;
    counts.set(key, occurrence + 1);
    f.fingerprint = fingerprintOf(f.ruleId, f.file, norm, occurrence);
  }
}

interface UnusedEntry {
  suppression: Suppression;
  /** The entry as written in the comment. */
  ruleId: string;
}

/** Does suppression entry `entry` (an id or a name, any case) name this rule? */
function names(ruleId: string, ruleName: string, entry: string): boolean {
  const e = entry.trim().toLowerCase();
  return e === ruleId.toLowerCase() || e === ruleName.toLowerCase();
}

/**
 * A suppression on 0-based line L hides findings starting on L or L+1 whose id or name it lists.
 * Entries that hid nothing are returned as unused unless `quiet(entry)` says not to report them.
 */
function applySuppressions(
  findings: Finding[],
  suppressions: Suppression[],
  quiet: (entry: string) => boolean,
): { kept: Finding[]; unused: UnusedEntry[] } {
  const used = suppressions.map((s) => s.ruleIds.map(() => false));
  const kept: Finding[] = [];

  for (const f of findings) {
    const line0 = f.line - 1;
    let hidden = false;
    suppressions.forEach((s, si) => {
      if (line0 !== s.line && line0 !== s.line + 1) return;
      s.ruleIds.forEach((entry, ei) => {
        if (!names(f.ruleId, f.ruleName, entry)) return;
        used[si]![ei] = true;
        hidden = true;
      });
    });
    if (!hidden) kept.push(f);
  }

  const unused: UnusedEntry[] = [];
  suppressions.forEach((s, si) => {
    s.ruleIds.forEach((entry, ei) => {
      if (!used[si]![ei] && !quiet(entry)) unused.push({ suppression: s, ruleId: entry });
    });
  });
  return { kept, unused };
}

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.file, b.file) ||
    a.range.start - b.range.start ||
    cmp(a.ruleId, b.ruleId) ||
    a.range.end - b.range.end ||
    cmp(a.message, b.message)
  );
}

/** Code-unit order: the same on every machine and locale. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How many findings there are, by severity and by category. */
export interface FindingTally {
  findings: number;
  bySeverity: Record<Severity, number>;
  byCategory: Record<Category, number>;
}

export function emptyTally(): FindingTally {
  return { findings: 0, bySeverity: { error: 0, warning: 0, info: 0 }, byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number> };
}

/** Adds findings to a tally (in place) and returns it. */
export function tally(findings: Iterable<Finding>, into: FindingTally = emptyTally()): FindingTally {
  for (const f of findings) {
    into.findings++;
    into.bySeverity[f.severity]++;
    into.byCategory[f.category]++;
  }
  return into;
}

/** The run's summary, from its findings or (findings written to disk as they came) their tally. */
export function summarise(files: FileSummary[], findings: Finding[] | FindingTally, skipped: Skipped[]): RunSummary {
  const t = Array.isArray(findings) ? tally(findings) : findings;
  return {
    filesScanned: files.length,
    filesWithSqlite: files.filter((f) => f.usesSqlite).length,
    findings: t.findings,
    bySeverity: { ...t.bySeverity },
    byCategory: { ...t.byCategory },
    skipped: skipped.length,
  };
}

/** The run's findings in report order, from memory or, for a large audit, from disk (RunResult.findingsFile). */
export function reportOrder(run: Pick<RunResult, 'findings' | 'findingsFile'>): Iterable<Finding> {
  return run.findingsFile ? run.findingsFile.each() : sortFindings(run.findings);
}
