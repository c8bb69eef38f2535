import { closeSync } from 'node:fs';
import type { Finding } from '../model/finding.js';
import { ScratchError } from '../util/errors.js';
import type { FindingStream } from '../model/run.js';
import { compareFindings, emptyTally, sortFindings, tally } from '../runner.js';
import type { FindingTally } from '../runner.js';
import type { SpillRef } from './spill.js';
import { makeScratch, Spill } from './spill.js';
import type { PackedRef } from './cache.js';
import { readPackedRef } from './cache.js';

/**
 * The findings of a large audit, written file by file to a scratch directory as the rules make
 * them, and read back in report order while the JSON or SARIF report is written (audit's
 * `streamFindings`). 244,000 findings (16,000 dense files) held about 117 MB of the main heap at
 * the end of the run, where V8 let the heap grow to twice that; here a file's findings are in
 * memory only while they are made and while they are written out. Each file's findings carry a
 * checksum (Spill); findings that cannot be read back stop the report with an error naming the
 * file, never a report with findings missing.
 */
export class FindingsFile implements FindingStream {
  private readonly spill: Spill;
  /** each file's findings: written here, or (cached) where they lie in the cache's findings pack */
  private readonly refs: [string, SpillRef | PackedRef][] = [];
  private readonly remove: () => void;
  /** descriptors of cache packs that refs point into, closed with this file */
  private readonly adopted: number[] = [];

  private constructor(
    readonly dir: string,
    remove: () => void,
  ) {
    // the findings are read back in the order they were written: through a window read ahead
    this.spill = new Spill(dir, undefined, true);
    this.remove = remove;
  }

  /** A findings file in a new scratch directory under `parent`, or undefined when none can be made. */
  static make(parent: string): FindingsFile | undefined {
    const scratch = makeScratch(parent);
    return scratch && new FindingsFile(scratch.dir, scratch.remove);
  }

  /** Writes one file's findings; false when they could not be written (the caller keeps them). */
  add(path: string, findings: Finding[]): boolean {
    return findings.length === 0 || this.addJson(path, JSON.stringify(findings));
  }

  /** add() with the findings' JSON (an array of them, all naming `path`). */
  addJson(path: string, json: string): boolean {
    const ref = this.spill.writeText(json);
    if (!ref) return false;
    this.refs.push([path, ref]);
    return true;
  }

  /**
   * add() with cached findings as they lie in a cache pack, checked by their CRC-32 when read
   * (the caller hands this file the pack's descriptor: adopt()). Copying them here cost a warm run
   * with one file changed on 16,000 dense files about 0.3 s for 110 MB, read back once more after.
   */
  addPacked(path: string, ref: PackedRef): void {
    this.refs.push([path, ref]);
  }

  /** Closes `fd` (a cache pack's, which refs point into) when this file closes. */
  adopt(fd: number): void {
    this.adopted.push(fd);
  }

  /** Whether some findings lie in a cache pack (addPacked). */
  get refersToPacks(): boolean {
    return this.refs.some(([, ref]) => 'fd' in ref);
  }

  /** Every finding written, in report order (sortFindings'). */
  *each(): Generator<Finding> {
    const byPath = new Map<string, (SpillRef | PackedRef)[]>();
    for (const [path, ref] of this.refs) byPath.set(path, [...(byPath.get(path) ?? []), ref]);
    const paths = [...byPath.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const path of paths) {
      // a file's findings are one piece, unless the caller wrote them in several
      const findings = byPath.get(path)!.flatMap((ref) => this.read(path, ref));
      yield* findings.sort(compareFindings);
    }
  }

  private read(path: string, ref: SpillRef | PackedRef): Finding[] {
    const json = 'fd' in ref ? readPackedRef(ref)?.toString('utf8') : this.spill.readText(ref);
    let findings: unknown;
    try {
      findings = json === undefined ? undefined : JSON.parse(json);
    } catch {
      findings = undefined;
    }
    if (!Array.isArray(findings)) {
      throw new ScratchError(
        'fd' in ref
          ? `the cached findings of ${path} could not be read back from the cache (was it changed meanwhile?); run pgready again`
          : `the findings of ${path} could not be read back from the scratch directory ${this.dir} (was it removed, or the disk full?); run pgready again`,
      );
    }
    return findings as Finding[];
  }

  /** Removes the scratch directory, and closes the packs adopted. */
  close(): void {
    this.spill.release();
    this.remove();
    for (const fd of this.adopted.splice(0)) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
    }
  }
}

/** Findings grouped by the file they name, in the order the files first appear. */
function byFile(findings: Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = out.get(f.file);
    if (list) list.push(f);
    else out.set(f.file, [f]);
  }
  return out;
}

/**
 * How much findings JSON from the cache an audit streaming its findings parses into memory before
 * they go to a file (8 M code units: about 16,000 findings).
 */
export const CACHED_JSON_IN_MEMORY = 8 * 1024 * 1024;

/**
 * Where an audit puts its findings as the rules make them: in memory, or, past `limit` (an audit
 * streaming its findings) or past `jsonLimit` of findings JSON from the cache, in a FindingsFile
 * made under `parent`. A file that cannot be made or written leaves every finding in memory. The
 * tally counts them all, for the summary.
 */
export class FindingSink {
  readonly tally: FindingTally = emptyTally();
  private held: Finding[] = [];
  /**
   * Cached findings held as the JSON the cache gave (a file's path and its JSON):
   * parsed only if they stay in memory to the end (finish), written as they are if they go to a
   * file (open). Parsed when they came, a warm run with a file changed on 8,000 dense files parsed
   * 8 MB of them and made them JSON again for the file once its budget of cached JSON ran out.
   */
  private heldJson: [string, string][] = [];
  /** findings held in memory: in `held` and in `heldJson` */
  private heldCount = 0;
  private file: FindingsFile | undefined;
  /** the length of the cached findings JSON held (addJson, addPacked) */
  private heldJsonLength = 0;

