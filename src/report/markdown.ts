import { posix } from 'node:path';
import type { BaselineComparison, BaselineEntry } from '../baseline.js';
import { progressText } from '../baseline.js';
import type { Priority } from '../model/config.js';
import { CATEGORIES } from '../model/finding.js';
import type { Finding } from '../model/finding.js';
import type { FileCounts, FileSummary, RuleMeta, RunRefusal, RunResult } from '../model/run.js';
import { sortFindings } from '../runner.js';
import { defaultPriority, PRIORITIES } from './priority.js';
import type { Reporter } from './types.js';
import { partitionPoint } from '../util/search.js';

/**
 * The team's inventory and checklist: one deterministic Markdown document to commit and work
 * through. Sections: summary, files with direct connections, findings by priority, by rule,
 * manual work, configuration and scripts, and a Mermaid pie chart of findings by category.
 */
export const markdown: Reporter = (run, opts) => {
  const doc = new Doc(run, opts.linkPrefix ?? '', opts.baseline);
  const out: string[] = [];
  out.push(...doc.header(), ...doc.summary(), ...doc.directFiles(), ...doc.byPriority());
  out.push(...doc.byRule(), ...doc.manualWork(), ...doc.configAndScripts(), ...doc.pie());
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
};

/** The run, indexed the ways the sections need it. */
class Doc {
  private readonly findings: Finding[];
  private readonly files: FileSummary[];
  private readonly rules: Map<string, RuleMeta>;
  private readonly refusals: RunRefusal[];
  /**
   * findings and refusals by file, each in its list's order: looked up for each file and finding
   * (filtering the whole list each time took 2 of report's 19 s on 2,000 dense files)
   */
  private readonly findingsOf: Map<string, Finding[]>;
  private readonly refusalsOf: Map<string, RunRefusal[]>;
  private readonly refusalAt: ReturnType<typeof refusalFinder>;
  /** findings a re-audit still reports after fix, when the run carries a fix outcome */
  private readonly remains: Set<string> | undefined;
  /** The directory every shown path is relative to ('' for the working directory). */
  private readonly root: string;

  constructor(
    private readonly run: RunResult,
    private readonly linkPrefix: string,
    private readonly baseline: BaselineComparison | undefined,
  ) {
    this.findings = sortFindings(run.findings);
    this.files = [...run.files].sort((a, b) => cmp(a.path, b.path));
    this.rules = new Map(run.rules.map((r) => [r.id, r]));
    this.remains = run.remainsAfterFix ? new Set(run.remainsAfterFix) : undefined;
    this.refusals = [...(run.refusals ?? [])].sort(
      (a, b) => cmp(a.file, b.file) || a.range.start - b.range.start || cmp(a.codemod, b.codemod) || cmp(a.reason, b.reason),
    );
    this.findingsOf = groupBy(this.findings, (f) => f.file);
    this.refusalsOf = groupBy(this.refusals, (r) => r.file);
    this.refusalAt = refusalFinder(this.refusalsOf);
    this.root = commonDirectory([
      ...run.files.map((f) => f.path),
      ...run.findings.map((f) => f.file),
      ...run.skipped.map((k) => k.path),
      ...(run.recovered ?? []).map((r) => r.path),
      ...this.refusals.map((r) => r.file),
      ...(baseline?.resolved ?? []).map((e) => e.file),
    ]);
  }

  header(): string[] {
    const s = this.run.summary;
    const where = this.root === '' ? '' : ` Paths are relative to \`${this.root}/\`.`;
    const out = [
      '# SQLite to PostgreSQL: inventory and checklist',
      '',
      `Written by ${this.run.tool.name} ${this.run.tool.version} from ${plural(s.filesScanned, 'file')} scanned.${where}`,
      '',
    ];
    if (this.baseline) {
      const b = this.baseline;
      out.push(
        `**Progress:** ${progressText(b.resolved.length, b.total)}, against \`${b.label}\`; ` +
          `${plural(b.newCount, 'new finding')} since the baseline.`,
        '',
      );
    }
    return out;
  }

