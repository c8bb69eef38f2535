import yargs from 'yargs';
import { allRules } from '../../rules/index.js';
import { UsageError } from '../util/errors.js';
import { VERSION } from '../version.js';
import { auditBuilder, runAudit } from './audit.js';
import type { AuditArgs } from './audit.js';
import type { CliContext } from './context.js';
import { reportError } from './context.js';
import { fixBuilder, runFixCommand } from './fix.js';
import { initBuilder, runInit } from './init.js';
import type { InitArgs } from './init.js';
import type { FixArgs } from './fix.js';
import { baselineBuilder, runBaseline } from './baseline.js';
import type { BaselineArgs } from './baseline.js';
import { reportBuilder, runReport } from './report.js';
import type { ReportArgs } from './report.js';
import { rulesBuilder, runRulesCommand } from './rules.js';
import type { RulesArgs } from './rules.js';
import { runVerify, verifyBuilder } from './verify.js';
import type { VerifyArgs } from './verify.js';
import { exitingOnSignals } from '../util/interrupt.js';

/**
 * yargs renders the command's whole help text each time a command handler starts (it caches it
 * for a failure message printed later): 25 ms of every run, 12 % of a warm audit. This parser's
 * .fail() never prints help, so the text is never read; where yargs' internals differ (another
 * version), yargs is left as it is.
 */
function skipHelpCache(parser: unknown): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (parser as Internals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

function defaultContext(): CliContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    rules: allRules,
    // Loaded on first use: `pgready rules` and `--help` never load the parsers.
    audit: async (paths, cfg, opts) => (await import('../pipeline.js')).audit(paths, cfg, opts),
    loadConfig: async (cwd, opts) => (await import('../config.js')).loadConfig(cwd, opts),
    version: VERSION,
    verdict: (code) => {
      process.exitCode = code;
    },
    manual: async (paths, cfg, opts) => {
      const [{ fix }, { fixOutcome }, { rootFinder }, { allCodemods }] = await Promise.all([
        import('../pipeline.js'),
        import('../edit/outcome.js'),
        import('../project.js'),
        import('../../codemods/index.js'),
      ]);
      const run = await fix(paths, cfg, { cwd: opts.cwd, codemods: allCodemods, unsafeFixes: true, mode: 'dry-run', allowDirty: true });
      return fixOutcome(opts.findings, run.fixes, rootFinder(paths, opts.cwd), allRules, cfg, run.mayHoldFacts);
    },
    verifySection: async (paths, cfg, opts) => {
      const [{ verify }, { verifyMarkdownSection }] = await Promise.all([import('../verify/index.js'), import('../report/verify.js')]);
      return verifyMarkdownSection(await verify(paths, cfg, { cwd: opts.cwd }), { linkPrefix: opts.linkPrefix });
    },
  };
}

/**
 * `-` names standard input in many tools; pgready reads files, and yargs dropped a lone `-`, so
 * `pgready audit -` scanned the current directory instead (before session 27). `--output -` is
 * standard output, as it is elsewhere; after `--`, `-` is a file of that name.
 */
function refuseStdin(argv: readonly string[]): void {
  const end = argv.indexOf('--');
  const head = end < 0 ? argv : argv.slice(0, end);
  head.forEach((a, i) => {
    if (a !== '-' || head[i - 1] === '--output') return;
    throw new UsageError('`-` (standard input) is not read: name the files or directories to scan (a file named `-` goes after `--`: `-- -`).');
  });
}

/**
 * What follows `--` is paths, for the commands that take them; the others take nothing there.
 * `--output -` of audit and report is standard output, where they write without it (baseline
 * writes there itself).
 */
function pathsAfterDashes(args: Record<string, unknown>): void {
  const command = String((args._ as unknown[] | undefined)?.[0]);
  if (args.output === '-' && command !== 'baseline') delete args.output;
  const rest = args['--'];
  delete args['--'];
  if (!Array.isArray(rest) || rest.length === 0) return;
  if (!Array.isArray(args.paths)) throw new UsageError(`\`${command}\` takes no paths: unexpected ${rest.map((r) => `\`${String(r)}\``).join(' ')} after \`--\`.`);
  args.paths = [...(args.paths as unknown[]), ...rest.map(String)];
}

