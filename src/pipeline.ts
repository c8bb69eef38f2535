import { tmpdir } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { discover } from './discover/index.js';
import type { DiscoveredFile } from './discover/index.js';
import { runFix } from './edit/fix.js';
import type { FixRunOptions, FixRunResult } from './edit/fix.js';
import { analyseFiles, configHash, openCache, WORKER_MIN_BYTES } from './perf/engine.js';
import { ParseAhead } from './perf/parse-ahead.js';
import type { DiskCache } from './perf/cache.js';
import { sha1 } from './perf/cache.js';
import { contentHash, StatManifest } from './perf/manifest.js';
import { DiskSource, releaseText, textHeld } from './perf/disk-source.js';
import { PrefilterPass } from './perf/prefilter-pass.js';
import { nativeReader, nativeScreen, trimReaderMemory } from './perf/screen.js';
import { readAhead } from './perf/reader.js';
import { CAP_YOUNG_GENERATION_MIN_FILES, YoungGenerationCap } from './perf/young-generation.js';
import type { PerfOptions } from './perf/engine.js';
import { extractTextFacts } from './lang/text/index.js';
import type { JsModuleIndex, JsProjectIndex } from './lang/typescript/index.js';
import type { Config } from './model/config.js';
import type { FileFacts, SourceFile } from './model/facts.js';
import { emptyFacts } from './model/facts.js';
import type { Finding } from './model/finding.js';
import type { Rule } from './model/rule.js';
import type { FileCounts, FileSummary, RunResult, RunSummary, Skipped } from './model/run.js';
import { allRules } from '../rules/index.js';
import { allCodemods } from '../codemods/index.js';
import { linkExternalSql, linkSqlUse, projectExtractor, rootFinder, sqlUsesByTarget } from './project.js';
import { mergeSchema } from './edit/schema.js';
import type { FactsDigest, FactsTable } from './perf/facts-table.js';
import { digestOf } from './perf/facts-table.js';
import type { AnalysedFile } from './project.js';

export type { AnalysedFile } from './project.js';
export { linkExternalSql } from './project.js';
import { enabledRules, runRules, summarise, tally } from './runner.js';
import type { FindingTally } from './runner.js';
import { CATEGORIES, SEVERITIES } from './model/finding.js';
import { crc32 } from 'node:zlib';
import { FindingSink } from './perf/findings-file.js';
import { ReportCache } from './perf/report-cache.js';
import type { Replay, ReportRecorder } from './perf/report-cache.js';
import { LineIndex } from './util/lines.js';
import { CACHE_VERSION, VERSION } from './version.js';

/** The JavaScript/TypeScript adapter loads ts-morph (half a second): only runs with such files load it. */
type JsAdapter = typeof import('./lang/typescript/index.js');

/** An audit streaming its findings keeps up to this many in memory (PerfOptions.findingsInMemory). */
const FINDINGS_IN_MEMORY = 100_000;
/**
 * FINDINGS_IN_MEMORY for a run large enough to let its texts go (src/perf/prefilter-pass.ts).
 * 100,000 findings held on 64,000 dense files were the run's peak, 282 MB against 257-260 MB at
 * the end of the facts pass (RSS sampled): the rules phase's first seconds held them, until they
 * went to the file all at once.
 */
const FINDINGS_IN_MEMORY_LARGE = 10_000;

/** Files the rules phase runs between two turns of the event loop (a turn costs some microseconds). */
const RULES_TURN_EVERY = 64;

/** Native tree-sitter trees are freed only when the event loop turns: never parse in one long synchronous loop. */
const YIELD_EVERY = 8;
const turn = () => new Promise<void>((r) => setImmediate(r));

export interface AuditResult extends RunResult {
  /** file text by path, for code frames */
  sources: Map<string, string>;
  /**
   * With AuditOptions.report: the report a run with the same inputs wrote, to print as it is
   * (nothing was analysed, the result is otherwise empty but for its summary) ...
   */
  replay?: Replay;
  /** ... or, when there was none, where to keep a copy of the report this run writes */
  recordReport?: () => ReportRecorder | undefined;
}

function unexpected(path: string, stage: string, err: unknown): Skipped {
  const message = err instanceof Error ? err.message : String(err);
  return {
    path,
    reason: 'internal-error',
    detail: `${stage} failed: ${message}. The file was not analysed; please report this with the file attached.`,
  };
}

