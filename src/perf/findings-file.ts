import type { Finding } from '../model/finding.js';
import { ScratchError } from '../util/errors.js';
import type { FindingStream } from '../model/run.js';
import { compareFindings } from '../runner.js';
import type { SpillRef } from './spill.js';
import { makeSpillDir, scratchRemoval, Spill } from './spill.js';

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
  private readonly refs: [string, SpillRef][] = [];
  private readonly remove: () => void;

  private constructor(readonly dir: string) {
    this.spill = new Spill(dir);
    this.remove = scratchRemoval(dir);
    // a run that throws, or exits before close(), leaves nothing behind
    process.once('exit', this.remove);
  }

  /** A findings file in a new scratch directory under `parent`, or undefined when none can be made. */
  static make(parent: string): FindingsFile | undefined {
    const dir = makeSpillDir(parent);
    return dir === undefined ? undefined : new FindingsFile(dir);
  }

  /** Writes one file's findings; false when they could not be written (the caller keeps them). */
  add(path: string, findings: Finding[]): boolean {
    if (findings.length === 0) return true;
    const ref = this.spill.writeText(JSON.stringify(findings));
    if (!ref) return false;
    this.refs.push([path, ref]);
    return true;
  }

  /** Every finding written, in report order (sortFindings'). */
  *each(): Generator<Finding> {
    const byPath = new Map<string, SpillRef[]>();
    for (const [path, ref] of this.refs) byPath.set(path, [...(byPath.get(path) ?? []), ref]);
    const paths = [...byPath.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const path of paths) {
      // a file's findings are one piece, unless the caller wrote them in several
      const findings = byPath.get(path)!.flatMap((ref) => this.read(path, ref));
      yield* findings.sort(compareFindings);
    }
  }

  private read(path: string, ref: SpillRef): Finding[] {
    const json = this.spill.readText(ref);
    let findings: unknown;
    try {
      findings = json === undefined ? undefined : JSON.parse(json);
    } catch {
      findings = undefined;
    }
    if (!Array.isArray(findings)) {
      throw new ScratchError(`the findings of ${path} could not be read back from the scratch directory ${this.dir} (was it removed, or the disk full?); run pgready again`);
    }
    return findings as Finding[];
  }

  /** Removes the scratch directory. */
  close(): void {
    this.spill.release();
    this.remove();
  }
}
