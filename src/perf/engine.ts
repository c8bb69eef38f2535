import { availableParallelism, tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { ModuleTable, ProjectIndex } from '../lang/python/index.js';
import type { PythonModuleIndex } from '../lang/python/index.js';
import type { Config } from '../model/config.js';
import type { FileFacts, SourceFile } from '../model/facts.js';
import { emptyFacts } from '../model/facts.js';
import { FACTS_DATA, FactsTable, isDigest } from './facts-table.js';
import type { FactsDigest } from './facts-table.js';
import { CACHE_VERSION } from '../version.js';
import { DiskCache, sha1 } from './cache.js';
import { contentHash, DiskSource, FileChangedError, releaseText, textHeld, textLength } from './disk-source.js';
import { SEARCH_NONE, searchUnread } from './reader.js';
import { nativeSearch, trimReaderMemory } from './screen.js';
import type { Executor } from './pool.js';
import { InlineExecutor, WorkerExecutor } from './pool.js';
import { mayBind } from './binds.js';
import { mentionsWord } from './prefilter.js';
import { PrefilterPass } from './prefilter-pass.js';
import type { ParseAhead } from './parse-ahead.js';
import type { ProgressSink, StageProgress } from './progress.js';
import { SILENT } from './progress.js';
import type { ProjectInputs, Task, TaskResult } from './tasks.js';
import { shipTask, TaskRunner } from './tasks.js';
import type { SpillRef } from './spill.js';
import { makeScratch } from './spill.js';
import { IndexSharing } from './shared-indexes.js';
import { Interner } from '../util/intern.js';
import { ScratchError } from '../util/errors.js';

export interface PerfOptions {
  /** Skip files whose text shows they cannot hold a finding (default true). */
  prefilter?: boolean;
  /** Worker threads; 1 analyses on the main thread. Default: the machine's cores (at most 4), for large inputs only. */
  jobs?: number;
  /** Read and write the facts cache (default false; the CLI turns it on). */
  cache?: boolean;
  /** Cache directory, relative to the working directory (default `.pgready-cache`). */
  cacheDir?: string;
  /**
   * Told when a write to the cache directory `dir` fails (a full disk, a permission): the run goes
   * on and nothing more is written there. Once for each of the run's DiskCaches (the CLI warns once).
   */
  onCacheWriteError?: (dir: string, error: string) => void;
  progress?: ProgressSink;
  /**
   * Write the index pass's trees to a scratch directory until the facts pass reads them, and the
   * facts until the rules read them (src/perf/spill.ts, src/perf/facts-table.ts). Default: for
   * inputs large enough for workers.
   */
  spill?: boolean;
  /** Where the scratch directory is made (default: the cache directory, else the system's temporary directory). */
  scratchDir?: string;
  /**
   * Let the texts go after their prefilter verdicts: the threads that parse read their files
   * again, and the rules one at a time (src/perf/disk-source.ts). Default: from 16 MB of Python to
   * parse or 64 MB read (src/perf/prefilter-pass.ts).
   */
  dropTexts?: boolean;
  /** Filled in with what the run did, for the benchmark. */
  stats?: EngineStats;
  /**
   * An audit asked to stream its findings (the JSON and SARIF reports) writes them to a scratch
   * directory once there are more than this many (src/perf/findings-file.ts). Default 100,000 (about 46 MB of heap),
   * and 10,000 in a run large enough to let its texts go (dropTexts).
   */
  findingsInMemory?: number;
  /**
   * Hold the main thread's young generation at 4 MB semi-spaces on runs of 8,000 files or more
   * (src/perf/young-generation.ts). V8's growth factor is the process's, so only a process that runs
   * one command (the CLI) asks for it. Default false.
   */
  capYoungGeneration?: boolean;
}

export interface EngineStats {
  files: number;
  /** files read by a parser in this run (cache misses) */
  parsed: number;
  /** Python files the prefilter left out */
  skipped: number;
  cacheHits: number;
  workers: number;
  /** files unchanged since the last cached run whose text was never read (src/perf/manifest.ts) */
  unread?: number;
  /** trees the index pass wrote to the scratch directory */
  spilled?: number;
  /** files whose facts the facts pass wrote to the scratch directory */
  storedFacts?: number;
  /** the scratch directory the run made (and removed) */
  scratch?: string;
  /** files whose stored or cached facts could not be read back, analysed again when read */
  reanalysed?: number;
  /** the texts were let go after the prefilter (PerfOptions.dropTexts) */
  textsDropped?: boolean;
  /** module indexes made again from their text: this thread held them lean, and the scratch directory lost or refused them */
  reindexed?: number;
  /** files the index pass found parsed ahead (src/perf/parse-ahead.ts) */
  parsedAhead?: number;
}

export interface EngineResult {
  /** every file's facts; close() it once they are read (it removes the scratch directory) */
  facts: FactsTable;
  /** files whose analysis threw: path -> message */
  errors: Map<string, string>;
  /** Python files that may hold facts (whatever the prefilter setting), for reporting recovered syntax errors */
  candidates: Set<string>;
}

export const DEFAULT_CACHE_DIR = '.pgready-cache';

/** The run's cache directory, when the options turn the cache on. */
export function openCache(cwd: string, opts: Pick<PerfOptions, 'cache' | 'cacheDir' | 'onCacheWriteError'> = {}): DiskCache | undefined {
  if (!opts.cache) return undefined;
  const dir = resolve(cwd, opts.cacheDir ?? DEFAULT_CACHE_DIR);
  const told = opts.onCacheWriteError;
  return new DiskCache(dir, told && ((error) => told(dir, error)));
}
/** Below this much text to parse, starting workers costs more than it saves. */
export const WORKER_MIN_BYTES = 1.5 * 1024 * 1024;
const MAX_AUTO_JOBS = 4;

/**
 * A file's entry in the `facts` pack; its facts JSON is packed apart (FACTS_DATA) and read only
 * when something reads the facts: a warm run whose findings are cached never does.
 */
interface FactsMeta {
  /** for each file the analysis asked about, the hash of what the project index answers about it */
  deps: [string, string][];
  digest: FactsDigest;
  /** sha1 of the facts JSON (FactsTable.hash) */
  hash: string;
}

function isFactsMeta(v: FactsMeta | undefined): v is FactsMeta {
  return v !== undefined && Array.isArray(v.deps) && typeof v.hash === 'string' && isDigest(v.digest);
}

interface FactoryRef {
  /**
   * What reaches() reads, which is all a search for the factory reads: factories that share it
   * are searched for once. 64,000 dense files have 20,952 factories and 18 keys: searched for
   * each factory, the native search took 2 s and, copying every factory's words for each batch of
   * 256 files, raised the RSS from 260 to 303 MB (the run's peak); now 0.14 s, and no rise.
   */
  key: string;
  name: string;
  /** the last part of the defining module's dotted name: `db` for backend/util/db.py, `util` for util/__init__.py */
  module: string;
  packageInit: boolean;
}

function factoryRef(file: string, name: string): FactoryRef {
  const parts = file.replace(/\.pyw?$/, '').split('/');
  const packageInit = parts[parts.length - 1] === '__init__';
  if (packageInit) parts.pop();
  const module = parts[parts.length - 1] ?? '';
  return { key: `${name}\0${module}\0${packageInit ? 1 : 0}`, name, module, packageInit };
}

/**
 * Whether a file may call this factory: it names the factory (as a whole word) and the module
 * defining it, or (a factory in a package's __init__.py) imports relatively. Code reaches another
 * module's functions only through import statements and attribute chains, which spell both.
 */
export function reaches(text: string, r: Pick<FactoryRef, 'name' | 'module' | 'packageInit'>): boolean {
  if (!mentionsWord(text, r.name)) return false;
  return (r.module !== '' && mentionsWord(text, r.module)) || (r.packageInit && text.includes('from .'));
}

/** Any of `words` as a whole identifier (as mentionsWord finds one: no identifier character around it). */
function anyWord(words: string[]): RegExp {
  const alternatives = [...new Set(words)].filter((w) => w !== '').map((w) => w.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&'));
  return alternatives.length === 0 ? /(?!)/ : new RegExp(`(?<![\\w\\u0080-\\uffff])(?:${alternatives.join('|')})(?![\\w\\u0080-\\uffff])`);
}

/*
 * The closures below (and makeScratch's, spill.ts) outlive analyseFiles (the facts table keeps
 * them until the audit is done) and are made out here on purpose: a closure made inside
 * analyseFiles would share its scope, and keep alive every cache pack, index and text the engine
 * read (measured: 30 MB on a warm run).
 */

/** Even an empty arrow function made inside analyseFiles would hold its scope. */
function nothing(): void {}

/** What closing the facts table does: remove the scratch directory, close the cache's packs. */
function closer(dropSpill: (() => void) | undefined, cache: DiskCache | undefined): () => void {
  return !dropSpill && !cache
    ? nothing
    : () => {
        dropSpill?.();
        cache?.close();
      };
}

/**
 * Analyses one file again on this thread, with the project inputs of the run's end. Its facts were
 * made once, so what stops them being made again is a file changed since (FileChangedError) or
 * module indexes the scratch directory lost too (ScratchError).
 */
function recomputer(sources: SourceFile[], inputs: ProjectInputs, stats: EngineStats): (path: string) => FileFacts | undefined {
  const byPath = new Map(sources.map((s) => [s.path, s]));
  let runner: TaskRunner | undefined;
  return (path) => {
    const source = byPath.get(path);
    if (!source) return undefined;
    stats.reanalysed = (stats.reanalysed ?? 0) + 1;
    if (!runner) {
      runner = new TaskRunner();
      runner.setup(inputs, true);
    }
    const r = runner.run({ kind: 'facts', source });
    runner.release();
    if (r.kind !== 'facts') return undefined;
    if (r.facts) return r.facts;
    if (r.changed) throw new FileChangedError(path);
    throw new ScratchError(`the facts of ${path} could not be read back from the scratch directory or the cache, nor made again (${r.error ?? 'no facts'}); run pgready again`);
  };
}

/** Facts as JSON without their SQL tokens, as the cache holds them. */
function leanJson(f: FileFacts | undefined): string | undefined {
  return f && JSON.stringify({ ...f, sqlStrings: f.sqlStrings.map((sql) => ({ ...sql, tokens: [] })) });
}

/** The simple name a factory is called by: `get_conn`, `Database.connect` -> `connect`. */
function callName(qualified: string): string {
  const dot = qualified.lastIndexOf('.');
  return dot < 0 ? qualified : qualified.slice(dot + 1);
}

/** The effective configuration, as cache keys see it (where it was read from does not count). */
export function configHash(cfg: Config): string {
  const { root: _root, source: _source, ...rest } = cfg;
  return sha1(JSON.stringify(rest));
}

/**
 * Python and text files -> facts. Python runs in stages: the prefilter picks the files that may
 * hold facts; those are indexed, and every file mentioning the name of a connection factory found
 * so far joins them, until no new one does; then their facts are extracted against the project
 * index of the indexed files. A file's analysis may ask what a module not indexed exports (an
 * import of a module with no SQLite in it): the analyzer carries the answer as an `unindexed` value
 * and reports the question only where the answer would change a fact; that module is then indexed
 * (or, when its text shows it cannot bind the name, the answer settled as "no such name") and the
 * file analysed again, so every fact equals the one a full index gives.
 */
export async function analyseFiles(
  python: SourceFile[],
  text: SourceFile[],
  rootOf: (file: string) => string,
  cfg: Config,
  cwd: string,
  opts: PerfOptions = {},
  admitted?: PrefilterPass,
  ahead?: ParseAhead,
): Promise<EngineResult> {
  const prefilter = opts.prefilter !== false;
  const progress = opts.progress ?? SILENT;
  const stats: EngineStats = opts.stats ?? { files: 0, parsed: 0, skipped: 0, cacheHits: 0, workers: 0 };
  Object.assign(stats, { files: python.length + text.length, parsed: 0, skipped: 0, cacheHits: 0, workers: 0 });
  const cache = openCache(cwd, opts);
  const tableInputs = python.map((s) => ({ path: s.path, root: rootOf(s.path) })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const table = new ModuleTable(tableInputs);
  const base = sha1(CACHE_VERSION, configHash(cfg), JSON.stringify(tableInputs));
  const hashOf = contentHash;
  progress.start(python.length + text.length);

  // 1. the prefilter: its verdicts were taken as the files were read, but for files read from a
  // stat manifest and for callers that hand the files straight in
  const pass = admitted ?? new PrefilterPass(cache, opts);
  pass.finish(python, text);
  const candidates = pass.candidates;
  const byPath = new Map(python.map((s) => [s.path, s]));
  const selected = new Set(prefilter ? candidates : python.map((s) => s.path));
  // A run with this much Python to parse has let every text go (PrefilterPass): the threads that
  // parse and analyse read their files themselves and the rules read one file at a time
  // (DiskSource), so the main thread does not hold every text through the index and facts passes
  // (68 MB of its heap on 32,000 files). What else reads a text here reads it again and lets it go
  // (readText).
  const dropTexts = pass.dropTexts;
  if (dropTexts) {
    stats.textsDropped = true;
    // what was parsed ahead before the run was found large is not taken: its texts went
    ahead?.clear();
  }
  // a text read from disk here (a file a stat manifest handed out unread) goes again too: a warm run
  // whose factory search reads every file left out held them all (ten copies of the standard
  // library with one file changed: 554 MB)
  const readText = (s: SourceFile): string => {
    const held = textHeld(s);
    const t = s.text;
    if (dropTexts || !held) releaseText(s);
    return t;
  };
  const indexed = new Map<string, PythonModuleIndex>();
  /** the SHA-1 of a module index's JSON as it was made, taken before `indexed` holds it lean (depHash) */
  const indexHashes = new Map<string, string>();
  /**
   * Once the facts pass shares the module indexes through the scratch directory, `indexed` holds
   * each only as far as solving factories needs (lean): the threads that analyse read the whole
   * index there.
   */
  let leanIndexes = false;
  const indexFailed = new Set<string>();
  /** what each file's index pass asked (until the questions it forecasts are settled: then let go) */
  let indexQueries: Map<string, string[]> | undefined = new Map();
  /** trees the index pass parsed (or where it spilled them), handed to the facts pass of the same file (each is used once) */
  const trees = new Map<string, Uint32Array | SpillRef>();
  let spillDir: string | undefined;
  /** large inputs: trees spilled, facts without tokens (ProjectInputs) */
  let large = false;
  /** removes the scratch directory (at exit too, if the run throws); see makeScratch */
  let dropSpill: (() => void) | undefined;

  let executor: Executor | undefined;
  try {
    const executorFor = (size: () => number): Executor => {
      if (executor) return executor;
      const bytes = size();
      large = bytes >= WORKER_MIN_BYTES;
      if (opts.spill ?? large) {
        // on the project's disk when the cache is on: a temporary directory may be a tmpfs, in memory
        const scratch = makeScratch(opts.scratchDir ?? cache?.prepare() ?? tmpdir());
        spillDir = scratch?.dir;
        dropSpill = scratch?.remove;
        if (spillDir) stats.scratch = spillDir;
      }
      const jobs = opts.jobs ?? Math.min(availableParallelism(), MAX_AUTO_JOBS);
      if (jobs > 1 && (opts.jobs !== undefined || bytes >= WORKER_MIN_BYTES)) {
        try {
          // what a worker posts is a copy of every string in it (paths, names, kinds): keep one of each
          const texts = new Map(text.map((s) => [s.path, s.path]));
          executor = new WorkerExecutor(jobs, new Interner((s) => byPath.get(s)?.path ?? texts.get(s)));
          stats.workers = jobs;
        } catch {
          executor = new InlineExecutor();
        }
      } else executor = new InlineExecutor();
      executor.setup({ table: tableInputs, indexes: [], spillDir, lean: large });
      return executor;
    };
    // how much text there is to parse decides whether workers pay off (text files cost far less)
    const taskBytes = (tasks: Task[]): number => {
      let n = 0;
      for (const t of tasks) {
        const length = textLength(t.source as SourceFile);
        n += t.source.language === 'python' ? length : length / 8;
      }
      return n;
    };
    const parsed = new Set<string>();
    /** the index pass's count on the terminal, while the selected files are indexed */
    let indexing: StageProgress | undefined;
    /**
     * Runs the tasks, handing each result to `take` with its task's place as it comes: in no fixed
     * order on worker threads, or `inOrder`, in the order of the tasks (a result that comes early
     * waits for those before it: on two workers a few batches at most). A worker that dies leaves
     * the tasks it did not finish to this thread. A file whose text changed since the run read it
     * stops the run once the tasks are done (FileChangedError, naming the first such task's file).
     */
    const run = async (tasks: Task[], count: boolean, take: (r: TaskResult, at: number) => void, inOrder = false): Promise<void> => {
      if (tasks.length === 0) return;
      const ex = executorFor(() => taskBytes(tasks));
      for (const t of tasks) parsed.add(t.source.path);
      stats.parsed = parsed.size;
      const taken = new Uint8Array(tasks.length);
      let changedAt = -1;
      // inOrder: the results that came before their turn (undefined: a changed file's)
      const early = new Map<number, TaskResult | undefined>();
      let next = 0;
      const onResult = (r: TaskResult, at: number): void => {
        taken[at] = 1;
        if (count) progress.advance(1);
        else indexing?.advance(1);
        if (r.changed && (changedAt < 0 || at < changedAt)) changedAt = at;
        const ok = r.changed ? undefined : r;
        if (!inOrder) {
          if (ok) take(ok, at);
          return;
        }
        if (at !== next) {
          early.set(at, ok);
          return;
        }
        if (ok) take(ok, at);
        for (next++; early.has(next); next++) {
          const waiting = early.get(next);
          early.delete(next);
          if (waiting) take(waiting, next);
        }
      };
      try {
        await ex.run(tasks, onResult);
      } catch {
        // a worker died: finish on this thread
        await ex.close();
        executor = new InlineExecutor();
        executor.setup(leanIndexes ? factsInputs() : inputs());
        const left: number[] = [];
        for (let at = 0; at < tasks.length; at++) if (taken[at] === 0) left.push(at);
        await executor.run(
          left.map((at) => tasks[at]!),
          (r, k) => onResult(r, left[k]!),
        );
      }
      if (changedAt >= 0) throw new FileChangedError(tasks[changedAt]!.source.path);
    };
    /** export questions about files not indexed whose answer is known to be "no such name" */
    const settled = new Set<string>();
    const inputs = (): ProjectInputs => ({ table: tableInputs, indexes: [...indexed.values()], settled: [...settled].sort(), spillDir, lean: large });

    let sharing: IndexSharing | undefined;
    /**
     * A large run writes each module index to the scratch directory as it comes from the index
     * pass, and holds it lean from then on: the whole indexes held to the end of the index pass,
     * and their JSON made again (twice: hash and write) when the facts pass began, made the largest
     * runs' peak (64,000 dense files: RSS 448 MB as that pass began, measured in session 20).
     */
    const shareNow = (m: PythonModuleIndex, json: string): void => {
      sharing ??= new IndexSharing(spillDir!);
      if (!sharing.write(m.file, json)) return;
      if (!indexHashes.has(m.file)) indexHashes.set(m.file, sha1(json));
      makeLean(m);
      leanIndexes = true;
    };
    /** the texts of modules parsed ahead that are not held (read to settle a question: parseAsked) */
    const aheadTexts = new Map<string, string>();
    const indexFiles = async (paths: string[]): Promise<void> => {
      const tasks: Task[] = [];
      for (const p of paths) {
        const s = byPath.get(p);
        if (!s || indexed.has(p) || indexFailed.has(p)) continue;
        const hit = cache?.getPacked<{ index?: PythonModuleIndex; queried?: string[] }>('index', sha1(base, p, hashOf(s)));
        if (hit && hit.index?.file === p && Array.isArray(hit.index.functions) && Array.isArray(hit.queried)) {
          indexed.set(p, hit.index);
          indexQueries?.set(p, hit.queried);
          indexing?.advance(1);
        }
        else {
          const held = textHeld(s) ? s.text : aheadTexts.get(p);
          aheadTexts.delete(p);
          const words = ahead && held !== undefined ? await ahead.take(p, held) : undefined;
          if (words) stats.parsedAhead = (stats.parsedAhead ?? 0) + 1;
          tasks.push(words ? { kind: 'index', source: s, tree: words } : { kind: 'index', source: s });
        }
      }
      // taken in the tasks' order (the cache's entries are written in it), each as soon as those
      // before it are: a large run's whole module indexes no longer wait for the end of the pass
      // (64,000 dense files: the index pass's end was the largest runs' peak once the facts pass
      // held less)
      await run(
        tasks,
        false,
        (r) => {
          if (r.kind !== 'index') return;
          if (r.tree && selected.has(r.path)) trees.set(r.path, r.tree);
          if (r.tree && !ArrayBuffer.isView(r.tree)) stats.spilled = (stats.spilled ?? 0) + 1;
          if (r.index) {
            // the index's JSON, made once: for the cache, and (large runs) for the scratch directory
            const json = cache || spillDir ? JSON.stringify(r.index) : '';
            cache?.setLaterJson('index', sha1(base, r.path, hashOf(byPath.get(r.path)!)), `{"index":${json},"queried":${JSON.stringify(r.queried)}}`);
            indexed.set(r.path, r.index);
            indexQueries?.set(r.path, r.queried);
            if (spillDir) shareNow(r.index, json);
          } else indexFailed.add(r.path);
        },
        true,
      );
    };

    let project = new ProjectIndex(table, []);
    /** counts the project indexes made (what depHash's memo is for; a reference would keep an old one alive) */
    let projectVersion = 0;
    const rebuild = (): void => {
      project = new ProjectIndex(table, [...indexed.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)));
      projectVersion++;
    };
    // 2. index the selected files; files calling a factory by name join them, until none does
    const checkedRefs = new Set<string>();
    const grow = async (): Promise<void> => {
      for (;;) {
        await indexFiles([...selected].sort());
        rebuild();
        // (name, module) pairs: a file reaches a factory of another module through an import of that
        // module (its last dotted name) or, for a package's __init__.py, possibly `from . import name`;
        // a pair searched for in an earlier round found every file that reaches it then, and those
        // have joined
        const refs = new Map<string, FactoryRef>();
        for (const file of indexed.keys()) {
          for (const f of project.factoriesOf(file)) {
            const ref = factoryRef(file, callName(f.name));
            if (!checkedRefs.has(ref.key)) refs.set(ref.key, ref);
          }
        }
        const fresh = [...refs.values()];
        for (const r of fresh) checkedRefs.add(r.key);
        let added = false;
        if (fresh.length > 0) {
          // one pass for all the names (mentionsWord's whole-identifier test), then each factory
          const names = anyWord(fresh.map((r) => r.name));
          // files whose texts are not in memory (left unread, or let go) are searched on the thread
          // pool, and only those that may call a factory are read here (reading them all here cost
          // more than the rest of a standard-library run)
          const away = python.filter((s): s is DiskSource => s instanceof DiskSource && !candidates.has(s.path) && !s.held && s.length > 0);
          const searched = away.length > 0 ? await searchUnread(away, fresh, nativeSearch()) : undefined;
          for (const s of python) {
            if (candidates.has(s.path) || searched?.get(s.path) === SEARCH_NONE) continue;
            const t = readText(s);
            if (!names.test(t) || !fresh.some((r) => reaches(t, r))) continue;
            candidates.add(s.path);
            joined.push(s.path);
            if (!selected.has(s.path)) {
              selected.add(s.path);
              added = true;
            }
          }
        }
        if (!added) return;
      }
    };
    // Which files join, and which export questions the text settles (below), are functions of every
    // Python file's text: the last run's answers hold while none changed, and the texts they read
    // need not be read again.
    const joined: string[] = [];
    const growKey = cache ? sha1(base, 'grow', String(prefilter), ...python.map(hashOf)) : '';
    const grown = cache?.getPacked<{ joined?: unknown; settled?: unknown }>('grow', growKey);
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((p) => typeof p === 'string');
    const reuse = grown && strings(grown.joined) && strings(grown.settled) && grown.joined.every((p) => byPath.has(p)) ? grown : undefined;
    indexing = progress.stage?.('indexed', selected.size);
    if (reuse) {
      for (const p of reuse.joined as string[]) {
        candidates.add(p);
        selected.add(p);
      }
      await indexFiles([...selected].sort());
      rebuild();
    } else await grow();
    indexing?.finish();
    indexing = undefined;

    // 3. facts
    // what the project index answers about a file: from its index when indexed, else from its text.
    // Many files ask about the same few modules: each is hashed once per project index (16,000
    // dense files: about 0.35 s of hashing the same indexes again when the facts cache was written)
    let depHashes = new Map<string, string>();
    let hashedFor = projectVersion;
    const depHash = (file: string): string => {
      if (hashedFor !== projectVersion) {
        depHashes = new Map();
        hashedFor = projectVersion;
      }
      let h = depHashes.get(file);
      if (h === undefined) {
        const m = project.hasModule(file) ? indexHash(file) : undefined;
        const s = byPath.get(file);
        if (m) h = sha1('index', m, JSON.stringify(project.factoriesOf(file).map((f) => [f.name, f.info])));
        else h = s ? sha1('text', hashOf(s)) : 'absent';
        depHashes.set(file, h);
      }
      return h;
    };
    /** The SHA-1 of a module index's JSON as it was made (taken before it goes lean: factsInputs). */
    const indexHash = (file: string): string | undefined => {
      const known = indexHashes.get(file);
      if (known) return known;
      const m = indexed.get(file);
      return m && sha1(JSON.stringify(m));
    };
    /**
     * An export query about a file not indexed got "no such name", as a full run's would, unless the
     * file may bind the name as the index records names: every part of it (`Cls.method`) stands in a
     * binding position in its text (src/perf/binds.ts). A name that is only imported or used there
     * (`from test import support` asks test/__init__.py about `support`) needs no index of that file.
     */
    const needsIndex = (q: string): string | undefined => {
      const parts = q.split('\0');
      const file = parts[0]!;
      if (parts.length !== 2 || indexed.has(file) || indexFailed.has(file)) return undefined;
      const s = byPath.get(file);
      if (!s) return undefined;
      const t = readText(s);
      return parts[1]!.split('.').every((w) => mayBind(t, w)) ? file : undefined;
    };
    /**
     * The facts pass's inputs. With a scratch directory the module indexes go there once and
     * each thread reads those its files ask about (src/perf/shared-indexes.ts), with the factories
     * solved here: a copy of every index in each worker was the largest part of its heap.
     */
    const factsInputs = (): ProjectInputs => {
      const all = inputs();
      if (!spillDir) return all;
      sharing ??= new IndexSharing(spillDir);
      const refs = sharing.refsOf(all.indexes, table.files());
      const factories = project.factoryRows();
      // not written (the disk full?): the threads get every index whole, as small runs do
      if (!refs || !factories) return { ...all, indexes: wholeIndexes() };
      // Written there: this thread keeps of each index what solving factories needs, the functions
      // that return something (the same factories; a function without a return is none). The
      // indexes were about 14 MB of the main thread's 62 MB heap at the end of the facts pass on
      // 16,000 dense files, where large runs peak; 5,820 of their 64,617 functions return
      // something. That heap after a full collection: 16,000 files 62 -> 54 MB, 32,000 113 -> 97 MB,
      // 64,000 210 -> 179 MB (peak RSS within this machine's noise: 401-409 against 408-417 MB).
      // In place: the project index holds the same objects, and its factories stay as they are.
      for (const m of all.indexes) {
        if (!indexHashes.has(m.file)) indexHashes.set(m.file, indexHash(m.file)!);
        makeLean(m);
      }
      leanIndexes = true;
      return { ...all, indexes: [], shared: { refs, factories } };
    };
    /**
     * Sends the facts pass's inputs to the threads that analyse; returns whether they read the module
     * indexes from the scratch directory. What was sent is not held here through the pass (64,000
     * dense files: 4.5 MB when each index's place was an object).
     */
    const setUpFacts = (tasks: Task[]): boolean => {
      const shared = factsInputs();
      executorFor(() => taskBytes(tasks)).setup(shared);
      return shared.shared !== undefined;
    };
    /**
     * Every module index whole, for analysing a file again on this thread when it could not be
     * read back from the scratch directory: held lean here, each is made again from its text (the
     * index pass is a function of the text and the module table).
     */
    const wholeIndexes = (): PythonModuleIndex[] => {
      if (!leanIndexes) return [...indexed.values()];
      const runner = new TaskRunner();
      runner.setup({ table: tableInputs, indexes: [] }, true);
      const out: PythonModuleIndex[] = [];
      for (const file of indexed.keys()) {
        const r = runner.run({ kind: 'index', source: byPath.get(file)! });
        if (r.kind !== 'index' || !r.index) throw new ScratchError(`the module index of ${file} could not be read back from the scratch directory, nor made again (${r.error ?? 'no index'}); run pgready again`);
        out.push(r.index);
      }
      runner.release();
      stats.reindexed = (stats.reindexed ?? 0) + out.length;
      return out;
    };
    const facts = new FactsTable(cache);
    const errors = new Map<string, string>();
    /**
     * With the cache, the files each analysed file asked about (its facts entry's dependencies), but
     * for the files that asked only about themselves (most: their own functions, as factories), which
     * are left out (64,000 dense files: about 3 MB of the main thread's heap).
     */
    const askedBy = new Map<string, string[]>();
    const factsKey = (s: SourceFile) => sha1(base, 'facts', s.path, hashOf(s));
    /**
     * An export question about a file not indexed is settled ("no such name") when the file's text
     * shows it cannot bind the name, or it failed to index; else the file to index is returned.
     */
    const needs = new Map<string, string | undefined>();
    const settleOrIndex = (q: string): string | undefined => {
      const file = q.slice(0, q.indexOf('\0'));
      if (q.split('\0').length !== 2 || indexed.has(file)) return undefined;
      // a function of the file's text: asked once (parseAsked asks before the facts pass ends)
      const f = needs.has(q) ? needs.get(q) : needsIndex(q);
      needs.set(q, f);
      if (!f) settled.add(q);
      return f;
    };
    /**
     * A module a facts result asked about that the next round will index, parsed ahead on the
     * thread pool while the rest of the pass goes on (the standard library: 6 modules, 115 KB).
     */
    const parseAsked = (f: string): void => {
      if (aheadTexts.has(f)) return;
      const s = byPath.get(f)!;
      const held = textHeld(s);
      const t = readText(s);
      if (!held) aheadTexts.set(f, t);
      ahead!.start(f, t);
    };
    // What the index pass asked forecasts what the facts pass will ask: settle what the text can.
    // The rest stay open: the facts pass holds them as `unindexed` values, and only the few that
    // decide a fact get their module indexed (`unanswered` below).
    if (reuse) for (const q of reuse.settled as string[]) settled.add(q);
    else {
      for (const p of selected) for (const q of indexQueries.get(p) ?? []) settleOrIndex(q);
      cache?.setLater('grow', growKey, { joined, settled: [...settled].sort() });
    }
    // read only here (64,000 dense files: 9 MB of the main thread's heap through the facts pass)
    indexQueries = undefined;
    // the thread pool is done reading and parsing ahead: what its malloc arenas hold free goes back
    // before the facts pass, where large runs peak
    trimReaderMemory();
    let todo: SourceFile[] = [...[...selected].sort().map((p) => byPath.get(p)!), ...text];
    const computed = new Set<string>();
    for (let round = 0; todo.length > 0; round++) {
      // a cached file's answers came from files this run may not have indexed yet: index them first
      const hits = new Map<string, FactsMeta>();
      const need = new Set<string>();
      for (const s of todo) {
        const key = cache ? factsKey(s) : '';
        const hit = cache?.getPacked<FactsMeta>('facts', key);
        if (!isFactsMeta(hit) || !cache?.keep(FACTS_DATA, key)) continue;
        hits.set(s.path, hit);
        for (const [f, h] of hit.deps) if (table.has(f) && !indexed.has(f) && !indexFailed.has(f) && depHash(f) !== h) need.add(f);
      }
      if (need.size > 0) {
        await indexFiles([...need].sort());
        rebuild();
      }
      const tasks: Task[] = [];
      for (const s of todo) {
        const hit = hits.get(s.path);
        if (hit && hit.deps.every(([f, h]) => depHash(f) === h)) {
          // read when the rules need them (a damaged entry is analysed again then: FactsTable.load)
          facts.setCached(s.path, factsKey(s), hit.digest, hit.hash);
          errors.delete(s.path);
          stats.cacheHits++;
          if (round === 0) progress.advance(1);
        } else {
          const tree = trees.get(s.path);
          trees.delete(s.path);
          tasks.push(tree ? { kind: 'facts', source: s, tree } : { kind: 'facts', source: s });
        }
      }
      const rerun = new Set<string>();
      const missing = new Set<string>();
      if (tasks.length > 0) {
        const viaScratch = setUpFacts(tasks);
        const parsing = ahead && !dropTexts;
        // each result is taken as it comes: what the run keeps of it is its facts' digest (or its
        // facts), and with the cache the files it asked about
        const take = (r: TaskResult): void => {
          if (r.kind !== 'facts') return;
          if (cache) {
            if (r.asked.length === 1 && r.asked[0] === r.path) askedBy.delete(r.path);
            else askedBy.set(r.path, r.asked);
          }
          // the analysis needed answers about files not indexed: index or settle them, ask again
          for (const q of r.unanswered) {
            const f = settleOrIndex(q);
            if (!f) continue;
            missing.add(f);
            if (parsing) parseAsked(f);
          }
          if (r.unanswered.length > 0) {
            rerun.add(r.path);
            if (r.tree) trees.set(r.path, r.tree);
          }
          const made = r.facts ?? (r.stored && r.digest ? { stored: r.stored, digest: r.digest } : undefined);
          if (r.stored) stats.storedFacts = (stats.storedFacts ?? 0) + 1;
          if (made) {
            facts.set(r.path, made);
            computed.add(r.path);
            errors.delete(r.path);
          } else {
            facts.delete(r.path);
            errors.set(r.path, r.error ?? 'unknown error');
          }
        };
        // a file whose analysis failed against indexes read from the scratch directory (one could not
        // be read back) is analysed again here, against the indexes in memory
        const failed: number[] = [];
        await run(tasks, round === 0, (r, at) => {
          if (viaScratch && r.kind === 'facts' && r.error !== undefined) failed.push(at);
          else take(r);
        });
        if (failed.length > 0) {
          stats.reanalysed = (stats.reanalysed ?? 0) + failed.length;
          const runner = new TaskRunner();
          runner.setup({ ...inputs(), indexes: wholeIndexes(), spillDir: undefined }, true);
          for (const at of failed.sort((a, b) => a - b)) take(runner.run(shipTask(tasks[at]!)));
        }
      }
      if (rerun.size === 0) break;
      await indexFiles([...missing].sort());
      rebuild();
      todo = [...rerun].sort().map((p) => byPath.get(p)!);
    }
    // the workers' heaps go before the cache entries are written: together they made the peak
    if (executor) await executor.close();
    // a file whose stored facts cannot be read back (for the cache or the rules) is analysed again,
    // against the final index: the one in the scratch directory when the facts pass shared it
    // there, so that the rules do not run beside every module index (32,000 dense files: the
    // main thread's heap after the rules phase's full collections 96-98 -> 77-78 MB)
    const final = sharing ? factsInputs() : inputs();
    facts.finish(recomputer([...python, ...text], { ...final, spillDir: undefined, lean: false }, stats), closer(dropSpill, cache));
    if (cache) {
      for (const s of [...selected].map((p) => byPath.get(p)!).concat(text)) {
        if (!computed.has(s.path) || !facts.has(s.path)) continue;
        const asked = askedBy.get(s.path) ?? [s.path];
        // stored facts are JSON already (without tokens); tokens are a function of text and holes
        // (analyzeSql): half the entry, cheaper to make again on load
        const json = facts.storedJson(s.path) ?? leanJson(facts.load(s.path));
        if (json === undefined) continue;
        const hash = sha1(json);
        const digest = facts.digest(s.path)!;
        cache.setLaterJson(FACTS_DATA, factsKey(s), json);
        cache.setLater('facts', factsKey(s), { deps: asked.map((file) => [file, depHash(file)]), digest, hash } satisfies FactsMeta);
        facts.setHash(s.path, hash);
      }
      await cache.flush();
    }

    for (const s of python) {
      if (!selected.has(s.path)) {
        facts.set(s.path, emptyFacts(s.path, 'python'));
        stats.skipped++;
        progress.advance(1);
      }
    }
    progress.finish();
    return { facts, errors, candidates };
  } catch (e) {
    // worker threads would keep the process alive (FileChangedError, a cache that cannot be written)
    await executor?.close();
    dropSpill?.();
    throw e;
  } finally {
    ahead?.clear();
  }
}

/** Cuts a module index down to what solving factories needs: the functions that return something. */
function makeLean(m: PythonModuleIndex): void {
  if (m.functions.some((f) => f.returns.length === 0)) m.functions = m.functions.filter((f) => f.returns.length > 0);
  if (m.classes.length > 0) m.classes = [];
  if (m.constants.length > 0) m.constants = [];
  if (m.instances.length > 0) m.instances = [];
}
