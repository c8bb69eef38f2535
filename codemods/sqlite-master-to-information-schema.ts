import type { Range, SqlToken } from '../src/model/facts.js';
import { defineCodemod } from '../src/model/codemod.js';
import { tokensOf } from '../src/sql/analyze.js';
import { isComparison, isPunct, isWord, quotedContent, statementAt } from '../src/sql/clauses.js';
import { identifierName } from '../src/sql/ddl.js';
import { toFileRange } from '../src/sql/map.js';
import { SqlRewrite, emitRewrite, once, paramRanges, sqlTargets } from '../src/sql/rewrite.js';

/** What SQL308 flags. */
const INTERNAL = new Set(['SQLITE_MASTER', 'SQLITE_SCHEMA', 'SQLITE_TEMP_MASTER', 'SQLITE_TEMP_SCHEMA', 'SQLITE_SEQUENCE', 'SQLITE_STAT1']);

const SHAPE_DETAIL =
  "Only the table listing `SELECT name FROM sqlite_master WHERE type = 'table' [AND name …] [ORDER BY name]` is rewritten; " +
  'query information_schema.tables / pg_catalog by hand for this one.';

/** The filters that keep SQLite's internal tables out of a listing. */
const INTERNAL_PATTERNS = ['sqlite_%', 'sqlite%', 'sqlite_%%', 'sqlite%%', 'sqlite_*', 'sqlite*'];

type Rewrite = (rw: SqlRewrite) => void;

/**
 * The edits for `SELECT name|tbl_name|COUNT(*)|1 FROM sqlite_master|sqlite_schema WHERE type = 'table'
 * [AND name|tbl_name <op> …]… [ORDER BY …]`, or undefined for any other shape.
 */
function tableListing(sig: SqlToken[], at: number, params: readonly Range[]): Rewrite[] | undefined {
  const stmt = statementAt(sig, at);
  const master = sig[at]!;
  if (!['SQLITE_MASTER', 'SQLITE_SCHEMA'].includes(identifierName(master).toUpperCase())) return undefined;
  if (!isWord(sig[stmt.first], 'SELECT') || !isWord(sig[at - 1], 'FROM') || !isWord(sig[at + 1], 'WHERE')) return undefined;
  const edits: Rewrite[] = [];
  const select = sig.slice(stmt.first + 1, at - 1);
  const only = select[0];
  if (select.length === 1 && isWord(only, 'NAME', 'TBL_NAME')) {
    // SELECT name -> SELECT table_name AS name: callers read the same column name
    edits.push((rw) => rw.replaceTokens(only!, only!, `table_name AS ${only!.text}`));
  } else if (select.length === 1 && only?.type === 'number') {
    // SELECT 1 FROM sqlite_master WHERE …: an existence check
  } else if (!(select.length === 4 && isWord(select[0], 'COUNT') && isPunct(select[1], '(') && select[2]?.text === '*' && isPunct(select[3], ')'))) {
    return undefined;
  }
  edits.push((rw) => rw.replaceTokens(master, master, 'information_schema.tables'));
  let i = at + 2;
  let sawType = false;
  while (i <= stmt.last && !isWord(sig[i], 'ORDER')) {
    const t = sig[i]!;
    if (isWord(t, 'TYPE') && sig[i + 1]?.text === '=' && sig[i + 2]?.type === 'string' && quotedContent(sig[i + 2]!) === 'table') {
      // views are rows of information_schema.tables too: keep to base tables, in the search path's first schema
      const end = sig[i + 2]!;
      edits.push((rw) => rw.replaceTokens(t, end, "table_schema = current_schema() AND table_type = 'BASE TABLE'"));
      sawType = true;
      i += 3;
    } else if (
      isWord(t, 'NAME', 'TBL_NAME') &&
      isWord(sig[i + 1], 'NOT') &&
      isWord(sig[i + 2], 'LIKE', 'GLOB') &&
      sig[i + 3]?.type === 'string' &&
      INTERNAL_PATTERNS.includes(quotedContent(sig[i + 3]!)) &&
      isWord(sig[i - 1], 'AND')
    ) {
      // AND name NOT GLOB 'sqlite_*': information_schema never lists SQLite's own tables, so the filter goes
      const from = sig[i - 2]!;
      const to = sig[i + 3]!;
      edits.push((rw) => rw.replace({ start: from.end, end: to.end }, ''));
      i += 4;
    } else if (isWord(t, 'NAME', 'TBL_NAME')) {
      const op = sig[i + 1];
      const likeOp = isWord(op, 'LIKE') || (isWord(op, 'NOT') && isWord(sig[i + 2], 'LIKE'));
      if (!isComparison(op) && !likeOp && !isWord(op, 'IN')) return undefined;
      edits.push((rw) => rw.replaceTokens(t, t, 'table_name'));
      // the right-hand side: one value, or an IN (…) list
      i += isWord(op, 'NOT') ? 3 : 2;
      if (isPunct(sig[i], '(')) {
        let depth = 0;
        for (; i <= stmt.last; i++) {
          if (isPunct(sig[i], '(')) depth++;
          else if (isPunct(sig[i], ')') && --depth === 0) break;
        }
      }
      i++;
      // name = %s: the psycopg parameter reads as `%` and `s` here
      const param = params.find((p) => p.start === sig[i - 1]!.start);
      while (param && i <= stmt.last && sig[i]!.end <= param.end) i++;
      if (isWord(sig[i], 'ESCAPE')) i += 2;
    } else {
      return undefined;
    }
    if (isWord(sig[i], 'AND')) i++;
    else if (i <= stmt.last && !isWord(sig[i], 'ORDER')) return undefined;
  }
  // ORDER BY name: the select-list alias; ORDER BY anything else would name a SQLite column
  if (i <= stmt.last) {
    const by = sig.slice(i + 2, stmt.last + 1);
    const okOrder = isWord(sig[i + 1], 'BY') && by.length >= 1 && isWord(by[0], 'NAME', 'TBL_NAME') && (by.length === 1 || (by.length === 2 && isWord(by[1], 'ASC', 'DESC')));
    if (!okOrder || !isWord(only) || only.upper !== by[0]!.upper) return undefined;
  }
  return sawType ? edits : undefined;
}

export default defineCodemod({
  name: 'sqlite-master-to-information-schema',
  title: "Rewrite `sqlite_master` table listings as `information_schema.tables` queries",
  resolves: ['SQL308'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      sig.forEach((t, i) => {
        if (t.type !== 'identifier' && t.type !== 'quoted-identifier') return;
        const name = identifierName(t);
        if (!INTERNAL.has(name.toUpperCase())) return;
        const edits = tableListing(sig, i, paramRanges(tokensOf(sql)));
        if (!edits) {
          out.refuse(toFileRange(sql, t), 'unsupported-catalogue-query', `${name}: ${SHAPE_DETAIL}`);
          return;
        }
        const rw = new SqlRewrite(sql, ctx.source.text);
        for (const edit of edits) edit(rw);
        emitRewrite(out, rw, t, { title: `Rewrite the ${name} table listing as an information_schema.tables query`, safety: 'safe' });
      });
    }
  },
});