/** A file whose facts are read when needed (FactsTable: large runs keep them on disk until then). */
interface LazyFile {
  source: SourceFile;
  mayHoldFacts?: boolean;
  digest: FactsDigest;
  /** with the cache on: the hash of the facts' JSON as the cache holds it (FactsTable.hash) */
  factsHash?: string;
  /** the file's facts, before the cross-file link (a new object each time for facts kept on disk) */
  load(): FileFacts;
}

/**
 * discover -> read -> facts -> cross-file link. Python and text files go through src/perf/engine.ts
 * (prefilter, index stages, worker threads, cache); JavaScript/TypeScript through their own index pass.
 */
export async function analyse(
  paths: string[],
  cfg: Config,
  cwd: string,
  perf: PerfOptions = {},
): Promise<{ files: AnalysedFile[]; skipped: Skipped[] }> {
  const lazy = await analyseLazily(paths, cfg, cwd, perf);
  try {
    const files = lazy.files.map(({ source, mayHoldFacts, load }): AnalysedFile => ({ source, facts: load(), ...(mayHoldFacts === undefined ? {} : { mayHoldFacts }) }));
    linkExternalSql(files);
    return { files, skipped: lazy.skipped };
  } finally {
    lazy.close();
  }
}

/** analyse() without reading the facts yet and without the cross-file link (sqlUsesByTarget). */
async function analyseLazily(
  paths: string[],
  cfg: Config,
  cwd: string,
  perf: PerfOptions = {},
  reports?: (sources: SourceFile[], skipped: Skipped[], cache: DiskCache) => ReportCache | undefined,
): Promise<{ files: LazyFile[]; skipped: Skipped[]; close(): void; replay?: AuditResult['replay']; report?: ReportCache; large?: boolean }> {
  const roots = paths.length > 0 ? paths : ['.'];
  // the main thread's young generation is held small from the start (listing 32,000 files grows it
  // to its largest) and let go when there are too few files for that to pay (src/perf/young-generation.ts)
  const young = perf.capYoungGeneration && isMainThread ? new YoungGenerationCap() : undefined;
  const found = await discover(roots, cfg, cwd);
  // the listing is let go once every file is read (64,000 dense files: 3.7 MB of the main thread's
  // heap through the index and facts passes)
  let listing: DiscoveredFile[] | undefined = found.files;
  found.files = [];
  if (listing.length < CAP_YOUNG_GENERATION_MIN_FILES) young?.release();
  const skipped: Skipped[] = [...found.skipped];
  const sources: SourceFile[] = [];
  // with the cache, a file unchanged since the last run is read only when something needs its text
  const dir = openCache(cwd, perf);
  const manifest = dir ? new StatManifest(dir) : undefined;
  const read: SourceFile[] = [];
  // the prefilter's verdicts as the files are read, so a large run lets each text go after its own
  const admitted = new PrefilterPass(dir, perf);
  // the files a stat manifest does not know are read ahead (src/perf/reader.ts); `sources` keeps
  // the order of discovery
  const ahead = process.env.PGREADY_PARSE_AHEAD === 'off' ? undefined : new ParseAhead(WORKER_MIN_BYTES);
  const slots: (SourceFile | undefined)[] = [];
  const toRead: number[] = [];
  for (const f of listing) {
    young?.check();
    const known = manifest?.source(f, cfg);
    if (!known) toRead.push(slots.length);
    slots.push(known);
  }
  let at = 0;
  // with the prefilter on, a Python file the screen settles is left unread (an UnreadSource: read
  // again, as a file a stat manifest hands out, only if something asks for its text)
  const reading = { screen: nativeScreen(), reader: nativeReader(), lazy: perf.prefilter !== false, hash: dir !== undefined };
  // 64,000 files take seconds to read: counted on the terminal as the analysis is
  const readCount = perf.progress?.stage?.('read', toRead.length);
  for await (const batch of readAhead(toRead.map((k) => listing![k]!), cfg, reading)) {
    readCount?.advance(batch.length);
    for (const r of batch) {
      young?.check();
      const slot = toRead[at++]!;
      if ('reason' in r) skipped.push(r);
      else {
        // a large run lets the texts go after their prefilter verdicts and reads them again when asked (DiskSource)
        const f = listing[slot]!;
        const s = 'unread' in r ? new DiskSource(f, cfg, undefined, r.contentHash, r.length) : new DiskSource(f, cfg, r.text, r.contentHash);
        if (r.readStat) s.readStat = r.readStat;
        slots[slot] = s;
        read.push(s);
        if (s.language === 'python' || s.language === 'text') admitted.admit(s, r.screened);
        // a run large enough to let its texts go parses on worker threads, which read them again
        if (ahead && 'text' in r && s.language === 'python' && !admitted.dropTexts && admitted.candidates.has(s.path)) ahead.start(s.path, r.text);
      }
    }
  }
  readCount?.finish();
  listing = undefined;
  // the pool threads' malloc arenas keep what the reading freed (engine.ts gives back the rest later)
  if (reading.reader) trimReaderMemory();
  for (const s of slots) if (s) sources.push(s);

  // the report of a run with these very inputs, when the caller keeps reports: print it again
  const report = dir && reports ? reports(sources, [...skipped].sort(bySkippedPath), dir) : undefined;
  const replay = report?.lookup();
  if (replay) {
    if (manifest) saveManifest(manifest, read);
    if (perf.stats) Object.assign(perf.stats, { files: sources.length, parsed: 0, skipped: sources.length, cacheHits: sources.length, workers: 0 });
    return { files: [], skipped, close: nothing, replay };
  }

  const rootOf = rootFinder(roots, cwd);
  const python = sources.filter((s) => s.language === 'python');
  const text = sources.filter((s) => s.language === 'text');
  const engine = await analyseFiles(python, text, rootOf, cfg, cwd, perf, admitted, ahead);
  try {
    const jsAdapter: JsAdapter | undefined = sources.some((s) => s.language === 'javascript' || s.language === 'typescript')
      ? await import('./lang/typescript/index.js')
      : undefined;
    const jsProject = jsAdapter ? await indexJsProject(jsAdapter, sources, rootOf) : undefined;

    const files: LazyFile[] = [];
    let n = 0;
    for (const source of sources) {
      if (source.language === 'python' || source.language === 'text') {
        const digest = engine.facts.digest(source.path);
        const error = engine.errors.get(source.path);
        if (digest) {
          const path = source.path;
          const factsHash = engine.facts.hash(path);
          files.push({
            source,
            digest,
            load: loadFrom(engine.facts, path),
            mayHoldFacts: source.language === 'text' || engine.candidates.has(path),
            ...(factsHash === undefined ? {} : { factsHash }),
          });
        } else skipped.push(unexpected(source.path, 'analysis', error ?? 'no facts'));
        continue;
      }
      try {
        const facts = jsAdapter && jsProject ? jsAdapter.extractJsFacts(source, jsProject) : extractTextFacts(source);
        files.push({ source, digest: digestOf(facts), load: always(facts) });
      } catch (err) {
        skipped.push(unexpected(source.path, 'analysis', err));
      }
      if (++n % YIELD_EVERY === 0) await turn();
    }
    if (manifest) {
      saveManifest(manifest, read);
      if (perf.stats) countUnread(perf.stats, manifest);
    }
    skipped.sort(bySkippedPath);
    return { files, skipped, close: closing(engine.facts), ...(report ? { report } : {}), large: admitted.dropTexts };
  } catch (e) {
    engine.facts.close();
    throw e;
  }
}

