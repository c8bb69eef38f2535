import type { ConnectionFactory, Range } from '../../model/facts.js';
import { FactoryTable, factoriesDefinedIn, solveFactories } from '../factories.js';
import type { FactoryRow } from '../factories.js';

/** What a function's result may be, as seen by the index pass of its own file. */
export type ReturnRef =
  | { t: 'conn'; lib: string }
  /** the result of calling another project function */
  | { t: 'call'; file: string; name: string };

export interface FunctionInfo {
  /** `get_conn`, or `Database.connect` for methods */
  name: string;
  range: Range;
  kind: ConnectionFactory['kind'];
  returns: ReturnRef[];
}

/** The index pass's output for one Python file: a pure function of its text and the module table. */
export interface PythonModuleIndex {
  file: string;
  functions: FunctionInfo[];
  classes: string[];
  /** module-level names bound to strings */
  constants: string[];
  /** module-level names bound to instances of a class of this module: name -> class */
  instances: [string, string][];
}

export interface FactoryInfo {
  qualifiedName: string;
  lib: string;
  kind: ConnectionFactory['kind'];
}

/** `backend/util/db.py` -> `backend.util.db`; `pkg/__init__.py` -> `pkg`. */
export function dottedPath(relPath: string): string {
  const noExt = relPath.replace(/\.pyw?$/, '');
  const parts = noExt.split('/').filter((p) => p !== '' && p !== '.');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  return parts.join('.');
}

/**
 * Whether dotted[from, to) may be one segment of a module name that resolve() is asked for. It is
 * only asked for names made of identifiers (import statements, attribute chains), so a segment
 * that is empty (`..` of a path above the working directory) or holds an ASCII character no
 * identifier has (`my-service`, `v1.2`) ends the suffixes worth keeping. Non-ASCII letters are
 * kept, whether or not Python takes them. On 32,000 files audited through `../../tmp/...` the
 * suffixes above the corpus were three quarters of the table (15 MB on each thread).
 */
