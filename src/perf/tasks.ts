import type { FileFacts, SourceFile } from '../model/facts.js';
import { extractPythonFacts, ModuleTable, ProjectIndex } from '../lang/python/index.js';
import { ModuleAnalyzer } from '../lang/python/analyzer.js';
import { parsePython, treeOf } from '../lang/python/parser.js';
import type { PythonModuleIndex } from '../lang/python/index.js';
import type { FactoryInfo, SharedProject } from '../lang/python/project.js';
import { SharedIndexes } from './shared-indexes.js';
import type { IndexPlaces } from './shared-indexes.js';
import { Interner } from '../util/intern.js';
import type { FactoryRow } from '../lang/factories.js';
import { extractTextFacts } from '../lang/text/index.js';
import type { SourceRef } from './disk-source.js';
import { FileChangedError, readAgain, shipped } from './disk-source.js';
import type { SpillRef } from './spill.js';
import { isSpillRef, Spill } from './spill.js';
import type { FactsDigest } from './facts-table.js';
import { digestOf } from './facts-table.js';
import { isStackOverflow } from '../util/errors.js';

/** What a worker (or the main thread) needs to analyse files: plain data, cloned into workers. */
export interface ProjectInputs {
  /** every Python file of the run and the scan root it was found under */
  table: { path: string; root: string }[];
  /** module indexes of the files indexed so far (empty with `shared`) */
  indexes: PythonModuleIndex[];
  /**
   * Large runs: the module indexes written to the scratch directory instead (each thread reads
   * the ones its files ask about: src/perf/shared-indexes.ts), with the factories solved over them.
   */
  shared?: { refs: IndexPlaces; factories: [number, FactoryRow<string, FactoryInfo['kind']>][] };
  /** `file\0name` export questions about files not indexed whose answer is "no such name" */
  settled?: string[];
  /**
   * a scratch directory for the index pass's trees and the facts pass's facts (src/perf/spill.ts);
   * none: both travel in memory
   */
  spillDir?: string;
  /**
   * Facts without their SQL tokens (half of a file's facts; tokensOf makes them again for what a
   * rule reads). With a scratch directory they are written there (src/perf/facts-table.ts).
   */
  lean?: boolean;
}

/**
 * tree: of an index task, the file's syntax tree parsed ahead (src/perf/parse-ahead.ts); of a facts
 * task, as the index pass parsed it (or where it spilled it), so the facts pass need not parse
 * again. A source without its text (a SourceRef) is read by the thread running the task, and checked
 * against its content hash (src/perf/disk-source.ts).
 */
export type Task = { kind: 'index'; source: SourceFile | SourceRef; tree?: Uint32Array } | { kind: 'facts'; source: SourceFile | SourceRef; tree?: Uint32Array | SpillRef };

export type TaskResult =
  /** queried: what the index pass asked about other files (a forecast of the facts pass's questions) */
  /** changed: the file's text, read again, was not the text the run read first (FileChangedError) */
  /** overflow: the analysis ran out of stack (a tree nested thousands deep): see InlineExecutor */
  | { kind: 'index'; path: string; index?: PythonModuleIndex; queried: string[]; error?: string; changed?: true; overflow?: true; tree?: Uint32Array | SpillRef }
  /**
   * asked: the files whose exports the analysis asked about (RecordingProject), sorted: what its
   * facts depend on besides the file's own text;
   * unanswered: the questions about files not indexed the analysis turned out to need: its facts
   * are final only when there are none
   */
  | {
      kind: 'facts';
      path: string;
      /** the facts, or (large runs with a scratch directory) where they were written and their digest */
      facts?: FileFacts;
      stored?: SpillRef;
      digest?: FactsDigest;
      asked: string[];
      unanswered: string[];
      error?: string;
      changed?: true;
      overflow?: true;
      /** with unanswered questions, the tree the analysis read: the file is analysed again once they are answered */
      tree?: Uint32Array;
    };

