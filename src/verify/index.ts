import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { allCodemods } from '../../codemods/index.js';
import { allRules } from '../../rules/index.js';
import { fixFiles } from '../edit/fix.js';
import { offsetMapper } from '../edit/offsets.js';
import { projectSchema } from '../edit/schema.js';
import { resolveTarget } from '../edit/target.js';
import type { Codemod } from '../model/codemod.js';
import type { Config } from '../model/config.js';
import type { FileFacts, Offset, Range, SourceFile } from '../model/facts.js';
import type { Finding } from '../model/finding.js';
import type { Rule } from '../model/rule.js';
import { analyse, mayHoldFacts } from '../pipeline.js';
import { analyseSources, projectExtractor, rootFinder } from '../project.js';
import type { AnalysedFile } from '../project.js';
import { withText } from '../perf/disk-source.js';
import { runRules } from '../runner.js';
import { isSqlToCheck } from '../sql/rulekit.js';
import { UsageError } from '../util/errors.js';
import { openPglite, openServer, throwAwaySchemaName } from './backend.js';
import type { SqlBackend } from './backend.js';
import { checkSources, summarise } from './check.js';
import type { SqlSource } from './check.js';
import type { TextMode } from './convert.js';
import type { StatementFinding, VerifyResult } from './model.js';
import { loadParser } from './parse.js';

export type { VerifyResult, VerifiedStatement, VerifySummary } from './model.js';
export { offsetMapper } from '../edit/offsets.js';

export interface VerifyOptions {
  cwd: string;
  /** check the SQL as written today, without the codemods */
  asIs?: boolean;
  /** a .sql file of CREATE TABLE / CREATE INDEX statements to plan against */
  schemaFile?: string;
  /** level 3: a PostgreSQL server */
  databaseUrl?: string;
  /** level 1 only: no embedded PostgreSQL */
  parseOnly?: boolean;
  /** an embedded PostgreSQL already started (tests reuse one); left open */
  backend?: SqlBackend;
  codemods?: readonly Codemod[];
  rules?: Rule[];
  /** called with the throw-away schema's name and a clean-up, so a Ctrl-C handler can drop it */
  onServerSession?: (cleanup: () => Promise<void>) => void;
}

function toPosix(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}

function findingsLookup(findings: Finding[], rules: Rule[], lineOf: (offset: Offset) => number): (range: Range) => StatementFinding[] {
  const fixedBy = new Map(rules.map((r) => [r.id, r.fixedBy]));
  return (range) =>
    findings
      .filter((f) => f.range.start >= range.start && f.range.start < range.end)
      .map((f) => {
        const by = f.fixedBy ?? fixedBy.get(f.ruleId);
        return { ruleId: f.ruleId, ruleName: f.ruleName, ...(by ? { fixedBy: by } : {}), line: lineOf(f.range.start) };
      });
}

function lineOfText(text: string): (offset: Offset) => number {
  return (offset) => {
    let line = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
    return line;
  };
}

