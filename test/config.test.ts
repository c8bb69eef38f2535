import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { defaultConfig } from '../src/model/config.js';
import { ConfigError } from '../src/util/errors.js';
import { findJsonError } from '../src/util/json-error.js';

const knownRules = [
  { id: 'SQL201', name: 'qmark-placeholder' },
  { id: 'SQL326', name: 'like-case-insensitive' },
];

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function dir(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pgready-config-'));
  made.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** The ConfigError thrown for a pgready.config.json holding `json`. */
function errorFor(json: string): ConfigError {
  const root = dir({ 'pgready.config.json': json });
  try {
    loadConfig(root, { knownRules });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('no ConfigError');
}

describe('loadConfig: where the config comes from', () => {
  it('returns the defaults when there is no config', () => {
    const root = dir({ 'package.json': '{"name": "x"}' });
    expect(loadConfig(root, { knownRules })).toEqual(defaultConfig(root));
  });

  it('reads pgready.config.json in cwd, with every key', () => {
    const root = dir({
      'pgready.config.json': JSON.stringify({
        $schema: 'https://example.invalid/schema.json',
        include: ['src/**'],
        exclude: ['archive/**'],
        rules: { SQL326: 'off', 'qmark-placeholder': 'warning' },
        priorities: { low: ['archive/**'], critical: ['src/trading/**'] },
        maxFileBytes: 1000,
        failOn: 'error',
        baseline: '.pgready-baseline.json',
        target: { placeholder: 'format', connect: { import: 'from db import get_conn' } },
      }),
    });
    expect(loadConfig(root, { knownRules })).toEqual({
      root,
      source: join(root, 'pgready.config.json'),
      include: ['src/**'],
      exclude: ['archive/**'],
      rules: { SQL326: 'off', 'qmark-placeholder': 'warning' },
      priorities: { low: ['archive/**'], critical: ['src/trading/**'] },
      maxFileBytes: 1000,
      failOn: 'error',
      baseline: '.pgready-baseline.json',
      target: { placeholder: 'format', connect: { import: 'from db import get_conn' } },
    });
  });

  it('falls back to the "pgready" key of package.json', () => {
    const root = dir({ 'package.json': JSON.stringify({ name: 'x', pgready: { exclude: ['legacy'] } }) });
    const cfg = loadConfig(root, { knownRules });
    expect(cfg.exclude).toEqual(['legacy']);
    expect(cfg.source).toBe(join(root, 'package.json'));
  });

  it('prefers pgready.config.json over package.json', () => {
    const root = dir({
      'pgready.config.json': '{"failOn": "info"}',
      'package.json': '{"pgready": {"failOn": "error"}}',
    });
    expect(loadConfig(root, { knownRules }).failOn).toBe('info');
  });

  it('reads an explicit path, whose directory becomes the root', () => {
    const root = dir({ 'conf/pg.json': '{"exclude": ["x"]}' });
    const cfg = loadConfig(root, { explicitPath: 'conf/pg.json', knownRules });
    expect(cfg.root).toBe(join(root, 'conf'));
    expect(cfg.exclude).toEqual(['x']);
  });

  it('refuses a missing explicit path and JavaScript configs', () => {
    const root = dir({ 'pgready.config.js': 'module.exports = {}' });
    expect(() => loadConfig(root, { explicitPath: 'missing.json', knownRules })).toThrow(
      'missing.json: the config file does not exist. Check the path given to --config.',
    );
    expect(() => loadConfig(root, { explicitPath: 'pgready.config.js', knownRules })).toThrow(
      /pgready\.config\.js: pgready reads JSON configs only/,
    );
  });
});

describe('loadConfig: a config file not saved as UTF-8', () => {
  const errorOf = (bytes: Buffer): string => {
    const root = dir({});
    writeFileSync(join(root, 'pgready.config.json'), bytes);
    try {
      loadConfig(root, { knownRules });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return (e as Error).message;
    }
    throw new Error('no ConfigError');
  };

  it('says UTF-16 (as Windows editors save it), and where a byte of a legacy code page is', () => {
    const json = '{\n  "exclude": ["caf\u00e9"]\n}\n';
    expect(errorOf(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]))).toBe('pgready.config.json: the config file is saved as UTF-16; save it as UTF-8.');
    expect(errorOf(Buffer.from(json, 'latin1'))).toBe('pgready.config.json:2:19: the config file is not valid UTF-8 (a legacy code page?); save it as UTF-8.');
  });

  it('reads UTF-8 with or without its byte order mark', () => {
    for (const bom of [[], [0xef, 0xbb, 0xbf]]) {
      const root = dir({});
      writeFileSync(join(root, 'pgready.config.json'), Buffer.concat([Buffer.from(bom), Buffer.from('{"exclude": ["caf\u00e9"]}', 'utf8')]));
      expect(loadConfig(root, { knownRules }).exclude).toEqual(['café']);
    }
  });
});

