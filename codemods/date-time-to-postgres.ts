import type { Range, SqlString, SqlToken } from '../src/model/facts.js';
import { defineCodemod } from '../src/model/codemod.js';
import { functionCalls, tokenRange, tokensOf, type CallMatch } from '../src/sql/analyze.js';
import { COMPARISON_OPERATORS, isPunct, isWordIn, quotedContent } from '../src/sql/clauses.js';
import { HOLE_TEXT, toFileRange } from '../src/sql/map.js';
import { SqlRewrite, emitRewrite, once, paramRanges, sqlTargets } from '../src/sql/rewrite.js';
import { sqlSnippet } from '../src/sql/rulekit.js';
import { columnValues, timeTypeOf } from '../src/sql/column-values.js';

/** What SQL309 flags. */
const NAMES = ['DATETIME', 'DATE', 'TIME', 'JULIANDAY', 'STRFTIME', 'UNIXEPOCH', 'TIMEDIFF'];

/** strftime codes with an exact to_char counterpart (SQLITE-TO-POSTGRES.md; %f is SS.SSS, so SS.MS, not US). */
const TO_CHAR: Record<string, string> = { Y: 'YYYY', m: 'MM', d: 'DD', H: 'HH24', M: 'MI', S: 'SS', j: 'DDD', f: 'SS.MS' };

const UNITS = new Set(['day', 'days', 'hour', 'hours', 'minute', 'minutes', 'second', 'seconds', 'month', 'months', 'year', 'years']);

const UTC_NOW = "(now() AT TIME ZONE 'UTC')";

/** Stands for the argument kept in place while the replacement is built; split out afterwards. */
const X = '\u0000';

class Refused {
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {}
}

interface Arg {
  first: number;
  last: number;
  /** the value of a one-token string (or SQLite's double-quoted string) argument */
  value?: string;
}

function argsOf(sig: SqlToken[], call: CallMatch): Arg[] {
  return call.args.map((a) => {
    const t = sig[a.first]!;
    const literal = a.first === a.last && (t.type === 'string' || (t.type === 'quoted-identifier' && t.quote === '"'));
    return literal && !t.text.includes(HOLE_TEXT) ? { ...a, value: quotedContent(t) } : { ...a };
  });
}

const sqlString = (s: string) => `'${s.split("'").join("''")}'`;

/** `'+7 days'` -> ` + INTERVAL '7 days'`. */
function interval(modifier: string): { text: string; calendar: boolean } | undefined {
  const m = modifier.trim();
  const sign = m[0] === '-' ? '-' : '+';
  const body = m[0] === '-' || m[0] === '+' ? m.slice(1).trim() : m;
  const space = body.indexOf(' ');
  if (space < 0) return undefined;
  const amount = body.slice(0, space);
  const unit = body.slice(space + 1).trim().toLowerCase();
  if (amount.length === 0 || Number.isNaN(Number(amount)) || !UNITS.has(unit)) return undefined;
  return { text: ` ${sign} INTERVAL '${amount} ${unit}'`, calendar: unit.startsWith('month') || unit.startsWith('year') };
}

/**
 * SQLite's time value + modifiers, applied left to right, as a PostgreSQL timestamp:
 * ('now') -> (now() AT TIME ZONE 'UTC'); ('now', 'localtime') -> LOCALTIMESTAMP; (x, 'unixepoch') ->
 * to_timestamp(x); (x, '-1 day', 'start of month') -> date_trunc('month', CAST(x AS TIMESTAMP) - INTERVAL '1 day').
 * `binary` tells whether the result ends in an unparenthesised `± INTERVAL`; `kept` is a modifier given
 * as a parameter, which stays in place: ('now', ?) -> (now() AT TIME ZONE 'UTC') + CAST(? AS INTERVAL).
 */
