import { spawnSync } from 'node:child_process';
import { createReadStream, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { AuditFn, CliContext, LoadConfigFn } from '../src/cli/context.js';
import { useColor } from '../src/cli/context.js';
import { defaultConfig } from '../src/model/config.js';
import type { Config } from '../src/model/config.js';
import type { Finding } from '../src/model/finding.js';
import { defineRule } from '../src/model/rule.js';
import type { Rule } from '../src/model/rule.js';
import type { RunResult } from '../src/model/run.js';
import { json } from '../src/report/json.js';
import { pretty } from '../src/report/pretty.js';
import { ConfigError, UsageError } from '../src/util/errors.js';
import { cleanRun, DB_PY, ENV, sampleRun } from './report-sample.js';

const RULES: Rule[] = [
  defineRule({
    id: 'SQL201',
    name: 'qmark-placeholder',
    title: 'SQL uses SQLite `?` placeholders',
    severity: 'error',
    category: 'placeholder',
    rationale: 'psycopg expects %s; a `?` fails at run time.',
    postgres: '`%s` (psycopg) or `$1` (asyncpg)',
    examples: {
      bad: 'cur.execute("SELECT * FROM t WHERE id = ?", (1,))\n',
      good: 'cur.execute("SELECT * FROM t WHERE id = %s", (1,))\n',
    },
    fixedBy: 'qmark-to-target-placeholders',
    detect: () => [],
  }),
  defineRule({
    id: 'SQL001',
    name: 'sqlite-import',
    title: 'SQLite module imported',
    severity: 'warning',
    category: 'sqlite-import',
    rationale: 'r',
    postgres: 'p',
    examples: { bad: 'import sqlite3', good: 'import psycopg' },
    detect: () => [],
  }),
  defineRule({
    id: 'SQL399',
    name: 'old-thing',
    title: 'Old check',
    severity: 'info',
    category: 'sqlite-sql',
    rationale: 'r',
    postgres: 'p',
    examples: { bad: 'b', good: 'g' },
    status: 'removed',
    detect: () => [],
  }),
];

interface Harness {
  ctx: Partial<CliContext>;
  out: () => string;
  err: () => string;
  auditCalls: { paths: string[]; cfg: Config; cwd: string }[];
  configCalls: { cwd: string; explicitPath: string | undefined }[];
}

const SOURCES = new Map([
  ['app/db.py', DB_PY],
  ['.env', ENV],
]);

function harness(opts: {
  run?: RunResult;
  audit?: AuditFn;
  loadConfig?: LoadConfigFn;
  cfg?: Partial<Config>;
  isTTY?: boolean;
  env?: Record<string, string>;
}): Harness {
  let out = '';
  let err = '';
  const auditCalls: Harness['auditCalls'] = [];
  const configCalls: Harness['configCalls'] = [];
  const ctx: Partial<CliContext> = {
    cwd: '/repo',
    env: opts.env ?? {},
    stdout: { write: (s: string) => (out += s), isTTY: opts.isTTY ?? false },
    stderr: { write: (s: string) => (err += s) },
    rules: RULES,
    version: '9.8.7',
    loadConfig:
      opts.loadConfig ??
      ((cwd, o) => {
        configCalls.push({ cwd, explicitPath: o.explicitPath });
        return { ...defaultConfig(cwd), ...opts.cfg };
      }),
    audit:
      opts.audit ??
      (async (paths, cfg, o) => {
        auditCalls.push({ paths, cfg, cwd: o.cwd });
        return { ...(opts.run ?? sampleRun()), sources: SOURCES };
      }),
  };
  return { ctx, out: () => out, err: () => err, auditCalls, configCalls };
}

/** A run whose findings all have severity `sev`. */
function runWith(...severities: Finding['severity'][]): RunResult {
  const base = sampleRun();
  return { ...base, findings: base.findings.slice(0, severities.length).map((f, i) => ({ ...f, severity: severities[i]! })) };
}

const plainOpts = { color: false, cwd: '/repo', sources: SOURCES };

describe('pgready audit', () => {
  it('prints the pretty report and exits 1 when a finding reaches the default threshold (warning)', async () => {
    const h = harness({});
    expect(await main(['audit'], h.ctx)).toBe(1);
    expect(h.out()).toBe(pretty(sampleRun(), plainOpts));
    expect(h.err()).toBe('');
    expect(h.auditCalls.map((c) => [c.paths, c.cwd])).toEqual([[['.'], '/repo']]);
    expect(h.configCalls).toEqual([{ cwd: '/repo', explicitPath: undefined }]);
  });

  it('passes paths and --config through', async () => {
    const h = harness({ run: cleanRun() });
    expect(await main(['audit', 'src', 'lib/x.py', '--config', 'ci/pgready.json'], h.ctx)).toBe(0);
    expect(h.auditCalls[0]!.paths).toEqual(['src', 'lib/x.py']);
    expect(h.configCalls).toEqual([{ cwd: '/repo', explicitPath: 'ci/pgready.json' }]);
  });

  it('takes what follows `--` as paths, `-` and names like options included', async () => {
    // yargs put them in `_`, and the current directory was scanned
    const h = harness({ run: cleanRun() });
    expect(await main(['audit', 'src', '--', '-odd.py', '--format', '-'], h.ctx)).toBe(0);
    expect(h.auditCalls[0]!.paths).toEqual(['src', '-odd.py', '--format', '-']);
    expect(h.out()).toBe(pretty(cleanRun(), plainOpts));
  });

  it('writes --output - to standard output', async () => {
    const h = harness({});
    expect(await main(['audit', '--output', '-', '--format', 'json'], h.ctx)).toBe(1);
    expect(h.out()).toBe(json(sampleRun(), plainOpts));
    expect(h.err()).toBe('');
  });

  it('exits 0 when clean', async () => {
    const h = harness({ run: cleanRun() });
    expect(await main(['audit'], h.ctx)).toBe(0);
    expect(h.out().startsWith('No SQLite usage found.\n')).toBe(true);
  });

  it('applies --fail-on, falling back to the config failOn', async () => {
    const warnings = runWith('warning', 'warning');
    expect(await main(['audit'], harness({ run: warnings }).ctx)).toBe(1);
    expect(await main(['audit', '--fail-on', 'error'], harness({ run: warnings }).ctx)).toBe(0);
    expect(await main(['audit', '--fail-on', 'warning'], harness({ run: warnings }).ctx)).toBe(1);
    expect(await main(['audit'], harness({ run: warnings, cfg: { failOn: 'error' } }).ctx)).toBe(0);
    expect(await main(['audit', '--fail-on', 'warning'], harness({ run: warnings, cfg: { failOn: 'error' } }).ctx)).toBe(1);
    expect(await main(['audit', '--fail-on', 'never'], harness({ run: runWith('error') }).ctx)).toBe(0);
    expect(await main(['audit', '--fail-on', 'info'], harness({ run: runWith('info') }).ctx)).toBe(1);
    expect(await main(['audit'], harness({ run: runWith('info') }).ctx)).toBe(0);
    expect(await main(['audit'], harness({ run: runWith('info'), cfg: { failOn: 'info' } }).ctx)).toBe(1);
  });

  it('prints the json report with --format json', async () => {
    const h = harness({});
    expect(await main(['audit', '--format', 'json'], h.ctx)).toBe(1);
    expect(h.out()).toBe(json(sampleRun(), plainOpts));
  });

  it('waits for a full pipe to drain between pieces of a long json report', async () => {
    const run = sampleRun();
    run.findings = Array.from({ length: 2000 }, (_, i) => ({ ...run.findings[i % run.findings.length]!, line: i + 1, fingerprint: `f${i}` }));
    // a pipe that takes one piece and then needs its reader: write() says false until 'drain'
    let text = '';
    let waiting = false;
    let overrun = 0;
    let drain: (() => void) | undefined;
    const pipe = {
      isTTY: false,
      write(t: string) {
        if (waiting) overrun++;
        text += t;
        waiting = true;
        setImmediate(() => {
          waiting = false;
          drain?.();
          drain = undefined;
        });
        return false;
      },
      once(_event: 'drain', listener: () => void) {
        drain = listener;
      },
    };
    const h = harness({ run });
    expect(await main(['audit', '--format', 'json'], { ...h.ctx, stdout: pipe })).toBe(1);
    expect(text).toBe(json(run, plainOpts));
    expect(text.length).toBeGreaterThan(200_000);
    expect(overrun).toBe(0);
  });

  describe('--output', () => {
    let dir = '';
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('writes the report to the file (uncoloured), prints nothing and leaves no temporary file', async () => {
      dir = mkdtempSync(join(tmpdir(), 'pgready-cli-'));
      const h = harness({ isTTY: true });
      h.ctx.cwd = dir;
      expect(await main(['audit', '--output', 'report.txt'], h.ctx)).toBe(1);
      expect(h.out()).toBe('');
      expect(readFileSync(join(dir, 'report.txt'), 'utf8')).toBe(pretty(sampleRun(), { ...plainOpts, cwd: dir }));
      expect(readdirSync(dir)).toEqual(['report.txt']);
    });

    it('writes into a device or a named pipe in place, and through a symbolic link, never putting a file where they were', async () => {
      dir = mkdtempSync(join(tmpdir(), 'pgready-cli-'));
      const expected = pretty(sampleRun(), { ...plainOpts, cwd: dir });
      const run = async (output: string): Promise<number> => {
        const h = harness({});
        h.ctx.cwd = dir;
        return main(['audit', '--output', output], h.ctx);
      };
      // a named pipe: its reader gets the report, and it stays a pipe (renamed over, it became a file)
      if (spawnSync('mkfifo', [join(dir, 'pipe')]).status === 0) {
        const read = new Promise<string>((done, fail) => {
          let got = '';
          createReadStream(join(dir, 'pipe'), 'utf8').on('data', (c) => (got += c)).on('end', () => done(got)).on('error', fail);
        });
        expect(await run('pipe')).toBe(1);
        expect(await read).toBe(expected);
        expect(lstatSync(join(dir, 'pipe')).isFIFO()).toBe(true);
      }
      // a device made here, as /dev/null is one (root only: `--output /dev/null` as root replaced it)
      if (spawnSync('mknod', ['-m', '666', join(dir, 'null'), 'c', '1', '3']).status === 0) {
        expect(await run('null')).toBe(1);
        expect(lstatSync(join(dir, 'null')).isCharacterDevice()).toBe(true);
      }
      writeFileSync(join(dir, 'real.txt'), 'old');
      symlinkSync('real.txt', join(dir, 'link.txt'));
      expect(await run('link.txt')).toBe(1);
      expect(lstatSync(join(dir, 'link.txt')).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(dir, 'real.txt'), 'utf8')).toBe(expected);
      expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    });

    it('refuses a directory before writing anything', async () => {
      dir = mkdtempSync(join(tmpdir(), 'pgready-cli-'));
      mkdirSync(join(dir, 'out'));
      const h = harness({});
      h.ctx.cwd = dir;
      expect(await main(['audit', '--output', 'out'], h.ctx)).toBe(2);
      expect(h.err()).toBe(`pgready: cannot write the report to ${join(dir, 'out')}: it is a directory; name a file.\n`);
      expect(readdirSync(dir)).toEqual(['out']);
    });

    it('exits 2 naming the file when it cannot be written', async () => {
      dir = mkdtempSync(join(tmpdir(), 'pgready-cli-'));
      const h = harness({});
      h.ctx.cwd = dir;
      expect(await main(['audit', '--output', 'missing/dir/report.json'], h.ctx)).toBe(2);
      expect(h.err()).toContain(`pgready: cannot write the report to ${join(dir, 'missing/dir/report.json')}: `);
      expect(h.err()).not.toContain('    at ');
    });
  });

  it('colours the pretty report only on a terminal, and never with --no-color', async () => {
    const tty = harness({ isTTY: true });
    await main(['audit'], tty.ctx);
    expect(tty.out()).toBe(pretty(sampleRun(), { ...plainOpts, color: true }));
    expect(tty.out()).toContain('\x1b[');

    const noColor = harness({ isTTY: true });
    await main(['audit', '--no-color'], noColor.ctx);
    expect(noColor.out()).not.toContain('\x1b[');

    const pipe = harness({ isTTY: false });
    await main(['audit'], pipe.ctx);
    expect(pipe.out()).not.toContain('\x1b[');
  });

  it('turns a configuration error into exit 2 with its message', async () => {
    const h = harness({
      loadConfig: () => {
        throw new ConfigError('pgready.config.json: rules.SQL999 is not a pgready rule');
      },
    });
    expect(await main(['audit'], h.ctx)).toBe(2);
    expect(h.err()).toBe('pgready: pgready.config.json: rules.SQL999 is not a pgready rule\n');
    expect(h.out()).toBe('');
  });

  it('turns a usage error from the pipeline into exit 2', async () => {
    const h = harness({
      audit: async () => {
        throw new UsageError('nope/: no such file or directory');
      },
    });
    expect(await main(['audit', 'nope/'], h.ctx)).toBe(2);
    expect(h.err()).toBe('pgready: nope/: no such file or directory\n');
  });

  it('reports an unexpected error as an internal error, with the stack only under PGREADY_DEBUG=1', async () => {
    const boom: AuditFn = async () => {
      throw new TypeError('cannot read properties of undefined');
    };
    const h = harness({ audit: boom });
    expect(await main(['audit'], h.ctx)).toBe(2);
    expect(h.err()).toBe(
      'pgready: internal error: cannot read properties of undefined\n' +
        'This is a bug in pgready. Please report it with the command you ran ' +
        '(set PGREADY_DEBUG=1 to include a stack trace).\n',
    );

    const debug = harness({ audit: boom, env: { PGREADY_DEBUG: '1' } });
    expect(await main(['audit'], debug.ctx)).toBe(2);
    expect(debug.err()).toContain('TypeError: cannot read properties of undefined\n    at ');
  });
});