function nothing(): void {}

/*
 * The closures a run hands on are made here, not in analyseLazily: one made there holds its whole
 * scope (the listing, the stat manifest's entries, the reading's state), which would live on through
 * the rules phase (64,000 dense files: the listing alone, 5 MB of the main thread's heap).
 */
function loadFrom(facts: FactsTable, path: string): () => FileFacts {
  return () => facts.load(path)!;
}

function always(facts: FileFacts): () => FileFacts {
  return () => facts;
}

function closing(facts: FactsTable): () => void {
  return () => facts.close();
}

/** Records the files this run read in the stat manifest, for the next run. */
function saveManifest(manifest: StatManifest, read: SourceFile[]): void {
  for (const s of read) manifest.remember(s);
  manifest.save();
}

function bySkippedPath(a: Skipped, b: Skipped): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * stats.unread, counted when asked (the rules read texts after the analysis). Made here, not in
 * analyseLazily: a closure there would share its scope, and the facts of every file with it.
 */
function countUnread(stats: NonNullable<PerfOptions['stats']>, manifest: StatManifest): void {
  Object.defineProperty(stats, 'unread', { get: () => manifest.unread(), enumerable: true, configurable: true });
}

/** The JavaScript/TypeScript index pass: exports and factory functions, for cross-file facts. */
async function indexJsProject(adapter: JsAdapter, sources: SourceFile[], rootOf: (file: string) => string): Promise<JsProjectIndex> {
  const { indexJs, JsModuleTable, JsProjectIndex } = adapter;
  const js = sources.filter((s) => s.language === 'javascript' || s.language === 'typescript');
  const table = new JsModuleTable(js.map((s) => ({ path: s.path, root: rootOf(s.path), absPath: s.absPath })));
  const indexes: JsModuleIndex[] = [];
  let n = 0;
  for (const s of js) {
    try {
      indexes.push(indexJs(s, table));
    } catch {
      // the facts pass reports the file
    }
    if (++n % YIELD_EVERY === 0) await turn();
  }
  return new JsProjectIndex(table, indexes);
}

