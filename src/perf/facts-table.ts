import type { TableSchema } from '../model/codemod.js';
import type { ExternalSqlUse, FileFacts, ParseDiagnostic } from '../model/facts.js';
import { emptyFacts } from '../model/facts.js';
import { tablesOf } from '../edit/schema.js';
import type { SpillRef } from './spill.js';
import { Spill, SpillPlaces } from './spill.js';

/**
 * What the audit needs of a file's facts before its rules run, small enough to keep for every
 * file: whether there is any fact at all, the constants other files' SQL uses link to, the tables
 * it declares (the project schema) and its first recovered syntax error.
 */
export interface FactsDigest {
  factless: boolean;
  externalSqlUses: ExternalSqlUse[];
  tables: TableSchema[];
  diagnostic?: ParseDiagnostic;
}

export function digestOf(facts: FileFacts): FactsDigest {
  let factless = true;
  for (const value of Object.values(facts)) if (Array.isArray(value) && value.length > 0) factless = false;
  return {
    factless,
    externalSqlUses: facts.externalSqlUses,
    tables: factless ? [] : tablesOf(facts),
    ...(facts.diagnostics[0] ? { diagnostic: facts.diagnostics[0] } : {}),
  };
}

/**
 * The digests nearly every file has (no table, no constant used elsewhere, no syntax error), one
 * frozen copy of each: a copy of its own for each file was about 6 MB of the main thread's heap on
 * 64,000 dense files, held to the end of the run.
 */
const PLAIN_DIGESTS = [false, true].map((factless) => Object.freeze({ factless, externalSqlUses: Object.freeze([]) as unknown as ExternalSqlUse[], tables: Object.freeze([]) as unknown as TableSchema[] }));

function shareable(d: FactsDigest): FactsDigest {
  return d.externalSqlUses.length > 0 || d.tables.length > 0 || d.diagnostic !== undefined ? d : PLAIN_DIGESTS[d.factless ? 1 : 0]!;
}

/** A file's facts written to the scratch directory as JSON (without SQL tokens), and its digest. */
export interface StoredFacts {
  stored: SpillRef;
  digest: FactsDigest;
}

/** Whether a value read from the cache is a digest (the cache holds JSON only). */
export function isDigest(v: unknown): v is FactsDigest {
  const d = v as FactsDigest | undefined;
  return typeof d === 'object' && d !== null && typeof d.factless === 'boolean' && Array.isArray(d.externalSqlUses) && Array.isArray(d.tables);
}

/**
 * Facts read back (from the cache or the scratch directory) with their tokens left for tokensOf()
 * to make when a rule reads them; undefined when the value is not facts of this file.
 */
export function restoreFacts(facts: FileFacts, path: string): FileFacts | undefined {
  try {
    if (facts.file !== path) return undefined;
    const shape = emptyFacts(path, facts.language) as unknown as Record<string, unknown>;
    const got = facts as unknown as Record<string, unknown>;
    for (const key of Object.keys(shape)) if (Array.isArray(shape[key]) && !Array.isArray(got[key])) return undefined;
    for (const sql of facts.sqlStrings) {
      if (typeof sql.text !== 'string' || !Array.isArray(sql.holes)) return undefined;
      if (!sql.holes.every((h) => typeof h?.start === 'number' && typeof h.end === 'number')) return undefined;
      sql.tokens = [];
    }
    return facts;
  } catch {
    return undefined;
  }
}

/**
 * Where a file's facts are: in memory, in the cache (packed under a key), or in the scratch
 * directory (a number: its row in the table's places, digests and hashes, kept in columns: an
 * object and a SpillRef a file were about 180 bytes of the main thread's heap on 64,000 dense
 * files, where large runs peak).
 */
type Entry = { facts: FileFacts; hash?: string } | { cached: string; digest: FactsDigest; hash: string } | number;

/** A pack of the cache the table reads facts from (DiskCache.getPacked under FACTS_DATA). */
export interface PackReader {
  getPacked<T>(kind: string, key: string): T | undefined;
}