describe('usage errors', () => {
  it.each([
    [['audit', '--format', 'xml'], 'Invalid values'],
    [['audit', '--fail-on', 'fatal'], 'Invalid values'],
    [['audit', '--bogus'], 'Unknown argument: bogus'],
    [['audti'], 'Did you mean audit?'],
    [[], 'Give a command: audit, report, baseline, fix, verify, init or rules.'],
    [['audit', '--output'], 'Not enough arguments following: output'],
    // yargs took these as empty strings, and the default was used
    [['audit', '--format'], 'Not enough arguments following: format'],
    [['audit', '--fail-on'], 'Not enough arguments following: fail-on'],
    [['report', '--format'], 'Not enough arguments following: format'],
    [['verify', '--format'], 'Not enough arguments following: format'],
    [['rules', '--format'], 'Not enough arguments following: format'],
    // yargs dropped a lone `-`, and the current directory was scanned
    [['audit', '-'], '`-` (standard input) is not read: name the files or directories to scan'],
    [['fix', 'a.py', '-', '--dry-run'], '`-` (standard input) is not read'],
    [['rules', '--', 'SQL201'], '`rules` takes no paths: unexpected `SQL201` after `--`.'],
  ])('%j exits 2 with a clear message and no stack', async (argv, message) => {
    const h = harness({});
    expect(await main(argv, h.ctx)).toBe(2);
    expect(h.err()).toContain(`pgready: ${message}`);
    expect(h.err()).toContain('Run `pgready --help` for usage.\n');
    expect(h.err()).not.toContain('    at ');
    expect(h.auditCalls).toEqual([]);
  });

  it.each([['0'], ['1.5'], ['-2']])('--jobs %s exits 2 naming what it takes', async (n) => {
    const h = harness({});
    expect(await main(['audit', '--jobs', n, '--no-cache'], h.ctx)).toBe(2);
    expect(h.err()).toContain(`pgready: --jobs must be a whole number of at least 1, not ${n}.`);
    expect(h.auditCalls).toEqual([]);
  });

  it('--jobs beyond the cores pgready may use is held to them, with a warning', async () => {
    const cores = availableParallelism();
    const jobsOf = async (n: number): Promise<{ jobs: number | undefined; err: string }> => {
      let jobs: number | undefined;
      const h = harness({
        audit: async (_paths, _cfg, o) => {
          jobs = o.perf?.jobs;
          return { ...sampleRun(), sources: SOURCES };
        },
      });
      await main(['audit', '--jobs', String(n), '--no-cache', '--fail-on', 'never'], h.ctx);
      return { jobs, err: h.err() };
    };
    expect(await jobsOf(cores)).toEqual({ jobs: cores, err: '' });
    expect(await jobsOf(cores + 62)).toEqual({
      jobs: cores,
      err: `pgready: warning: --jobs ${cores + 62} is more than the ${cores} core${cores === 1 ? '' : 's'} this machine lets pgready use; using ${cores}.\n`,
    });
  });

  it('prints help and the version to stdout and exits 0', async () => {
    const help = harness({});
    expect(await main(['--help'], help.ctx)).toBe(0);
    expect(help.out()).toContain('pgready audit [paths..]');
    expect(help.out()).toContain('pgready rules [rule]');

    const version = harness({});
    expect(await main(['--version'], version.ctx)).toBe(0);
    expect(version.out()).toBe('9.8.7\n');
  });
});