/** Connections through these count as SQLite itself; any other library (aiosqlite) is a third-party entry point. */
const SQLITE_DRIVERS = new Set(['sqlite3', 'better-sqlite3', 'sqlite', 'node:sqlite']);

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
    thirdParty: facts.thirdParty.length + facts.dbPaths.filter((d) => d.kind === 'url').length + facts.connections.filter((c) => !SQLITE_DRIVERS.has(c.library)).length,
    directConnections: facts.connections.filter((c) => c.via === 'direct').length,
    placeholderStatements: placeholderStatements(facts, findings),
  };
}

/** How many SQL strings hold a placeholder finding; one string executed twice counts once. */
function placeholderStatements(facts: FileFacts, findings: Finding[]): number {
  const statements = new Set<number>();
  for (const f of findings) {
    if (f.category !== 'placeholder') continue;
    const sql = facts.sqlStrings.find((s) =>
      s.map.some((r) => f.range.start >= r.fileStart && f.range.start < (r.fileEnd ?? r.fileStart + r.length)),
    );
    // keyed by where the SQL text starts in the file; a finding outside any SQL string stands alone
    statements.add(sql ? (sql.map[0]?.fileStart ?? sql.range.start) : -1 - f.range.start);
  }
  return statements.size;
}

/** JSON.stringify replacer: SQL tokens are a function of text and holes, and filled in lazily (tokensOf). */
function withoutTokens(key: string, value: unknown): unknown {
  return key === 'tokens' ? undefined : value;
}

/**
 * A file's entry in the findings cache: its summary's counts and its findings' tally; the findings
 * are packed apart (FINDINGS_DATA), with the CRC-32 of their JSON here: a run that keeps its
 * findings on disk reads that JSON where it lies in the pack when it writes the report
 * (FindingSink.addPacked).
 */
interface CachedFindings {
  counts: FileCounts;
  tally: FindingTally;
  crc: number;
}

const FINDINGS_DATA = 'findings-data';

function isCachedFindings(v: CachedFindings | undefined): v is CachedFindings {
  return typeof v === 'object' && v !== null && typeof v.counts === 'object' && v.counts !== null && typeof v.crc === 'number' && isTally(v.tally);
}

function isTally(t: FindingTally | undefined): t is FindingTally {
  if (typeof t !== 'object' || t === null || !Number.isInteger(t.findings)) return false;
  const counts = (o: object, names: readonly string[]) =>
    typeof o === 'object' && o !== null && Object.keys(o).length === names.length && names.every((n) => Number.isInteger((o as Record<string, unknown>)[n]));
  return counts(t.bySeverity, SEVERITIES) && counts(t.byCategory, CATEGORIES);
}

/** What the audit's prefilter said of each file (a file it did not judge may hold facts). */
export function mayHoldFacts(files: readonly AnalysedFile[]): (file: string) => boolean {
  const no = new Set(files.filter((f) => f.mayHoldFacts === false).map((f) => f.source.path));
  return (file) => !no.has(file);
}

