import { relative, resolve, sep } from 'node:path';
import { discover } from './discover/index.js';
import { readSource } from './discover/read.js';
import { extractPythonFacts, indexPython, ModuleTable, ProjectIndex } from './lang/python/index.js';
import type { PythonModuleIndex } from './lang/python/index.js';
import { extractTextFacts } from './lang/text/index.js';
import type { Config } from './model/config.js';
import type { FileFacts, SourceFile } from './model/facts.js';
import type { Finding } from './model/finding.js';
import type { Rule } from './model/rule.js';
import type { FileCounts, FileSummary, RunResult, Skipped } from './model/run.js';
import { allRules } from '../rules/index.js';
import { enabledRules, runRules, sortFindings, summarise } from './runner.js';
import { LineIndex } from './util/lines.js';
import { VERSION } from './version.js';

/** Native tree-sitter trees are freed only when the event loop turns: never parse in one long synchronous loop. */
const YIELD_EVERY = 8;
const turn = () => new Promise<void>((r) => setImmediate(r));

export interface AnalysedFile {
  source: SourceFile;
  facts: FileFacts;
}

export interface AuditResult extends RunResult {
  /** file text by path, for code frames */
  sources: Map<string, string>;
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

/** The scan root each file was found under: the longest path argument that contains it. */
function rootFinder(paths: string[], cwd: string): (file: string) => string {
  const roots = paths.map((p) => toPosix(relative(cwd, resolve(cwd, p))) || '.').sort((a, b) => b.length - a.length);
  return (file) => roots.find((r) => r === '.' || file === r || file.startsWith(`${r}/`)) ?? '.';
}

function unexpected(path: string, stage: string, err: unknown): Skipped {
  const message = err instanceof Error ? err.message : String(err);
  return {
    path,
    reason: 'internal-error',
    detail: `${stage} failed: ${message}. The file was not analysed; please report this with the file attached.`,
  };
}

/** discover -> read -> (python index pass) -> facts -> cross-file link. */
export async function analyse(paths: string[], cfg: Config, cwd: string): Promise<{ files: AnalysedFile[]; skipped: Skipped[] }> {
  const roots = paths.length > 0 ? paths : ['.'];
  const found = await discover(roots, cfg, cwd);
  const skipped: Skipped[] = [...found.skipped];
  const sources: SourceFile[] = [];
  for (const f of found.files) {
    // JavaScript/TypeScript have no adapter yet: they are not read
    if (f.language === 'javascript' || f.language === 'typescript') continue;
    const s = readSource(f, cfg);
    if ('reason' in s) skipped.push(s);
    else sources.push(s);
  }

  const python = sources.filter((s) => s.language === 'python');
  const rootOf = rootFinder(roots, cwd);
  const table = new ModuleTable(python.map((s) => ({ path: s.path, root: rootOf(s.path) })));
  const indexes: PythonModuleIndex[] = [];
  let n = 0;
  for (const s of python) {
    try {
      indexes.push(indexPython(s, table));
    } catch {
      // the facts pass reports the file
    }
    if (++n % YIELD_EVERY === 0) await turn();
  }
  const project = new ProjectIndex(table, indexes);

  const files: AnalysedFile[] = [];
  for (const source of sources) {
    try {
      const facts = source.language === 'python' ? extractPythonFacts(source, project) : extractTextFacts(source);
      files.push({ source, facts });
    } catch (err) {
      skipped.push(unexpected(source.path, 'analysis', err));
    }
    if (++n % YIELD_EVERY === 0) await turn();
  }
  linkExternalSql(files);
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, skipped };
}

/**
 * `from queries import GET_TRADE; cur.execute(GET_TRADE, (id,))`: the SQL lives in
 * queries.py, so that is where it becomes executed SQL (and where its findings are).
 */
export function linkExternalSql(files: AnalysedFile[]): void {
  const byPath = new Map(files.map((f) => [f.source.path, f.facts]));
  for (const { facts } of files) {
    for (const use of facts.externalSqlUses) {
      const target = byPath.get(use.module);
      if (!target) continue;
      for (const sql of target.sqlStrings) {
        if (sql.constant !== use.name) continue;
        if (!sql.executed) {
          sql.executed = true;
          sql.executor = use.executor;
          sql.hasParams = use.hasParams;
          sql.paramsArity = use.paramsArity;
          sql.paramsKind = use.paramsKind;
        } else {
          sql.hasParams ||= use.hasParams;
        }
      }
    }
  }
}

function countsOf(facts: FileFacts, findings: Finding[]): FileCounts {
  return {
    imports: facts.imports.length,
    connections: facts.connections.length,
    connectionFactories: facts.factories.length,
    cursorOps: facts.cursorOps.length,
    placeholders: findings.filter((f) => f.category === 'placeholder').length,
    sqliteSql: findings.filter((f) => f.category === 'sqlite-sql').length,
    dbPaths: facts.dbPaths.filter((d) => d.kind === 'file').length,
    sqliteApi: facts.apiUses.length,
    thirdParty: facts.thirdParty.length + facts.dbPaths.filter((d) => d.kind === 'url').length + facts.connections.filter((c) => c.library !== 'sqlite3').length,
  };
}

/** The first syntax error of each file tree-sitter recovered from, for the summary. */
function recoveredFiles(files: AnalysedFile[]): NonNullable<RunResult['recovered']> {
  const out: NonNullable<RunResult['recovered']> = [];
  for (const { source, facts } of files) {
    const first = facts.diagnostics[0];
    if (!first) continue;
    const { line } = new LineIndex(source.text).position(first.range.start);
    out.push({ path: source.path, line, message: first.message });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function audit(paths: string[], cfg: Config, opts: { cwd: string; rules?: Rule[] }): Promise<AuditResult> {
  const started = performance.now();
  const { files, skipped } = await analyse(paths, cfg, opts.cwd);
  // the runner filters by configuration itself: it must tell a rule turned off from an unknown id
  const rules = opts.rules ?? allRules;
  const findings: Finding[] = [];
  const summaries: FileSummary[] = [];
  const sources = new Map<string, string>();
  for (const { source, facts } of files) {
    const { findings: own, errors } = runRules(rules, facts, source, cfg);
    for (const e of errors) {
      skipped.push({ path: source.path, reason: 'internal-error', detail: `rule ${e.ruleId} (${e.ruleName}) failed: ${e.message}; its findings for this file are missing. Please report this.` });
    }
    findings.push(...own);
    const counts = countsOf(facts, own);
    const usesSqlite = own.length > 0 || Object.values(counts).some((c) => c > 0);
    summaries.push({ path: source.path, language: source.language, counts, usesSqlite });
    if (own.length > 0) sources.set(source.path, source.text);
  }
  summaries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const sorted = sortFindings(findings);
  const meta = enabledRules(rules, cfg)
    .map(({ detect: _detect, ...m }) => m)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    tool: { name: 'pgready', version: VERSION },
    files: summaries,
    findings: sorted,
    skipped,
    rules: meta,
    summary: summarise(summaries, sorted, skipped),
    durationMs: performance.now() - started,
    recovered: recoveredFiles(files),
    sources,
  };
}