/** The cache's pack of facts JSON; the `facts` pack holds what is needed to use it (engine.ts). */
export const FACTS_DATA = 'facts-data';

/**
 * Every analysed file's facts. On large runs the facts pass writes each file's facts to the
 * scratch directory as it makes them (src/perf/tasks.ts), and only their digests stay in memory:
 * holding 8,000 dense files' facts until the rules ran took some 100 MB of the main thread's heap,
 * and V8 let the heap grow to twice what it held. Facts from the cache stay in its pack until read,
 * so a warm run whose findings are cached too never parses them. `load` reads a file's facts back
 * (a new object each time); facts that cannot be read back intact are analysed again (`finish`).
 * `close` removes the scratch directory: call it when the facts have been read.
 */
export class FactsTable {
  private readonly entries = new Map<string, Entry>();
  /** the stored entries, by row: where their facts lie, their digests and hashes */
  private readonly places = new SpillPlaces();
  private readonly digests: FactsDigest[] = [];
  private readonly hashes: (string | undefined)[] = [];
  /** reads only (a Spill writes to a file of its own thread's in its directory) */
  private readonly reader = new Spill('');
  private recompute: (path: string) => FileFacts | undefined = () => undefined;
  private onClose: () => void = () => {};

  constructor(private readonly cache?: PackReader) {}

  /** How to analyse a file again, and what close() does besides (set once the facts pass is done). */
  finish(recompute: (path: string) => FileFacts | undefined, onClose: () => void): void {
    this.recompute = recompute;
    this.onClose = onClose;
  }

  set(path: string, value: FileFacts | StoredFacts): void {
    if (!('stored' in value)) {
      this.entries.set(path, { facts: value });
      return;
    }
    const row = this.places.add(value.stored);
    this.digests[row] = shareable(value.digest);
    this.hashes[row] = undefined;
    this.entries.set(path, row);
  }

  /** Facts the cache holds under `key` (FACTS_DATA), with their digest and hash (see hash()). */
  setCached(path: string, key: string, digest: FactsDigest, hash: string): void {
    this.entries.set(path, { cached: key, digest: shareable(digest), hash });
  }

  /** Records the hash of a file's facts JSON as the cache holds it (see hash()). */
  setHash(path: string, hash: string): void {
    const e = this.entries.get(path);
    if (typeof e === 'number') this.hashes[e] = hash;
    else if (e) e.hash = hash;
  }

  /**
   * The hash of the file's facts JSON as the cache holds it, when the cache is on: a key for what
   * is made of the facts (the findings cache) that needs no facts read. Undefined without one.
   */
  hash(path: string): string | undefined {
    const e = this.entries.get(path);
    return typeof e === 'number' ? this.hashes[e] : e?.hash;
  }

  delete(path: string): void {
    this.entries.delete(path);
  }

  has(path: string): boolean {
    return this.entries.has(path);
  }

  /** The JSON of a stored entry as written (for the cache), or undefined for one in memory. */
  storedJson(path: string): string | undefined {
    const e = this.entries.get(path);
    return typeof e === 'number' ? this.reader.readText(this.places.at(e)) : undefined;
  }

  digest(path: string): FactsDigest | undefined {
    const e = this.entries.get(path);
    if (e === undefined) return undefined;
    if (typeof e === 'number') return this.digests[e];
    return 'facts' in e ? digestOf(e.facts) : e.digest;
  }

  load(path: string): FileFacts | undefined {
    const e = this.entries.get(path);
    if (e === undefined) return undefined;
    if (typeof e !== 'number' && 'facts' in e) return e.facts;
    let facts: FileFacts | undefined;
    try {
      if (typeof e === 'number') {
        const json = this.reader.readText(this.places.at(e));
        facts = json === undefined ? undefined : (JSON.parse(json) as FileFacts);
      } else facts = this.cache?.getPacked<FileFacts>(FACTS_DATA, e.cached);
      facts = facts === undefined ? undefined : restoreFacts(facts, path);
    } catch {
      facts = undefined;
    }
    return facts ?? this.recompute(path);
  }

  close(): void {
    this.reader.release();
    this.onClose();
  }
}
