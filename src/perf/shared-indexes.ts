import { dirname } from 'node:path';
import type { ModuleIndexes, PythonModuleIndex } from '../lang/python/project.js';
import type { SpillColumns } from './spill.js';
import { placeAt, Spill, SpillPlaces } from './spill.js';

/** How many parsed module indexes a thread keeps at hand (files are analysed in path order, so neighbours ask about the same modules). */
const KEEP = 256;

/**
 * Module indexes a thread reads from the scratch directory when its analysis asks about them,
 * instead of a copy of every index in every worker: on 16,000 dense files each worker held all
 * 13,700 indexes (about 16 MB of its live heap, and V8 grew its heap to twice that). The most
 * recently used KEEP stay parsed. An index that cannot be read back throws: the file being
 * analysed is reported as not analysed, never analysed against a project missing a module.
 */
export class SharedIndexes implements ModuleIndexes {
  /** each module's row in the places */
  private readonly rows = new Map<string, number>();
  private readonly recent = new Map<string, PythonModuleIndex>();

  /** paths: the files of the module table the places were made with (ModuleTable.files), in its order */
  constructor(
    private readonly spill: Spill,
    private readonly places: IndexPlaces,
    paths: readonly string[],
  ) {
    places.modules.forEach((at, row) => this.rows.set(paths[at]!, row));
  }

  has(file: string): boolean {
    return this.rows.has(file);
  }

  get(file: string): PythonModuleIndex | undefined {
    const known = this.recent.get(file);
    if (known) {
      // most recently used last
      this.recent.delete(file);
      this.recent.set(file, known);
      return known;
    }
    const row = this.rows.get(file);
    if (row === undefined) return undefined;
    const ref = placeAt(this.places, row);
    const json = this.spill.readText(ref);
    let index: PythonModuleIndex | undefined;
    try {
      index = json === undefined ? undefined : (JSON.parse(json) as PythonModuleIndex);
    } catch {
      index = undefined;
    }
    if (index?.file !== file) throw new Error(`the module index of ${file} could not be read back from the scratch directory ${dirname(ref.file)}; run pgready again`);
    this.recent.set(file, index);
    if (this.recent.size > KEEP) this.recent.delete(this.recent.keys().next().value!);
    return index;
  }
}

/**
 * Where the module indexes lie in the scratch directory, as the threads that read them get it:
 * the modules in the order they were written and each one's place (SpillColumns). A SpillRef
 * object a module was 6.7 MB serialized for each worker on 64,000 dense files, and about 100
 * bytes of each thread's heap a module.
 */
export interface IndexPlaces extends SpillColumns {
  /**
   * each module as its position among the module table's files (ModuleTable.files), which every
   * thread holds in the same order: the 44,232 modules of 64,000 dense files (audited from their
   * directory) were 1.6 MB of paths posted to each worker, which it then looked up one by one
   * among the table's own, and are 0.17 MB of positions
   */
  modules: Uint32Array;
}

/** The main thread's side: writes each module index once, and lists where they are for the threads. */
export class IndexSharing {
  private readonly spill: Spill;
  private readonly rows = new Map<string, number>();
  private readonly places = new SpillPlaces();
  failed = false;

  constructor(dir: string) {
    this.spill = new Spill(dir, 'indexes');
  }

  /** Writes a file's index, given as its JSON, unless it is written already; false when it cannot be. */
  write(file: string, json: string): boolean {
    if (this.failed) return false;
    if (this.rows.has(file)) return true;
    const ref = this.spill.writeText(json);
    if (ref) this.rows.set(file, this.places.add(ref));
    else this.failed = true;
    return !this.failed;
  }

  /**
   * Where every index lies, writing those not written yet; undefined when one cannot be written,
   * or when a module is not among `files` (the module table's files, ModuleTable.files).
   */
  refsOf(indexes: Iterable<PythonModuleIndex>, files: Iterable<string>): IndexPlaces | undefined {
    for (const index of indexes) {
      if (this.failed) return undefined;
      if (!this.rows.has(index.file)) this.write(index.file, JSON.stringify(index));
    }
    this.spill.release();
    if (this.failed) return undefined;
    const modules = new Uint32Array(this.rows.size);
    let found = 0;
    let at = 0;
    for (const file of files) {
      const row = this.rows.get(file);
      if (row !== undefined) {
        modules[row] = at;
        found++;
      }
      at++;
    }
    return found === modules.length ? { ...this.places.columns(), modules } : undefined;
  }
}
