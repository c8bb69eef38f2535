import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCodemods } from '../codemods/index.js';
import { allRules } from '../rules/index.js';
import type { Codemod, Edit, Refusal, TableSchema, Target } from '../src/model/codemod.js';
import { defaultConfig } from '../src/model/config.js';
import type { SqlToken } from '../src/model/facts.js';
import { analyse, type AnalysedFile } from '../src/pipeline.js';
import { runRules } from '../src/runner.js';
import { significant, tokensOf } from '../src/sql/analyze.js';
import { createTables, identifierName } from '../src/sql/ddl.js';
import { paramRanges } from '../src/sql/rewrite.js';
import { repoRoot } from './helpers/paths.js';

/*
 * The SQL3xx codemods against their fixtures, with a local plan+apply (until the shared harness in
 * test/codemods.test.ts runs them too): output byte for byte, refusal reasons of no-change cases,
 * a second plan that is empty, no finding of the resolved rules left, and every executed SQL string
 * of a change case accepted by PostgreSQL's parser.
 */

const SQL_CODEMODS = [
  'autoincrement-to-identity',
  'begin-mode-to-begin',
  'date-time-to-postgres',
  'double-equals-to-equals',
  'double-quoted-string-to-literal',
  'group-concat-to-string-agg',
  'ifnull-to-coalesce',
  'iif-to-case',
  'insert-or-ignore-to-on-conflict',
  'insert-or-replace-to-upsert',
  'instr-to-strpos',
  'integer-to-boolean-literal',
  'is-value-to-distinct-from',
  'limit-comma-to-offset',
  'pragma-table-info',
  'sqlite-master-to-information-schema',
  'sqlite-types-to-postgres',
];

const target: Target = {
  paramstyle: 'format',
  connection: { import: 'from backend.core.database import get_connection', call: 'get_connection({db})', returns: 'context-manager' },
  databases: {},
  exceptionsModule: 'psycopg',
};

const scratch = mkdtempSync(join(tmpdir(), 'pgready-codemods-sql-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;

async function analyseText(text: string): Promise<AnalysedFile> {
  const dir = join(scratch, String(counter++));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'case.py'), text);
  const { files } = await analyse(['case.py'], defaultConfig(dir), dir);
  expect(files).toHaveLength(1);
  return files[0]!;
}

function word(t: SqlToken | undefined): string | undefined {
  return t && (t.type === 'keyword' || t.type === 'identifier') ? t.upper : undefined;
}

/** The tables the file's CREATE TABLE statements declare (a stand-in for the project schema). */
function schemaOf(file: AnalysedFile): Map<string, TableSchema> {
  const schema = new Map<string, TableSchema>();
  for (const sql of file.facts.sqlStrings) {
    const sig = significant(tokensOf(sql));
    const namesIn = (open: number): string[] => {
      const names: string[] = [];
      for (let k = open + 1; k < sig.length && sig[k]!.text !== ')'; k++) if (sig[k]!.text !== ',') names.push(identifierName(sig[k]!));
      return names;
    };
    for (const table of createTables(sig)) {
      const t: TableSchema = { name: identifierName(sig[table.nameIndex]!), columns: [], primaryKey: [], unique: [], columnTypes: {} };
      for (const col of table.columns) {
        const name = identifierName(sig[col.nameIndex]!);
        t.columns.push(name);
        // done BOOLEAN, at DATETIME, note VARCHAR(80) -> 'VARCHAR'
        const typeWords = col.type ? sig.slice(col.type.first, col.type.last + 1).map(word).filter((w) => w !== undefined) : [];
        t.columnTypes![name.toLowerCase()] = typeWords.join(' ');
        for (let k = col.constraints?.first ?? 1; col.constraints && k <= col.constraints.last; k++) {
          if (word(sig[k]) === 'PRIMARY') t.primaryKey = [name];
          if (word(sig[k]) === 'UNIQUE') t.unique.push([name]);
        }
      }
      for (const c of table.constraints) {
        const w = word(sig[c.first]);
        if (w === 'PRIMARY') t.primaryKey = namesIn(c.first + 2);
        if (w === 'UNIQUE') t.unique.push(namesIn(c.first + 1));
      }
      schema.set(t.name.toLowerCase(), t);
    }
  }
  return schema;
}

