import { posix } from 'node:path';
import type { ConnectionFactory, Range } from '../../model/facts.js';
import { factoriesDefinedIn, solveFactories } from '../factories.js';
import type { FactoryTable } from '../factories.js';
import { JsAliasResolver, readTextFromDisk } from './config.js';
import type { ReadText } from './config.js';

/** The SQLite driver a value comes from. */
export type JsLib = 'sqlite3' | 'better-sqlite3' | 'sqlite' | 'node:sqlite';

/** What a function's result may be, as seen by the index pass of its own file. */
export type JsReturnRef =
  | { t: 'conn'; lib: JsLib }
  /** the result of calling a function of a project file, by its exported (or local) name */
  | { t: 'call'; file: string; name: string; exported: boolean };

export interface JsFunctionInfo {
  /** `getDb`, or `Repo.open` for methods */
  name: string;
  range: Range;
  kind: ConnectionFactory['kind'];
  returns: JsReturnRef[];
}

/** What a module exports under one name. */
export type JsExport =
  | { t: 'fn'; local: string }
  | { t: 'conn'; lib: JsLib }
  /** `export const db = openDb()`: the result of a call, a connection when the callee is a factory */
  | { t: 'result'; ref: JsReturnRef }
  | { t: 'const'; local: string }
  | { t: 'module' }
  /** a module-level object literal: its string members are constants `local.member` */
  | { t: 'object'; local: string }
  /** a class of that module: its static methods may be factories */
  | { t: 'class'; name: string }
  /** `export { x } from './other.js'` */
  | { t: 'reexport'; file: string; name: string };

/** The index pass's output for one JavaScript/TypeScript file. */
export interface JsModuleIndex {
  file: string;
  functions: JsFunctionInfo[];
  /** export name -> what it is; `default` for `export default` and `module.exports = x` */
  exports: [string, JsExport][];
}

export interface JsFactoryInfo {
  qualifiedName: string;
  lib: JsLib;
  kind: ConnectionFactory['kind'];
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** TypeScript ESM imports name the emitted file: `./db.js` is `./db.ts` in the source tree. */
const EMITTED: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

function extensionOf(p: string): string {
  const base = p.slice(p.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot);
}

/** `base` as written, its TypeScript source for an emitted name, with each extension, as a directory index. */
function withExtensions(base: string): string[] {
  const candidates = [base];
  const ext = extensionOf(base);
  for (const alt of EMITTED[ext] ?? []) candidates.push(base.slice(0, -ext.length) + alt);
  for (const e of SOURCE_EXTENSIONS) candidates.push(base + e);
  for (const e of SOURCE_EXTENSIONS) candidates.push(`${base}/index${e}`);
  return candidates;
}

/** A file of the table; `absPath` (from the SourceFile) lets tsconfig `paths` and package.json `imports` aliases reach it. */
export interface JsTableEntry {
  path: string;
  root?: string;
  absPath?: string;
}

function toPosix(p: string): string {
  return p.split('\\').join('/');
}

/** The JavaScript/TypeScript files of the scanned project and how import specifiers resolve to them. */
export class JsModuleTable {
  private readonly files = new Set<string>();
  private readonly names = new Map<string, string>();
  /** absolute path (with `/`) -> project path, and back */
  private readonly byAbs = new Map<string, string>();
  private readonly absOf = new Map<string, string>();
  private readonly aliases: JsAliasResolver;