  /**
   * limit: how many findings are held in memory before they go to a file (Infinity: never);
   * jsonLimit: how much findings JSON from the cache (addJson, in UTF-16 code units) is held in
   * memory before they go to a file, when they may go to one at all
   */
  constructor(
    private limit: number,
    private readonly parent: () => string,
    private readonly jsonLimit = CACHED_JSON_IN_MEMORY,
  ) {}

  /**
   * json: `own` as JSON, when the caller made it already (for the cache): once the findings go to
   * disk it is written as it is, not made again
   */
  add(own: Finding[], json?: string): void {
    tally(own, this.tally);
    if (!this.file && this.heldCount + own.length > this.limit) this.open();
    if (this.file) this.write(own, json);
    else {
      this.held.push(...own);
      this.heldCount += own.length;
    }
  }

  /** Findings go to a file from now on, those held so far first; a file that cannot be made leaves them in memory. */
  private open(): void {
    this.file = FindingsFile.make(this.parent());
    if (!this.file) {
      this.limit = Infinity;
      return;
    }
    const cached = this.heldJson.splice(0);
    this.heldCount = 0;
    for (let k = 0; k < cached.length; k++) {
      const [path, json] = cached[k]!;
      if (this.file.addJson(path, json)) continue;
      // the disk refused a write: everything goes back to memory
      for (const [, rest] of cached.slice(k)) this.held.push(...(JSON.parse(rest) as Finding[]));
      this.refused([]);
      return;
    }
    this.write(this.held.splice(0));
  }

  private write(findings: Finding[], json?: string): void {
    const file = findings[0]?.file;
    if (json !== undefined && file !== undefined && findings.every((f) => f.file === file) && this.file!.addJson(file, json)) return;
    // grouped by the file each finding names: the group is read back in that file's place
    const groups = [...byFile(findings)];
    let written = 0;
    while (written < groups.length && this.file!.add(...groups[written]!)) written++;
    if (written === groups.length) return;
    this.refused(groups.slice(written).flatMap(([, group]) => group));
  }

  /** The disk refused a write: what the file holds and `unwritten` go back to memory, and stay there. */
  private refused(unwritten: Finding[]): void {
    this.held.push(...this.file!.each(), ...unwritten);
    this.heldCount = this.held.length;
    this.file!.close();
    this.file = undefined;
    this.limit = Infinity;
  }

  /**
   * One file's findings as JSON (from the findings cache: an array, all naming `path`) and their
   * tally: once the findings go to disk, the JSON goes there as it is, never parsed.
   */
  addJson(path: string, json: string, counted: FindingTally): void {
    this.addCached(path, json.length, counted, (file) => file.addJson(path, json), () => json);
  }

  /**
   * addJson for findings whose JSON lies in a cache pack (checked already by its CRC-32): once the
   * findings go to disk, the file refers to them there (FindingsFile.addPacked). The caller hands
   * the pack's descriptor to the file (adoptPack) before the cache closes it.
   */
  addPacked(path: string, ref: PackedRef, counted: FindingTally): void {
    this.addCached(path, ref.length, counted, (file) => (file.addPacked(path, ref), true), () => {
      const bytes = readPackedRef(ref);
      if (!bytes) throw new ScratchError(`the cached findings of ${path} could not be read back from the cache (was it changed meanwhile?); run pgready again`);
      return bytes.toString('utf8');
    });
  }

  /** Whether the findings file refers to a cache pack (addPacked), whose descriptor it must then adopt. */
  get refersToPacks(): boolean {
    return this.file?.refersToPacks ?? false;
  }

  /** Hands the findings file a cache pack's descriptor to close (see addPacked). */
  adoptPack(fd: number): void {
    this.file?.adopt(fd);
  }

  private addCached(path: string, length: number, counted: FindingTally, toFile: (file: FindingsFile) => boolean, json: () => string): void {
    // JSON the cache holds goes to the file as it is: written and read back it costs little more
    // than parsing it, which holding it in memory costs too (a warm run with a file changed on
    // 32,000 dense files held 100,000 findings parsed, about 46 MB of heap)
    if (!this.file && this.limit !== Infinity && counted.findings > 0) {
      this.heldJsonLength += length;
      if (this.heldJsonLength > this.jsonLimit || this.heldCount + counted.findings > this.limit) this.open();
    }
    if (this.file && counted.findings > 0 && !toFile(this.file)) {
      // the disk refused it: add() takes it back to memory with the rest
      this.add(JSON.parse(json()) as Finding[]);
      return;
    }
    this.tally.findings += counted.findings;
    for (const [s, n] of Object.entries(counted.bySeverity)) this.tally.bySeverity[s as keyof FindingTally['bySeverity']] += n;
    for (const [c, n] of Object.entries(counted.byCategory)) this.tally.byCategory[c as keyof FindingTally['byCategory']] += n;
    if (this.file || counted.findings === 0) return;
    this.heldJson.push([path, json()]);
    this.heldCount += counted.findings;
  }

  /** The findings held in memory, sorted, and the file holding them instead (the caller closes it). */
  finish(): { findings: Finding[]; file?: FindingsFile } {
    if (this.file) return { findings: [], file: this.file };
    for (const [, json] of this.heldJson.splice(0)) this.held.push(...(JSON.parse(json) as Finding[]));
    return { findings: sortFindings(this.held) };
  }

  /** Removes the file, if any (a run that failed). */
  close(): void {
    this.file?.close();
  }
}
