import type { Range } from '../model/facts.js';

/** A project function as an adapter's index pass saw it: what it may return. */
export interface IndexedFunction<Ref, Kind> {
  /** `get_conn`, or `Database.connect` for methods */
  name: string;
  range: Range;
  kind: Kind;
  returns: readonly Ref[];
}

export interface SolvedFactory<Lib, Kind> {
  qualifiedName: string;
  lib: Lib;
  kind: Kind;
}

/** A file's solved factories as FactoryTable keeps them: name, library, kind, name, … */
export type FactoryRow<Lib, Kind> = (string | Lib | Kind)[];

/**
 * The solved factories of a project, file by file: each file's factories as one flat row (name,
 * library, kind, …), and each factory's record, with its qualified name, made when asked. Every
 * thread that analyses keeps the whole table: a Map keyed by `file\0name` holding a record and a
 * qualified name per factory was about 5 MB of each heap on 64,000 dense files (21,000 factories).
 */
export class FactoryTable<Lib, Kind> {
  private readonly byFile = new Map<string, FactoryRow<Lib, Kind>>();

  constructor(
    private readonly moduleName: (file: string) => string,
    rows: Iterable<[string, FactoryRow<Lib, Kind>]> = [],
  ) {
    for (const [file, row] of rows) this.byFile.set(file, row);
  }

  get size(): number {
    let n = 0;
    for (const row of this.byFile.values()) n += row.length / 3;
    return n;
  }

  private at(file: string, name: string): number {
    const row = this.byFile.get(file);
    if (row) for (let i = 0; i < row.length; i += 3) if (row[i] === name) return i;
    return -1;
  }

  has(file: string, name: string): boolean {
    return this.at(file, name) >= 0;
  }

  get(file: string, name: string): SolvedFactory<Lib, Kind> | undefined {
    const i = this.at(file, name);
    if (i < 0) return undefined;
    const row = this.byFile.get(file)!;
    return { qualifiedName: `${this.moduleName(file)}.${name}`, lib: row[i + 1] as Lib, kind: row[i + 2] as Kind };
  }

  set(file: string, name: string, lib: Lib, kind: Kind): void {
    if (this.has(file, name)) return;
    const row = this.byFile.get(file);
    if (row) row.push(name, lib, kind);
    else this.byFile.set(file, [name, lib, kind]);
  }

  /**
   * Every file's row, for another thread's table, with the file as its position among `files`
   * (the module table's files, which every thread holds in the same order); undefined when a file
   * is not among them.
   */
  rowsAt(files: Iterable<string>): [number, FactoryRow<Lib, Kind>][] | undefined {
    const out: [number, FactoryRow<Lib, Kind>][] = [];
    let at = 0;
    for (const file of files) {
      const row = this.byFile.get(file);
      if (row) out.push([at, row]);
      at++;
    }
    return out.length === this.byFile.size ? out : undefined;
  }

  /** `file\0name` of every factory, sorted. */
  keys(): string[] {
    const out: string[] = [];
    for (const [file, row] of this.byFile) for (let i = 0; i < row.length; i += 3) out.push(`${file}\0${row[i] as string}`);
    return out.sort();
  }
}

/**
 * Fixpoint over the whole project, for any language: a function is a connection factory when
 * one of its return references resolves to a connection library — directly, or through a
 * factory found so far. `libOf` is the language's own resolution of a return reference.
 */
export function solveFactories<Ref, Kind, Lib>(
  modules: ReadonlyMap<string, { functions: readonly IndexedFunction<Ref, Kind>[] }>,
  moduleName: (file: string) => string,
  libOf: (ref: Ref, known: FactoryTable<Lib, Kind>) => Lib | undefined,
): FactoryTable<Lib, Kind> {
  const factories = new FactoryTable<Lib, Kind>(moduleName);
  const all: { file: string; fn: IndexedFunction<Ref, Kind> }[] = [];
  for (const file of [...modules.keys()].sort()) {
    for (const fn of modules.get(file)!.functions) all.push({ file, fn });
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const { file, fn } of all) {
      if (factories.has(file, fn.name)) continue;
      for (const r of fn.returns) {
        const lib = libOf(r, factories);
        if (lib === undefined) continue;
        factories.set(file, fn.name, lib, fn.kind);
        changed = true;
        break;
      }
    }
  }
  return factories;
}

/** The factories one file defines, in definition order, for its facts. */
export function factoriesDefinedIn<Ref, Kind, Lib>(
  module: { functions: readonly IndexedFunction<Ref, Kind>[] } | undefined,
  file: string,
  factories: FactoryTable<Lib, Kind>,
): { name: string; info: SolvedFactory<Lib, Kind>; range: Range }[] {
  const out: { name: string; info: SolvedFactory<Lib, Kind>; range: Range }[] = [];
  for (const fn of module?.functions ?? []) {
    const info = factories.get(file, fn.name);
    if (info) out.push({ name: fn.name, info, range: fn.range });
  }
  return out;
}
