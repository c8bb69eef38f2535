import type { JsTarget, ParamStyle, Target } from '../model/codemod.js';
import type { Language } from '../model/facts.js';
import { ConfigError } from '../util/errors.js';

const PARAMSTYLES: readonly ParamStyle[] = ['format', 'pyformat', 'numeric'];
const RETURNS: readonly Target['connection']['returns'][] = ['context-manager', 'connection'];
const TARGET_KEYS = ['paramstyle', 'connection', 'databases', 'exceptionsModule', 'javascript'] as const;
const CONNECTION_KEYS = ['import', 'call', 'returns'] as const;
const JS_KEYS = ['connection'] as const;
const JS_CONNECTION_KEYS = ['module', 'export', 'call'] as const;

/** node-postgres behind a project module reached through a package.json "imports" entry: `import { getPool } from '#db'`. */
export function defaultJsTarget(): JsTarget {
  return { connection: { module: '#db', export: 'getPool', call: 'getPool({db})' } };
}

/**
 * The target as one file's language needs it: JavaScript and TypeScript run on node-postgres,
 * whose placeholders are always $1..$n whatever the Python paramstyle is.
 */
export function targetFor(language: Language, target: Target): Target {
  if (language !== 'javascript' && language !== 'typescript') return target;
  return { ...target, paramstyle: 'numeric', javascript: target.javascript ?? defaultJsTarget() };
}

/** psycopg 3 behind a project module: `from backend.core.database import get_connection`. */
export function defaultTarget(): Target {
  return {
    paramstyle: 'format',
    connection: {
      import: 'from backend.core.database import get_connection',
      call: 'get_connection({db})',
      returns: 'context-manager',
    },
    databases: {},
    exceptionsModule: 'psycopg',
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v);
  return `${typeof v} ${String(v)}`;
}

/**
 * The config's `target` section over the defaults. `raw` is what loadConfig kept (undefined when
 * the config has no `target`); `file` names the config file in messages. Throws ConfigError
 * naming the key path (`target.connection.returns`) and what to write instead.
 */
export function resolveTarget(raw: unknown, file = 'pgready.config.json'): Target {
  const target = defaultTarget();
  if (raw === undefined) return target;
  const fail = (key: string, problem: string, todo: string): never => {
    throw new ConfigError(`${file}: ${key}: ${problem}. ${todo}`, file, key);
  };
  if (!isObject(raw)) fail('target', `must be an object, not ${describe(raw)}`, 'Example: "target": { "paramstyle": "format" }.');
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj).sort()) {
    if (!(TARGET_KEYS as readonly string[]).includes(key)) {
      fail(`target.${key}`, 'unknown key', `Allowed keys: ${TARGET_KEYS.join(', ')}.`);
    }
  }
  const nonEmpty = (key: string, v: unknown, example: string): string => {
    if (typeof v !== 'string' || v.trim() === '') return fail(key, `must be a non-empty string, not ${describe(v)}`, `Example: ${example}.`);
    return v;
  };

  if ('paramstyle' in obj) {
    const v = obj.paramstyle;
    if (typeof v !== 'string' || !(PARAMSTYLES as readonly string[]).includes(v)) {
      fail(
        'target.paramstyle',
        `must be one of ${PARAMSTYLES.map((p) => `"${p}"`).join(', ')}, not ${describe(v)}`,
        'Use "format" (%s) for psycopg, "pyformat" for %(name)s, "numeric" ($1..$n) for asyncpg.',
      );
    }
    target.paramstyle = v as ParamStyle;
  }

  if ('connection' in obj) {
    const c = obj.connection;
    if (!isObject(c)) fail('target.connection', `must be an object, not ${describe(c)}`, 'Example: "connection": { "import": "…", "call": "get_connection({db})" }.');
    const conn = c as Record<string, unknown>;
    for (const key of Object.keys(conn).sort()) {
      if (!(CONNECTION_KEYS as readonly string[]).includes(key)) {
        fail(`target.connection.${key}`, 'unknown key', `Allowed keys: ${CONNECTION_KEYS.join(', ')}.`);
      }
    }
    if ('import' in conn) {
      target.connection.import = nonEmpty('target.connection.import', conn.import, '"from backend.core.database import get_connection"');
    }
    if ('call' in conn) target.connection.call = nonEmpty('target.connection.call', conn.call, '"get_connection({db})"');
    if ('returns' in conn) {
      const v = conn.returns;
      if (typeof v !== 'string' || !(RETURNS as readonly string[]).includes(v)) {
        fail(
          'target.connection.returns',
          `must be "context-manager" or "connection", not ${describe(v)}`,
          'Say whether the call is used as `with call as conn:` or returns the connection itself.',
        );
      }
      target.connection.returns = v as Target['connection']['returns'];
    }
  }

  if ('databases' in obj) {
    const d = obj.databases;
    if (!isObject(d)) fail('target.databases', `must be an object, not ${describe(d)}`, 'Example: "databases": { "trades.db": "trades" }.');
    for (const key of Object.keys(d as object).sort()) {
      if (key.trim() === '') fail('target.databases', 'has an empty file name as a key', 'Use the .db file name or path as the key.');
      target.databases[key] = nonEmpty(`target.databases.${key}`, (d as Record<string, unknown>)[key], `"${key}": "trades"`);
    }
  }

  if ('exceptionsModule' in obj) {
    target.exceptionsModule = nonEmpty('target.exceptionsModule', obj.exceptionsModule, '"psycopg"');
  }

  if ('javascript' in obj) {
    const j = obj.javascript;
    if (!isObject(j)) fail('target.javascript', `must be an object, not ${describe(j)}`, 'Example: "javascript": { "connection": { "module": "#db", "export": "getPool", "call": "getPool({db})" } }.');
    const js = j as Record<string, unknown>;
    for (const key of Object.keys(js).sort()) {
      if (!(JS_KEYS as readonly string[]).includes(key)) fail(`target.javascript.${key}`, 'unknown key', `Allowed keys: ${JS_KEYS.join(', ')}.`);
    }
    const out = defaultJsTarget();
    if ('connection' in js) {
      const c = js.connection;
      if (!isObject(c)) fail('target.javascript.connection', `must be an object, not ${describe(c)}`, 'Example: "connection": { "module": "#db", "export": "getPool", "call": "getPool({db})" }.');
      const conn = c as Record<string, unknown>;
      for (const key of Object.keys(conn).sort()) {
        if (!(JS_CONNECTION_KEYS as readonly string[]).includes(key)) {
          fail(`target.javascript.connection.${key}`, 'unknown key', `Allowed keys: ${JS_CONNECTION_KEYS.join(', ')}.`);
        }
      }
      if ('module' in conn) out.connection.module = nonEmpty('target.javascript.connection.module', conn.module, '"#db" or "@acme/db"');
      if ('export' in conn) {
        const name = nonEmpty('target.javascript.connection.export', conn.export, '"getPool"');
        if (!isJsIdentifier(name)) fail('target.javascript.connection.export', `must be a JavaScript identifier, not ${describe(name)}`, 'Example: "getPool".');
        out.connection.export = name;
      }
      if ('call' in conn) out.connection.call = nonEmpty('target.javascript.connection.call', conn.call, '"getPool({db})"');
    }
    target.javascript = out;
  }
  return target;
}

/** `getPool`, `_db`, `$pool`: ASCII identifier characters, not starting with a digit. */
function isJsIdentifier(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    const ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === '$' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return name.length > 0;
}