/** The first syntax error of each file tree-sitter recovered from, for the summary. */
function recoveredFiles(files: LazyFile[]): NonNullable<RunResult['recovered']> {
  const out: NonNullable<RunResult['recovered']> = [];
  for (const { source, digest, mayHoldFacts } of files) {
    const first = digest.diagnostic;
    // a file that cannot hold a finding has none to lose (and the prefilter may not have parsed it)
    if (!first || mayHoldFacts === false) continue;
    const { line } = new LineIndex(source.text).position(first.range.start);
    out.push({ path: source.path, line, message: first.message });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function codemodLanguages(name: string): readonly string[] {
  return allCodemods.find((c) => c.name === name)?.languages ?? ['python'];
}

/**
 * streamFindings: the caller reads the findings once, in report order (reportOrder), and needs no
 * texts for code frames: a large run then keeps its findings on disk (`findingsFile`, which the
 * caller closes) and `findings` is empty.
 */
export interface AuditOptions {
  cwd: string;
  rules?: Rule[];
  perf?: PerfOptions;
  streamFindings?: boolean;
  /**
   * The report the caller will write, when its bytes are a function of the audit's inputs alone
   * (any format without a baseline; the terminal report but for its time row): every option that
   * changes them. With the cache on, a run of a
   * Python (and text) project whose inputs are those of the run that wrote the last such report
   * gets it back (AuditResult.replay) instead of an analysis (src/perf/report-cache.ts).
   */
  report?: string;
}

export async function audit(paths: string[], cfg: Config, opts: AuditOptions): Promise<AuditResult> {
  const started = performance.now();
  const rules = opts.rules ?? allRules;
  const reports = (sources: SourceFile[], skipped: Skipped[], cache: DiskCache): ReportCache | undefined =>
    opts.report === undefined || sources.some((s) => s.language === 'javascript' || s.language === 'typescript')
      ? undefined
      : new ReportCache(
          cache,
          sha1(opts.cwd, JSON.stringify(paths), opts.report),
          // the files (their content hashes come from the stat manifest when it vouches for them),
          // what was skipped and why, and all the rest the report depends on
          sha1(
            CACHE_VERSION,
            configHash(cfg),
            cfg.root,
            opts.cwd,
            JSON.stringify(paths),
            opts.report,
            rules.map((r) => r.id).join(','),
            JSON.stringify(sources.map((s) => [s.path, s.language, contentHash(s)])),
            JSON.stringify(skipped),
          ),
        );
  // one file's facts at a time: on large runs the rest wait on disk (src/perf/facts-table.ts)
  const { files, skipped, close, replay, report, large } = await analyseLazily(paths, cfg, opts.cwd, opts.perf, reports);
  if (replay) return { ...emptyAudit(replay.summary), replay, durationMs: performance.now() - started };
  try {
    const result = await auditFiles(files, skipped, cfg, opts, large === true);
    return { ...result, ...(report ? { recordReport: () => report.recorder() } : {}), durationMs: performance.now() - started };
  } finally {
    close();
  }
}

/** What a replayed audit returns beside its report: nothing was analysed. */
function emptyAudit(summary: RunSummary): Omit<AuditResult, 'durationMs'> {
  return { tool: { name: 'pgready', version: VERSION }, files: [], findings: [], skipped: [], rules: [], summary, sources: new Map() };
}

/** large: the run let its texts go (analyseLazily) */
async function auditFiles(files: LazyFile[], skipped: Skipped[], cfg: Config, opts: AuditOptions, large: boolean): Promise<Omit<AuditResult, 'durationMs'>> {
  // the runner filters by configuration itself: it must tell a rule turned off from an unknown id
  const rules = opts.rules ?? allRules;
  const summaries: FileSummary[] = [];
  const sources = new Map<string, string>();
  const ctx = { schema: mergeSchema(files.map((f) => ({ file: f.source.path, tables: f.digest.tables }))) };
  const incoming = sqlUsesByTarget(files.map((f) => ({ path: f.source.path, uses: f.digest.externalSqlUses })));
  // A file's findings are a function of its facts (as linked), its text, the project schema, the
  // configuration and the rules: with the cache on, a file whose inputs are all unchanged takes
  // the findings the rules gave last time.
  const perf = opts.perf;
  const cache = openCache(opts.cwd, perf);
  const runKey = cache ? sha1(CACHE_VERSION, configHash(cfg), rules.map((r) => r.id).join(','), JSON.stringify([...ctx.schema])) : '';
  // a large run asked to stream its findings writes them to disk once there are many
  const inMemory = perf?.findingsInMemory ?? (large ? FINDINGS_IN_MEMORY_LARGE : FINDINGS_IN_MEMORY);
  const sink = new FindingSink(opts.streamFindings ? inMemory : Infinity, () => perf?.scratchDir ?? cache?.prepare() ?? tmpdir());
  // the rules phase is a large run's longest: counted on the terminal as the analysis was
  const checking = perf?.progress?.stage?.('checked', files.length);
  try {
    let n = 0;
    for (const { source, digest, factsHash, load } of files) {
      checking?.advance(1);
      // the event loop turns now and then, so that an interrupt is heard (exitingOnSignals)
      if (++n % RULES_TURN_EVERY === 0) await turn();
      // most files of a large tree hold no fact at all: rules read facts, so there is nothing to run
      if (digest.factless) {
        summaries.push({ path: source.path, language: source.language, counts: countsOf(emptyFacts(source.path, source.language), []), usesSqlite: false });
        continue;
      }
      const uses = incoming.get(source.path) ?? [];
      // a text a large run let go is read for this file's rules and let go again after them
      const held = textHeld(source);
      // keyed by the facts as the cache holds them and what links to them: with both cached, the
      // facts are never read (a warm run)
      let facts: FileFacts | undefined;
      const key = cache ? sha1(runKey, source.path, contentHash(source), factsHash ?? sha1(JSON.stringify((facts = load()), withoutTokens)), JSON.stringify(uses)) : '';
      const known = cache?.getPacked<CachedFindings>('findings', key);
      // findings that may go to disk are referred to where they lie in the pack, not copied
      const cached = !isCachedFindings(known) ? undefined : opts.streamFindings ? cache?.packedRef(FINDINGS_DATA, key, known.crc) : cache?.getPackedText(FINDINGS_DATA, key, known.crc);
      let found: number;
      let counts: FileCounts;
      if (cached !== undefined && known) {
        if (typeof cached === 'string') sink.addJson(source.path, cached, known.tally);
        else sink.addPacked(source.path, cached, known.tally);
        found = known.tally.findings;
        counts = known.counts;
      } else {
        facts ??= load();
        for (const use of uses) linkSqlUse(facts, use);
        const run = runRules(rules, facts, source, cfg, ctx);
        const own = run.findings;
        let data: string | undefined;
        // a rule's codemod fixes only the languages it plans for (some are Python's only)
        for (const f of own) if (f.fixedBy !== undefined && !codemodLanguages(f.fixedBy).includes(source.language)) delete f.fixedBy;
        counts = countsOf(facts, own);
        if (cache && run.errors.length === 0) {
          data = JSON.stringify(own);
          cache.setLaterJson(FINDINGS_DATA, key, data);
          cache.setLater('findings', key, { counts, tally: tally(own), crc: crc32(data) } satisfies CachedFindings);
        }
        for (const e of run.errors) {
          skipped.push({ path: source.path, reason: 'internal-error', detail: `rule ${e.ruleId} (${e.ruleName}) failed: ${e.message}; its findings for this file are missing. Please report this.` });
        }
        // the rules were the last to read this file's SQL tokens (tokensOf made them): let them go
        for (const sql of facts.sqlStrings) sql.tokens = [];
        sink.add(own, data);
        found = own.length;
      }
      const usesSqlite = found > 0 || Object.values(counts).some((c) => c > 0);
      summaries.push({ path: source.path, language: source.language, counts, usesSqlite });
      if (found > 0 && !opts.streamFindings) sources.set(source.path, source.text);
      if (!held) releaseText(source);
    }
  } catch (e) {
    sink.close();
    throw e;
  } finally {
    checking?.finish();
  }
  await cache?.flush();
  // the findings file reads cached findings where they lie in the pack: it closes the pack
  const lent = cache && sink.refersToPacks ? cache.lend(FINDINGS_DATA) : undefined;
  if (lent !== undefined) sink.adoptPack(lent);
  cache?.close();
  summaries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const { findings: sorted, file } = sink.finish();
  const meta = enabledRules(rules, cfg)
    .map(({ detect: _detect, ...m }) => m)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    tool: { name: 'pgready', version: VERSION },
    files: summaries,
    findings: sorted,
    ...(file ? { findingsFile: file } : {}),
    skipped,
    rules: meta,
    summary: summarise(summaries, sink.tally, skipped),
    recovered: recoveredFiles(files),
    sources,
  };
}

/**
 * `pgready fix`: analyse as audit does, then plan, check and (mode 'write') write every file the
 * codemods change. Rewritten text is read again by the same adapters, against the project index
 * of the files as they were read.
 */
export async function fix(paths: string[], cfg: Config & { target?: unknown }, opts: FixRunOptions): Promise<FixRunResult> {
  const roots = paths.length > 0 ? paths : ['.'];
  const { files, skipped } = await analyse(roots, cfg, opts.cwd);
  // rewritten files are read again over the index of the project as it is on disk
  const judged = mayHoldFacts(files);
  const extract = await projectExtractor(files.map((f) => f.source), rootFinder(roots, opts.cwd), judged);
  // each codemod plans only for the languages it lists (src/edit/fix.ts)
  return { ...(await runFix(files, skipped, cfg, { ...opts, extract })), mayHoldFacts: judged };
}
