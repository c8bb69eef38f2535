import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { atLeast } from '../model/finding.js';
import type { Severity } from '../model/finding.js';
import { json } from '../report/json.js';
import { pretty } from '../report/pretty.js';
import type { CliContext } from './context.js';
import { reportError, useColor, writeAtomically } from './context.js';

export const FORMATS = ['pretty', 'json'] as const;
export const FAIL_ON = ['error', 'warning', 'info', 'never'] as const;

export interface AuditArgs {
  paths?: string[];
  format: (typeof FORMATS)[number];
  failOn?: (typeof FAIL_ON)[number];
  config?: string;
  output?: string;
  /** The global `--color` / `--no-color` option. */
  color?: boolean;
}

export function auditBuilder(y: Argv): Argv<AuditArgs> {
  return y
    .positional('paths', {
      type: 'string',
      array: true,
      description: 'Files or directories to audit',
      defaultDescription: 'the current directory',
    })
    .option('format', { choices: FORMATS, default: 'pretty' as const, description: 'Report format' })
    .option('fail-on', {
      choices: FAIL_ON,
      description: 'Exit 1 when a finding is at or above this severity (default: config failOn, else warning)',
    })
    .option('config', { type: 'string', requiresArg: true, description: 'Config file (default: pgready.config.json, else the "pgready" key of package.json)' })
    .option('output', { type: 'string', requiresArg: true, description: 'Write the report to this file instead of stdout' }) as unknown as Argv<AuditArgs>;
}

/** `pgready audit`: config -> pipeline -> reporter -> stdout or file; the exit code from the threshold. */
export async function runAudit(args: AuditArgs, ctx: CliContext): Promise<number> {
  try {
    const cfg = await ctx.loadConfig(ctx.cwd, {
      explicitPath: args.config,
      knownRules: ctx.rules,
    });
    const paths = args.paths !== undefined && args.paths.length > 0 ? args.paths : ['.'];
    const result = await ctx.audit(paths, cfg, { cwd: ctx.cwd });

    const color = useColor({
      flag: args.color,
      env: ctx.env,
      isTTY: ctx.stdout.isTTY === true,
      toFile: args.output !== undefined,
    });
    const reporter = args.format === 'json' ? json : pretty;
    const text = reporter(result, { color, cwd: ctx.cwd, sources: result.sources });
    if (args.output !== undefined) await writeAtomically(resolve(ctx.cwd, args.output), text);
    else ctx.stdout.write(text);

    const threshold = args.failOn ?? cfg.failOn ?? 'warning';
    if (threshold === 'never') return 0;
    return result.findings.some((f) => atLeast(f.severity, threshold as Severity)) ? 1 : 0;
  } catch (e) {
    return reportError(e, ctx);
  }
}