describe('loadConfig: errors name the file, the key and what to do', () => {
  it('unknown top-level key, with a suggestion', () => {
    const e = errorFor('{"exclud": []}');
    expect(e.message).toBe(
      'pgready.config.json: exclud: unknown key. Did you mean "exclude"? Allowed keys: include, exclude, rules, ' +
        'priorities, maxFileBytes, failOn, baseline, target.',
    );
    expect(e.keyPath).toBe('exclud');
    expect(e.file).toBe('pgready.config.json');
  });

  it('unknown rule id and unknown rule name', () => {
    const e = errorFor('{"rules": {"SQL999": "off"}}');
    expect(e.keyPath).toBe('rules.SQL999');
    expect(e.message).toMatch(/^pgready\.config\.json: rules\.SQL999: unknown rule\. /);
    expect(e.message).toContain('`pgready rules` lists them');
    expect(errorFor('{"rules": {"qmark-placeholdr": "off"}}').message).toContain('Did you mean "qmark-placeholder"?');
    expect(errorFor('{"rules": {"sql201": "off"}}').message).toContain('Did you mean "SQL201"?');
  });

  it('bad rule value and a rule set twice', () => {
    const e = errorFor('{"rules": {"SQL201": "warn"}}');
    expect(e.message).toBe(
      'pgready.config.json: rules.SQL201: must be one of "off", "on", "error", "warning", "info", not "warn". ' +
        'Use "off" to disable the rule or a severity to override it.',
    );
    expect(errorFor('{"rules": {"SQL201": "off", "qmark-placeholder": "error"}}').message).toContain(
      'rules.qmark-placeholder: sets rule SQL201 again (also set as "SQL201")',
    );
  });

  it('wrong types', () => {
    expect(errorFor('{"exclude": "archive/**"}').message).toContain('exclude: must be an array of glob strings, not "archive/**"');
    expect(errorFor('{"include": ["ok", 3]}').keyPath).toBe('include[1]');
    expect(errorFor('{"maxFileBytes": -5}').message).toContain('maxFileBytes: must be a positive whole number of bytes, not number -5');
    expect(errorFor('{"failOn": "fatal"}').keyPath).toBe('failOn');
    expect(errorFor('{"baseline": 1}').keyPath).toBe('baseline');
    expect(errorFor('{"target": "psycopg"}').message).toContain('target: must be an object, not "psycopg"');
    expect(errorFor('[]').message).toContain('(top level): must be an object, not an array');
  });

  it('bad priority name and bad priority globs', () => {
    expect(errorFor('{"priorities": {"urgent": ["x"]}}').message).toBe(
      'pgready.config.json: priorities.urgent: unknown priority. Use one of critical, high, medium, low.',
    );
    expect(errorFor('{"priorities": {"low": "archive"}}').keyPath).toBe('priorities.low');
  });

  it('prefixes key paths found in package.json with "pgready."', () => {
    const root = dir({ 'package.json': '{"pgready": {"rules": {"SQL999": "off"}}}' });
    expect(() => loadConfig(root, { knownRules })).toThrow(/^package\.json: pgready\.rules\.SQL999: unknown rule/);
  });

  it('invalid JSON names the line and column', () => {
    expect(errorFor('{\n  "exclude": ["a"],\n}\n').message).toBe(
      'pgready.config.json:3:1: invalid JSON: trailing comma before "}". Fix the file (JSON allows no comments or trailing commas).',
    );
    expect(errorFor('{\n  "failOn": \'error\'\n}').message).toMatch(/^pgready\.config\.json:2:13: invalid JSON: unexpected character "'"/);
    const root = dir({ 'package.json': '{"name": "x",' });
    expect(() => loadConfig(root, { knownRules })).toThrow(/^package\.json:1:14: invalid JSON: /);
  });
});

describe('findJsonError', () => {
  it('accepts valid JSON and locates the first error', () => {
    expect(findJsonError('{"a": [1, -2.5e3, true, null, "x\\n"]}')).toBeUndefined();
    expect(findJsonError('[1, 2,]')).toMatchObject({ offset: 6, line: 1, column: 7, message: 'trailing comma before "]"' });
    expect(findJsonError('{"a": 1}\r\nx')).toMatchObject({ line: 2, column: 1, message: 'unexpected text after the JSON value' });
    expect(findJsonError('{"a": "b')).toMatchObject({ offset: 6, message: 'unterminated string' });
  });
});