/**
 * A ProjectIndex that notes what a file's analysis asked about other files: `file\0name` for
 * exports, `file\0name\0factory` for factories (only indexed files define factories, see
 * engine.ts, so those never ask for more indexing; the cache keys on them all).
 */
export class RecordingProject extends ProjectIndex {
  queried = new Set<string>();
  unanswered = new Set<string>();
  private readonly settled: Set<string>;

  constructor(table: ModuleTable, indexes: PythonModuleIndex[] | SharedProject, settled: readonly string[] = []) {
    super(table, indexes);
    this.settled = new Set(settled);
  }

  /** Only indexed modules answer, and settled questions (see ProjectInputs); the analyzer defers the rest. */
  override answers(file: string, name: string): boolean {
    return this.hasModule(file) || this.settled.has(`${file}\0${name}`);
  }
  override depends(needs: string[]): void {
    for (const n of needs) this.unanswered.add(n);
  }
  override factory(file: string, name: string) {
    this.queried.add(`${file}\0${name}\0factory`);
    return super.factory(file, name);
  }
  override factoriesOf(file: string) {
    this.queried.add(`${file}\0*\0factory`);
    return super.factoriesOf(file);
  }
  override hasFunction(file: string, name: string) {
    this.queried.add(`${file}\0${name}`);
    return super.hasFunction(file, name);
  }
  override hasClass(file: string, name: string) {
    this.queried.add(`${file}\0${name}`);
    return super.hasClass(file, name);
  }
  override hasConstant(file: string, name: string) {
    this.queried.add(`${file}\0${name}`);
    return super.hasConstant(file, name);
  }
  override instanceClass(file: string, name: string) {
    this.queried.add(`${file}\0${name}`);
    return super.instanceClass(file, name);
  }
}

/**
 * The files questions (`file\0name…`) ask about, sorted: a facts result brings these rather than
 * its questions (five a file, about 90 bytes each, on the dense corpus), which the main thread
 * kept for every file to the end of the facts pass (64,000 dense files: about 24 MB of its heap
 * there, where such runs peak).
 */
export function filesAsked(questions: Iterable<string>): string[] {
  const files = new Set<string>();
  for (const q of questions) files.add(q.slice(0, q.indexOf('\0')));
  return [...files].sort();
}

/**
 * The shared project as a thread keeps it, each string once: files come as positions in the module
 * table (made at an earlier setup), and a structured clone brings a copy of each factory's name,
 * library and kind. On 64,000 dense files, 44,000 copies of the scratch file's path alone were
 * 2.8 MB of each worker's heap (when each index's place was an object).
 */
function keptShared(reader: Spill, table: ModuleTable, shared: NonNullable<ProjectInputs['shared']>): SharedProject {
  const paths = [...table.files()];
  const interner = new Interner();
  return {
    modules: new SharedIndexes(reader, shared.refs, paths),
    factories: shared.factories.map(([at, row]) => [paths[at]!, interner.walk(row)]),
  };
}

export class TaskRunner {
  private table = new ModuleTable([]);
  private project = new RecordingProject(this.table, []);
  private spill: Spill | undefined;
  /** reads shared module indexes (their refs name their files: no directory of its own) */
  private readonly indexReader = new Spill('');
  private lean = false;

  /** alwaysLean: facts never keep their tokens (a worker's: they are half of what it posts) */
  constructor(private readonly alwaysLean = false) {}

  setup(inputs: ProjectInputs, tableChanged: boolean): void {
    this.lean = inputs.lean === true;
    if (tableChanged) this.table = new ModuleTable(inputs.table);
    if (inputs.spillDir !== this.spill?.dir) {
      this.spill?.release();
      this.spill = inputs.spillDir === undefined ? undefined : new Spill(inputs.spillDir);
    }
    const shared = inputs.shared && keptShared(this.indexReader, this.table, inputs.shared);
    this.project = new RecordingProject(this.table, shared ?? inputs.indexes, inputs.settled);
  }