describe('pgready rules', () => {
  it('lists the catalogue sorted by id', async () => {
    const h = harness({});
    expect(await main(['rules'], h.ctx)).toBe(0);
    expect(h.out()).toBe(
      [
        'ID      NAME               SEVERITY  CATEGORY       TITLE',
        'SQL001  sqlite-import      warning   sqlite-import  SQLite module imported',
        'SQL201  qmark-placeholder  error     placeholder    SQL uses SQLite `?` placeholders',
        'SQL399  old-thing          info      sqlite-sql     (removed) Old check',
        '',
      ].join('\n'),
    );
  });

  it('explains one rule, found by id or name in any case', async () => {
    const expected = [
      'SQL201 qmark-placeholder',
      'SQL uses SQLite `?` placeholders',
      '',
      'Severity:   error',
      'Category:   placeholder',
      'Fixed by:   qmark-to-target-placeholders',
      '',
      'Why it matters on PostgreSQL',
      '    psycopg expects %s; a `?` fails at run time.',
      '',
      'PostgreSQL equivalent',
      '    `%s` (psycopg) or `$1` (asyncpg)',
      '',
      'Bad',
      '    cur.execute("SELECT * FROM t WHERE id = ?", (1,))',
      '',
      'Good',
      '    cur.execute("SELECT * FROM t WHERE id = %s", (1,))',
      '',
    ].join('\n');
    for (const q of ['SQL201', 'qmark-placeholder', 'sql201']) {
      const h = harness({});
      expect(await main(['rules', q], h.ctx)).toBe(0);
      expect(h.out()).toBe(expected);
    }
  });

  it('says when a rule has no automatic fix', async () => {
    const h = harness({});
    await main(['rules', 'SQL001'], h.ctx);
    expect(h.out()).toContain('Fixed by:   no automatic fix\n');
  });

  it('exits 2 on an unknown rule, suggesting the closest', async () => {
    const typo = harness({});
    expect(await main(['rules', 'SQL2O1'], typo.ctx)).toBe(2);
    expect(typo.err()).toBe(
      'pgready: unknown rule "SQL2O1". Did you mean SQL201 (qmark-placeholder)? Run `pgready rules` for the list.\n',
    );

    const byName = harness({});
    expect(await main(['rules', 'qmark-placeholders'], byName.ctx)).toBe(2);
    expect(byName.err()).toContain('Did you mean SQL201 (qmark-placeholder)?');

    const far = harness({});
    expect(await main(['rules', 'completely-different'], far.ctx)).toBe(2);
    expect(far.err()).toBe('pgready: unknown rule "completely-different". Run `pgready rules` for the list.\n');
  });

  it('prints json for the list and for one rule', async () => {
    const list = harness({});
    expect(await main(['rules', '--format', 'json'], list.ctx)).toBe(0);
    expect(JSON.parse(list.out())).toEqual([
      { id: 'SQL001', name: 'sqlite-import', title: 'SQLite module imported', severity: 'warning', category: 'sqlite-import', status: 'active', fixedBy: null },
      {
        id: 'SQL201',
        name: 'qmark-placeholder',
        title: 'SQL uses SQLite `?` placeholders',
        severity: 'error',
        category: 'placeholder',
        status: 'active',
        fixedBy: 'qmark-to-target-placeholders',
      },
      { id: 'SQL399', name: 'old-thing', title: 'Old check', severity: 'info', category: 'sqlite-sql', status: 'removed', fixedBy: null },
    ]);

    const one = harness({});
    expect(await main(['rules', 'SQL201', '--format', 'json'], one.ctx)).toBe(0);
    expect(JSON.parse(one.out())).toEqual({
      id: 'SQL201',
      name: 'qmark-placeholder',
      title: 'SQL uses SQLite `?` placeholders',
      severity: 'error',
      category: 'placeholder',
      status: 'active',
      rationale: 'psycopg expects %s; a `?` fails at run time.',
      postgres: '`%s` (psycopg) or `$1` (asyncpg)',
      examples: {
        bad: 'cur.execute("SELECT * FROM t WHERE id = ?", (1,))\n',
        good: 'cur.execute("SELECT * FROM t WHERE id = %s", (1,))\n',
        filename: 'example.py',
      },
      fixedBy: 'qmark-to-target-placeholders',
    });
  });
});

