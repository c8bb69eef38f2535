import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { defaultConfig, type Config, type Priority } from './model/config.js';
import type { Severity } from './model/finding.js';
import { ConfigError } from './util/errors.js';
import { findJsonError } from './util/json-error.js';

export const CONFIG_FILE = 'pgready.config.json';

/** A loaded config: the model's Config plus the `target` section, kept opaque until the fix
 *  pipeline (which owns its shape) validates it. */
export interface LoadedConfig extends Config {
  target?: unknown;
}

export interface LoadConfigOptions {
  /** `--config <path>`, relative to cwd or absolute. */
  explicitPath?: string;
  /** The rule catalogue: `rules` keys must be one of these ids or names. */
  knownRules: readonly { id: string; name: string }[];
}

const KEYS = ['$schema', 'include', 'exclude', 'rules', 'priorities', 'maxFileBytes', 'failOn', 'baseline', 'target'] as const;
const SEVERITY_VALUES: readonly Severity[] = ['error', 'warning', 'info'];
const RULE_VALUES = ['off', 'on', ...SEVERITY_VALUES] as const;
const PRIORITIES: readonly Priority[] = ['critical', 'high', 'medium', 'low'];

/**
 * The configuration for a run in `cwd`: `explicitPath` when given, else `pgready.config.json`
 * in cwd, else the `"pgready"` key of cwd/package.json, else the defaults. The config's root is
 * the directory of the file it came from. Only JSON is read: a JavaScript config would have to
 * be executed, and reading never executes project code.
 * Throws ConfigError naming the file, the key path and what to do.
 */
export function loadConfig(cwd: string, opts: LoadConfigOptions): LoadedConfig {
  if (opts.explicitPath !== undefined) {
    const abs = resolve(cwd, opts.explicitPath);
    if (/\.(c|m)?(j|t)s$/i.test(abs)) {
      throw new ConfigError(
        `${opts.explicitPath}: pgready reads JSON configs only (a JavaScript config would have to be run). ` +
          `Move the settings to ${CONFIG_FILE}.`,
        opts.explicitPath,
      );
    }
    const text = readText(abs, shown(cwd, abs), true);
    return fromText(text!, abs, shown(cwd, abs), dirname(abs), '', opts);
  }
  const configPath = resolve(cwd, CONFIG_FILE);
  const configText = readText(configPath, CONFIG_FILE, false);
  if (configText !== undefined) return fromText(configText, configPath, CONFIG_FILE, cwd, '', opts);

  const pkgPath = resolve(cwd, 'package.json');
  const pkgText = readText(pkgPath, 'package.json', false);
  if (pkgText !== undefined) {
    const pkg = parseJson(pkgText, 'package.json');
    if (isObject(pkg) && Object.prototype.hasOwnProperty.call(pkg, 'pgready')) {
      return validate(pkg.pgready, pkgPath, 'package.json', cwd, 'pgready', opts);
    }
  }
  return defaultConfig(cwd);
}

function shown(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

/** The file's text; undefined when it does not exist and is not required. */
function readText(abs: string, label: string, required: boolean): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : 'unknown error';
    if (code === 'ENOENT' && !required) return undefined;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
    throw new ConfigError(`${label}: the config file ${why}. Check the path given to --config.`, label);
  }
  // an editor that saves UTF-16 (with its byte order mark) or a legacy code page: say so, rather
  // than "unexpected character" at a replacement character
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) throw new ConfigError(`${label}: the config file is saved as UTF-16; save it as UTF-8.`, label);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // where: the first character the lenient decoding replaced
    const lenient = bytes.toString('utf8');
    const before = lenient.slice(0, Math.max(0, lenient.indexOf('\uFFFD'))).split('\n');
    const where = `${label}:${before.length}:${before[before.length - 1]!.length + 1}`;
    throw new ConfigError(`${where}: the config file is not valid UTF-8 (a legacy code page?); save it as UTF-8.`, label);
  }
}

function parseJson(text: string, label: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    const err = findJsonError(body);
    const where = err ? `${label}:${err.line}:${err.column}` : label;
    const what = err ? err.message : 'invalid JSON';
    throw new ConfigError(`${where}: invalid JSON: ${what}. Fix the file (JSON allows no comments or trailing commas).`, label);
  }
}

function fromText(
  text: string,
  abs: string,
  label: string,
  root: string,
  prefix: string,
  opts: LoadConfigOptions,
): LoadedConfig {
  return validate(parseJson(text, label), abs, label, root, prefix, opts);
}