  summary(): string[] {
    const s = this.run.summary;
    const total = sumCounts(this.files.map((f) => f.counts));
    const direct = total.directConnections ?? 0;
    const directFiles = this.files.filter((f) => directConnections(f.counts) > 0).length;
    const auto = this.findings.filter((f) => this.autoFix(f)).length;
    const rows: [string, string][] = [
      ['Files scanned', String(s.filesScanned)],
      ['Files with any SQLite usage', String(s.filesWithSqlite)],
      ['Files with direct SQLite connections', String(directFiles)],
      ['Connection sites', `${total.connections} (${direct} direct, ${total.connections - direct} via factories)`],
      ['Connection factories', String(total.connectionFactories)],
      ['Cursor operations', String(total.cursorOps)],
      [
        'SQL statements with SQLite placeholders',
        `${total.placeholderStatements ?? 0} (${plural(total.placeholders, 'placeholder')})`,
      ],
      ['SQLite-only SQL constructs', String(total.sqliteSql)],
      ['`.db` file references', String(total.dbPaths)],
      ['Third-party SQLite entry points', String(total.thirdParty)],
      ['Dynamic SQL', String(s.byCategory['dynamic-sql'] ?? 0)],
      ['Findings', `${s.findings} (${plural(s.bySeverity.error, 'error')}, ${plural(s.bySeverity.warning, 'warning')}, ${s.bySeverity.info} info)`],
      // measured with unsafe changes applied: say so, a plain `fix` leaves those for review
      [this.remains ? '`pgready fix --unsafe-fixes` rewrites automatically' : '`pgready fix` can rewrite automatically', plural(auto, 'finding')],
      ['Need a person', plural(this.findings.length - auto, 'finding') + this.refusalNote()],
      ['Files skipped', String(s.skipped)],
    ];
    const out = ['## Summary', '', '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`), ''];

    const kinds = countBy(this.findings.filter((f) => f.category === 'sqlite-sql'), (f) => f.ruleId);
    if (kinds.length > 0) {
      out.push('SQLite-only SQL constructs by kind:', '');
      for (const [id, n] of kinds) out.push(`- ${this.ruleLabel(id)}: ${n}`);
      out.push('');
    }
    if (this.run.skipped.length > 0) {
      out.push('Not read (check these by hand):', '');
      for (const k of [...this.run.skipped].sort((a, b) => cmp(a.path, b.path) || cmp(a.reason, b.reason))) {
        out.push(`- ${this.fileLink(k.path)}: ${k.reason}: ${inline(k.detail)}`);
      }
      out.push('');
    }
    const recovered = [...(this.run.recovered ?? [])].sort((a, b) => cmp(a.path, b.path) || a.line - b.line);
    if (recovered.length > 0) {
      out.push('Parsed despite syntax errors (their findings may be incomplete):', '');
      for (const r of recovered) out.push(`- ${this.fileLink(r.path)} ${this.lineLink(r.path, r.line)}: ${inline(r.message)}`);
      out.push('');
    }
    return out;
  }

  directFiles(): string[] {
    const heaviest = this.files
      .filter((f) => directConnections(f.counts) > 0)
      .sort(
        (a, b) =>
          b.counts.connections - a.counts.connections ||
          b.counts.cursorOps - a.counts.cursorOps ||
          b.counts.placeholders - a.counts.placeholders ||
          b.counts.sqliteSql - a.counts.sqliteSql ||
          cmp(a.path, b.path),
      );
    const out = ['## Files with direct SQLite connections', ''];
    if (heaviest.length === 0) return [...out, 'None.', ''];
    out.push('Heaviest first. Connections count every connection site, direct or through a factory.', '');
    for (const f of heaviest) {
      const c = f.counts;
      out.push(
        `- [ ] ${this.fileLink(f.path)} — ${plural(c.connections, 'connection')}, ${plural(c.cursorOps, 'cursor operation')}, ` +
          `${plural(c.placeholders, 'placeholder')}, ${plural(c.sqliteSql, 'SQLite-only construct')}`,
      );
    }
    return [...out, ''];
  }

  byPriority(): string[] {
    const priorityOf = new Map(this.files.map((f) => [f.path, f.priority ?? defaultPriority(f.path)]));
    const paths = new Set([...this.findings.map((f) => f.file), ...(this.baseline?.resolved ?? []).map((e) => e.file)]);
    const groups = new Map<Priority, string[]>();
    for (const path of [...paths].sort(cmp)) {
      const p = priorityOf.get(path) ?? defaultPriority(path);
      groups.set(p, [...(groups.get(p) ?? []), path]);
    }
    const out = ['## By priority', ''];
    if (paths.size === 0) return [...out, 'No findings.', ''];
    for (const p of PRIORITIES) {
      const files = groups.get(p);
      if (!files) continue;
      out.push(`### ${p[0]!.toUpperCase()}${p.slice(1)}`, '');
      for (const path of files) out.push(...this.fileChecklist(path));
    }
    return out;
  }

  private fileChecklist(path: string): string[] {
    const findings = this.findingsOf.get(path) ?? [];
    const resolved = (this.baseline?.resolved ?? []).filter((e) => e.file === path);
    const auto = findings.filter((f) => this.autoFix(f)).length;
    const facts = [plural(findings.length, 'finding'), `${auto} for \`fix\``, `${findings.length - auto} manual`];
    if (this.baseline) {
      const known = findings.filter((f) => this.baseline!.known.has(f.fingerprint)).length;
      facts.push(known + resolved.length === 0 ? 'not in the baseline' : progressText(resolved.length, known + resolved.length));
    }
    const out = [`#### ${this.fileLink(path)}`, '', facts.join(' · '), ''];
    // `VALUES (?, ?, ?)`: identical findings on one line are done together, so they are one item
    const items = new Map<string, { f: Finding; n: number }>();
    for (const f of findings) {
      const key = [f.line, f.ruleId, f.message, this.fixText(f), this.newMark(f)].join('\0');
      const item = items.get(key);
      if (item) item.n++;
      else items.set(key, { f, n: 1 });
    }
    for (const { f, n } of items.values()) {
      const times = n > 1 ? ` ×${n}` : '';
      out.push(
        `- [ ] ${this.lineLink(f.file, f.line)} \`${f.ruleId}\` ${f.ruleName}${times}: ${inline(f.message)} — ` +
          `${this.fixText(f)}${this.newMark(f)}`,
      );
    }
    for (const e of resolved) out.push(`- [x] ${this.resolvedText(e)}`);
    return [...out, ''];
  }

  byRule(): string[] {
    const out = ['## By rule', ''];
    if (this.findings.length === 0) return [...out, 'No findings.', ''];
    out.push('| Rule | Findings | Files | `fix` | PostgreSQL equivalent |', '|---|---:|---:|---|---|');
    for (const [id, n] of countBy(this.findings, (f) => f.ruleId)) {
      const mine = this.findings.filter((f) => f.ruleId === id);
      const files = new Set(mine.map((f) => f.file)).size;
      const rule = this.rules.get(id);
      const fixedBy = rule?.fixedBy ?? mine[0]?.fixedBy;
      const fix = fixedBy === undefined ? 'no' : `yes (\`${fixedBy}\`)`;
      out.push(`| ${cell(this.ruleLabel(id))} | ${n} | ${files} | ${fix} | ${rule ? cell(inline(rule.postgres)) : '—'} |`);
    }
    return [...out, ''];
  }

  manualWork(): string[] {
    const out = ['## Manual work', ''];
    const manual = this.findings.filter((f) => !this.autoFix(f));
    if (manual.length === 0 && this.refusals.length === 0) return [...out, 'None: `pgready fix` handles every finding.', ''];
    out.push('What `pgready fix` will not rewrite, grouped by rule: each needs a person.', '');
    for (const [id, n] of countBy(manual, (f) => f.ruleId)) {
      const mine = manual.filter((f) => f.ruleId === id);
      const byFile = groupBy(mine, (f) => f.file);
      out.push(`### ${this.ruleLabel(id)} — ${plural(n, 'finding')} in ${plural(byFile.size, 'file')}`, '');
      const rule = this.rules.get(id);
      const refused = mine.every((f) => f.fixedBy !== undefined);
      out.push(
        refused
          ? 'Reason: `pgready fix` refused or could not rewrite these; see "Refused by `pgready fix`" below.'
          : 'Reason: no codemod rewrites this.',
      );
      if (rule) out.push(`Why: ${inline(rule.rationale)}`, `PostgreSQL: ${inline(rule.postgres)}`);
      out.push('');
      for (const [file, fs] of byFile) {
        const lines = countBy(fs, (f) => String(f.line)).sort((x, y) => Number(x[0]) - Number(y[0]));
        const links = lines.map(([line, k]) => `${this.lineLink(file, Number(line))}${k > 1 ? ` ×${k}` : ''}`);
        out.push(`- [ ] ${this.fileLink(file)}: ${links.join(', ')}`);
      }
      out.push('');
    }
    if (this.refusals.length > 0) {
      out.push('### Refused by `pgready fix`', '');
      for (const [reason, rs] of groupBy(this.refusals, (r) => r.reason)) {
        out.push(`#### ${inline(reason)} (${rs.length})`, '');
        for (const r of rs) {
          out.push(`- [ ] ${this.fileLink(r.file)} ${this.lineLink(r.file, r.line)} — \`${r.codemod}\`: ${inline(r.detail)}`);
        }
        out.push('');
      }
    }
    return out;
  }

  configAndScripts(): string[] {
    const files = this.files.filter((f) => f.language === 'text' && f.usesSqlite);
    const out = ['## Configuration and scripts', ''];
    if (files.length === 0) return [...out, 'No configuration file or script names SQLite.', ''];
    out.push('Files other than code that name SQLite: deployment, configuration and shell scripts.', '');
    for (const f of files) {
      const rules = countBy(this.findingsOf.get(f.path) ?? [], (x) => x.ruleId);
      const what = rules.map(([id, n]) => `${this.ruleLabel(id)} ×${n}`).join(', ');
      out.push(`- [ ] ${this.fileLink(f.path)}${what === '' ? '' : ` — ${what}`}`);
    }
    return [...out, ''];
  }

  pie(): string[] {
    const out = ['## Findings by category', ''];
    const slices = CATEGORIES.map((c) => [c, this.findings.filter((f) => f.category === c).length] as const).filter(
      ([, n]) => n > 0,
    );
    if (slices.length === 0) return [...out, 'No findings.', ''];
    out.push('```mermaid', 'pie showData', '    title Findings by category');
    for (const [c, n] of slices) out.push(`    "${c}" : ${n}`);
    return [...out, '```', ''];
  }

  /**
   * Will `fix` rewrite this finding? With a fix outcome: it is gone once fix has run. Without:
   * its rule has a codemod, and that codemod did not refuse it.
   */
  private autoFix(f: Finding): boolean {
    if (this.remains) return !this.remains.has(f.fingerprint);
    return f.fixedBy !== undefined && this.refusalOf(f) === undefined;
  }

  private refusalOf(f: Finding): RunRefusal | undefined {
    return f.fixedBy === undefined ? undefined : this.refusalAt(f.file, f.fixedBy, f.range.start);
  }

  private refusalNote(): string {
    const n = this.refusals.length;
    return n === 0 ? '' : `, ${n} refused by \`fix\``;
  }

  private fixText(f: Finding): string {
    const refusal = f.fixedBy === undefined ? undefined : this.refusalOf(f);
    if (refusal) return `manual (\`fix\` refused: ${inline(refusal.reason)})`;
    if (!this.autoFix(f)) return 'manual';
    return f.fixedBy === undefined ? '`fix`' : `\`fix\` (\`${f.fixedBy}\`)`;
  }

  private newMark(f: Finding): string {
    return this.baseline && !this.baseline.known.has(f.fingerprint) ? ' **new**' : '';
  }

  private resolvedText(e: BaselineEntry): string {
    const name = this.rules.get(e.ruleId)?.name;
    return `~~L${e.line} \`${e.ruleId}\`${name ? ` ${name}` : ''}: ${inline(e.message)}~~ resolved`;
  }

  private ruleLabel(id: string): string {
    const name = this.rules.get(id)?.name ?? this.findings.find((f) => f.ruleId === id)?.ruleName;
    return name ? `\`${id}\` ${name}` : `\`${id}\``;
  }

  private shown(path: string): string {
    return this.root !== '' && path.startsWith(`${this.root}/`) ? path.slice(this.root.length + 1) : path;
  }

  private href(path: string): string {
    const rel = this.linkPrefix === '' ? path : posix.join(this.linkPrefix, path);
    return rel.split('/').map(encodeURIComponent).join('/');
  }

  private fileLink(path: string): string {
    return `[${code(this.shown(path))}](${this.href(path)})`;
  }

  private lineLink(path: string, line: number): string {
    return `[L${line}](${this.href(path)}#L${line})`;
  }
}

function directConnections(c: FileCounts): number {
  return c.directConnections ?? 0;
}

function sumCounts(all: FileCounts[]): Required<FileCounts> {
  const total: Required<FileCounts> = {
    imports: 0,
    connections: 0,
    connectionFactories: 0,
    cursorOps: 0,
    placeholders: 0,
    sqliteSql: 0,
    dbPaths: 0,
    sqliteApi: 0,
    thirdParty: 0,
    directConnections: 0,
    placeholderStatements: 0,
  };
  for (const c of all) {
    for (const key of Object.keys(total) as (keyof FileCounts)[]) total[key] += c[key] ?? 0;
  }
  return total;
}

/** [key, count] pairs, most frequent first, ties by key. */
function countBy<T>(items: readonly T[], key: (t: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const t of items) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]));
}

