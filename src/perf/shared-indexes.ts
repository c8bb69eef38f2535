import { dirname } from 'node:path';
import type { ModuleIndexes, PythonModuleIndex } from '../lang/python/project.js';
import type { SpillRef } from './spill.js';
import { Spill } from './spill.js';

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

  constructor(
    private readonly spill: Spill,
    private readonly places: IndexPlaces,
  ) {
    places.modules.forEach((m, row) => this.rows.set(m, row));
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
 * the modules in the order they were written and each one's place in typed columns, which a
 * structured clone copies as bytes. A SpillRef object a module was 6.7 MB serialized for each
 * worker on 64,000 dense files, and about 100 bytes of each thread's heap a module.
 */
export interface IndexPlaces {
  modules: string[];
  /** the scratch files written to (the main thread's one) */
  files: string[];
  /** per module: its file (in `files`), and its SpillRef's offset, words and checksum */
  file: Uint16Array;
  offset: Float64Array;
  words: Uint32Array;
  sum: Uint32Array;
}

/** `to` (twice the length) with `from` copied to its start */
function grown<T extends Uint16Array | Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function placeAt(p: IndexPlaces, row: number): SpillRef {
  return { file: p.files[p.file[row]!]!, offset: p.offset[row]!, words: p.words[row]!, sum: p.sum[row]! };
}

/** The main thread's side: writes each module index once, and lists where they are for the threads. */
export class IndexSharing {
  private readonly spill: Spill;
  private readonly rows = new Map<string, number>();
  private places: IndexPlaces = { modules: [], files: [], file: new Uint16Array(64), offset: new Float64Array(64), words: new Uint32Array(64), sum: new Uint32Array(64) };
  failed = false;

  constructor(dir: string) {
    this.spill = new Spill(dir, 'indexes');
  }

  /** Writes a file's index, given as its JSON, unless it is written already; false when it cannot be. */
  write(file: string, json: string): boolean {
    if (this.failed) return false;
    if (this.rows.has(file)) return true;
    const ref = this.spill.writeText(json);
    if (ref) this.add(file, ref);
    else this.failed = true;
    return !this.failed;
  }

  private add(module: string, ref: SpillRef): void {
    let p = this.places;
    const row = p.modules.length;
    if (row === p.offset.length) {
      const n = row * 2;
      p = this.places = { ...p, file: grown(p.file, new Uint16Array(n)), offset: grown(p.offset, new Float64Array(n)), words: grown(p.words, new Uint32Array(n)), sum: grown(p.sum, new Uint32Array(n)) };
    }
    let f = p.files.indexOf(ref.file);
    if (f < 0) f = p.files.push(ref.file) - 1;
    p.modules.push(module);
    p.file[row] = f;
    p.offset[row] = ref.offset;
    p.words[row] = ref.words;
    p.sum[row] = ref.sum;
    this.rows.set(module, row);
  }

  /** Where every index lies, writing those not written yet; undefined when one cannot be written. */
  refsOf(indexes: Iterable<PythonModuleIndex>): IndexPlaces | undefined {
    for (const index of indexes) {
      if (this.failed) return undefined;
      if (!this.rows.has(index.file)) this.write(index.file, JSON.stringify(index));
    }
    this.spill.release();
    if (this.failed) return undefined;
    const p = this.places;
    const n = p.modules.length;
    return { modules: [...p.modules], files: [...p.files], file: p.file.slice(0, n), offset: p.offset.slice(0, n), words: p.words.slice(0, n), sum: p.sum.slice(0, n) };
  }
}
