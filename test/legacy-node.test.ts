import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe as suite, expect, it } from 'vitest';
import { defaultConfig } from '../src/model/config.js';
import type { Finding } from '../src/model/finding.js';
import { audit } from '../src/pipeline.js';
import { auditOf, findingsFor } from './helpers/run.js';
import { checkAnnotated } from './helpers/demo.js';
import { repoRoot } from './helpers/paths.js';

const DEMO = 'fixtures/legacy-node';

const scratch = mkdtempSync(join(tmpdir(), 'pgready-mixed-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

suite('the legacy-node demo', () => {
  it('reports exactly the findings annotated in the fixture', async () => {
    const run = await auditOf([DEMO]);
    expect(run.skipped, JSON.stringify(run.skipped, null, 2)).toEqual([]);
    const check = checkAnnotated('legacy-node', run);
    console.log(check.summary);
    expect(check.report, check.report).toBe('');
    expect(check.matched).toBeGreaterThanOrEqual(85);
  });

  it('parses cleanly: every file, with no syntax error', async () => {
    const { files } = await findingsFor([DEMO]);
    expect(files.length).toBeGreaterThanOrEqual(14);
    expect(files.filter((f) => f.facts.diagnostics.length > 0).map((f) => [f.source.path, f.facts.diagnostics])).toEqual([]);
  });

  it('covers both drivers, ESM and CommonJS, TypeScript and JavaScript, and stays quiet where it must', async () => {
    const run = await auditOf([DEMO]);
    const languages = new Set(run.files.map((f) => f.language));
    expect([...languages].sort()).toEqual(['javascript', 'text', 'typescript']);
    const ids = new Set(run.findings.map((f) => f.ruleId));
    // imports of all four drivers, direct opens, factories across files, the ORM configs
    for (const id of ['SQL001', 'SQL002', 'SQL003', 'SQL016', 'SQL103', 'SQL114', 'SQL115', 'SQL116', 'SQL117', 'SQL201', 'SQL203', 'SQL210']) {
      expect(ids, id).toContain(id);
    }
    const modules = new Set(run.findings.filter((f) => f.ruleId === 'SQL001').map((f) => /'([^']+)'/.exec(f.message)?.[1]));
    expect([...modules].sort()).toEqual(['better-sqlite3', 'node:sqlite', 'sqlite', 'sqlite3']);
    // already on pg, or no database at all
    for (const quiet of ['fixtures/legacy-node/src/pg/analytics.ts', 'fixtures/legacy-node/src/util/format.js']) {
      const summary = run.files.find((f) => f.path === quiet);
      expect(summary, quiet).toBeDefined();
      expect(summary!.usesSqlite, quiet).toBe(false);
    }
    // the cross-file factory: openDb() in app.ts is reported with its qualified name
    const app = run.findings.filter((f) => f.file === 'fixtures/legacy-node/src/app.ts' && f.ruleId === 'SQL003');
    expect(app.map((f) => f.message)).toEqual(['`openDb()` returns a SQLite connection (factory `src/db.openDb`)']);
    // factories imported through the tsconfig `@/` alias and the package.json `#reports` import
    const digest = run.findings.filter((f) => f.file === 'fixtures/legacy-node/src/jobs/digest.ts' && f.ruleId === 'SQL003');
    expect(digest.map((f) => f.message)).toEqual([
      '`openDb()` returns a SQLite connection (factory `src/db.openDb`)',
      '`openReports()` returns a SQLite connection (factory `src/reports/summary.openReports`)',
    ]);
  });
});

suite('a mixed repository', () => {
  it('audits the Python and the Node fixtures in one run, with the same findings as apart', async () => {
    cpSync(resolve(repoRoot, 'fixtures/legacy-trading'), join(scratch, 'legacy-trading'), { recursive: true });
    cpSync(resolve(repoRoot, DEMO), join(scratch, 'legacy-node'), { recursive: true });
    const together = await audit(['.'], defaultConfig(scratch), { cwd: scratch });
    expect(together.skipped).toEqual([]);
    const languages = new Set(together.files.map((f) => f.language));
    expect([...languages].sort()).toEqual(['javascript', 'python', 'text', 'typescript']);

    const key = (f: Finding, prefix: string) => `${f.file.replace(prefix, '')}:${f.line}:${f.ruleId}`;
    const apart = [
      ...(await auditOf(['fixtures/legacy-trading'])).findings.map((f) => key(f, 'fixtures/legacy-trading/')),
      ...(await auditOf([DEMO])).findings.map((f) => key(f, `${DEMO}/`)),
    ].sort();
    const joined = together.findings.map((f) => key(f, f.file.startsWith('legacy-node/') ? 'legacy-node/' : 'legacy-trading/')).sort();
    expect(joined).toEqual(apart);
    expect(together.findings.some((f) => f.file.endsWith('.py'))).toBe(true);
    expect(together.findings.some((f) => f.file.endsWith('.ts'))).toBe(true);
    expect(together.findings.some((f) => f.file.endsWith('.cjs'))).toBe(true);
  }, 120_000);
});
