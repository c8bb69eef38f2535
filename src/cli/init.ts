import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { CONFIG_FILE } from '../config.js';
import { defaultJsTarget, defaultTarget } from '../edit/target.js';
import { DB_MODULE_TEMPLATE } from '../edit/templates/db-module.js';
import type { Target } from '../model/codemod.js';
import { UsageError } from '../util/errors.js';
import { makeDirs } from '../util/make-dirs.js';
import type { CliContext } from './context.js';
import { reportError } from './context.js';

export interface InitArgs {
  force?: boolean;
  scaffoldDbModule?: string;
}

export function initBuilder(y: Argv): Argv<InitArgs> {
  return y
    .option('force', { type: 'boolean', description: `Overwrite an existing ${CONFIG_FILE} (and the scaffolded module)` })
    .option('scaffold-db-module', {
      type: 'string',
      requiresArg: true,
      description: 'Also write a psycopg 3 module with a pooled get_connection(db) at this .py path',
    }) as unknown as Argv<InitArgs>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `backend/core/database.py` -> `backend.core.database`; undefined when a part is not a Python name. */
export function moduleNameOf(relPath: string): string | undefined {
  if (!relPath.endsWith('.py') || relPath.startsWith('..') || isAbsolute(relPath)) return undefined;
  const parts = relPath.slice(0, -'.py'.length).split(/[\\/]/);
  if (parts[parts.length - 1] === '__init__') parts.pop();
  return parts.length > 0 && parts.every((p) => IDENTIFIER.test(p)) ? parts.join('.') : undefined;
}

/** The starter config: the defaults written out, so that each setting is there to edit. */
export function starterConfig(target: Target): string {
  const config = {
    include: [],
    exclude: [],
    failOn: 'warning',
    rules: {},
    target: {
      paramstyle: target.paramstyle,
      connection: target.connection,
      databases: target.databases,
      exceptionsModule: target.exceptionsModule,
      javascript: target.javascript ?? defaultJsTarget(),
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Creates `path` with `text`; refuses an existing file unless `force` (then replaces it atomically). */
async function writeNew(path: string, shown: string, text: string, force: boolean): Promise<void> {
  try {
    // not Node's recursive mkdir, which never ends under /proc (make-dirs.ts)
    makeDirs(dirname(path));
  } catch {
    // the write below says what is wrong
  }
  if (!force) {
    try {
      await writeFile(path, text, { encoding: 'utf8', flag: 'wx' });
      return;
    } catch (e) {
      const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
      if (code === 'EEXIST') throw new UsageError(`${shown} already exists; pgready init leaves it alone. Pass --force to overwrite it.`);
      throw new UsageError(`cannot write ${shown}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new UsageError(`cannot write ${shown}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * `pgready init`: writes a starter pgready.config.json in the working directory and, with
 * --scaffold-db-module PATH, the Python module that config's `target.connection` imports.
 */
export async function runInit(args: InitArgs, ctx: CliContext): Promise<number> {
  try {
    const target = defaultTarget();
    const force = args.force === true;
    let modulePath: string | undefined;
    let note = '';
    if (args.scaffoldDbModule !== undefined) {
      const abs = resolve(ctx.cwd, args.scaffoldDbModule);
      const rel = relative(ctx.cwd, abs);
      if (!abs.endsWith('.py')) {
        throw new UsageError(`--scaffold-db-module ${args.scaffoldDbModule}: give the path of a .py file, e.g. backend/core/database.py.`);
      }
      const mod = moduleNameOf(rel);
      if (mod) target.connection.import = `from ${mod} import get_connection`;
      else note = `${rel} is not importable as a dotted module name from here: set target.connection.import in ${CONFIG_FILE} by hand.\n`;
      modulePath = abs;
    }
    const configPath = resolve(ctx.cwd, CONFIG_FILE);
    // the module first: a refused module must not leave a config pointing at nothing
    if (modulePath) {
      const shown = relative(ctx.cwd, modulePath);
      await writeNew(modulePath, shown, DB_MODULE_TEMPLATE, force);
      ctx.stdout.write(`wrote ${shown} (get_connection(db) over psycopg 3 pools; needs psycopg[binary,pool])\n`);
    }
    await writeNew(configPath, CONFIG_FILE, starterConfig(target), force);
    ctx.stdout.write(
      `wrote ${CONFIG_FILE}\n${note}` +
        `Next: map your .db files to logical names in target.databases (e.g. "trades.db": "trades"), ` +
        'then run `pgready fix --dry-run`.\n',
    );
    return 0;
  } catch (e) {
    return reportError(e, ctx);
  }
}
