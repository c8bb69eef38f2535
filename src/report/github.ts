import type { Finding, Severity } from '../model/finding.js';
import { sortFindings } from '../runner.js';
import type { Reporter } from './types.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/**
 * GitHub Actions workflow commands, one annotation per finding:
 * `::error file=app/db.py,line=3,col=41,endLine=3,endColumn=42,title=SQL201 qmark-placeholder::message`,
 * then one plain summary line for the log.
 */
export const github: Reporter = (run) => {
  const out = sortFindings(run.findings).map(annotation);
  const s = run.summary;
  out.push(
    `pgready: ${plural(s.findings, 'finding')} in ${plural(s.filesWithSqlite, 'file')} using SQLite ` +
      `(${plural(s.bySeverity.error, 'error')}, ${plural(s.bySeverity.warning, 'warning')}, ${s.bySeverity.info} info)`,
  );
  return `${out.join('\n')}\n`;
};

export function annotation(f: Finding): string {
  const props = [
    ['file', f.file],
    ['line', String(f.line)],
    ['col', String(f.column)],
    ['endLine', String(f.endLine)],
    ['endColumn', String(f.endColumn)],
    ['title', `${f.ruleId} ${f.ruleName}`],
  ]
    .map(([k, v]) => `${k}=${escapeProperty(v!)}`)
    .join(',');
  return `::${COMMAND[f.severity]} ${props}::${escapeData(f.message)}`;
}

/** The message after `::`: the runner decodes %25, %0D and %0A. */
export function escapeData(s: string): string {
  return s.split('%').join('%25').split('\r').join('%0D').split('\n').join('%0A');
}

/** A `key=value` property: also `:` and `,`, which would end the value. */
export function escapeProperty(s: string): string {
  return escapeData(s).split(':').join('%3A').split(',').join('%2C');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
