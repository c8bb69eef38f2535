import { defineCodemod } from '../src/model/codemod.js';
import type { Edit, Target } from '../src/model/codemod.js';
import type { Range, SqlString, SqlToken } from '../src/model/facts.js';
import { placeholders, tokensOf } from '../src/sql/analyze.js';
import { isVerbatim, toFileRange } from '../src/sql/map.js';

/** `x::text`: SQLite reads an illegal `:` and then `:text`; a PostgreSQL cast, not a parameter. */
function isCastSuffix(tokens: SqlToken[], p: SqlToken): boolean {
  if (p.placeholder !== 'named-colon') return false;
  const prev = tokens[tokens.indexOf(p) - 1];
  return !!prev && prev.type === 'error' && prev.text === ':' && prev.end === p.start;
}

/** `$1`: already PostgreSQL's positional form (what this codemod writes for `numeric`). */
function isPostgresNumbered(p: SqlToken): boolean {
  if (p.placeholder !== 'named-dollar' || p.text.length < 2) return false;
  for (let i = 1; i < p.text.length; i++) {
    const c = p.text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A parameter name psycopg can take in `%(name)s`: letters, digits, underscores, not empty. */
function plainName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = c === 95 || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
    if (!ok) return false;
  }
  return true;
}

function styleName(target: Target): string {
  return target.paramstyle === 'numeric' ? '$1..$n' : target.paramstyle === 'pyformat' ? '%s / %(name)s' : '%s';
}

interface Refusal {
  range: Range;
  reason: string;
  detail: string;
}

/**
 * The edits for one executed statement, or why it cannot be rewritten. Every edit lands on
 * source text that produced the SQL verbatim: in the literal, in each piece of a concatenation,
 * or at the constant the SQL was bound to.
 */
function planStatement(sql: SqlString, target: Target, text: string, js: boolean): { edits: Edit[]; count: number; safety: 'safe' | 'unsafe' } | Refusal | undefined {
  const tokens = tokensOf(sql);
  const found = placeholders(sql).filter((p) => !isCastSuffix(tokens, p) && !isPostgresNumbered(p));
  if (found.length === 0) return undefined;
  const first = toFileRange(sql, { start: found[0]!.start, end: found[0]!.end });
  const refuse = (reason: string, detail: string): Refusal => ({ range: first, reason, detail });

  const qmarks = found.filter((p) => p.placeholder === 'qmark');
  const numbered = found.filter((p) => p.placeholder === 'qmark-numbered');
  const named = found.filter((p) => p.placeholder !== 'qmark' && p.placeholder !== 'qmark-numbered');
  const kinds = [qmarks, numbered, named].filter((l) => l.length > 0).length;
  if (kinds > 1) {
    return refuse('mixed-placeholders', 'the statement mixes `?`, `?NNN` and named placeholders; rewrite it by hand to one style.');
  }
  // cur.execute("… %s …" % args): the text is a Python %-format template, %s/%% would be consumed before the driver sees them
  if (sql.dynamicKind === 'percent') {
    return refuse('dynamic-sql', 'the SQL is built with the `%` operator; build it without string formatting, then rewrite its placeholders.');
  }
  if (!sql.hasParams) {
    return refuse('missing-params', 'the statement has placeholders but the call passes no parameters; check the call before rewriting.');
  }
  // f"SELECT … FROM {table} WHERE id = ?": a hole may hold placeholders of its own (",".join("?" * n));
  // only a literal tuple whose size matches the `?`s in the literal parts proves it holds none
  if (sql.holes.length > 0 && !(qmarks.length > 0 && sql.paramsArity === qmarks.length)) {
    return refuse(
      'dynamic-sql',
      'the SQL is assembled at run time and its parameter count cannot be checked; rewrite the placeholders (including any built by the program) by hand.',
    );
  }
  for (const p of found) {
    if (!isVerbatim(sql, { start: p.start, end: p.end })) {
      return refuse('placeholder-not-verbatim', `the \`${p.text}\` placeholder comes from an escape sequence or a run-time value; rewrite it by hand.`);
    }
  }

  const edits: Edit[] = [];
  const at = (p: SqlToken, text: string) => edits.push({ range: toFileRange(sql, { start: p.start, end: p.end }), text });
  let safety: 'safe' | 'unsafe' = 'safe';
  if (qmarks.length > 0) {
    qmarks.forEach((p, i) => at(p, target.paramstyle === 'numeric' ? `$${i + 1}` : '%s'));
    // cur.execute(sql, params) with params from a variable: its length cannot be checked against the `?`s
    if (sql.paramsArity !== qmarks.length) safety = 'unsafe';
  } else if (numbered.length > 0) {
    if (target.paramstyle !== 'numeric') {
      return refuse(
        'numbered-placeholder',
        `\`?NNN\` has no %s equivalent when a number repeats or is out of order; write %s in parameter order and reorder the parameters by hand.`,
      );
    }
    for (const p of numbered) at(p, `$${Number(p.text.slice(1))}`);
  } else {
    if (target.paramstyle === 'numeric') return numberNamed(sql, text, js, named, at, edits, refuse);
    if (sql.paramsKind === 'sequence') {
      return refuse('named-with-sequence', 'named placeholders are bound from a sequence here; pass a dict keyed by the names, then rewrite to %(name)s.');
    }
    for (const p of named) {
      const name = p.text.slice(1);
      if (!plainName(name)) return refuse('placeholder-name', `\`${p.text}\` is not a plain name psycopg can use in %(name)s; rename it by hand.`);
      at(p, `%(${name})s`);
    }
    if (sql.paramsKind !== 'mapping') safety = 'unsafe';
  }

  // "… LIKE 'ab%' AND id = ?" sent with parameters: psycopg reads every % of the string, so a literal one must be %%
  if (target.paramstyle !== 'numeric') {
    for (let i = sql.text.indexOf('%'); i >= 0; i = sql.text.indexOf('%', i + 1)) {
      const r = { start: i, end: i + 1 };
      if (!isVerbatim(sql, r)) {
        return refuse('percent-not-verbatim', 'a literal `%` comes from an escape sequence or a run-time value; double it by hand.');
      }
      edits.push({ range: toFileRange(sql, r), text: '%%' });
    }
  }
  return { edits, count: found.length, safety };
}

