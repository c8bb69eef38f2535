import { allRules } from '../../rules/index.js';
import { defaultConfig } from '../../src/model/config.js';
import type { Finding } from '../../src/model/finding.js';
import { analyse, audit } from '../../src/pipeline.js';
import type { AnalysedFile } from '../../src/pipeline.js';
import { runRules } from '../../src/runner.js';
import { projectSchema } from '../../src/edit/schema.js';

import { repoRoot } from './paths.js';

export { read, repoRoot } from './paths.js';

/** Findings of every rule for the given paths (relative to the repository root). */
export async function findingsFor(paths: string[]): Promise<{ findings: Finding[]; files: AnalysedFile[] }> {
  const cfg = defaultConfig(repoRoot);
  const { files } = await analyse(paths, cfg, repoRoot);
  const findings: Finding[] = [];
  const ctx = { schema: projectSchema(files.map((f) => f.facts)) };
  for (const f of files) findings.push(...runRules(allRules, f.facts, f.source, cfg, ctx).findings);
  return { findings, files };
}

export async function auditOf(paths: string[]) {
  return audit(paths, defaultConfig(repoRoot), { cwd: repoRoot });
}
