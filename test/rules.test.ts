import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe as suite, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import { anchorLinesFor, compare, describe, parseAnnotations } from './helpers/annotations.js';
import { findingsFor, read, repoRoot } from './helpers/run.js';

const fixtureDir = resolve(repoRoot, 'fixtures/rules');
const fixtureFiles = readdirSync(fixtureDir).sort();

function fixturesOf(name: string): string[] {
  return fixtureFiles.filter((f) => f.split('.')[0] === name).map((f) => `fixtures/rules/${f}`);
}

suite('every rule against its annotated fixtures', () => {
  for (const rule of allRules.filter((r) => r.status !== 'removed')) {
    it(`${rule.id} ${rule.name}`, async () => {
      const fixtures = fixturesOf(rule.name);
      expect(fixtures, `fixtures/rules/${rule.name}.* is missing`).not.toEqual([]);
      let expects = 0;
      let oks = 0;
      for (const path of fixtures) {
        const text = read(path);
        const annotations = parseAnnotations(text);
        const own = annotations.filter((a) => a.ids.includes(rule.id));
        expects += own.filter((a) => a.verb === 'expect').length;
        oks += own.filter((a) => a.verb === 'ok').length;
        const { findings, files } = await findingsFor([path]);
        expect(files.map((f) => f.source.path), `${path} was not analysed`).toEqual([path]);
        const facts = files[0]!.facts;
        if (!path.includes('syntax-error')) {
          expect(facts.diagnostics, `${path} does not parse cleanly`).toEqual([]);
        }
        const checked = new Set([rule.id, ...annotations.flatMap((a) => a.ids)]);
        const result = compare(annotations, findings, checked, anchorLinesFor(text, files[0]!.source.language, path));
        const report = describe(path, result);
        expect(report, report).toBe('');
      }
      expect(expects, `${rule.name}: no fixture has an expect: ${rule.id}`).toBeGreaterThan(0);
      expect(oks, `${rule.name}: no fixture has an ok: ${rule.id}`).toBeGreaterThan(0);
    });
  }

  it('every fixture belongs to a registered rule', () => {
    const names = new Set(allRules.map((r) => r.name));
    const orphans = fixtureFiles.filter((f) => !names.has(f.split('.')[0]!));
    expect(orphans).toEqual([]);
  });
});
