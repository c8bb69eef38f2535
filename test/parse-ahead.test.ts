import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePython, parsePythonAsync } from '../src/lang/python/parser.js';
import { ParseAhead } from '../src/perf/parse-ahead.js';
import { auditWithEnv } from './helpers/env.js';

/*
 * Files the prefilter selects are parsed on libuv's thread pool while the main thread reads on
 * (src/perf/parse-ahead.ts, the addon's parseAsync): the index pass must get the very tree it
 * would have parsed, or none.
 */

function pythonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...pythonFiles(p));
    else if (name.endsWith('.py')) out.push(p);
  }
  return out;
}

describe('parsePythonAsync', () => {
  it('gives the words parsePython gives, for every Python fixture', async () => {
    const files = pythonFiles('fixtures');
    expect(files.length).toBeGreaterThan(100);
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    // npm ci builds the addon: without it there is nothing to parse ahead, and that is a broken install
    const pending = texts.map((t) => parsePythonAsync(t));
    expect(pending.every((p) => p !== undefined)).toBe(true);
    const words = await Promise.all(pending);
    texts.forEach((t, i) => expect(words[i], files[i]).toEqual(parsePython(t).words));
  });

  it('parses text with errors, non-ASCII text and an empty text as parsePython does', async () => {
    for (const t of ['', 'def f(:\n  return ☕ +\n', 'x = "𝔘é"\nclass C:\n    pass\n', '\r\n\r\n']) {
      expect(await parsePythonAsync(t)).toEqual(parsePython(t).words);
    }
  });
});

describe('ParseAhead', () => {
  it('hands over a tree once, and only for the text it parsed', async () => {
    const ahead = new ParseAhead(1000);
    ahead.start('a.py', 'x = 1\n');
    ahead.start('b.py', 'y = 2\n');
    expect(await ahead.take('a.py', 'x = 1\n')).toEqual(parsePython('x = 1\n').words);
    expect(await ahead.take('a.py', 'x = 1\n')).toBeUndefined();
    expect(await ahead.take('b.py', 'y = 3\n')).toBeUndefined();
    expect(await ahead.take('c.py', 'z = 1\n')).toBeUndefined();
  });

  it('parses no more text than its limit', async () => {
    const ahead = new ParseAhead(10);
    ahead.start('a.py', 'x = 1\n');
    ahead.start('b.py', 'y = 22\n');
    ahead.start('c.py', 'z=3\n');
    expect(await ahead.take('a.py', 'x = 1\n')).toBeDefined();
    expect(await ahead.take('b.py', 'y = 22\n')).toBeUndefined();
    expect(await ahead.take('c.py', 'z=3\n')).toBeDefined();
  });
});

describe('an audit with files parsed ahead', () => {
  it('parses ahead the modules the facts pass asks about, which the next round indexes', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pgready-ahead-'));
    try {
      // helpers.py holds nothing the prefilter selects; app.py's facts ask what make() returns
      writeFileSync(join(cwd, 'app.py'), 'import sqlite3\nfrom helpers import make\nconn = make()\nconn.execute("SELECT 1")\n');
      writeFileSync(join(cwd, 'helpers.py'), 'def make():\n    return open_thing()\n');
      const run = async (off: boolean) => {
        const { result, stats } = await auditWithEnv(cwd, 'PGREADY_PARSE_AHEAD', off ? 'off' : undefined);
        return { findings: result.findings, parsed: stats.parsed, ahead: stats.parsedAhead };
      };
      const on = await run(false);
      expect(on.parsed).toBe(2);
      expect(on.ahead).toBe(2);
      const off = await run(true);
      expect(off.ahead).toBeUndefined();
      expect(on.findings).toEqual(off.findings);
      expect(on.findings.length).toBeGreaterThan(0);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('is the audit without: the same findings, files and parsed files', async () => {
    const run = async (off: boolean) => {
      const { result, stats } = await auditWithEnv('fixtures', 'PGREADY_PARSE_AHEAD', off ? 'off' : undefined);
      return { result, ahead: stats.parsedAhead };
    };
    const off = await run(true);
    const on = await run(false);
    expect(off.ahead).toBeUndefined();
    // the fixtures' selected Python is well under the limit: every selected file was parsed ahead
    expect(on.ahead).toBeGreaterThan(100);
    expect(on.result.findings.length).toBeGreaterThan(500);
    expect(on.result).toEqual(off.result);
  }, 120_000);
});