function mayNameModule(dotted: string, from: number, to: number): boolean {
  if (from >= to) return false;
  const first = dotted.charCodeAt(from);
  if (first >= 0x30 && first <= 0x39) return false;
  for (let i = from; i < to; i++) {
    const c = dotted.charCodeAt(i);
    if (c < 0x80 && !((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f)) return false;
  }
  return true;
}

/** The first index of a sorted list whose string is not below `s` (the list's length if none). */
function lowerBound(list: readonly string[], s: string, from = 0): number {
  let lo = from;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The path in `list` (sorted, distinct) sharing the most leading path segments with `from`; of
 * several, the first. A path shares the first k segments of `from` when it is those k segments
 * (`a/b`) or lies below them (`a/b/…`). In sorted order the first comes before all of the second,
 * which sort together, with other paths starting with the same characters between them (`a/b-x/…`,
 * `a/b.py`). So each k, from the most, takes two binary searches: O(segments · log n), where
 * comparing `from` with every path cost O(n) for each import, and in a corpus of copies every file
 * resolves its imports among the n copies of a module (quadratic: 14 s of CPU on 64,000 files).
 */
function nearestPath(list: readonly string[], from: string): string {
  // `end`: where the first k segments of `from` end, the whole path first (an absolute path's first
  // segment is empty: every absolute path shares it)
  for (let end = from.length; end >= 0; end = end > 0 ? from.lastIndexOf('/', end - 1) : -1) {
    const prefix = from.slice(0, end);
    const at = lowerBound(list, prefix);
    if (at < list.length && list[at] === prefix) return prefix;
    const below = `${prefix}/`;
    const first = lowerBound(list, below, at);
    if (first < list.length && list[first]!.startsWith(below)) return list[first]!;
  }
  return list[0]!;
}

/**
 * The Python files of the scanned project and how import names resolve to them. A module
 * `backend.util.db` resolves to any file whose dotted path ends with it (the project root
 * is not known for sure); the candidate nearest to the importing file wins.
 */
export class ModuleTable {
  /**
   * The files by the last segment of their dotted path, each list in path order. A module name
   * resolves among the files of its last segment (resolve), and each name once (`resolved`): a map
   * of every dotted suffix of every file (c, b.c, a.b.c) held four to five keys a file, 8 MB of
   * each thread's heap on 64,000 files, for the few hundred names a project imports.
   */
  private readonly byLast = new Map<string, string | string[]>();
  /** what each module name asked for resolved to: one file, several in path order, or none */
  private readonly resolved = new Map<string, string | string[] | undefined>();
  /**
   * The files, each with the length of the scan root's prefix its dotted name leaves out (0: none),
   * the name itself made when asked (moduleName: for factories only). Each thread keeps a table:
   * the names held as strings were about 3 MB of each heap on 64,000 files.
   */
  private readonly names = new Map<string, number>();

  constructor(files: { path: string; root?: string }[]) {
    for (const { path, root } of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      const dotted = dottedPath(path);
      // its last segment, if an import can name it (mayNameModule)
      const dot = dotted.lastIndexOf('.');
      if (mayNameModule(dotted, dot + 1, dotted.length)) {
        const last = dotted.slice(dot + 1);
        const had = this.byLast.get(last);
        if (had === undefined) this.byLast.set(last, path);
        else if (typeof had === 'string') this.byLast.set(last, [had, path]);
        else had.push(path);
      }
      const under = root && root !== '.' ? root.replace(/\/$/, '') + '/' : '';
      this.names.set(path, under && path.startsWith(under) ? under.length : 0);
    }
  }

  /**
   * The files whose dotted path ends with the module name `dotted` (a whole number of segments),
   * in path order: a file's dotted suffix names it when every segment of it may name a module
   * (mayNameModule), and so every segment of the name must.
   */
  private named(dotted: string): string | string[] | undefined {
    if (this.resolved.has(dotted)) return this.resolved.get(dotted);
    let found: string | string[] | undefined;
    let ok = true;
    for (let from = 0; ok && from <= dotted.length; ) {
      const dot = dotted.indexOf('.', from);
      const to = dot < 0 ? dotted.length : dot;
      ok = mayNameModule(dotted, from, to);
      from = to + 1;
    }
    const candidates = ok ? this.byLast.get(dotted.slice(dotted.lastIndexOf('.') + 1)) : undefined;
    if (candidates !== undefined) {
      const tail = `.${dotted}`;
      const matches = (p: string): boolean => {
        const d = dottedPath(p);
        return d === dotted || d.endsWith(tail);
      };
      if (typeof candidates === 'string') found = matches(candidates) ? candidates : undefined;
      else {
        const list = candidates.filter(matches);
        found = list.length === 0 ? undefined : list.length === 1 ? list[0] : list;
      }
    }
    this.resolved.set(dotted, found);
    return found;
  }

  has(file: string): boolean {
    return this.names.has(file);
  }

  /** Every file of the table (the strings it keeps). */
  files(): IterableIterator<string> {
    return this.names.keys();
  }

  /** The dotted name a file is known by: relative to the scan root it was found under. */
  moduleName(file: string): string {
    return dottedPath(file.slice(this.names.get(file) ?? 0));
  }

  /** Resolves `from <level dots><dotted> import …` seen in `fromFile`. */
  resolve(dotted: string, fromFile: string, level = 0): string | undefined {
    if (level > 0) {
      const dir = fromFile.split('/').slice(0, -1);
      const up = dir.slice(0, Math.max(0, dir.length - (level - 1)));
      const base = [...up, ...(dotted ? dotted.split('.') : [])].join('/');
      for (const candidate of [`${base}.py`, `${base}/__init__.py`]) if (this.names.has(candidate)) return candidate;
      return undefined;
    }
    const found = this.named(dotted);
    return found === undefined || typeof found === 'string' ? found : nearestPath(found, fromFile);
  }
}

/** Module indexes by file: a Map, or indexes read when asked for (src/perf/shared-indexes.ts). */
export interface ModuleIndexes {
  has(file: string): boolean;
  get(file: string): PythonModuleIndex | undefined;
}

/**
 * A project index made elsewhere, handed over without copying every module's index: the indexes
 * where they can be read, and the factories solved over all of them (ProjectIndex.factoryRows).
 */
export interface SharedProject {
  modules: ModuleIndexes;
  /** each file's factories (its path and its FactoryTable row) */
  factories: [string, FactoryRow<string, FactoryInfo['kind']>][];
}

/** Cross-file facts: which project functions return SQLite connections, and which names are SQL constants. */
export class ProjectIndex {
  private readonly modules: ModuleIndexes;
  private readonly factories: FactoryTable<string, FactoryInfo['kind']>;

  constructor(
    readonly table: ModuleTable,
    indexes: PythonModuleIndex[] | SharedProject,
  ) {
    if (!Array.isArray(indexes)) {
      this.modules = indexes.modules;
      this.factories = new FactoryTable((f) => table.moduleName(f), indexes.factories);
      return;
    }
    const modules = new Map<string, PythonModuleIndex>();
    for (const m of indexes) modules.set(m.file, m);
    this.modules = modules;
    this.factories = solveFactories(modules, (f) => table.moduleName(f), (r: ReturnRef, known) =>
      r.t === 'conn' ? r.lib : known.get(r.file, r.name)?.lib,
    );
  }

  /**
   * Every factory of the project, solved, for a SharedProject made on another thread: each file's
   * row (FactoryTable.rowsAt) with the file as its position among the module table's files.
   */
  factoryRows(): [number, FactoryRow<string, FactoryInfo['kind']>][] | undefined {
    return this.factories.rowsAt(this.table.files());
  }

  /** Whether the file has an index here (without reading it). */
  hasModule(file: string): boolean {
    return this.modules.has(file);
  }

  /**
   * Whether export questions about `file` get answers here. A complete index answers them all;
   * the engine's RecordingProject (src/perf/tasks.ts) answers only for indexed modules, and the
   * analyzer holds an `unindexed` value for the rest until a decision needs it.
   */
  answers(_file: string, _name: string): boolean {
    return true;
  }

  /** The analysis needed the answers to these `file\0name` export questions (see answers()). */
  depends(_needs: string[]): void {}

  static empty(): ProjectIndex {
    return new ProjectIndex(new ModuleTable([]), []);
  }

  factory(file: string, name: string): FactoryInfo | undefined {
    return this.factories.get(file, name);
  }

  module(file: string): PythonModuleIndex | undefined {
    return this.modules.get(file);
  }

  hasFunction(file: string, name: string): boolean {
    return this.exports(file)?.functions.some((f) => f.name === name) ?? false;
  }

  hasClass(file: string, name: string): boolean {
    return this.exports(file)?.classes.includes(name) ?? false;
  }

  instanceClass(file: string, name: string): string | undefined {
    return this.exports(file)?.instances.find(([n]) => n === name)?.[1];
  }

  hasConstant(file: string, name: string): boolean {
    return this.exports(file)?.constants.includes(name) ?? false;
  }

  /** Every factory, for fact output: [file, name, info]. */
  factoriesOf(file: string): { name: string; info: FactoryInfo; range: Range }[] {
    return factoriesDefinedIn(this.modules.get(file), file, this.factories);
  }

  /** The index that answers export questions about `file`. */
  protected exports(file: string): PythonModuleIndex | undefined {
    return this.modules.get(file);
  }
}

/**
 * A project index that indexes a module the first time an export question asks about it. The
 * factories come from the indexes given up front, which must include every file that may define
 * one: the audit's candidates (src/perf/engine.ts keeps the same rule: only files the prefilter
 * passes, or that name a factory and its module, can define a factory).
 */
export class LazyProjectIndex extends ProjectIndex {
  private readonly late = new Map<string, PythonModuleIndex | undefined>();

  constructor(
    table: ModuleTable,
    indexes: PythonModuleIndex[],
    private readonly indexOf: (file: string) => PythonModuleIndex | undefined,
  ) {
    super(table, indexes);
  }

  protected override exports(file: string): PythonModuleIndex | undefined {
    const known = super.exports(file);
    if (known || !this.table.has(file)) return known;
    if (!this.late.has(file)) this.late.set(file, this.indexOf(file));
    return this.late.get(file);
  }
}
