import { Chalk } from 'chalk';
import type { FixSummary } from '../edit/diff.js';

export interface FixReportOptions {
  color: boolean;
  mode: 'dry-run' | 'write';
}

function colourDiff(diff: string, c: InstanceType<typeof Chalk>): string {
  return diff
    .split('\n')
    .map((line) => {
      if (line.startsWith('+++') || line.startsWith('---')) return c.bold(line);
      if (line.startsWith('@@')) return c.cyan(line);
      if (line.startsWith('+')) return c.green(line);
      if (line.startsWith('-')) return c.red(line);
      return line;
    })
    .join('\n');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The output of `pgready fix`: the unified diff of every changed file (coloured only when
 * asked), then the summary: files changed, edits by codemod, safe/unsafe changes, unsafe changes
 * left out, files left untouched by a failed check, and the manual items with their reasons.
 */
export function fixReport(summary: FixSummary, opts: FixReportOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  for (const f of summary.files) {
    if (f.diff !== '') out.push(colourDiff(f.diff.endsWith('\n') ? f.diff.slice(0, -1) : f.diff, c));
  }
  if (out.length > 0) out.push('');

  const verb = opts.mode === 'dry-run' ? 'would change' : 'changed';
  out.push(c.bold(`pgready fix: ${plural(summary.filesChanged, 'file')} ${verb}${opts.mode === 'dry-run' ? ' (dry run: nothing written)' : ''}`));
  const byCodemod = Object.entries(summary.editsByCodemod);
  if (byCodemod.length > 0) {
    out.push('  edits by codemod:');
    for (const [name, n] of byCodemod) out.push(`    ${name}: ${plural(n, 'edit')}`);
  }
  const { safe, unsafe } = summary.changesBySafety;
  if (safe + unsafe > 0) out.push(`  changes: ${safe} safe, ${unsafe} unsafe`);

  if (summary.pendingUnsafe.length > 0) {
    out.push('');
    out.push(c.yellow(`Unsafe changes not applied (${summary.pendingUnsafe.length}; review them, then run with --unsafe-fixes):`));
    for (const p of summary.pendingUnsafe) out.push(`  ${p.path}:${p.line}  [unsafe] ${p.title}  (${p.codemod})`);
  }

  if (summary.appliedUnsafe.length > 0) {
    out.push('');
    out.push(c.yellow(`Unsafe changes ${opts.mode === 'dry-run' ? 'in the diff above' : 'applied'} (${summary.appliedUnsafe.length}; --unsafe-fixes):`));
    for (const p of summary.appliedUnsafe) out.push(`  ${p.path}:${p.line}  [unsafe] ${p.title}  (${p.codemod})`);
  }

  const failed = summary.files.filter((f) => f.failure);
  if (failed.length > 0) {
    out.push('');
    out.push(c.red(`Files left untouched (${failed.length}): a check failed`));
    for (const f of failed) out.push(`  ${f.path}: ${f.failure!.check}: ${f.failure!.detail}`);
  }

  if (summary.manual.length > 0) {
    out.push('');
    out.push(c.bold(`Manual items (${summary.manual.length}):`));
    for (const m of summary.manual) out.push(`  ${m.path}:${m.line}  ${c.yellow(m.reason)}  ${m.detail}  (${m.codemod})`);
  }
  return `${out.join('\n')}\n`;
}
