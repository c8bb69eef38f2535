import type { Argv } from 'yargs';
import { allCodemods } from '../../codemods/index.js';
import type { Codemod } from '../model/codemod.js';
import type { Rule } from '../model/rule.js';
import { fixReport } from '../report/diff.js';
import { UsageError } from '../util/errors.js';
import type { CliContext } from './context.js';
import { findRule, pathsAndConfig, reportError, suggestRule, useColor } from './context.js';

export interface FixArgs {
  paths?: string[];
  dryRun?: boolean;
  check?: boolean;
  unsafeFixes?: boolean;
  allowDirty?: boolean;
  codemod?: string[];
  rule?: string[];
  config?: string;
  /** The global `--color` / `--no-color` option. */
  color?: boolean;
}

export function fixBuilder(y: Argv): Argv<FixArgs> {
  return pathsAndConfig(y, 'fix')
    .option('dry-run', { type: 'boolean', description: 'Print the unified diff of what fix would write, and write nothing' })
    .option('check', { type: 'boolean', description: 'With --dry-run (implied): exit 1 when there are changes to apply' })
    .option('unsafe-fixes', { type: 'boolean', description: 'Also apply changes marked unsafe (review the dry run first)' })
    .option('allow-dirty', { type: 'boolean', description: 'Write even when the files to fix have uncommitted git changes' })
    .option('codemod', { type: 'string', array: true, requiresArg: true, description: 'Run only this codemod (repeatable)' })
    .option('rule', { type: 'string', array: true, requiresArg: true, description: 'Run only the codemods that fix this rule id or name (repeatable)' }) as unknown as Argv<FixArgs>;
}

/** The codemods `--codemod` and `--rule` select (all of them when neither is given), in registry order. */
export function selectCodemods(codemods: readonly Codemod[], rules: readonly Rule[], names: string[] = [], ruleQueries: string[] = []): Codemod[] {
  if (names.length === 0 && ruleQueries.length === 0) return [...codemods];
  const wanted = new Set<string>();
  for (const name of names) {
    const c = codemods.find((x) => x.name === name.trim());
    if (!c) {
      const list = codemods.map((x) => x.name).join(', ');
      throw new UsageError(`--codemod ${name}: no such codemod. Available: ${list}.`);
    }
    wanted.add(c.name);
  }
  for (const q of ruleQueries) {
    const rule = findRule(rules, q);
    if (!rule) {
      const hint = suggestRule(rules, q);
      throw new UsageError(`--rule ${q}: unknown rule.${hint ? ` Did you mean ${hint.id} (${hint.name})?` : ''} \`pgready rules\` lists them.`);
    }
    const fixers = codemods.filter((c) => c.resolves.includes(rule.id));
    if (fixers.length === 0) throw new UsageError(`--rule ${q}: no codemod rewrites ${rule.id} (${rule.name}); its findings are manual items.`);
    for (const c of fixers) wanted.add(c.name);
  }
  return codemods.filter((c) => wanted.has(c.name));
}

/**
 * `pgready fix`: config -> pipeline fix -> diff and summary on stdout. Exit 0, or 1 with
 * --check when changes are pending; 2 for usage, configuration and dirty-tree errors.
 */
export async function runFixCommand(args: FixArgs, ctx: CliContext, codemods: readonly Codemod[] = allCodemods): Promise<number> {
  try {
    const dryRun = args.dryRun === true || args.check === true;
    const selected = selectCodemods(codemods, ctx.rules, args.codemod, args.rule);
    const cfg = await ctx.loadConfig(ctx.cwd, { explicitPath: args.config, knownRules: ctx.rules });
    const paths = args.paths !== undefined && args.paths.length > 0 ? args.paths : ['.'];
    const { fix } = await import('../pipeline.js');
    const result = await fix(paths, cfg, {
      cwd: ctx.cwd,
      codemods: selected,
      unsafeFixes: args.unsafeFixes === true,
      mode: dryRun ? 'dry-run' : 'write',
      allowDirty: args.allowDirty === true,
    });
    const color = useColor({ flag: args.color, env: ctx.env, isTTY: ctx.stdout.isTTY === true, toFile: false });
    const code = args.check === true && (result.summary.filesChanged > 0 || result.summary.files.some((f) => f.failure)) ? 1 : 0;
    // settled before the diff goes out, for a reader that stops early (audit.ts does the same)
    ctx.verdict?.(code);
    ctx.stdout.write(fixReport(result.summary, { color, mode: dryRun ? 'dry-run' : 'write' }));
    return code;
  } catch (e) {
    return reportError(e, ctx);
  }
}
