import type { SqlString, SqlToken } from '../src/model/facts.js';
import { defineRule } from '../src/model/rule.js';
import { functionCalls, tokenRange, type CallMatch } from '../src/sql/analyze.js';
import { sqlRuleHits, sqlSnippet } from '../src/sql/rulekit.js';

const NAMES = ['DATETIME', 'DATE', 'TIME', 'JULIANDAY', 'STRFTIME', 'UNIXEPOCH', 'TIMEDIFF'];

/** strftime codes with an exact to_char counterpart (SQLITE-TO-POSTGRES.md). */
const TO_CHAR: Record<string, string> = {
  Y: 'YYYY',
  m: 'MM',
  d: 'DD',
  H: 'HH24',
  M: 'MI',
  S: 'SS',
  j: 'DDD',
  f: 'SS.MS',
};

const UNITS = new Set(['day', 'days', 'hour', 'hours', 'minute', 'minutes', 'second', 'seconds', 'month', 'months', 'year', 'years']);

interface Arg {
  text: string;
  /** the value when the argument is one string literal */
  value?: string;
}

function argsOf(sql: SqlString, sig: SqlToken[], call: CallMatch): Arg[] {
  return call.args.map((a) => {
    const arg: Arg = { text: sqlSnippet(sql, tokenRange(sig, a.first, a.last), 40) };
    const t = sig[a.first];
    if (a.first === a.last && t?.type === 'string') arg.value = t.text.slice(1, -1).split("''").join("'");
    return arg;
  });
}

/** `'+7 days'` -> `+ INTERVAL '7 days'`; undefined for anything else. */
function intervalOf(modifier: string): string | undefined {
  const m = modifier.trim();
  const sign = m[0] === '-' ? '-' : '+';
  const body = m[0] === '-' || m[0] === '+' ? m.slice(1).trim() : m;
  const space = body.indexOf(' ');
  if (space < 0) return undefined;
  const amount = body.slice(0, space);
  const unit = body.slice(space + 1).trim().toLowerCase();
  if (amount.length === 0 || Number.isNaN(Number(amount)) || !UNITS.has(unit)) return undefined;
  return `${sign} INTERVAL '${amount} ${unit}'`;
}

/**
 * The PostgreSQL timestamp for SQLite's time value + modifiers, applied left to right (`nowExpr`
 * stands for 'now': epoch arithmetic takes `now()` itself):
 * ('now') -> now() AT TIME ZONE 'UTC'; (ts, 'unixepoch') -> to_timestamp(ts);
 * (x, '+1 day', 'start of month') -> date_trunc('month', x::timestamp + INTERVAL '1 day').
 */
function timestampOf(args: Arg[], nowExpr = "now() AT TIME ZONE 'UTC'"): { expr: string; now: boolean; localtime: boolean } | undefined {
  const first = args[0];
  if (!first) return { expr: nowExpr, now: true, localtime: false };
  const now = first.value?.toLowerCase() === 'now';
  let expr = now ? nowExpr : `${first.text}::timestamp`;
  let localtime = false;
  for (const [k, arg] of args.slice(1).entries()) {
    const m = arg.value?.trim().toLowerCase();
    if (m === undefined) return undefined;
    if (m === 'unixepoch' && k === 0 && !now) expr = `to_timestamp(${first.text})`;
    else if (m === 'localtime' && now && k === 0) {
      expr = 'LOCALTIMESTAMP';
      localtime = true;
    } else if (m.startsWith('start of ')) {
      const unit = m.slice('start of '.length).trim();
      if (unit !== 'day' && unit !== 'month' && unit !== 'year') return undefined;
      expr = `date_trunc('${unit}', ${expr})`;
    } else {
      const interval = intervalOf(m);
      if (!interval) return undefined;
      expr = `${expr} ${interval}`;
    }
  }
  return { expr, now, localtime };
}

/** strftime('%Y-%m-%d', …) format -> to_char pattern; letters become quoted literal text. */
function toCharPattern(format: string): string | undefined {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '%') {
      const code = format[i + 1];
      i++;
      if (code === '%') out += '%';
      else if (code !== undefined && TO_CHAR[code]) out += TO_CHAR[code];
      else return undefined;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      // unquoted letters are to_char codes (`T` of `TH` is an ordinal suffix): quote them
      out += `"${c}"`;
    } else if (c === "'") {
      out += "''";
    } else {
      out += c;
    }
  }
  return out;
}