function validate(
  raw: unknown,
  abs: string,
  label: string,
  root: string,
  prefix: string,
  opts: LoadConfigOptions,
): LoadedConfig {
  const keyPath = (k: string) => (prefix ? `${prefix}.${k}` : k);
  const fail = (key: string, problem: string, todo: string): never => {
    throw new ConfigError(`${label}: ${key || '(top level)'}: ${problem}. ${todo}`, label, key);
  };

  if (!isObject(raw)) fail(prefix, `must be an object, not ${describe(raw)}`, 'Write the settings as a JSON object: { "exclude": [...] }.');
  const obj = raw as Record<string, unknown>;
  const cfg: LoadedConfig = { ...defaultConfig(root), source: abs };

  for (const key of Object.keys(obj).sort()) {
    if (!(KEYS as readonly string[]).includes(key)) {
      const hint = closest(key, KEYS.filter((k) => k !== '$schema'));
      fail(
        keyPath(key),
        'unknown key',
        `${hint ? `Did you mean "${hint}"? ` : ''}Allowed keys: ${KEYS.filter((k) => k !== '$schema').join(', ')}.`,
      );
    }
  }

  const stringList = (key: 'include' | 'exclude'): string[] => {
    const v = obj[key];
    if (!Array.isArray(v)) return fail(keyPath(key), `must be an array of glob strings, not ${describe(v)}`, `Example: "${key}": ["archive/**"].`);
    return v.map((g, i) => {
      if (typeof g !== 'string' || g.trim() === '') {
        return fail(`${keyPath(key)}[${i}]`, `must be a non-empty glob string, not ${describe(g)}`, 'Remove it or write a glob such as "legacy/**".');
      }
      return g;
    });
  };
  if ('$schema' in obj && typeof obj.$schema !== 'string') fail(keyPath('$schema'), `must be a string, not ${describe(obj.$schema)}`, 'Remove it or give a URL.');
  if ('include' in obj) cfg.include = stringList('include');
  if ('exclude' in obj) cfg.exclude = stringList('exclude');

  if ('rules' in obj) {
    const rules = obj.rules;
    if (!isObject(rules)) fail(keyPath('rules'), `must be an object, not ${describe(rules)}`, 'Example: "rules": { "SQL326": "off" }.');
    const byKey = new Map<string, { id: string; name: string }>();
    for (const r of opts.knownRules) {
      byKey.set(r.id, r);
      byKey.set(r.name, r);
    }
    const seen = new Map<string, string>();
    for (const key of Object.keys(rules as object).sort()) {
      const rule = byKey.get(key);
      const path = `${keyPath('rules')}.${key}`;
      if (!rule) {
        const hint = byKey.get(key.toUpperCase()) ? key.toUpperCase() : closest(key, [...byKey.keys()]);
        fail(path, 'unknown rule', `${hint ? `Did you mean "${hint}"? ` : ''}Use a rule id (SQL201) or name (qmark-placeholder); \`pgready rules\` lists them.`);
      }
      const other = seen.get(rule!.id);
      if (other !== undefined) {
        fail(path, `sets rule ${rule!.id} again (also set as "${other}")`, 'Keep one entry per rule.');
      }
      seen.set(rule!.id, key);
      const value = (rules as Record<string, unknown>)[key];
      if (typeof value !== 'string' || !(RULE_VALUES as readonly string[]).includes(value)) {
        fail(path, `must be one of ${RULE_VALUES.map((v) => `"${v}"`).join(', ')}, not ${describe(value)}`, 'Use "off" to disable the rule or a severity to override it.');
      }
      cfg.rules[key] = value as LoadedConfig['rules'][string];
    }
  }

  if ('priorities' in obj) {
    const pr = obj.priorities;
    if (!isObject(pr)) fail(keyPath('priorities'), `must be an object, not ${describe(pr)}`, 'Example: "priorities": { "low": ["archive/**"] }.');
    for (const key of Object.keys(pr as object).sort()) {
      const path = `${keyPath('priorities')}.${key}`;
      if (!(PRIORITIES as readonly string[]).includes(key)) {
        fail(path, 'unknown priority', `Use one of ${PRIORITIES.join(', ')}.`);
      }
      const globs = (pr as Record<string, unknown>)[key];
      if (!Array.isArray(globs)) fail(path, `must be an array of glob strings, not ${describe(globs)}`, `Example: "${key}": ["src/**"].`);
      (globs as unknown[]).forEach((g, i) => {
        if (typeof g !== 'string' || g.trim() === '') fail(`${path}[${i}]`, `must be a non-empty glob string, not ${describe(g)}`, 'Remove it or write a glob.');
      });
      cfg.priorities[key as Priority] = [...(globs as string[])];
    }
  }

  if ('maxFileBytes' in obj) {
    const v = obj.maxFileBytes;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) {
      fail(keyPath('maxFileBytes'), `must be a positive whole number of bytes, not ${describe(v)}`, 'Example: "maxFileBytes": 4194304.');
    }
    cfg.maxFileBytes = v as number;
  }

  if ('failOn' in obj) {
    const v = obj.failOn;
    if (typeof v !== 'string' || !(SEVERITY_VALUES as readonly string[]).includes(v)) {
      fail(keyPath('failOn'), `must be one of "error", "warning", "info", not ${describe(v)}`, 'Findings at or above it make `pgready audit` exit 1.');
    }
    cfg.failOn = v as Severity;
  }

  if ('baseline' in obj) {
    const v = obj.baseline;
    if (typeof v !== 'string' || v.trim() === '') fail(keyPath('baseline'), `must be a file path string, not ${describe(v)}`, 'Give the baseline file relative to the config file.');
    cfg.baseline = v as string;
  }

  if ('target' in obj) {
    const v = obj.target;
    if (!isObject(v)) fail(keyPath('target'), `must be an object, not ${describe(v)}`, 'Example: "target": { "paramstyle": "format" }.');
    cfg.target = v;
  }

  return cfg;
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

/** The candidate within edit distance 2 (case-insensitive) of `key`, for "did you mean". */
function closest(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of [...candidates].sort()) {
    const d = distance(key.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}
