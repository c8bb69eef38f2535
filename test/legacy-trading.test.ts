import { describe as suite, expect, it } from 'vitest';
import { allRules } from '../rules/index.js';
import type { Finding } from '../src/model/finding.js';
import { anchorLinesFor, compare, describe, parseAnnotations } from './helpers/annotations.js';
import { auditOf } from './helpers/run.js';
import { read } from './helpers/paths.js';

const DEMO = 'fixtures/legacy-trading';

suite('the legacy-trading demo', () => {
  it('reports exactly the findings annotated in the fixture', async () => {
    const run = await auditOf([DEMO]);
    expect(run.skipped, JSON.stringify(run.skipped, null, 2)).toEqual([]);
    const all = new Set(allRules.map((r) => r.id));
    const byFile = new Map<string, Finding[]>();
    for (const f of run.findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    let matched = 0;
    let missing = 0;
    let noisy = 0;
    const reports: string[] = [];
    const scanned = run.files.map((f) => f.path);
    const annotated = new Set<string>();
    for (const file of [...new Set([...scanned, ...byFile.keys()])].sort()) {
      const text = read(file);
      const annotations = parseAnnotations(text);
      if (annotations.length) annotated.add(file);
      const language = file.endsWith('.py') ? 'python' : 'text';
      const result = compare(annotations, byFile.get(file) ?? [], all, anchorLinesFor(text, language));
      matched += result.matched;
      missing += result.missing.length;
      noisy += result.unexpected.length;
      const d = describe(file, result);
      if (d) reports.push(d);
    }
    const precision = matched / Math.max(1, matched + noisy);
    const recall = matched / Math.max(1, matched + missing);
    console.log(
      `legacy-trading: ${matched} annotated findings reported, ${missing} missed, ${noisy} not annotated — precision ${(precision * 100).toFixed(1)}%, recall ${(recall * 100).toFixed(1)}%`,
    );
    expect(reports.join('\n'), reports.join('\n')).toBe('');
    expect(matched).toBeGreaterThan(0);
  });

  it('is a realistic project: at least 40 files, at least 35 of them using SQLite', async () => {
    const run = await auditOf([DEMO]);
    expect(run.summary.filesScanned).toBeGreaterThanOrEqual(40);
    expect(run.summary.filesWithSqlite).toBeGreaterThanOrEqual(35);
    // the already-migrated psycopg2 modules stay quiet
    const pg = run.files.filter((f) => f.path.includes('/backend/pg/'));
    expect(pg.length).toBeGreaterThanOrEqual(3);
    expect(pg.filter((f) => f.usesSqlite)).toEqual([]);
  });
});
