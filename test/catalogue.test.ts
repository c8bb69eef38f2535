import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allCodemods } from '../codemods/index.js';
import { allRules } from '../rules/index.js';
import { defaultConfig } from '../src/model/config.js';
import { CATEGORIES } from '../src/model/finding.js';
import { analyse } from '../src/pipeline.js';
import { runRules } from '../src/runner.js';
import { repoRoot } from './helpers/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'pgready-catalogue-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
async function idsFiredBy(source: string, filename: string): Promise<string[]> {
  const dir = join(scratch, String(counter++));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, filename), source);
  const cfg = defaultConfig(dir);
  const { files } = await analyse([filename], cfg, dir);
  expect(files.map((f) => f.source.path), `example ${filename} was not analysed`).toEqual([filename]);
  return files.flatMap((f) => runRules(allRules, f.facts, f.source, cfg).findings.map((x) => x.ruleId));
}

describe('the rule catalogue', () => {
  it('lists exactly the rule files on disk, sorted by id, with unique ids and names equal to file names', () => {
    const onDisk = readdirSync(resolve(repoRoot, 'rules'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.slice(0, -3))
      .sort();
    expect(allRules.map((r) => r.name).sort()).toEqual(onDisk);
    const ids = allRules.map((r) => r.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of allRules) {
      expect(r.id, r.name).toMatch(/^SQL\d{3}$/);
      expect(r.name, r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.name.startsWith('no-'), r.name).toBe(false);
      expect(CATEGORIES, r.id).toContain(r.category);
      for (const field of ['title', 'rationale', 'postgres'] as const) expect(r[field].trim(), `${r.id} ${field}`).not.toBe('');
    }
  });

  it('names only codemods that exist and resolve the rule back', () => {
    const byName = new Map(allCodemods.map((c) => [c.name, c]));
    for (const r of allRules.filter((x) => x.fixedBy)) {
      const c = byName.get(r.fixedBy!);
      expect(c, `${r.id} fixedBy ${r.fixedBy}: no such codemod`).toBeDefined();
      expect(c!.resolves, `${r.fixedBy} does not list ${r.id} in resolves`).toContain(r.id);
    }
  });

  for (const rule of allRules.filter((r) => r.status !== 'removed')) {
    it(`${rule.id} ${rule.name}: the bad example fires and the good one does not`, async () => {
      const filename = rule.examples.filename ?? 'example.py';
      expect(await idsFiredBy(rule.examples.bad, filename)).toContain(rule.id);
      expect(await idsFiredBy(rule.examples.good, filename)).not.toContain(rule.id);
    });
  }
});