function timestamp(
  sig: SqlToken[],
  args: Arg[],
  nowExpr: string,
  params: readonly Range[],
): { expr: string; now: boolean; localtime: boolean; binary: boolean; calendar: boolean; kept?: Arg } | Refused {
  const first = args[0];
  const now = !first || first.value?.toLowerCase() === 'now';
  // 'now', a literal ('2024-01-01'), or the kept argument (created_at, ?)
  let expr = now ? nowExpr : first.value !== undefined ? `CAST(${sqlString(first.value)} AS TIMESTAMP)` : `CAST(${X} AS TIMESTAMP)`;
  let localtime = false;
  let binary = false;
  let calendar = false;
  let kept: Arg | undefined;
  for (const [k, arg] of args.slice(1).entries()) {
    const m = arg.value?.trim().toLowerCase();
    if (m === undefined) {
      const whole = params.some((p) => p.start === sig[arg.first]!.start && p.end === sig[arg.last]!.end);
      // datetime('now', ?) with '-7 days' bound: PostgreSQL reads '±N unit' as an interval too
      if (whole && !kept && (now || first!.value !== undefined)) {
        expr = `${expr} + CAST(${X} AS INTERVAL)`;
        kept = arg;
        binary = true;
        continue;
      }
      const shown = params.some((p) => p.start < sig[arg.last]!.end && p.end > sig[arg.first]!.start) ? 'a query parameter' : 'not a string literal';
      return new Refused('non-literal-modifier', `A date modifier is ${shown}, so its meaning is only known at run time: rewrite it with INTERVAL arithmetic by hand.`);
    }
    if (m === 'unixepoch' && k === 0 && !now) {
      expr = first!.value !== undefined ? `to_timestamp(${first!.value})` : `to_timestamp(${X})`;
      if (first!.value !== undefined && Number.isNaN(Number(first!.value))) return new Refused('unmapped-modifier', "'unixepoch' on a non-number: rewrite it by hand.");
    } else if (m === 'localtime' && now && k === 0) {
      expr = 'LOCALTIMESTAMP';
      localtime = true;
    } else if (m.startsWith('start of ') && ['day', 'month', 'year'].includes(m.slice('start of '.length).trim())) {
      expr = `date_trunc('${m.slice('start of '.length).trim()}', ${expr})`;
      binary = false;
    } else {
      const iv = interval(m);
      if (!iv) {
        return new Refused('unmapped-modifier', `The modifier '${arg.value}' has no direct PostgreSQL spelling here: rewrite it by hand (see SQLITE-TO-POSTGRES.md).`);
      }
      expr = `${expr}${iv.text}`;
      binary = true;
      calendar ||= iv.calendar;
    }
  }
  return { expr, now, localtime, binary, calendar, ...(kept ? { kept } : {}) };
}

/** strftime format -> to_char pattern; letters quoted (`T`, `TH` would be codes or suffixes). */
function toCharPattern(format: string): string | Refused {
  let out = '';
  let lastCode = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '%') {
      const code = format[++i];
      const pattern = code === undefined ? undefined : TO_CHAR[code];
      if (!pattern) {
        return new Refused('unmapped-format-code', `strftime code %${code ?? ''} has no exact to_char counterpart: rewrite this format by hand.`);
      }
      // DD then DDD reads as DDD DD; SS then SS.MS as SSSS: two codes may only touch when they cannot merge
      if (lastCode && lastCode[lastCode.length - 1] === pattern[0]) {
        return new Refused('unmapped-format-code', 'Two adjacent format codes would run together in a to_char pattern: rewrite this format by hand.');
      }
      out += pattern;
      lastCode = pattern;
      continue;
    }
    lastCode = '';
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) out += `"${c}"`;
    else if (c === '"' || c === '\\') return new Refused('unmapped-format-code', 'The format holds a quote or backslash: rewrite it by hand.');
    else out += c;
  }
  return out;
}

interface Replacement {
  /** with X where the kept argument stays */
  text: string;
  binary: boolean;
  /** the argument kept in place when it is a modifier parameter (otherwise the time value, if not a literal) */
  kept?: Arg;
  unsafe?: string;
}

type Timestamp = Exclude<ReturnType<typeof timestamp>, Refused>;

const CALENDAR_NOTE = 'month and year arithmetic ends on other days than in SQLite (PostgreSQL clamps Jan 31 + 1 month to Feb 28/29)';
const PARAM_NOTE = "the modifier parameter must hold '±N unit' (PostgreSQL reads it as an interval; 'start of …' or 'weekday N' would fail)";

/** `text` built from `ts`, with its unsafety and kept parameter. */
function fromTimestamp(text: string, binary: boolean, ts: Timestamp): Replacement {
  const notes = [ts.calendar ? CALENDAR_NOTE : '', ts.kept ? PARAM_NOTE : ''].filter((n) => n !== '');
  return { text, binary, ...(ts.kept ? { kept: ts.kept } : {}), ...(notes.length > 0 ? { unsafe: notes.join('; ') } : {}) };
}

/** The date/time column a call's value goes into or is compared with (the project's schema says so). */
interface Into {
  type: 'timestamp' | 'timestamptz' | 'date';
  /** `table.column` */
  column: string;
}

/**
 * strftime(format, …) whose text goes into (or is compared with) a TIMESTAMP or DATE column: the typed
 * value, when the format is exactly what SQLite's datetime() or date() would give (so the column holds the
 * same point in time, at the same precision), else a refusal.
 */