/**
 * Runs one pgready command line and resolves to its exit code: 0 clean, 1 findings at or above
 * the threshold, 2 usage, configuration or internal error. Never throws, and never exits the process
 * but on an interrupt of a command that analyses (exitingOnSignals: 130 for Ctrl-C).
 */
export async function main(argv: string[], overrides: Partial<CliContext> = {}): Promise<number> {
  const ctx: CliContext = { ...defaultContext(), ...overrides };
  let code = 0;
  try {
    refuseStdin(argv);
    const parser = yargs()
      .scriptName('pgready')
      // `pgready audit -- -odd-name.py`: what follows `--` is paths (yargs put them in `_` and scanned the directory)
      .parserConfiguration({ 'populate--': true })
      .middleware(pathsAfterDashes)
      .usage('$0 <command> [options]')
      .option('color', { type: 'boolean', description: 'Colour output (default: when stdout is a terminal and NO_COLOR is unset)' })
      .command<AuditArgs>(
        'audit [paths..]',
        'Report every SQLite dependency; exit 1 when a finding reaches --fail-on',
        auditBuilder,
        async (args) => {
          code = await exitingOnSignals(() => runAudit(args, ctx));
        },
      )
      .command<ReportArgs>(
        'report [paths..]',
        'Write the inventory and checklist (markdown, json, sarif or github annotations)',
        reportBuilder,
        async (args) => {
          code = await exitingOnSignals(() => runReport(args, ctx));
        },
      )
      .command<BaselineArgs>(
        'baseline [paths..]',
        "Record today's findings so that audit --baseline fails only on new ones",
        baselineBuilder,
        async (args) => {
          code = await exitingOnSignals(() => runBaseline(args, ctx));
        },
      )
      .command<FixArgs>(
        'fix [paths..]',
        'Rewrite SQLite usage for PostgreSQL; --dry-run prints the diff and writes nothing',
        fixBuilder,
        async (args) => {
          code = await exitingOnSignals(() => runFixCommand(args, ctx));
        },
      )
      .command<VerifyArgs>(
        'verify [paths..]',
        'Check every SQL statement (as after fix, or --as-is) with PostgreSQL: parse, then plan against the schema',
        verifyBuilder,
        async (args) => {
          code = await runVerify(args, ctx);
        },
      )
      .command<InitArgs>(
        'init',
        'Write a starter pgready.config.json (and, with --scaffold-db-module, a psycopg 3 get_connection module)',
        initBuilder,
        async (args) => {
          code = await runInit(args, ctx);
        },
      )
      .command<RulesArgs>(
        'rules [rule]',
        'List the rule catalogue, or explain one rule',
        rulesBuilder,
        (args) => {
          code = runRulesCommand(args, ctx);
        },
      )
      .demandCommand(1, 'Give a command: audit, report, baseline, fix, verify, init or rules.')
      .recommendCommands()
      .strict()
      .exitProcess(false)
      .version(ctx.version)
      .help()
      .alias('h', 'help')
      .wrap(100)
      .fail((msg, err) => {
        // yargs' own validation messages arrive as `msg`; anything else is rethrown as is
        if (msg) throw new UsageError(msg);
        throw err;
      });

    // --help and --version: yargs hands the text to a parse callback instead of printing it. With a
    // callback it also renders the help on every run (about 20 ms), so give one only when asked.
    skipHelpCache(parser);
    const asksForText = argv.some((a) => a === '--help' || a === '-h' || a === '--version');
    if (asksForText) {
      await parser.parseAsync(argv, {}, (_err, _args, output) => {
        if (output) ctx.stdout.write(`${output}\n`);
      });
    } else await parser.parseAsync(argv);
    return code;
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.stderr.write(`pgready: ${e.message}\nRun \`pgready --help\` for usage.\n`);
      return 2;
    }
    return reportError(e, ctx);
  }
}
