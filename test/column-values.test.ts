import { describe, expect, it } from 'vitest';
import booleanAsInteger from '../rules/boolean-as-integer.js';
import { projectSchema } from '../src/edit/schema.js';
import { columnType } from '../src/model/codemod.js';
import { emptyFacts } from '../src/model/facts.js';
import { defaultConfig } from '../src/model/config.js';
import { runRules } from '../src/runner.js';
import { significant, sqlTextFixture, tokensOf } from '../src/sql/analyze.js';
import { columnValues, timeTypeOf } from '../src/sql/column-values.js';

const DDL = [
  'CREATE TABLE IF NOT EXISTS alerts (id INTEGER PRIMARY KEY, "Acked" BOOLEAN DEFAULT 0, note VARCHAR(80), at DATETIME, notes);',
  'CREATE TABLE users (id INTEGER PRIMARY KEY, active BOOL, at TIMESTAMP WITH TIME ZONE);',
].join('\n');

function schemaOf(...texts: string[]) {
  const facts = emptyFacts('schema.py', 'python');
  facts.sqlStrings = texts.map((t) => sqlTextFixture(t));
  return projectSchema([facts]);
}

/** `column <- value text (how)` for every value the schema resolves in `sql`. */
function values(sql: string, schema = schemaOf(DDL)): string[] {
  const s = sqlTextFixture(sql);
  const sig = significant(tokensOf(s));
  return columnValues(sig, schema).map(
    (v) => `${v.table.name}.${v.column}:${v.type} <- ${sql.slice(sig[v.first]!.start, sig[v.last]!.end)} (${v.how})`,
  );
}

describe('projectSchema: column types', () => {
  it('records each column’s declared type words, upper-cased and without a size', () => {
    const alerts = schemaOf(DDL).get('alerts')!;
    expect(alerts.columns).toEqual(['id', 'Acked', 'note', 'at', 'notes']);
    expect(columnType(alerts, 'acked')).toBe('BOOLEAN');
    expect(columnType(alerts, 'NOTE')).toBe('VARCHAR');
    expect(columnType(alerts, 'notes')).toBe('');
    expect(columnType(alerts, 'missing')).toBeUndefined();
    expect(columnType(alerts, 'constructor')).toBeUndefined();
    expect(columnType(schemaOf(DDL).get('users')!, 'at')).toBe('TIMESTAMP WITH TIME ZONE');
    expect(timeTypeOf('TIMESTAMP WITH TIME ZONE')).toBe('timestamptz');
    expect(timeTypeOf('DATETIME')).toBe('timestamp');
    expect(timeTypeOf('TEXT')).toBeUndefined();
  });
});

describe('columnValues: the column a value goes into or is compared with', () => {
  it('reads SET lists, INSERT rows (with and without a column list) and comparisons both ways round', () => {
    expect(values('UPDATE alerts SET acked = 1, note = lower(?) WHERE id = 3')).toEqual([
      'alerts.Acked:BOOLEAN <- 1 (set)',
      'alerts.note:VARCHAR <- lower(?) (set)',
      'alerts.id:INTEGER <- 3 (compare)',
    ]);
    expect(values("INSERT INTO alerts (note, acked) VALUES ('a', 0), ('b', 1)")).toEqual([
      "alerts.note:VARCHAR <- 'a' (insert)",
      'alerts.Acked:BOOLEAN <- 0 (insert)',
      "alerts.note:VARCHAR <- 'b' (insert)",
      'alerts.Acked:BOOLEAN <- 1 (insert)',
    ]);
    expect(values("INSERT INTO users VALUES (1, 0, '2024-01-01')")).toEqual([
      'users.id:INTEGER <- 1 (insert)',
      'users.active:BOOL <- 0 (insert)',
      "users.at:TIMESTAMP WITH TIME ZONE <- '2024-01-01' (insert)",
    ]);
    expect(values("SELECT u.id FROM users AS u JOIN alerts a ON a.id = u.id WHERE 0 = u.active AND a.at > datetime('now')")).toEqual([
      'alerts.id:INTEGER <- u.id (compare)',
      'users.active:BOOL <- 0 (compare)',
      "alerts.at:DATETIME <- datetime('now') (compare)",
    ]);
    expect(values('INSERT INTO alerts (acked) VALUES (1) ON CONFLICT (id) DO UPDATE SET acked = 0')).toEqual([
      'alerts.Acked:BOOLEAN <- 1 (insert)',
      'alerts.Acked:BOOLEAN <- 0 (set)',
    ]);
  });

  it('resolves nothing it cannot prove', () => {
    // `at` is a column of both tables: ambiguous
    expect(values('SELECT 1 FROM users, alerts WHERE at = 0')).toEqual([]);
    // a table without a schema, a derived table, a CTE: any could own the unqualified name
    expect(values('SELECT 1 FROM alerts JOIN audit ON audit.id = alerts.id WHERE acked = 0')).toEqual(['alerts.id:INTEGER <- audit.id (compare)']);
    expect(values('SELECT 1 FROM alerts, (SELECT 1 AS acked) s WHERE acked = 0')).toEqual([]);
    expect(values('WITH x AS (SELECT 1 AS acked) SELECT 1 FROM alerts, x WHERE acked = 0')).toEqual([]);
    // the 1 is not the whole operand, or the column is not
    expect(values('SELECT 1 FROM alerts WHERE acked = 1 + id OR id + acked = 1 OR acked = 1 IN (1)')).toEqual([]);
    // a row whose length is not the column list's
    expect(values('INSERT INTO alerts (acked, note) VALUES (1)')).toEqual([]);
    expect(values('UPDATE settings SET enabled = 1')).toEqual([]);
    expect(values('UPDATE alerts SET acked = 1', new Map())).toEqual([]);
  });
});

describe('SQL329 boolean-as-integer sees the project’s schema', () => {
  it('reports an UPDATE in one file against the CREATE TABLE of another, and nothing without it', () => {
    const schemaFile = emptyFacts('models.py', 'python');
    schemaFile.sqlStrings = [sqlTextFixture(DDL)];
    const text = 'UPDATE alerts SET acked = 1 WHERE id = ?';
    const app = emptyFacts('app.py', 'python');
    app.sqlStrings = [sqlTextFixture(text)];
    const source = { path: 'app.py', absPath: '/app.py', language: 'python' as const, text };
    const cfg = defaultConfig('/');
    const withSchema = runRules([booleanAsInteger], app, source, cfg, { schema: projectSchema([schemaFile, app]) }).findings;
    expect(withSchema.map((f) => [f.ruleId, text.slice(f.range.start, f.range.end), f.message])).toEqual([
      ['SQL329', '1', '`1` goes into BOOLEAN column alerts.Acked: PostgreSQL does not turn integers into booleans; write TRUE'],
    ]);
    // the runner's default: the file's own CREATE TABLEs, here none
    expect(runRules([booleanAsInteger], app, source, cfg).findings).toEqual([]);
  });
});