function typedStrftime(format: string, ts: Timestamp, into: Into): Replacement | Refused {
  // '%Y-%m-%d %H:%M:%S' is SQLite's datetime(): whole seconds of the UTC wall clock
  if (format === '%Y-%m-%d %H:%M:%S' && into.type === 'timestamp') return fromTimestamp(`date_trunc('second', ${ts.expr})`, false, ts);
  // '%Y-%m-%d' is SQLite's date()
  if (format === '%Y-%m-%d' && into.type === 'date') return fromTimestamp(`CAST(${ts.expr} AS DATE)`, false, ts);
  if (format === '%Y-%m-%d' && into.type === 'timestamp') return fromTimestamp(`date_trunc('day', ${ts.expr})`, false, ts);
  const type = into.type === 'timestamptz' ? 'TIMESTAMPTZ' : into.type.toUpperCase();
  return new Refused(
    'text-into-timestamp',
    `strftime('${format}', …) gives text, and ${into.column} is a ${type} column in PostgreSQL: write a ${type} expression for it by hand ` +
      `(e.g. date_trunc('second', now() AT TIME ZONE 'UTC')), or keep the text in a TEXT column.`,
  );
}

function replacementOf(sig: SqlToken[], name: string, args: Arg[], driverPercent: boolean, params: readonly Range[], into?: Into): Replacement | Refused {
  switch (name) {
    case 'DATETIME':
    case 'DATE':
    case 'TIME': {
      const ts = timestamp(sig, args, UTC_NOW, params);
      if (ts instanceof Refused) return ts;
      if (name === 'DATETIME') return fromTimestamp(ts.expr, ts.binary, ts);
      const type = name === 'DATE' ? 'DATE' : 'TIME';
      if (ts.now && args.length <= 1) return { text: name === 'DATE' ? 'CURRENT_DATE' : 'CURRENT_TIME', binary: false };
      if (ts.localtime && args.length === 2) return { text: name === 'DATE' ? 'CURRENT_DATE' : 'LOCALTIME', binary: false };
      // date(x) -> CAST(x AS DATE), not CAST(CAST(x AS TIMESTAMP) AS DATE)
      const inner = args.length === 1 && !ts.now ? (args[0]!.value !== undefined ? sqlString(args[0]!.value) : X) : ts.expr;
      return fromTimestamp(`CAST(${inner} AS ${type})`, false, ts);
    }
    case 'UNIXEPOCH':
    case 'JULIANDAY': {
      // epoch arithmetic takes now() itself (a timestamptz), not the UTC wall-clock timestamp
      const ts = timestamp(sig, args, 'now()', params);
      if (ts instanceof Refused) return ts;
      if (name === 'UNIXEPOCH') return fromTimestamp(`CAST(extract(epoch FROM ${ts.expr}) AS BIGINT)`, false, ts);
      // not extract(julian …), which is half a day off
      return fromTimestamp(`extract(epoch FROM ${ts.expr}) / 86400.0 + 2440587.5`, true, ts);
    }
    case 'STRFTIME': {
      // strftime('%%Y', …) in a statement psycopg formats: the driver turns %% back into the % SQLite sees
      const format = driverPercent ? args[0]?.value?.split('%%').join('%') : args[0]?.value;
      if (format === undefined) {
        return new Refused('non-literal-format', 'The strftime format is not a string literal: rewrite it with to_char by hand.');
      }
      const rest = args.slice(1);
      if (into) {
        const ts = timestamp(sig, rest, "now() AT TIME ZONE 'UTC'", params);
        return ts instanceof Refused ? ts : typedStrftime(format, ts, into);
      }
      if (format === '%s') {
        // not to_char(…, '%s'), which returns the literal text
        const ts = timestamp(sig, rest, 'now()', params);
        if (ts instanceof Refused) return ts;
        return fromTimestamp(`CAST(extract(epoch FROM ${ts.expr}) AS BIGINT)`, false, ts);
      }
      const pattern = toCharPattern(format);
      if (pattern instanceof Refused) return pattern;
      const ts = timestamp(sig, rest, "now() AT TIME ZONE 'UTC'", params);
      if (ts instanceof Refused) return ts;
      return fromTimestamp(`to_char(${ts.expr}, ${sqlString(pattern)})`, false, ts);
    }
    default:
      return new Refused('unmapped-function', 'timediff() has no one-to-one PostgreSQL function (subtracting timestamps gives an interval): rewrite it by hand.');
  }
}

/** Words after or before which a time value stands loose in a statement. */
const LOOSE_WORDS = new Set(['SELECT', 'WHERE', 'AND', 'OR', 'THEN', 'ELSE', 'WHEN', 'END', 'AS', 'FROM', 'ORDER', 'GROUP', 'HAVING', 'LIMIT', 'ASC', 'DESC', 'BETWEEN', 'SET', 'VALUES', 'ON']);

