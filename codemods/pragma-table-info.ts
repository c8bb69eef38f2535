import type { SqlToken } from '../src/model/facts.js';
import { defineCodemod } from '../src/model/codemod.js';
import { isPunct, isWord } from '../src/sql/clauses.js';
import { identifierName } from '../src/sql/ddl.js';
import { toFileRange } from '../src/sql/map.js';
import { SqlRewrite, emitRewrite, once, sqlTargets } from '../src/sql/rewrite.js';

/**
 * PRAGMA table_info's six columns (cid, name, type, notnull, dflt_value, pk) from information_schema,
 * in the same order and with the same names, so `row[1]` and `row["name"]` keep working. `T` stands for
 * the table name's SQL string literal (or the run-time value kept in place between its quotes).
 */
const TABLE_INFO = [
  'SELECT c.ordinal_position - 1 AS cid, c.column_name AS name, c.data_type AS type,',
  " CASE WHEN c.is_nullable = 'NO' THEN 1 ELSE 0 END AS notnull, c.column_default AS dflt_value,",
  ' COALESCE((SELECT k.ordinal_position FROM information_schema.table_constraints tc',
  ' JOIN information_schema.key_column_usage k ON k.constraint_schema = tc.constraint_schema AND k.constraint_name = tc.constraint_name',
  " WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema AND tc.table_name = c.table_name",
  ' AND k.column_name = c.column_name), 0) AS pk',
  ' FROM information_schema.columns c WHERE c.table_schema = current_schema() AND c.table_name = ',
  '\u0000',
  ' ORDER BY c.ordinal_position',
].join('');

/** What replaces the settings pragmas, for the manual item. */
function pragmaDetail(name: string): string {
  switch (name) {
    case 'foreign_keys':
      return 'PostgreSQL always enforces foreign keys: delete this statement by hand, and clean orphan rows before loading data (a codemod never deletes an executed statement).';
    case 'table_xinfo':
    case 'table_list':
    case 'index_list':
    case 'index_info':
    case 'foreign_key_list':
      return `PRAGMA ${name} has no same-shape replacement: query information_schema / pg_catalog by hand.`;
    default:
      return `PostgreSQL has no PRAGMA: delete this statement or turn PRAGMA ${name} into server configuration by hand (a codemod never deletes an executed statement).`;
  }
}

export default defineCodemod({
  name: 'pragma-table-info',
  title: 'Rewrite `PRAGMA table_info(t)` as an `information_schema.columns` query with the same six columns',
  resolves: ['SQL307'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      sig.forEach((t, i) => {
        if (!isWord(t, 'PRAGMA') || t.type !== 'keyword') return;
        let last = i;
        while (last + 1 < sig.length && !isPunct(sig[last + 1], ';')) last++;
        const at = { start: t.start, end: sig[last]!.end };
        // PRAGMA main.table_info(t): the schema-qualified form is read for its name, then left alone
        const qualified = isPunct(sig[i + 2], '.') && !!sig[i + 3];
        const nameToken = sig[qualified ? i + 3 : i + 1];
        const pragma = nameToken ? identifierName(nameToken).toLowerCase() : '';
        // PRAGMA table_info(orders), PRAGMA table_info('orders'), f"PRAGMA table_info({table})"
        const arg: SqlToken | undefined = sig[i + 3];
        const shapeOk = !qualified && pragma === 'table_info' && last === i + 4 && isPunct(sig[i + 2], '(') && isPunct(sig[i + 4], ')') && !!arg;
        if (!shapeOk) {
          out.refuse(toFileRange(sql, at), pragma === 'table_info' ? 'unsupported-pragma-shape' : 'pragma-statement', pragmaDetail(pragma));
          return;
        }
        const [before, after] = TABLE_INFO.split('\u0000') as [string, string];
        const rw = new SqlRewrite(sql, ctx.source.text);
        if (arg.type === 'hole') {
          // f"PRAGMA table_info({table})": the run-time name stays in place, now inside quotes
          rw.replace({ start: t.start, end: arg.start }, `${before}'`);
          rw.replace({ start: arg.end, end: sig[last]!.end }, `'${after}`);
        } else if (arg.type === 'identifier' || arg.type === 'keyword' || arg.type === 'quoted-identifier' || arg.type === 'string') {
          // unquoted names are folded to lower case by PostgreSQL; quoted ones keep their case
          const raw = arg.type === 'string' ? arg.text.slice(1, -1).split("''").join("'") : identifierName(arg);
          const name = arg.type === 'identifier' || arg.type === 'keyword' ? raw.toLowerCase() : raw;
          rw.replace(at, `${before}'${name.split("'").join("''")}'${after}`);
        } else {
          out.refuse(toFileRange(sql, at), 'unsupported-pragma-shape', pragmaDetail(pragma));
          return;
        }
        emitRewrite(out, rw, at, {
          title:
            'Rewrite PRAGMA table_info as an information_schema.columns query ' +
            "(unsafe: `type` holds PostgreSQL's type names and `dflt_value` PostgreSQL default expressions)",
          safety: 'unsafe',
        });
      });
    }
  },
});