function apply(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
  for (let k = 1; k < sorted.length; k++) {
    expect(sorted[k]!.range.start, 'overlapping edits').toBeGreaterThanOrEqual(sorted[k - 1]!.range.end);
  }
  let out = text;
  for (const e of sorted.reverse()) out = out.slice(0, e.range.start) + e.text + out.slice(e.range.end);
  return out;
}

async function plan(codemod: Codemod, text: string, safety: 'safe' | 'unsafe' = 'unsafe') {
  const file = await analyseText(text);
  const edits: Edit[] = [];
  const refusals: Refusal[] = [];
  const titles: string[] = [];
  codemod.plan(
    file.facts,
    { source: file.source, target, schema: schemaOf(file) },
    {
      change(c) {
        if (safety === 'unsafe' || c.safety === 'safe') edits.push(...c.edits);
        titles.push(c.title);
      },
      refuse(range, reason, detail) {
        refusals.push({ codemod: codemod.name, range, reason, detail });
      },
    },
  );
  return { file, edits, refusals, titles, output: apply(text, edits) };
}

const require = createRequire(import.meta.url);
const pg = require('libpg-query') as { loadModule(): Promise<void>; parseSync(sql: string): unknown };
beforeAll(async () => {
  await pg.loadModule();
});

/** The SQL with its parameters (`?`, `:name`, `%s`) as $n, the form PostgreSQL's parser takes. */
function asPostgres(text: string, tokens: SqlToken[]): string {
  let out = '';
  let n = 0;
  let pos = 0;
  for (const p of paramRanges(tokens)) {
    out += text.slice(pos, p.start) + `$${++n}`;
    pos = p.end;
  }
  return out + text.slice(pos);
}

const fixturesDir = resolve(repoRoot, 'fixtures/codemods');

describe('SQL3xx codemods', () => {
  it('are registered', () => {
    const names = allCodemods.map((c) => c.name);
    for (const name of SQL_CODEMODS.filter((n) => existsSync(resolve(repoRoot, 'codemods', `${n}.ts`)))) expect(names).toContain(name);
  });

  for (const name of SQL_CODEMODS) {
    const dir = resolve(fixturesDir, name);
    if (!existsSync(dir)) continue;
    const cases = readdirSync(dir)
      .filter((f) => f.endsWith('.input.py'))
      .map((f) => f.slice(0, -'.input.py'.length))
      .sort();
    for (const c of cases) {
      it(`${name}: ${c}`, async () => {
        const codemod = allCodemods.find((m) => m.name === name);
        expect(codemod, `${name} is not registered`).toBeDefined();
        const input = readFileSync(resolve(dir, `${c}.input.py`), 'utf8');
        const expected = readFileSync(resolve(dir, `${c}.output.py`), 'utf8');
        const first = await plan(codemod!, input);
        expect(first.output).toBe(expected);
        if (c.startsWith('no-change')) {
          expect(input).toBe(expected);
          const wanted: string[] = [];
          for (const line of input.split('\n')) {
            const at = line.indexOf('# refuse: ');
            if (at >= 0) wanted.push(line.slice(at + '# refuse: '.length).trim());
          }
          expect(wanted.length, 'a no-change case names its refusal reasons').toBeGreaterThan(0);
          expect([...new Set(first.refusals.map((r) => r.reason))].sort()).toEqual([...new Set(wanted)].sort());
          return;
        }
        expect(first.edits.length).toBeGreaterThan(0);
        const second = await plan(codemod!, first.output);
        expect(second.edits, 'the second plan is empty').toEqual([]);
        expect(second.refusals.map((r) => r.reason), 'the output is not refused either').toEqual(
          first.refusals.map((r) => r.reason),
        );
        const cfg = defaultConfig(scratch);
        const left = runRules(allRules, second.file.facts, second.file.source, cfg).findings.filter((f) =>
          codemod!.resolves.includes(f.ruleId),
        );
        expect(left.length - first.refusals.length, left.map((f) => f.message).join('\n')).toBeLessThanOrEqual(0);
        for (const sql of second.file.facts.sqlStrings.filter((s) => s.executed && !s.isDynamic)) {
          const text = asPostgres(sql.text, tokensOf(sql));
          expect(() => pg.parseSync(text), text).not.toThrow();
        }
      });
    }
  }
});

