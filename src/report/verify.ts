import type { VerifiedStatement, VerifyResult } from '../verify/model.js';

/** Where PostgreSQL points in a statement's text: the line holding `position`, and a caret under it. */
export function caretLines(text: string, position: number): { line: string; caret: string; lineNo: number } {
  const at = Math.max(0, Math.min(position, text.length));
  const start = text.lastIndexOf('\n', at - 1) + 1;
  let end = text.indexOf('\n', at);
  if (end < 0) end = text.length;
  const line = text.slice(start, end).replace(/\r$/, '');
  let lineNo = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < start; i = text.indexOf('\n', i + 1)) lineNo++;
  // tabs keep their width under the caret
  let caret = '';
  for (let i = start; i < at; i++) caret += text[i] === '\t' ? '\t' : ' ';
  return { line, caret: `${caret}^`, lineNo };
}

function verdict(s: VerifiedStatement): Record<string, unknown> {
  return {
    file: s.file,
    line: s.line,
    column: s.column,
    status: s.status,
    kind: s.kind ?? null,
    node: s.node ?? null,
    checks: s.checks,
    bestEffort: s.bestEffort,
    changedByFix: s.changedByFix,
    fromSchemaFile: s.fromSchemaFile === true,
    sql: s.sql,
    postgres: s.postgres,
    error: s.error
      ? {
          stage: s.error.stage,
          message: s.error.message,
          code: s.error.code ?? null,
          detail: s.error.detail ?? null,
          hint: s.error.hint ?? null,
          position: s.error.position ?? null,
          line: s.error.line ?? null,
          column: s.error.column ?? null,
        }
      : null,
    reason: s.reason ?? null,
    findings: s.findings.map((f) => ({ ruleId: f.ruleId, ruleName: f.ruleName, fixedBy: f.fixedBy ?? null, line: f.line })),
  };
}

/**
 * `pgready verify --format json`: keys in a fixed order, statements sorted by (file, line,
 * column); no timing. `engine` names the PostgreSQL that planned the statements.
 */
export function verifyJson(result: VerifyResult, tool: { name: string; version: string }): string {
  const doc = {
    tool,
    mode: result.mode,
    level: result.level,
    engine: result.engine ?? null,
    summary: { ...result.summary },
    statements: result.statements.map(verdict),
    fixFailures: result.fixFailures,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function inline(text: string): string {
  const flat = text.split(/\s+/).join(' ').trim();
  return flat.split('|').join('\\|').split('`').join("'");
}

function clip(text: string, max: number): string {
  const flat = inline(text);
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The verify section of the Markdown report: what was checked and how, the counts, every
 * failed statement with PostgreSQL's message, and every statement that could not be checked.
 * `linkPrefix` is prepended to file links (as the report does).
 */
export function verifyMarkdownSection(result: VerifyResult, opts: { linkPrefix?: string } = {}): string {
  const s = result.summary;
  const prefix = opts.linkPrefix ?? '';
  const link = (st: VerifiedStatement, line = st.line) => `[${st.file}:${line}](${prefix}${prefix && !prefix.endsWith('/') ? '/' : ''}${st.file}#L${line})`;
  const how =
    result.level === 1
      ? 'PostgreSQL’s parser (libpg-query)'
      : `PostgreSQL’s parser, then \`PREPARE\` and a generic plan on ${result.engine ?? 'PostgreSQL'} against the project’s schema (nothing executed; rolled back)`;
  const out = [
    '## PostgreSQL verification',
    '',
    `Every SQL statement ${result.mode === 'as-is' ? 'as written today' : 'as `pgready fix --unsafe-fixes` would leave it'}, checked by ${how}.`,
    '',
    '| Statements | Passed | Failed | Unverifiable | Best-effort (dynamic) | Parsed only |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${s.statements} | ${s.passed} | ${s.failed} | ${s.unverifiable} | ${s.bestEffort} | ${s.parseOnly} |`,
    '',
  ];
  const failed = result.statements.filter((x) => x.status === 'failed');
  if (failed.length > 0) {
    out.push('### Failed', '');
    for (const st of failed) {
      const e = st.error!;
      const rules = [...new Set(st.findings.map((f) => `\`${f.ruleId}\``))].join(', ');
      out.push(
        `- [ ] ${link(st, e.line ?? st.line)} (${e.stage}): ${inline(e.message)}${e.code ? ` (${e.code})` : ''}: \`${clip(st.postgres, 80)}\`${rules ? `; audit: ${rules}` : '; not reported by the audit'}`,
      );
    }
    out.push('');
  }
  const unverifiable = result.statements.filter((x) => x.status === 'unverifiable');
  if (unverifiable.length > 0) {
    out.push('### Not verifiable', '');
    for (const st of unverifiable) out.push(`- ${link(st)}: ${inline(st.reason ?? '')}`);
    out.push('');
  }
  if (result.fixFailures.length > 0) {
    out.push('### Files `fix` would leave untouched (verified as they are)', '');
    for (const f of result.fixFailures) out.push(`- \`${f.file}\`: ${inline(f.detail)}`);
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
