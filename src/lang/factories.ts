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

/** Factories keyed by `file\0name`. */
export type FactoryMap<Lib, Kind> = Map<string, SolvedFactory<Lib, Kind>>;

export function factoryKey(file: string, name: string): string {
  return `${file}\0${name}`;
}

/**
 * Fixpoint over the whole project, for any language: a function is a connection factory when
 * one of its return references resolves to a connection library — directly, or through a
 * factory found so far. `libOf` is the language's own resolution of a return reference.
 */
export function solveFactories<Ref, Kind, Lib>(
  modules: ReadonlyMap<string, { functions: readonly IndexedFunction<Ref, Kind>[] }>,
  moduleName: (file: string) => string,
  libOf: (ref: Ref, known: FactoryMap<Lib, Kind>) => Lib | undefined,
): FactoryMap<Lib, Kind> {
  const factories: FactoryMap<Lib, Kind> = new Map();
  const all: { file: string; fn: IndexedFunction<Ref, Kind> }[] = [];
  for (const file of [...modules.keys()].sort()) {
    for (const fn of modules.get(file)!.functions) all.push({ file, fn });
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (const { file, fn } of all) {
      const key = factoryKey(file, fn.name);
      if (factories.has(key)) continue;
      for (const r of fn.returns) {
        const lib = libOf(r, factories);
        if (lib === undefined) continue;
        factories.set(key, { qualifiedName: `${moduleName(file)}.${fn.name}`, lib, kind: fn.kind });
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
  factories: FactoryMap<Lib, Kind>,
): { name: string; info: SolvedFactory<Lib, Kind>; range: Range }[] {
  const out: { name: string; info: SolvedFactory<Lib, Kind>; range: Range }[] = [];
  for (const fn of module?.functions ?? []) {
    const info = factories.get(factoryKey(file, fn.name));
    if (info) out.push({ name: fn.name, info, range: fn.range });
  }
  return out;
}