/**
 * cur.execute("… :sym … :since … :sym", {"sym": s, "since": t}) for a numeric driver: each
 * distinct name gets the next $k in order of first use (a repeated name reuses its $k), and
 * the dict becomes the tuple in that order. Only SQL written at the call: a constant can be
 * run elsewhere with another dict. JavaScript: db.prepare('… @sym …').get({ sym }) gets the
 * array `[sym]`.
 */
function numberNamed(
  sql: SqlString,
  text: string,
  js: boolean,
  named: SqlToken[],
  at: (p: SqlToken, text: string) => void,
  edits: Edit[],
  refuse: (reason: string, detail: string) => Refusal,
): { edits: Edit[]; count: number; safety: 'safe' | 'unsafe' } | Refusal {
  const dictName = js ? 'object' : 'dict';
  const manual = (why: string) =>
    refuse('named-placeholder-numeric', `numeric ($1..$n) drivers take positional parameters only, and ${why}; number the placeholders and pass the values as a sequence in that order by hand.`);
  const dict = sql.paramsDict;
  if (!dict) return manual(`the parameters are not a literal ${dictName} whose order can be rewritten`);
  if (sql.origin !== 'literal' || sql.isDynamic) return manual('the SQL is not written at the call (a constant may be run with other parameters)');
  const order: string[] = [];
  for (const p of named) {
    const name = p.text.slice(1);
    if (!order.includes(name)) order.push(name);
    at(p, `$${order.indexOf(name) + 1}`);
  }
  const value = new Map(dict.entries.map((e) => [e.key, e.value]));
  if (value.size !== dict.entries.length) return manual(`the ${dictName} repeats a key`);
  const missing = order.filter((n) => !value.has(n));
  if (missing.length > 0) return manual(`the ${dictName} has no entry for ${missing.map((n) => `\`${n}\``).join(', ')}`);
  if (dict.entries.length !== order.length) return manual(`the ${dictName} has entries the statement does not use (their values would no longer be evaluated)`);
  const items = order.map((n) => {
    const r = value.get(n)!;
    return text.slice(r.start, r.end);
  });
  edits.push({ range: dict.range, text: js ? `[${items.join(', ')}]` : `(${items.join(', ')}${items.length === 1 ? ',' : ''})` });
  return { edits, count: named.length, safety: 'safe' };
}

export default defineCodemod({
  name: 'qmark-to-target-placeholders',
  title: 'Rewrite SQLite placeholders (`?`, `?NNN`, `:name`) to the target driver style',
  resolves: ['SQL201', 'SQL202', 'SQL203'],
  languages: ['python', 'javascript', 'typescript'],
  plan(facts, { target, source }, out) {
    for (const sql of facts.sqlStrings) {
      if (!sql.executed) continue;
      const planned = planStatement(sql, target, source.text, source.language === 'javascript' || source.language === 'typescript');
      if (planned === undefined) continue;
      if ('reason' in planned) {
        out.refuse(planned.range, planned.reason, planned.detail);
        continue;
      }
      const escapes = planned.edits.length - planned.count;
      out.change({
        title: `Rewrite ${planned.count} placeholder(s) to ${styleName(target)}${escapes > 0 ? ` and double ${escapes} literal %` : ''}`,
        safety: planned.safety,
        edits: planned.edits,
      });
    }
  },
});