  /** Closes the spill files (after each batch: see Spill). */
  release(): void {
    this.spill?.release();
    this.indexReader.release();
  }

  run(task: Task): TaskResult {
    let source: SourceFile;
    try {
      source = withText(task.source);
    } catch (e) {
      if (!(e instanceof FileChangedError)) throw e;
      const result = { path: task.source.path, error: e.message, changed: true as const };
      return task.kind === 'index' ? { kind: 'index', ...result, queried: [] } : { kind: 'facts', ...result, asked: [], unanswered: [] };
    }
    if (task.kind === 'index') {
      // indexPython(), with a project that notes the questions
      const project = new RecordingProject(this.table, []);
      try {
        // parsed ahead from this text (src/perf/parse-ahead.ts), unless the buffer was moved to a worker that died
        const tree = task.tree && task.tree.length > 0 ? treeOf(source.text, task.tree) : parsePython(source.text);
        const a = new ModuleAnalyzer(tree, source.text, source.path, project, 'index');
        a.run();
        return { kind: 'index', path: source.path, index: a.index(), queried: [...project.queried].sort(), tree: this.spill?.write(tree.words) ?? tree.words };
      } catch (e) {
        return { kind: 'index', path: source.path, queried: [], error: message(e), ...overflowed(e) };
      }
    }
    const project = this.project;
    project.queried = new Set();
    project.unanswered = new Set();
    const asked = () => ({ asked: filesAsked(project.queried), unanswered: [...project.unanswered].sort() });
    try {
      // a tree moved to a worker that then died is empty here (detached), a spilled one may be
      // unreadable: parse again
      const words = isSpillRef(task.tree) ? this.spill?.read(task.tree) : task.tree;
      const tree = source.language !== 'python' ? undefined : words && words.length > 0 ? treeOf(source.text, words) : parsePython(source.text);
      const facts = tree ? extractPythonFacts(source, project, tree) : extractTextFacts(source);
      // a file that asked about modules not indexed is analysed again once they are: keep its tree for
      // that (unless trees go to the scratch directory: a large run holds none in memory)
      const again = tree && !this.spill && project.unanswered.size > 0 ? { tree: tree.words } : {};
      if (this.spill) {
        // with a scratch directory (large runs) the facts go there, the main thread keeps their digest
        const digest = digestOf(facts);
        for (const sql of facts.sqlStrings) sql.tokens = [];
        const stored = this.spill.writeText(JSON.stringify(facts));
        if (stored) return { kind: 'facts', path: source.path, stored, digest, ...asked() };
      }
      if (this.lean || this.alwaysLean) for (const sql of facts.sqlStrings) sql.tokens = [];
      return { kind: 'facts', path: source.path, facts, ...asked(), ...again };
    } catch (e) {
      return { kind: 'facts', path: source.path, ...asked(), error: message(e), ...overflowed(e) };
    }
  }
}

/**
 * The task as it is handed to the thread that runs it: its source a plain object, with its text or
 * (a text this thread let go) without it (src/perf/disk-source.ts, shipped).
 */
export function shipTask(t: Task): Task {
  return { ...t, source: shipped(t.source) };
}

/** The source with its text: read from disk when the task carries none (FileChangedError when it changed). */
function withText(s: SourceFile | SourceRef): SourceFile {
  if (typeof s.text === 'string') return s as SourceFile;
  return { ...s, text: readAgain(s as SourceRef, { maxFileBytes: Infinity }) };
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** `{ overflow: true }` when `e` is V8's stack overflow ("Maximum call stack size exceeded"). */
function overflowed(e: unknown): { overflow?: true } {
  return isStackOverflow(e) ? { overflow: true } : {};
}

/** The tree buffers a message carries: moved to the other thread, not copied. */
export function treeBuffers(items: readonly (Task | TaskResult)[]): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const t of items) if ('tree' in t && t.tree && !isSpillRef(t.tree)) out.push(t.tree.buffer as ArrayBuffer);
  return out;
}
