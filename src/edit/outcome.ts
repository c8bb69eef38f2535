import type { Config } from '../model/config.js';
import type { Finding } from '../model/finding.js';
import type { Rule } from '../model/rule.js';
import type { RunRefusal } from '../model/run.js';
import { analyseSources } from '../project.js';
import { withText } from '../perf/disk-source.js';
import { runRules } from '../runner.js';
import { LineIndex } from '../util/lines.js';
import type { FileFix } from './engine.js';
import { manualItems } from './manual.js';
import { offsetMappers } from './offsets.js';
import { projectSchema } from './schema.js';

export interface FixOutcome {
  /** what fix refuses, placed in the files on disk */
  refusals: RunRefusal[];
  /** fingerprints of the findings a re-audit still reports after fix (unsafe changes included) */
  remains: string[];
}

/**
 * What `fix --unsafe-fixes` leaves: the project is rewritten in memory and audited again, and
 * each finding of the rewritten files is placed back on its line on disk. A finding is fixed
 * when no finding of the same rule is left on its line — whichever codemod (if any) removed it.
 */
export async function fixOutcome(
  findings: readonly Finding[],
  fixes: readonly FileFix[],
  rootOf: (file: string) => string,
  rules: Rule[],
  cfg: Config,
  /** the audit's verdict on each file's text on disk (FixRunResult.mayHoldFacts) */
  mayHoldFacts: (file: string) => boolean = () => true,
): Promise<FixOutcome> {
  const changed = new Set(fixes.filter((f) => !f.failure && f.text !== f.source.text).map((f) => f.source.path));
  const after = await analyseSources(
    fixes.map((f) => withText(f.source, f.failure ? f.source.text : f.text)),
    rootOf,
    (file) => mayHoldFacts(file) || changed.has(file),
  );
  const left = new Map<string, number>();
  const key = (file: string, ruleId: string, line: number) => `${file}\0${ruleId}\0${line}`;
  const byPath = new Map(fixes.map((f) => [f.source.path, f]));
  const ctx = { schema: projectSchema(after.map((f) => f.facts)) };
  // one mapper a file, for its findings here and its refusals (manualItems)
  const toDiskOf = offsetMappers();
  for (const { source, facts } of after) {
    const before = byPath.get(source.path)?.source.text ?? source.text;
    const toDisk = toDiskOf(source.path, before, source.text);
    const lines = new LineIndex(before);
    for (const f of runRules(rules, facts, source, cfg, ctx).findings) {
      const k = key(f.file, f.ruleId, lines.position(toDisk(f.range.start)).line);
      left.set(k, (left.get(k) ?? 0) + 1);
    }
  }
  const remains: string[] = [];
  for (const f of findings) {
    const k = key(f.file, f.ruleId, f.line);
    const n = left.get(k) ?? 0;
    // files fix does not rewrite (JavaScript, files outside its reach) keep every finding
    if (n > 0 || !byPath.has(f.file)) {
      remains.push(f.fingerprint);
      if (n > 0) left.set(k, n - 1);
    }
  }
  return { refusals: manualItems(fixes, toDiskOf), remains: remains.sort() };
}
