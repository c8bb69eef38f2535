import { Chalk } from 'chalk';
import type { ChalkInstance } from 'chalk';
import type { VerifiedStatement, VerifyResult } from '../verify/model.js';
import { caretLines } from './verify.js';

const STAGE: Record<string, string> = { driver: 'driver', parse: 'parse', plan: 'plan' };

function failedBlock(st: VerifiedStatement, c: ChalkInstance): string[] {
  const e = st.error!;
  const where = `${st.file}:${e.line ?? st.line}:${e.column ?? st.column}`;
  const tags = [STAGE[e.stage] ?? e.stage, ...(st.bestEffort ? ['best-effort: dynamic SQL'] : [])];
  const out = [`${c.bold(where)}  ${c.red('failed')} ${c.dim(`(${tags.join(', ')})`)}`];
  const text = st.postgres.replace(/^\s*\n/, '');
  const shift = st.postgres.length - text.length;
  const lines = text.split('\n');
  if (e.position !== undefined && e.position >= shift) {
    const { line, caret, lineNo } = caretLines(text, e.position - shift);
    // up to two lines of context before the one PostgreSQL points at
    for (let i = Math.max(1, lineNo - 2); i < lineNo; i++) out.push(`    ${lines[i - 1]?.replace(/\r$/, '') ?? ''}`);
    out.push(`    ${line}`, `    ${c.red(caret)}`);
  } else {
    for (const l of lines.slice(0, 6)) out.push(`    ${l.replace(/\r$/, '')}`);
    if (lines.length > 6) out.push(c.dim(`    … ${lines.length - 6} more line(s)`));
  }
  out.push(`  ${c.red('PostgreSQL:')} ${e.message}${e.code ? c.dim(` [${e.code}]`) : ''}`);
  if (e.detail) out.push(`  ${c.dim('detail:')} ${e.detail}`);
  if (e.hint) out.push(`  ${c.dim('hint:')} ${e.hint}`);
  if (st.findings.length > 0) {
    const items = st.findings.map((f) => `${f.ruleId} ${f.ruleName}${f.fixedBy ? '' : ' (manual)'}`);
    out.push(`  ${c.dim('audit:')} ${[...new Set(items)].join(', ')}`);
  } else {
    out.push(`  ${c.dim('audit:')} ${c.yellow('no finding on this statement: only PostgreSQL sees this one')}`);
  }
  return out;
}

/** `pgready verify` for a terminal: every failure with a caret, the unverifiable list, the counts. */
export function verifyPretty(result: VerifyResult, opts: { color: boolean }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  for (const st of result.statements) {
    if (st.status !== 'failed') continue;
    out.push(...failedBlock(st, c), '');
  }
  const unverifiable = result.statements.filter((s) => s.status === 'unverifiable');
  if (unverifiable.length > 0) {
    out.push(c.bold(`Not verifiable (${unverifiable.length}):`));
    for (const st of unverifiable) out.push(`  ${st.file}:${st.line}:${st.column}  ${c.dim(st.reason ?? '')}`);
    out.push('');
  }
  for (const f of result.fixFailures) out.push(c.yellow(`note: fix would leave ${f.file} untouched (${f.detail}); verified as it is`));
  if (result.fixFailures.length > 0) out.push('');
  const s = result.summary;
  const mode = result.mode === 'as-is' ? 'as written' : 'as after fix --unsafe-fixes';
  const level = result.level === 1 ? 'level 1: parse' : `level ${result.level}: parse and plan on ${result.engine ?? 'PostgreSQL'}`;
  const parts = [
    `${s.passed} passed`,
    s.failed > 0 ? c.red(`${s.failed} failed`) : `${s.failed} failed`,
    `${s.unverifiable} unverifiable`,
  ];
  const extra = [`${s.bestEffort} best-effort`, ...(s.parseOnly > 0 ? [`${s.parseOnly} parsed only`] : [])];
  out.push(`${c.bold(`${s.statements} SQL statements`)} (${mode}; ${level}): ${parts.join(', ')} ${c.dim(`(${extra.join(', ')})`)}`);
  return `${out.join('\n')}\n`;
}
