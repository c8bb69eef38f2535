import { dirname, relative, resolve, sep } from 'node:path';
import type { Argv } from 'yargs';
import { github } from '../report/github.js';
import { json } from '../report/json.js';
import { markdown } from '../report/markdown.js';
import { withPriorities } from '../report/priority.js';
import { sarif } from '../report/sarif.js';
import type { Reporter } from '../report/types.js';
import { readBaselineFor, withoutOwnFiles } from './baseline.js';
import type { CliContext } from './context.js';
import { pathsAndConfig, reportError, writeAtomically } from './context.js';
import { UsageError } from '../util/errors.js';

export const REPORT_FORMATS = ['markdown', 'json', 'sarif', 'github'] as const;

const REPORTERS: Record<(typeof REPORT_FORMATS)[number], Reporter> = { markdown, json, sarif, github };

export interface ReportArgs {
  paths?: string[];
  format: (typeof REPORT_FORMATS)[number];
  output?: string;
  baseline?: string;
  config?: string;
  verify?: boolean;
}

export function reportBuilder(y: Argv): Argv<ReportArgs> {
  return pathsAndConfig(y, 'audit')
    .option('format', { choices: REPORT_FORMATS, requiresArg: true, default: 'markdown' as const, description: 'Report format' })
    .option('output', { type: 'string', requiresArg: true, description: 'Write the report to this file instead of stdout (- is stdout)' })
    .option('baseline', {
      type: 'string',
      requiresArg: true,
      description: 'Show progress against this baseline (default: the config\'s "baseline", if set)',
    })
    .option('verify', {
      type: 'boolean',
      default: false,
      description: 'Markdown only: append the PostgreSQL verification of every statement (pgready verify; starts an embedded PostgreSQL)',
    }) as unknown as Argv<ReportArgs>;
}

/** `pgready report`: the inventory and checklist. A document, so it exits 0 whatever it finds. */
export async function runReport(args: ReportArgs, ctx: CliContext): Promise<number> {
  try {
    const loaded = await ctx.loadConfig(ctx.cwd, { explicitPath: args.config, knownRules: ctx.rules });
    const cfg = withoutOwnFiles(loaded, ctx.cwd, { baseline: args.baseline, output: args.output });
    const paths = args.paths !== undefined && args.paths.length > 0 ? args.paths : ['.'];
    const compare = readBaselineFor(args.baseline, cfg, ctx.cwd);
    const result = withPriorities(await ctx.audit(paths, cfg, { cwd: ctx.cwd }), cfg, ctx.cwd);
    // manual work: what a dry run of every codemod refuses, with its reason
    if (ctx.manual) {
      const outcome = await ctx.manual(paths, cfg, { cwd: ctx.cwd, findings: result.findings });
      result.refusals = outcome.refusals;
      result.remainsAfterFix = outcome.remains;
    }
    const baseline = compare?.(result.findings);
    const out = args.output === undefined ? undefined : resolve(ctx.cwd, args.output);
    // links in a document written elsewhere point back to the files from where it lives
    const linkPrefix = out === undefined ? '' : relative(dirname(out), ctx.cwd).split(sep).join('/');
    let text = REPORTERS[args.format](result, { color: false, cwd: ctx.cwd, sources: result.sources, baseline, linkPrefix });
    if (args.verify) {
      if (args.format !== 'markdown') throw new UsageError('--verify adds a section to the Markdown report; use it with --format markdown (or run `pgready verify --format json`).');
      if (ctx.verifySection) text += `\n${await ctx.verifySection(paths, cfg, { cwd: ctx.cwd, linkPrefix })}`;
    }
    if (out !== undefined) await writeAtomically(out, text);
    else ctx.stdout.write(text);
    return 0;
  } catch (e) {
    return reportError(e, ctx);
  }
}
