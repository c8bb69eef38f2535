import type { SqlToken } from '../src/model/facts.js';
import { defineRule } from '../src/model/rule.js';
import { tokenRange } from '../src/sql/analyze.js';
import { identifierName } from '../src/sql/ddl.js';
import { sqlRuleHits } from '../src/sql/rulekit.js';

const SERVER_SETTING = 'delete it (storage, caching and locking are server settings in PostgreSQL)';

/** What replaces each PRAGMA on PostgreSQL (SQLITE-TO-POSTGRES.md). */
const EQUIVALENT: Record<string, string> = {
  foreign_keys: 'delete it (foreign keys are always enforced; clean orphan rows before loading)',
  table_info: 'query `information_schema.columns`',
  table_xinfo: 'query `information_schema.columns`',
  table_list: 'query `information_schema.tables`',
  index_list: 'query `pg_indexes`',
  index_info: 'query `pg_indexes` / `pg_index`',
  index_xinfo: 'query `pg_indexes` / `pg_index`',
  foreign_key_list: 'query `information_schema.referential_constraints`',
  foreign_key_check: 'no equivalent (PostgreSQL never holds violating rows); delete it',
  integrity_check: 'no equivalent; delete it (the `amcheck` extension checks indexes)',
  quick_check: 'no equivalent; delete it (the `amcheck` extension checks indexes)',
  user_version: 'keep the schema version in a table (e.g. a migrations table)',
  schema_version: 'keep the schema version in a table (e.g. a migrations table)',
  application_id: 'keep it in a table or a `COMMENT ON DATABASE`',
  optimize: '`ANALYZE`',
  busy_timeout: 'delete it (PostgreSQL waits for locks; `SET lock_timeout` caps the wait)',
  defer_foreign_keys: '`SET CONSTRAINTS ALL DEFERRED` (the constraints must be DEFERRABLE)',
  case_sensitive_like: 'delete it and write `LIKE` (case-sensitive) or `ILIKE`',
  encoding: 'set the encoding in `CREATE DATABASE … ENCODING`',
  journal_mode: SERVER_SETTING,
  synchronous: SERVER_SETTING,
  cache_size: SERVER_SETTING,
  temp_store: SERVER_SETTING,
  mmap_size: SERVER_SETTING,
  page_size: SERVER_SETTING,
  locking_mode: SERVER_SETTING,
  wal_autocheckpoint: SERVER_SETTING,
  wal_checkpoint: SERVER_SETTING,
  auto_vacuum: SERVER_SETTING,
  secure_delete: SERVER_SETTING,
};

function isPragmaKeyword(t: SqlToken): boolean {
  return t.type === 'keyword' && t.upper === 'PRAGMA';
}

export default defineRule({
  id: 'SQL307',
  name: 'pragma',
  title: 'SQL runs a SQLite `PRAGMA`',
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    'PostgreSQL has no PRAGMA statement. Settings pragmas become server configuration or disappear; ' +
    'introspection pragmas become catalogue queries with a different result shape.',
  postgres: 'delete settings pragmas; query `information_schema` / `pg_catalog` instead of introspection pragmas',
  fixedBy: 'pragma-table-info',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("PRAGMA foreign_keys = ON")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?", ("users",))\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (_sql, sig) => {
      const hits: { range: { start: number; end: number }; message: string }[] = [];
      sig.forEach((t, i) => {
        if (!isPragmaKeyword(t)) return;
        // PRAGMA main.journal_mode = WAL: the statement runs to the `;` or the end
        let last = i;
        while (last + 1 < sig.length && sig[last + 1]!.text !== ';') last++;
        let nameAt = i + 1;
        if (sig[nameAt + 1]?.text === '.' && sig[nameAt + 2]) nameAt += 2;
        const nameToken = sig[nameAt];
        if (!nameToken || last === i) {
          hits.push({ range: tokenRange(sig, i, last), message: '`PRAGMA` is SQLite-only; PostgreSQL: no PRAGMA statement, delete it' });
          return;
        }
        const name = identifierName(nameToken);
        const equivalent = EQUIVALENT[name.toLowerCase()] ?? 'no equivalent; delete it or use a server setting';
        hits.push({ range: tokenRange(sig, i, last), message: `\`PRAGMA ${name}\` is SQLite-only; PostgreSQL: ${equivalent}` });
      });
      return hits;
    });
  },
});