describe('SQL3xx codemods on SQLite `?` placeholders (before the placeholder codemod has run)', () => {
  const cases: [string, string, string][] = [
    ['limit-comma-to-offset', 'SELECT id FROM t LIMIT ?, ?', 'SELECT id FROM t OFFSET ? LIMIT ?'],
    ['limit-comma-to-offset', 'SELECT id FROM t LIMIT ?,:n', 'SELECT id FROM t OFFSET ? LIMIT :n'],
    ['is-value-to-distinct-from', 'SELECT id FROM t WHERE a IS ? OR b IS NOT ?', 'SELECT id FROM t WHERE a IS NOT DISTINCT FROM ? OR b IS DISTINCT FROM ?'],
    ['iif-to-case', 'SELECT iif(?, ?, ?) FROM t', 'SELECT case when ? then ? else ? end FROM t'],
    ['group-concat-to-string-agg', 'SELECT GROUP_CONCAT(a, ?) FROM t', 'SELECT STRING_AGG(CAST(a AS TEXT), ?) FROM t'],
    ['date-time-to-postgres', "SELECT datetime(?, 'unixepoch') FROM t", 'SELECT to_timestamp(?) FROM t'],
    ['date-time-to-postgres', "SELECT datetime('now', ?) FROM t", "SELECT (now() AT TIME ZONE 'UTC') + CAST(? AS INTERVAL) FROM t"],
    ['insert-or-ignore-to-on-conflict', 'INSERT OR IGNORE INTO t (a) SELECT a FROM s WHERE b = ?', 'INSERT INTO t (a) SELECT a FROM s WHERE b = ? ON CONFLICT DO NOTHING'],
  ];
  const wrap = (sql: string) => `import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute("${sql}", (1, 2, 3))\n`;
  for (const [name, input, output] of cases) {
    it(`${name}: ${input}`, async () => {
      const codemod = allCodemods.find((m) => m.name === name)!;
      const first = await plan(codemod, wrap(input));
      expect(first.output).toBe(wrap(output));
      expect((await plan(codemod, first.output)).edits).toEqual([]);
    });
  }

  it('never moves a parameter: a refusal, not an edit, when one would have to move', async () => {
    const codemod = allCodemods.find((m) => m.name === 'date-time-to-postgres')!;
    const first = await plan(codemod, wrap("SELECT datetime(created, ?) FROM t"));
    expect(first.edits).toEqual([]);
    expect(first.refusals.map((r) => r.reason)).toEqual(['non-literal-modifier']);
  });
});

describe('edits written into Python string literals', () => {
  const wrap = (literal: string) => `import sqlite3\n\nconn = sqlite3.connect("app.db")\nconn.execute(${literal})\n`;
  const cases: [string, string, string | undefined][] = [
    // a ' inserted into a '…' literal is escaped
    ['group-concat-to-string-agg', "'SELECT GROUP_CONCAT(a) FROM t'", "'SELECT STRING_AGG(CAST(a AS TEXT), \\',\\') FROM t'"],
    ['group-concat-to-string-agg', 'r"SELECT GROUP_CONCAT(a) FROM t"', `r"SELECT STRING_AGG(CAST(a AS TEXT), ',') FROM t"`],
    // a raw '…' literal cannot hold an escaped ': refused
    ['group-concat-to-string-agg', "r'SELECT GROUP_CONCAT(a) FROM t'", undefined],
    // in a triple-quoted literal only the quote that would touch the closing quotes is escaped
    ['double-quoted-string-to-literal', `'''SELECT id FROM t WHERE s = "x"'''`, `'''SELECT id FROM t WHERE s = 'x\\''''`],
    ['double-quoted-string-to-literal', `"""SELECT id FROM t WHERE s = "x" """`, `"""SELECT id FROM t WHERE s = 'x' """`],
  ];
  for (const [name, literal, expected] of cases) {
    it(`${name}: ${literal}`, async () => {
      const codemod = allCodemods.find((m) => m.name === name)!;
      const first = await plan(codemod, wrap(literal));
      if (expected === undefined) {
        expect(first.edits).toEqual([]);
        expect(first.refusals.map((r) => r.reason)).toEqual(['not-verbatim']);
        return;
      }
      expect(first.output).toBe(wrap(expected));
      const again = await analyseText(first.output);
      expect(again.facts.diagnostics).toEqual([]);
      expect((await plan(codemod, first.output)).edits).toEqual([]);
    });
  }
});
