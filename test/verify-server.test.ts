import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { main } from '../src/cli/main.js';
import { defaultConfig } from '../src/model/config.js';
import { openPglite } from '../src/verify/backend.js';
import { verify } from '../src/verify/index.js';
import type { VerifiedStatement, VerifyResult } from '../src/verify/model.js';
import { repoRoot } from './helpers/paths.js';

/*
 * Level 3: `pgready verify --database-url` against a real PostgreSQL server. .ci/run starts one
 * (.ci/pg-server) and sets PGREADY_TEST_DATABASE_URL; locally: eval "$(.ci/pg-server start)".
 */
const url = process.env.PGREADY_TEST_DATABASE_URL;
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const why = 'PGREADY_TEST_DATABASE_URL is not set; start a server with: eval "$(.ci/pg-server start)"';

if (!url) {
  if (inCi) {
    it('has a PostgreSQL server in CI', () => {
      expect.fail(`${why} (CI=true: the server tests must run; .ci/run starts the server)`);
    });
  } else {
    console.warn(`verify-server tests skipped: ${why}`);
    it.skip(`level 3 tests (skipped: ${why})`, () => undefined);
  }
}

async function sql<T extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const key = (s: VerifiedStatement) => `${s.file}:${s.line}:${s.column}`;
const verdict = (s: VerifiedStatement) => [s.status, s.error?.stage ?? null, s.error?.code ?? null, s.error?.message ?? null, s.error?.line ?? null];

describe.skipIf(!url)('level 3: pgready verify --database-url on a PostgreSQL server', () => {
  let serverMajor = 0;
  beforeAll(async () => {
    const [row] = await sql<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    serverMajor = Math.floor(Number(row?.v) / 10000);
    // a table of the same name as the fixture's, with a row in it: verify must never touch it
    await sql('CREATE TABLE IF NOT EXISTS public.trades (id bigint PRIMARY KEY, note text)');
    await sql("INSERT INTO public.trades VALUES (1, 'keep me') ON CONFLICT DO NOTHING");
  });
  afterAll(async () => {
    await sql('DROP TABLE IF EXISTS public.trades');
  });

  async function leftovers(): Promise<string[]> {
    const rows = await sql<{ nspname: string }>("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'pgready_verify_%'");
    return rows.map((r) => r.nspname);
  }

  it('gives the fixture the same verdicts as the embedded PostgreSQL, and leaves the database as it was', async () => {
    const cfg = defaultConfig(repoRoot);
    const server = await verify(['fixtures/legacy-trading'], cfg, { cwd: repoRoot, databaseUrl: url! });
    const local = await openPglite();
    let embedded: VerifyResult;
    try {
      embedded = await verify(['fixtures/legacy-trading'], cfg, { cwd: repoRoot, backend: local });
    } finally {
      await local.close();
    }
    expect(server.level).toBe(3);
    expect(server.engine).toMatch(/^PostgreSQL \d+/);
    expect(server.statements.map(key)).toEqual(embedded.statements.map(key));
    const differences = server.statements
      .map((s, i) => ({ s, e: embedded.statements[i]! }))
      .filter(({ s, e }) => JSON.stringify(verdict(s)) !== JSON.stringify(verdict(e)))
      .map(({ s }) => `${key(s)} ${s.error?.message ?? s.status}`);
    // PostgreSQL 16 stopped requiring an alias on a subquery in FROM; PGlite is newer than Debian 12's 15
    const expected = serverMajor < 16 ? ['fixtures/legacy-trading/backend/failure_detectors/ingest_gap_detector.py:53:9 subquery in FROM must have an alias'] : [];
    expect(differences).toEqual(expected);
    expect(await leftovers()).toEqual([]);
    expect(await sql('SELECT id, note FROM public.trades')).toEqual([{ id: '1', note: 'keep me' }]);
  }, 240_000);

  it('interrupted mid-run (Ctrl-C), rolls back, sends nothing more and leaves no schema behind', async () => {
    let cleanup: (() => Promise<void>) | undefined;
    const run = verify(['fixtures/legacy-trading'], defaultConfig(repoRoot), {
      cwd: repoRoot,
      databaseUrl: url!,
      onServerSession: (fn) => {
        cleanup = fn;
      },
    });
    // wait until the run's transaction is open (its schema exists only inside it): the session is
    // handed over first; before that, its `SHOW server_version` also shows a transaction start
    let inTransaction = false;
    for (let i = 0; i < 3000 && !(inTransaction && cleanup); i++) {
      const rows = await sql("SELECT 1 FROM pg_stat_activity WHERE application_name = 'pgready verify' AND xact_start IS NOT NULL");
      inTransaction = rows.length > 0;
      if (!(inTransaction && cleanup)) await new Promise((r) => setTimeout(r, 5));
    }
    expect(inTransaction).toBe(true);
    expect(cleanup).toBeDefined();
    await cleanup!();
    await expect(run).rejects.toThrow('interrupted');
    expect(await leftovers()).toEqual([]);
    expect(await sql("SELECT 1 FROM pg_stat_activity WHERE application_name = 'pgready verify'")).toEqual([]);
    expect(await sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).toEqual([{ tablename: 'trades' }]);
  }, 240_000);

  it('pgready verify --database-url: level 3 from the command line, exit 1 on failures', async () => {
    const out = { text: '', isTTY: false, write: (t: string) => (out.text += t) };
    const err = { text: '', isTTY: false, write: (t: string) => (err.text += t) };
    const code = await main(['verify', 'fixtures/legacy-trading/backend/util', '--database-url', url!, '--format', 'json'], {
      cwd: repoRoot,
      stdout: out,
      stderr: err,
      env: {},
    });
    expect(err.text).toBe('');
    expect(code).toBe(1);
    const doc = JSON.parse(out.text);
    expect(doc.level).toBe(3);
    expect(doc.statements.find((s: { line: number; file: string }) => s.file.endsWith('util/db.py') && s.line === 44).error.message).toBe(
      'syntax error at or near "PRAGMA"',
    );
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('runs no DDL that names a schema other than its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgready-verify-server-'));
    try {
      writeFileSync(join(dir, 'app.py'), 'import sqlite3\nconn = sqlite3.connect("a.db")\nconn.execute("CREATE TABLE public.audit_log (id bigint)")\n');
      const r = await verify(['.'], defaultConfig(dir), { cwd: dir, databaseUrl: url! });
      expect(r.statements.map((s) => [s.line, s.status, s.reason])).toEqual([
        [3, 'unverifiable', 'it names schema "public"; verify creates nothing outside its own schema'],
      ]);
      expect(await sql("SELECT tablename FROM pg_tables WHERE tablename = 'audit_log'")).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('reports a server it cannot reach as a usage error naming the URL problem', async () => {
    const bad = new URL(url!);
    bad.port = '1';
    await expect(verify(['fixtures/legacy-trading/backend/util'], defaultConfig(repoRoot), { cwd: repoRoot, databaseUrl: bad.toString() })).rejects.toThrow(
      /--database-url: cannot connect/,
    );
  }, 60_000);
});
