import { describe as suite, expect, it } from 'vitest';
import { checkAnnotated } from './helpers/demo.js';
import { auditOf } from './helpers/run.js';

const DEMO = 'fixtures/legacy-trading';

suite('the legacy-trading demo', () => {
  it('reports exactly the findings annotated in the fixture', async () => {
    const run = await auditOf([DEMO]);
    expect(run.skipped, JSON.stringify(run.skipped, null, 2)).toEqual([]);
    const check = checkAnnotated('legacy-trading', run);
    console.log(check.summary);
    expect(check.report, check.report).toBe('');
    expect(check.matched).toBeGreaterThan(0);
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