function equivalentOf(name: string, args: Arg[]): string {
  const generic = "timestamp arithmetic such as `x + INTERVAL '1 day'` or `date_trunc('month', x)`";
  switch (name) {
    case 'DATETIME': {
      const ts = timestampOf(args);
      return ts ? `\`${ts.expr}\`` : generic;
    }
    case 'DATE': {
      const ts = timestampOf(args);
      if (!ts) return generic;
      if (ts.now && args.length <= 1) return '`CURRENT_DATE`';
      if (args.length === 1) return `\`${args[0]!.text}::date\``;
      return ts.localtime && args.length === 2 ? '`CURRENT_DATE`' : `\`(${ts.expr})::date\``;
    }
    case 'TIME': {
      const ts = timestampOf(args);
      if (!ts) return generic;
      if (ts.now && args.length <= 1) return '`CURRENT_TIME`';
      if (args.length === 1) return `\`${args[0]!.text}::time\``;
      return ts.localtime && args.length === 2 ? '`LOCALTIME`' : `\`(${ts.expr})::time\``;
    }
    case 'UNIXEPOCH': {
      if (args.length === 0 || (args.length === 1 && args[0]!.value?.toLowerCase() === 'now')) {
        return '`extract(epoch FROM now())::bigint`';
      }
      const ts = timestampOf(args, 'now()');
      return ts ? `\`extract(epoch FROM ${ts.expr})::bigint\`` : generic;
    }
    case 'JULIANDAY': {
      const ts = timestampOf(args, 'now()');
      return ts ? `\`extract(epoch FROM ${ts.expr}) / 86400.0 + 2440587.5\`` : generic;
    }
    case 'STRFTIME': {
      const format = args[0]?.value;
      if (format === '%s') {
        const epoch = timestampOf(args.slice(1), 'now()');
        return `\`extract(epoch FROM ${epoch ? epoch.expr : 'x'})::bigint\``;
      }
      const ts = timestampOf(args.slice(1));
      const x = ts ? ts.expr : 'x';
      const pattern = format === undefined ? undefined : toCharPattern(format);
      return pattern === undefined ? `\`to_char(${x}, …)\` with to_char's format codes` : `\`to_char(${x}, '${pattern}')\``;
    }
    default: {
      // TIMEDIFF(a, b)
      const [a, b] = args;
      return a && b ? `\`${a.text}::timestamp - ${b.text}::timestamp\` (an interval)` : 'subtracting timestamps (an interval)';
    }
  }
}

export default defineRule({
  id: 'SQL309',
  name: 'date-time-function',
  title: "SQL calls SQLite's date and time functions (`datetime()`, `strftime()`, …)",
  severity: 'error',
  category: 'sqlite-sql',
  rationale:
    "SQLite's date functions work on text and take modifiers such as 'now', '+7 days' or 'unixepoch'. " +
    'PostgreSQL has no datetime(), julianday() or strftime(), and its date()/time() are casts without ' +
    'modifiers, so these calls fail or mean something else.',
  postgres: "`now() AT TIME ZONE 'UTC'`, `CURRENT_DATE`, `x + INTERVAL '…'`, `to_char()`, `extract(epoch FROM x)`",
  fixedBy: 'date-time-to-postgres',
  examples: {
    bad: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT id FROM orders WHERE created < datetime(\'now\', \'-7 days\')")\n',
    good: 'import sqlite3\n\nconn = sqlite3.connect("app.db")\ncur = conn.cursor()\ncur.execute("SELECT id FROM orders WHERE created < now() - INTERVAL \'7 days\'")\n',
  },
  detect(facts) {
    return sqlRuleHits(facts, (sql, sig) =>
      functionCalls(sig, NAMES).map((call) => {
        const range = tokenRange(sig, call.nameIndex, call.close < 0 ? call.open : call.close);
        const shown = call.close < 0 ? `${call.name.text}(…` : sqlSnippet(sql, range, 60);
        return {
          range,
          message: `\`${shown}\` is SQLite's date/time function; PostgreSQL: ${equivalentOf(call.name.upper ?? '', argsOf(sql, sig, call))}`,
        };
      }),
    );
  },
});
