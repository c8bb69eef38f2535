import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Argv } from 'yargs';
import { compareBaseline, DEFAULT_BASELINE_FILE, formatBaseline, makeBaseline, readBaseline } from '../baseline.js';
import type { BaselineComparison } from '../baseline.js';
import type { Config } from '../model/config.js';
import type { Finding } from '../model/finding.js';
import type { CliContext } from './context.js';
import { pathsAndConfig, reportError, writeAtomically } from './context.js';

export interface BaselineArgs {
  paths?: string[];
  output?: string;
  config?: string;
}

export function baselineBuilder(y: Argv): Argv<BaselineArgs> {
  return pathsAndConfig(y, 'audit')
    .option('output', {
      type: 'string',
      requiresArg: true,
      description: `Where to write the baseline; - for standard output (default: config "baseline", else ${DEFAULT_BASELINE_FILE})`,
    }) as unknown as Argv<BaselineArgs>;
}

/** `pgready baseline`: records today's findings so that audit --baseline fails only on new ones. */
export async function runBaseline(args: BaselineArgs, ctx: CliContext): Promise<number> {
  try {
    const loaded = await ctx.loadConfig(ctx.cwd, { explicitPath: args.config, knownRules: ctx.rules });
    const toStdout = args.output === '-';
    const cfg = withoutOwnFiles(loaded, ctx.cwd, { baseline: toStdout ? undefined : args.output });
    const paths = args.paths !== undefined && args.paths.length > 0 ? args.paths : ['.'];
    const result = await ctx.audit(paths, cfg, { cwd: ctx.cwd });
    const n = result.findings.length;
    if (toStdout) {
      ctx.stdout.write(formatBaseline(makeBaseline(result.findings)));
      ctx.stderr.write(`pgready: wrote ${n} finding${n === 1 ? '' : 's'} to the baseline on standard output\n`);
      return 0;
    }
    const target =
      args.output !== undefined
        ? resolve(ctx.cwd, args.output)
        : cfg.baseline !== undefined
          ? resolve(cfg.root, cfg.baseline)
          : resolve(ctx.cwd, DEFAULT_BASELINE_FILE);
    await writeAtomically(target, formatBaseline(makeBaseline(result.findings)));
    ctx.stderr.write(`pgready: wrote ${n} finding${n === 1 ? '' : 's'} to the baseline ${shown(ctx.cwd, target)}\n`);
    return 0;
  } catch (e) {
    return reportError(e, ctx);
  }
}

/**
 * The baseline a command measures against: `--baseline FILE` (relative to the working directory),
 * else the config's `baseline` (relative to the config's directory), else none. A named file
 * that is missing or malformed is an error. Read before the audit runs, so a bad path fails fast.
 */
export function readBaselineFor(
  flag: string | undefined,
  cfg: Pick<Config, 'root' | 'baseline'>,
  cwd: string,
): ((findings: readonly Finding[]) => BaselineComparison) | undefined {
  const abs = baselinePath(flag, cfg, cwd);
  if (abs === undefined) return undefined;
  const label = shown(cwd, abs);
  const baseline = readBaseline(abs, label);
  return (findings) => compareBaseline(findings, baseline, label);
}

function baselinePath(flag: string | undefined, cfg: Pick<Config, 'root' | 'baseline'>, cwd: string): string | undefined {
  if (flag !== undefined) return resolve(cwd, flag);
  return cfg.baseline !== undefined ? resolve(cfg.root, cfg.baseline) : undefined;
}

/**
 * The config with pgready's own files excluded from the scan: the baseline (JSON that quotes every
 * finding's message, `.db` names and `sqlite:` URLs included, so it would report itself) and the
 * report this command is about to overwrite (`--output`).
 */
export function withoutOwnFiles<C extends Pick<Config, 'root' | 'baseline' | 'exclude'>>(
  cfg: C,
  cwd: string,
  own: { baseline?: string; output?: string },
): C {
  const files = [baselinePath(own.baseline, cfg, cwd) ?? resolve(cwd, DEFAULT_BASELINE_FILE)];
  if (own.output !== undefined) files.push(resolve(cwd, own.output));
  const globs: string[] = [];
  for (const abs of files) {
    const rel = relative(cfg.root, abs);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
    globs.push(`/${[...rel.split(sep).join('/')].map((c) => (GLOB_SPECIAL.has(c) ? `\\${c}` : c)).join('')}`);
  }
  return globs.length === 0 ? cfg : { ...cfg, exclude: [...cfg.exclude, ...globs] };
}

const GLOB_SPECIAL = new Set(['\\', '*', '?', '[', ']', '{', '}', '!', '#']);

function shown(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}