  /** `readText` reads tsconfig.json, jsconfig.json and package.json files (from disk unless a test gives its own). */
  constructor(files: JsTableEntry[], readText: ReadText = readTextFromDisk) {
    this.aliases = new JsAliasResolver(readText);
    for (const { path, root, absPath } of files) {
      this.files.add(path);
      const r = root && root !== '.' ? root.replace(/\/$/, '') : '';
      const rel = r && path.startsWith(`${r}/`) ? path.slice(r.length + 1) : path;
      const ext = extensionOf(rel);
      this.names.set(path, ext ? rel.slice(0, -ext.length) : rel);
      if (absPath) {
        const abs = toPosix(absPath);
        this.byAbs.set(abs, path);
        this.absOf.set(path, abs);
      }
    }
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  /** `src/db.ts` under root `.` -> `src/db`. */
  moduleName(file: string): string {
    return this.names.get(file) ?? file;
  }

  /**
   * `./db.js` / `../lib/db` / `./store` (a directory with index.ts) seen in `fromFile`, and the
   * aliases of its tsconfig.json / jsconfig.json (`@/db`) and package.json (`#db`); packages
   * resolve to nothing.
   */
  resolve(specifier: string, fromFile: string): string | undefined {
    if (!specifier.startsWith('./') && !specifier.startsWith('../') && specifier !== '.' && specifier !== '..') return this.resolveAlias(specifier, fromFile);
    const dir = posix.dirname(fromFile);
    return withExtensions(posix.normalize(posix.join(dir, specifier))).find((c) => this.files.has(c));
  }

  private resolveAlias(specifier: string, fromFile: string): string | undefined {
    const from = this.absOf.get(fromFile);
    if (!from) return undefined;
    for (const base of this.aliases.candidates(specifier, from)) {
      for (const c of withExtensions(base)) {
        const file = this.byAbs.get(c);
        if (file) return file;
      }
    }
    return undefined;
  }
}

/** Cross-file facts: which project functions return SQLite connections, what each module exports. */
export class JsProjectIndex {
  private readonly modules = new Map<string, JsModuleIndex>();
  private readonly exportMaps = new Map<string, Map<string, JsExport>>();
  private readonly factories: FactoryTable<JsLib, JsFactoryInfo['kind']>;

  constructor(
    readonly table: JsModuleTable,
    indexes: JsModuleIndex[],
  ) {
    for (const m of indexes) {
      this.modules.set(m.file, m);
      this.exportMaps.set(m.file, new Map(m.exports));
    }
    this.factories = solveFactories(this.modules, (f) => table.moduleName(f), (r: JsReturnRef, known) => this.libOf(r, known));
  }

  static empty(): JsProjectIndex {
    return new JsProjectIndex(new JsModuleTable([]), []);
  }

  /** What `name` exported by `file` is, following re-exports (at most a few hops). */
  exportOf(file: string, name: string): { file: string; exp: JsExport } | undefined {
    let f = file;
    let n = name;
    for (let hop = 0; hop < 8; hop++) {
      const exp = this.exportMaps.get(f)?.get(n);
      if (!exp) return undefined;
      if (exp.t !== 'reexport') return { file: f, exp };
      f = exp.file;
      n = exp.name;
    }
    return undefined;
  }

  /** Whether `module.exports = …` / `export default …` gives the module a value of its own. */
  hasDefault(file: string): boolean {
    return this.exportMaps.get(file)?.has('default') ?? false;
  }

  /** The function a call reference names: [file, name]. */
  private resolveCall(r: Extract<JsReturnRef, { t: 'call' }>): [string, string] | undefined {
    if (!r.exported) return [r.file, r.name];
    const e = this.exportOf(r.file, r.name);
    return e && e.exp.t === 'fn' ? [e.file, e.exp.local] : undefined;
  }

  /** The library of the connection a returned/exported value holds, once factories are known. */
  libOf(ref: JsReturnRef, factories: FactoryTable<JsLib, JsFactoryInfo['kind']> = this.factories): JsLib | undefined {
    if (ref.t === 'conn') return ref.lib;
    const k = this.resolveCall(ref);
    return k ? factories.get(k[0], k[1])?.lib : undefined;
  }

  factory(file: string, name: string): JsFactoryInfo | undefined {
    return this.factories.get(file, name);
  }

  hasFunction(file: string, name: string): boolean {
    return this.modules.get(file)?.functions.some((f) => f.name === name) ?? false;
  }

  factoriesOf(file: string): { name: string; info: JsFactoryInfo; range: Range }[] {
    return factoriesDefinedIn(this.modules.get(file), file, this.factories);
  }

}