/** Groups in key order; items keep their order. */
function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const group = groups.get(k);
    // in place: copying the group for each item was quadratic in a large group
    if (group) group.push(t);
    else groups.set(k, [t]);
  }
  return new Map([...groups].sort((a, b) => cmp(a[0], b[0])));
}

/** The deepest directory holding every path ('' when they share none). */
export function commonDirectory(paths: readonly string[]): string {
  let common: string[] | undefined;
  for (const p of paths) {
    const dirs = p.split('/').slice(0, -1);
    if (common === undefined) {
      common = dirs;
      continue;
    }
    let i = 0;
    while (i < common.length && i < dirs.length && common[i] === dirs[i]) i++;
    common = common.slice(0, i);
  }
  return (common ?? []).join('/');
}

/** A code span that holds `text` whatever backticks it contains. */
function code(text: string): string {
  let longest = 0;
  let run = 0;
  for (const ch of text) {
    run = ch === '`' ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

const ESCAPED = new Set(['\\', '*', '[', ']', '<', '>', '|']);

/**
 * Plain text from a message for inline Markdown: code spans (`x`) are kept as written; outside
 * them, characters Markdown would read as emphasis, links or HTML are backslash-escaped, and `_`
 * only where it could open or close emphasis (`row_factory` stays as is).
 */
export function inline(text: string): string {
  let out = '';
  let i = 0;
  const flat = text.replace(/\r\n|\r|\n/g, ' ');
  while (i < flat.length) {
    const ch = flat[i]!;
    if (ch === '`') {
      let n = 1;
      while (flat[i + n] === '`') n++;
      const close = findRun(flat, '`'.repeat(n), i + n);
      if (close >= 0) {
        out += flat.slice(i, close + n);
        i = close + n;
        continue;
      }
      out += '\\`'.repeat(n);
      i += n;
      continue;
    }
    if (ESCAPED.has(ch)) out += `\\${ch}`;
    else if (ch === '_' && !(isWordChar(flat[i - 1]) && isWordChar(flat[i + 1]))) out += '\\_';
    else out += ch;
    i++;
  }
  return out;
}

/** The start of the next run of exactly `run.length` backticks at or after `from`, or -1. */
function findRun(text: string, run: string, from: number): number {
  let at = text.indexOf(run, from);
  while (at >= 0) {
    let end = at + run.length;
    if (text[end] !== '`' && text[at - 1] !== '`') return at;
    while (text[end] === '`') end++;
    at = text.indexOf(run, end);
  }
  return -1;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

/** A GitHub table cell: `|` must be escaped even inside code spans. */
function cell(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    out += ch === '|' && text[i - 1] !== '\\' ? '\\|' : ch;
  }
  return out;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The first refusal (in each list's order, which must be by start) by `codemod` in `file` whose
 * range holds `at` (an empty range: the character at its start). Searched, not read through:
 * 20,000 findings each reading 20,000 refusals took 4 s of a report (before session 27).
 */
export function refusalFinder(byFile: ReadonlyMap<string, readonly RunRefusal[]>): (file: string, codemod: string, at: number) => RunRefusal | undefined {
  const index = new Map<string, { items: RunRefusal[]; reach: number[] }>();
  return (file, codemod, at) => {
    const key = `${file}\0${codemod}`;
    let found = index.get(key);
    if (!found) {
      const items = (byFile.get(file) ?? []).filter((r) => r.codemod === codemod);
      // how far the refusals up to each one reach: it only grows
      const reach: number[] = [];
      for (const r of items) reach.push(Math.max(reach[reach.length - 1] ?? -Infinity, r.range.end, r.range.start + 1));
      found = { items, reach };
      index.set(key, found);
    }
    // the first to reach past `at` reaches past it itself, and none before it does
    const r = found.items[partitionPoint(found.reach, (reach) => reach <= at)];
    return r && r.range.start <= at ? r : undefined;
  };
}