/** Every executed SqlString and clearly-SQL constant of `files`, once each. */
function sqlSources(
  files: AnalysedFile[],
  modeOf: (language: SourceFile['language']) => TextMode,
  cfg: Config,
  rules: Rule[],
  disk: (path: string) => { text: string; toDisk: (o: Offset) => Offset; changed: boolean },
): SqlSource[] {
  const out: SqlSource[] = [];
  const ctx = { schema: projectSchema(files.map((f) => f.facts)) };
  for (const { source, facts } of [...files].sort((x, y) => (x.source.path < y.source.path ? -1 : x.source.path > y.source.path ? 1 : 0))) {
    const candidates = facts.sqlStrings.filter((s) => isSqlToCheck(s));
    if (candidates.length === 0) continue;
    const { text: diskText, toDisk, changed } = disk(source.path);
    const findings = runRules(rules, facts, source, cfg, ctx).findings;
    const diskLine = lineOfText(diskText);
    const findingsIn = findingsLookup(findings, rules, (o) => diskLine(toDisk(o)));
    const seen = new Set<string>();
    for (const sql of candidates.sort((x, y) => x.range.start - y.range.start)) {
      const key = `${sql.map[0]?.fileStart ?? sql.range.start}\0${sql.text}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ file: source.path, sql, mode: modeOf(source.language), diskText, toDisk, changedByFix: changed, findingsIn });
    }
  }
  return out;
}

function schemaSource(cwd: string, file: string): SqlSource {
  const abs = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new UsageError(`--schema ${file}: cannot read it (${why}). Give a .sql file of CREATE TABLE statements.`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return {
    file: toPosix(relative(cwd, abs)) || file,
    sql: { text, holes: [], tokens: [], hasParams: false, executed: true, map: [{ sqlStart: 0, fileStart: 0, length: text.length, verbatim: true }], isDynamic: false },
    // the file is PostgreSQL already: sent as it is
    mode: { kind: 'fixed', paramstyle: 'numeric' },
    diskText: text,
    toDisk: (o) => o,
    changedByFix: false,
    fromSchemaFile: true,
  };
}

/**
 * `pgready verify`: every SQL statement of the project, as `fix --unsafe-fixes` would leave it
 * (or as written, `asIs`), through PostgreSQL's parser and, unless `parseOnly`, planned against
 * the project's schema in an embedded PostgreSQL or on a server. Files are never written.
 */
export async function verify(paths: string[], cfg: Config & { target?: unknown; source?: string }, opts: VerifyOptions): Promise<VerifyResult> {
  const schema = opts.schemaFile !== undefined ? schemaSource(opts.cwd, opts.schemaFile) : undefined;
  // the embedded PostgreSQL takes seconds to start: it starts while the project is analysed
  const level: VerifyResult['level'] = opts.parseOnly ? 1 : opts.databaseUrl !== undefined ? 3 : 2;
  const starting: Promise<SqlBackend> | undefined =
    level === 1 ? undefined : level === 3 ? connect(opts.databaseUrl!) : opts.backend ? Promise.resolve(opts.backend) : openPglite();
  const owned = level === 3 || (level === 2 && opts.backend === undefined);
  // settled here so that an analysis error does not leave a rejected promise unobserved
  const started = starting?.then(
    (b) => ({ b }),
    (e: unknown) => ({ e }),
  );
  let backend: SqlBackend | undefined;
  const serverSchema = level === 3 ? throwAwaySchemaName() : undefined;
  try {
    const { sources, fixedSources, fixFailures } = await projectSources(paths, cfg, opts);
    if (schema) sources.push(schema);
    const parser = await loadParser();
    if (started) {
      const r = await started;
      if ('e' in r) throw r.e;
      backend = r.b;
    }
    if (backend && serverSchema) {
      const db = backend;
      opts.onServerSession?.(() => db.interrupt?.(['ROLLBACK', `DROP SCHEMA IF EXISTS ${serverSchema} CASCADE`]) ?? db.close());
    }
    const statements = await checkSources(sources, {
      parser,
      ...(backend ? { backend } : {}),
      ...(serverSchema ? { serverSchema } : {}),
      ...(opts.asIs ? { setup: fixedSources } : {}),
    });
    return {
      mode: opts.asIs ? 'as-is' : 'fixed',
      level,
      ...(backend ? { engine: backend.kind === 'pglite' ? `PGlite (PostgreSQL ${backend.version})` : `PostgreSQL ${backend.version}` } : {}),
      statements,
      summary: summarise(statements),
      fixFailures,
    };
  } finally {
    if (!backend && started) {
      const r = await started;
      if ('b' in r) backend = r.b;
    }
    if (backend && serverSchema) {
      // everything ran in a transaction that was rolled back; this only matters if that failed
      await backend.query('ROLLBACK').catch(() => undefined);
      await backend.query(`DROP SCHEMA IF EXISTS ${serverSchema} CASCADE`).catch(() => undefined);
    }
    if (backend && owned) await backend.close().catch(() => undefined);
  }
}

/** The SQL to check (as-is or as after fix), and the project's DDL after fix (the schema to plan against). */
async function projectSources(
  paths: string[],
  cfg: Config & { target?: unknown; source?: string },
  opts: VerifyOptions,
): Promise<{ sources: SqlSource[]; fixedSources: SqlSource[]; fixFailures: VerifyResult['fixFailures'] }> {
  const roots = paths.length > 0 ? paths : ['.'];
  const rules = opts.rules ?? allRules;
  const target = resolveTarget(cfg.target, cfg.source ? toPosix(relative(opts.cwd, cfg.source)) : 'pgready.config.json');
  const { files } = await analyse(roots, cfg, opts.cwd);
  const rootOf = rootFinder(roots, opts.cwd);

  // fix in memory, unsafe changes included: the question is whether the SQL `fix` can produce runs
  const judged = mayHoldFacts(files);
  const extractIndex = await projectExtractor(files.map((f) => f.source), rootOf, judged);
  const fixes = await fixFiles(files, { codemods: opts.codemods ?? allCodemods, target, unsafeFixes: true, extract: extractIndex });
  const fixedText = new Map<string, string>();
  const fixFailures: VerifyResult['fixFailures'] = [];
  for (const f of fixes) {
    if (f.failure) fixFailures.push({ file: f.source.path, detail: f.failure.detail });
    else if (f.text !== f.source.text) fixedText.set(f.source.path, f.text);
  }
  fixFailures.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const fixedFiles = await analyseSources(
    files.map((f) => withText(f.source, fixedText.get(f.source.path) ?? f.source.text)),
    rootOf,
    // a file fix rewrote is read again whatever the audit said of its old text
    (file) => judged(file) || fixedText.has(file),
  );
  const diskOf = new Map(files.map((f) => [f.source.path, f.source.text]));
  const mappers = new Map<string, (o: Offset) => Offset>();
  for (const [path, after] of fixedText) mappers.set(path, offsetMapper(diskOf.get(path) ?? '', after));
  const originalFacts = new Map(files.map((f) => [f.source.path, f.facts]));
  for (const f of fixedFiles) {
    const toDisk = mappers.get(f.source.path);
    const before = originalFacts.get(f.source.path);
    if (toDisk && before) carryExecution(f.facts, before, toDisk);
  }
  // psycopg's placeholder rules hold for Python only; JavaScript's SQL is sent as written
  const fixedMode = (language: SourceFile['language']): TextMode =>
    language === 'python' ? { kind: 'fixed', paramstyle: target.paramstyle } : { kind: 'fixed', paramstyle: 'numeric' };
  const fixedSources = sqlSources(fixedFiles, fixedMode, cfg, rules, (path) => {
    const before = diskOf.get(path) ?? '';
    const toDisk = mappers.get(path);
    return toDisk ? { text: before, toDisk, changed: true } : { text: before, toDisk: (o) => o, changed: false };
  });
  const sources = opts.asIs
    ? sqlSources(files, () => ({ kind: 'as-is' }), cfg, rules, (path) => ({ text: diskOf.get(path) ?? '', toDisk: (o) => o, changed: false }))
    : fixedSources;
  return { sources, fixedSources, fixFailures };
}

/**
 * `conn = get_connection("trades")` after the fix is no longer a SQLite connection to the adapter,
 * so the SQL it executes reads as an unexecuted constant: how it is executed (and whether with
 * parameters) is taken from the same SQL in the file as it is today.
 */
function carryExecution(after: FileFacts, before: FileFacts, toDisk: (o: Offset) => Offset): void {
  for (const sql of after.sqlStrings) {
    if (sql.executed) continue;
    const at = toDisk(sql.range.start);
    let best: FileFacts['sqlStrings'][number] | undefined;
    for (const old of before.sqlStrings) {
      if (!old.executed || at < old.range.start || at >= Math.max(old.range.end, old.range.start + 1)) continue;
      if (!best || old.range.end - old.range.start < best.range.end - best.range.start) best = old;
    }
    if (!best) continue;
    sql.executed = true;
    sql.executor = best.executor;
    sql.hasParams = best.hasParams;
    sql.paramsArity = best.paramsArity;
    sql.paramsKind = best.paramsKind;
  }
}

async function connect(url: string): Promise<SqlBackend> {
  try {
    return await openServer(url);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new UsageError(`--database-url: cannot connect (${why}). Check the URL (postgres://user:password@host:port/database) and that the server is running.`);
  }
}