/** Tokens around which `a - INTERVAL '1 day'` needs no parentheses: `WHERE ts > …`, `(…, …)`. */
function bareOk(prev: SqlToken | undefined, next: SqlToken | undefined): boolean {
  const loose = (t: SqlToken | undefined) =>
    !t ||
    isPunct(t, '(') ||
    isPunct(t, ')') ||
    isPunct(t, ',') ||
    isPunct(t, ';') ||
    (t.type === 'operator' && COMPARISON_OPERATORS.has(t.text)) ||
    isWordIn(t, LOOSE_WORDS);
  return loose(prev) && loose(next);
}

/** The first argument that stays in place (not a literal), for the functions that take a time value. */
function keptArg(name: string, args: Arg[]): Arg | undefined {
  const at = name === 'STRFTIME' ? args[1] : args[0];
  return at && at.value === undefined ? at : undefined;
}

function planCall(
  sql: SqlString,
  sig: SqlToken[],
  call: CallMatch,
  source: string,
  driverPercent: boolean,
  into?: Into,
): Refused | { rw: SqlRewrite; title: string; unsafe?: string } {
  const name = call.name.upper ?? '';
  if (call.close < 0) return new Refused('unreadable-call', 'The call is not closed in this string: rewrite it by hand.');
  const args = argsOf(sig, call);
  if (args.some((a) => a.first > a.last)) return new Refused('unreadable-call', 'An argument is empty: rewrite it by hand.');
  const r = replacementOf(sig, name, args, driverPercent, paramRanges(tokensOf(sql)), into);
  if (r instanceof Refused) return r;
  const prev = sig[call.nameIndex - 1];
  const next = sig[call.close + 1];
  let text = r.binary && !bareOk(prev, next) ? `(${r.text})` : r.text;
  // DEFAULT (datetime('now')) -> DEFAULT (now() AT TIME ZONE 'UTC'), not DEFAULT ((…))
  if (text === UTC_NOW && isPunct(prev, '(') && isPunct(next, ')')) text = text.slice(1, -1);
  const kept = r.kept ?? keptArg(name, args);
  const rw = new SqlRewrite(sql, source);
  const close = sig[call.close]!;
  const parts = text.split(X);
  if (kept && parts.length === 2) {
    // datetime(created, '+1 day') -> (CAST(created AS TIMESTAMP) + INTERVAL '1 day'): `created` stays put
    rw.replace({ start: call.name.start, end: sig[kept.first]!.start }, parts[0]!);
    rw.replace({ start: sig[kept.last]!.end, end: close.end }, parts[1]!);
  } else if (!kept && parts.length === 1) {
    rw.replace({ start: call.name.start, end: close.end }, text);
  } else {
    return new Refused('unreadable-call', 'The call could not be rewritten in place: rewrite it by hand.');
  }
  const shown = sqlSnippet(sql, tokenRange(sig, call.nameIndex, call.close), 50);
  const keptText = kept ? sqlSnippet(sql, tokenRange(sig, kept.first, kept.last), 30) : '';
  return { rw, title: `Rewrite ${shown} as ${parts.join(keptText)}`, ...(r.unsafe ? { unsafe: r.unsafe } : {}) };
}

export default defineCodemod({
  name: 'date-time-to-postgres',
  title: "Rewrite SQLite's date and time functions (`datetime('now')`, `strftime()`, modifiers) in PostgreSQL terms",
  resolves: ['SQL309'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, ctx, output) {
    const out = once(output);
    for (const { sql, sig } of sqlTargets(facts)) {
      const values = columnValues(sig, ctx.schema);
      for (const call of functionCalls(sig, NAMES)) {
        const at = tokenRange(sig, call.nameIndex, call.close < 0 ? call.open : call.close);
        // a statement run with parameters under %s-style drivers: its literal % are written %%
        const driverPercent = sql.hasParams && ctx.target.paramstyle !== 'numeric';
        // VALUES (…, strftime(…)) into a TIMESTAMP column: a typed value, not to_char's text
        const value = values.find((v) => v.first === call.nameIndex && v.last === call.close);
        const time = value ? timeTypeOf(value.type) : undefined;
        const into = value && time ? { type: time, column: `${value.table.name}.${value.column}` } : undefined;
        const planned = planCall(sql, sig, call, ctx.source.text, driverPercent, into);
        if (planned instanceof Refused) {
          out.refuse(toFileRange(sql, at), planned.reason, planned.detail);
          continue;
        }
        emitRewrite(out, planned.rw, at, {
          title: planned.unsafe ? `${planned.title} (unsafe: ${planned.unsafe})` : planned.title,
          safety: planned.unsafe ? 'unsafe' : 'safe',
        });
      }
    }
  },
});
