import type { Argv } from 'yargs';
import { verifyJson } from '../report/verify.js';
import { verifyPretty } from '../report/verify-pretty.js';
import { UsageError } from '../util/errors.js';
import { InterruptedError } from '../verify/backend.js';
import type { CliContext } from './context.js';
import { pathsAndConfig, reportError, useColor } from './context.js';

export const VERIFY_FORMATS = ['pretty', 'json'] as const;

export interface VerifyArgs {
  paths?: string[];
  asIs?: boolean;
  schema?: string;
  databaseUrl?: string;
  parseOnly?: boolean;
  format: (typeof VERIFY_FORMATS)[number];
  config?: string;
  /** The global `--color` / `--no-color` option. */
  color?: boolean;
}

export function verifyBuilder(y: Argv): Argv<VerifyArgs> {
  return pathsAndConfig(y, 'verify')
    .option('as-is', { type: 'boolean', description: 'Check the SQL as written today, without the codemods' })
    .option('schema', { type: 'string', requiresArg: true, description: 'A .sql file of CREATE TABLE / CREATE INDEX statements to plan against (with the project’s own)' })
    .option('database-url', {
      type: 'string',
      requiresArg: true,
      description: 'Plan on this PostgreSQL server (postgres://…) in a throw-away schema, instead of the embedded one',
    })
    .option('parse-only', { type: 'boolean', description: 'Level 1 only: PostgreSQL’s parser, no embedded PostgreSQL' })
    .option('format', { choices: VERIFY_FORMATS, requiresArg: true, default: 'pretty' as const, description: 'Output format' })
    .conflicts('parse-only', 'database-url') as unknown as Argv<VerifyArgs>;
}

/** The URL without its password, for messages. */
function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unreadable URL)';
  }
}

/**
 * `pgready verify`: exit 0 when every statement passed or could not be checked, 1 when any
 * failed, 2 for usage, configuration and connection errors. On a server, Ctrl-C rolls back and
 * drops the throw-away schema before exiting.
 */
export async function runVerify(args: VerifyArgs, ctx: CliContext): Promise<number> {
  let cleanup: (() => Promise<void>) | undefined;
  const onSigint = (): void => {
    ctx.stderr.write('pgready: interrupted; dropping the throw-away schema…\n');
    void (cleanup ? cleanup() : Promise.resolve()).finally(() => process.exit(130));
  };
  try {
    const url = args.databaseUrl ?? undefined;
    if (url !== undefined && !(url.startsWith('postgres://') || url.startsWith('postgresql://'))) {
      throw new UsageError(`--database-url ${shownUrl(url)}: give a postgres:// or postgresql:// URL.`);
    }
    const cfg = await ctx.loadConfig(ctx.cwd, { explicitPath: args.config, knownRules: ctx.rules });
    const paths = args.paths !== undefined && args.paths.length > 0 ? args.paths : ['.'];
    if (url !== undefined) process.once('SIGINT', onSigint);
    const { verify } = await import('../verify/index.js');
    const result = await verify(paths, cfg, {
      cwd: ctx.cwd,
      asIs: args.asIs === true,
      ...(args.schema !== undefined ? { schemaFile: args.schema } : {}),
      ...(url !== undefined ? { databaseUrl: url } : {}),
      parseOnly: args.parseOnly === true,
      rules: ctx.rules,
      onServerSession: (fn) => {
        cleanup = fn;
      },
    });
    if (args.format === 'json') ctx.stdout.write(verifyJson(result, { name: 'pgready', version: ctx.version }));
    else {
      const color = useColor({ flag: args.color, env: ctx.env, isTTY: ctx.stdout.isTTY === true, toFile: false });
      ctx.stdout.write(verifyPretty(result, { color }));
    }
    return result.summary.failed > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof InterruptedError) return 130;
    return reportError(e, ctx);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