describe('useColor', () => {
  const base = { flag: undefined, env: {}, isTTY: true, toFile: false };
  it('is on for a terminal and off for a pipe', () => {
    expect(useColor(base)).toBe(true);
    expect(useColor({ ...base, isTTY: false })).toBe(false);
  });
  it('is off with --no-color, NO_COLOR, or a file, whatever FORCE_COLOR says', () => {
    expect(useColor({ ...base, flag: false, env: { FORCE_COLOR: '1' } })).toBe(false);
    expect(useColor({ ...base, env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).toBe(false);
    expect(useColor({ ...base, toFile: true, env: { FORCE_COLOR: '1' } })).toBe(false);
  });
  it('ignores an empty NO_COLOR, and FORCE_COLOR forces it on (or off with 0)', () => {
    expect(useColor({ ...base, env: { NO_COLOR: '' } })).toBe(true);
    expect(useColor({ ...base, isTTY: false, env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(useColor({ ...base, isTTY: false, env: { FORCE_COLOR: '' } })).toBe(true);
    expect(useColor({ ...base, env: { FORCE_COLOR: '0' } })).toBe(false);
  });
  it('is on with --color without a terminal, whatever NO_COLOR and FORCE_COLOR say, but not in a file', () => {
    expect(useColor({ ...base, flag: true, isTTY: false })).toBe(true);
    expect(useColor({ ...base, flag: true, isTTY: false, env: { NO_COLOR: '1', FORCE_COLOR: '0' } })).toBe(true);
    expect(useColor({ ...base, flag: true, toFile: true })).toBe(false);
  });
});

describe('global options', () => {
  it('accepts --no-color on every command', async () => {
    const h = harness({});
    expect(await main(['rules', '--no-color'], h.ctx)).toBe(0);
    expect(h.err()).toBe('');
  });
});
