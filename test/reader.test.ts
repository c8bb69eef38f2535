import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSource } from '../src/discover/read.js';
import type { ReadableFile, ReadSource } from '../src/discover/read.js';
import type { Skipped } from '../src/model/run.js';
import { READ_BATCH, readAhead, searchUnread } from '../src/perf/reader.js';
import type { FactoryWords, UnreadSource } from '../src/perf/reader.js';
import { reaches } from '../src/perf/engine.js';
import { nativeReader, nativeScreen, nativeSearch, trimReaderMemory } from '../src/perf/screen.js';
import { contentHash } from '../src/perf/disk-source.js';
import { random } from './helpers/random.js';
import { auditWithEnv, withEnv } from './helpers/env.js';

/*
 * The native reader (native/read_files.c) reads and screens files on libuv's thread pool and hands
 * plain UTF-8 over as strings it made itself: every file must come out exactly as readSource reads
 * it on this thread (text, encoding decisions, skip reasons and their wording, screen bits), in order.
 */

const dir = mkdtempSync(join(tmpdir(), 'pgready-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MAX = 4096;

function file(name: string, bytes: Uint8Array | string, language: ReadableFile['language'] = 'python'): ReadableFile {
  const absPath = join(dir, name);
  writeFileSync(absPath, bytes);
  return { path: name, absPath, language };
}

async function readAll(files: ReadableFile[], opts: { lazy?: boolean; hash?: boolean } = {}): Promise<(ReadSource | UnreadSource | Skipped)[]> {
  const reader = nativeReader();
  // npm ci builds the addon: a missing reader is a broken install, not a reason to skip
  expect(reader).toBeDefined();
  const out: (ReadSource | UnreadSource | Skipped)[] = [];
  for await (const batch of readAhead(files, { maxFileBytes: MAX }, { screen: nativeScreen(), reader, ...opts })) out.push(...batch);
  return out;
}

/**
 * The read without when it began (readStat.at: the reader's batch and readSource each take their
 * own Date.now()), after checking that it began no later than the read it is compared with.
 */
function untimed<T extends ReadSource | UnreadSource | Skipped>(r: T, before?: ReadSource | UnreadSource | Skipped): T {
  if (!('readStat' in r) || !r.readStat) return r;
  if (before && 'readStat' in before && before.readStat) expect(r.readStat.at).toBeLessThanOrEqual(before.readStat.at);
  return { ...r, readStat: { ...r.readStat, at: 0 } };
}

function expectSameAsReadSource(files: ReadableFile[], got: (ReadSource | UnreadSource | Skipped)[]): void {
  expect(got.map((r) => r.path)).toEqual(files.map((f) => f.path));
  files.forEach((f, i) => {
    const want = readSource(f, { maxFileBytes: MAX }, nativeScreen());
    expect(untimed(got[i]!, want), f.path).toEqual(untimed(want));
  });
}

/**
 * As readSource reads them, but for the content hashes taken on the pool (each contentHash's own)
 * and the settled files left unread (their length and hash those of the text readSource reads).
 */
function expectReadSourceOrUnread(files: ReadableFile[], got: (ReadSource | UnreadSource | Skipped)[], lazy: boolean): { hashed: number; unread: number } {
  expect(got.map((r) => r.path)).toEqual(files.map((f) => f.path));
  let hashed = 0;
  let unread = 0;
  files.forEach((f, i) => {
    const want = untimed(readSource(f, { maxFileBytes: MAX }, nativeScreen()));
    const r = untimed(got[i]!);
    if ('unread' in r) {
      unread++;
      expect(lazy, f.path).toBe(true);
      expect('text' in want && want.language === 'python' && want.screened === 0, f.path).toBe(true);
      expect(r, f.path).toEqual({
        path: f.path,
        absPath: f.absPath,
        language: f.language,
        unread: true,
        length: (want as ReadSource).text.length,
        contentHash: contentHash(want as ReadSource),
        screened: 0,
        readStat: (want as ReadSource).readStat,
      });
      return;
    }
    if ('contentHash' in r && r.contentHash !== undefined) {
      hashed++;
      expect(r.contentHash, f.path).toBe(contentHash({ ...(want as ReadSource) }));
      expect({ ...r, contentHash: undefined }, f.path).toEqual({ ...want, contentHash: undefined });
    } else expect(r, f.path).toEqual(want);
  });
  return { hashed, unread };
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');
const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? utf8(p) : Buffer.from(p))));

/** Hashed on the pool, settled files left unread, both: at least so many hashed and left unread. */
async function expectEveryMode(files: ReadableFile[], hashed: number, unread: number): Promise<void> {
  for (const opts of [{ hash: true }, { lazy: true }, { lazy: true, hash: true }]) {
    const r = expectReadSourceOrUnread(files, await readAll(files, opts), opts.lazy === true);
    if (opts.hash) expect(r.hashed + r.unread).toBeGreaterThanOrEqual(hashed);
    if (opts.lazy) expect(r.unread).toBeGreaterThanOrEqual(unread);
    else expect(r.unread).toBe(0);
  }
}

describe('readAhead with the native reader', () => {
  it('reads every kind of file as readSource does', async () => {
    const sql = 'import sqlite3\nconn = sqlite3.connect("app.db")\nconn.execute("INSERT OR REPLACE INTO t VALUES (?)", (1,))\n';
    const files: ReadableFile[] = [
      file('ascii.py', sql),
      file('settled.py', 'def f(x):\n    return x + 1\n'),
      file('utf8.py', `# café ☕ 𝔘\n${sql}`),
      file('bom.py', bytes([0xef, 0xbb, 0xbf], sql)),
      file('bom-cookie.py', bytes([0xef, 0xbb, 0xbf], '# -*- coding: latin-1 -*-\nx = "é"\n')),
      file('utf16le.py', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(sql, 'utf16le')])),
      file('utf16be.py', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(sql, 'utf16le').swap16()])),
      file('binary.py', bytes('x = 1\n', [0], 'y = 2\n')),
      file('late-nul.py', bytes('#'.repeat(8200), '\n', [0])),
      file('cookie.py', bytes('# -*- coding: latin-1 -*-\nname = "', [0xe9], '"\n')),
      file('cookie-line2.py', bytes('#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nq = "', [0x80], '"\n')),
      // valid UTF-8 that the cookie says to read as Latin-1
      file('cookie-utf8-bytes.py', '# -*- coding: latin-1 -*-\nname = "é"\n'),
      file('cookie-line2-utf8-bytes.py', '#!/usr/bin/env python\r\n# coding=latin-1\nname = "é"\n'),
      file('cookie-line3.py', bytes('x = 1\ny = 2\n# coding: latin-1\nz = "', [0xe9], '"\n')),
      file('not-a-cookie.py', '# decoding is fun\nx = 1\n'),
      file('unknown-cookie.py', '# coding: klingon\nx = 1\n'),
      file('cookie-no-newline.py', '# coding=utf-8'),
      file('invalid.py', bytes('x = "', [0xc3, 0x28], '"\n')),
      file('overlong.py', bytes('x = "', [0xc0, 0xaf], '"\n')),
      file('surrogate.py', bytes('x = "', [0xed, 0xa0, 0x80], '"\n')),
      file('truncated.py', bytes('x = "', [0xe2, 0x82])),
      file('past-max.py', bytes('x = "', [0xf4, 0x90, 0x80, 0x80], '"\n')),
      file('crlf.py', sql.replace(/\n/g, '\r\n')),
      file('cr.py', sql.replace(/\n/g, '\r')),
      file('empty.py', ''),
      file('large.py', `x = 1\n${'#'.repeat(MAX)}\n`),
      file('exactly-max.py', '#'.repeat(MAX)),
      file('schema.sql', 'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT);\n', 'text'),
      file('text-cookie.sql', bytes('-- coding: latin-1\nSELECT "', [0xe9], '";\n'), 'text'),
      file('app.ts', 'const db = new Database("app.db");\n', 'typescript'),
      { path: 'missing.py', absPath: join(dir, 'missing.py'), language: 'python' },
    ];
    mkdirSync(join(dir, 'a-directory.py'));
    files.push({ path: 'a-directory.py', absPath: join(dir, 'a-directory.py'), language: 'python' });
    files.push({ ...file('with-kind.env', 'DATABASE_URL=sqlite:///app.db\n', 'text'), textKind: 'env' });
    // pgready's own outputs are not read as config files; JSON that merely names pgready is
    const json = (name: string, doc: unknown): ReadableFile => ({ ...file(name, JSON.stringify(doc, null, 2), 'text'), textKind: 'json' });
    const finding = { fingerprint: 'f', ruleId: 'SQL401', file: 'a.py', line: 1, message: 'SQLite database file `app.db`' };
    files.push(
      json('old-baseline.json', { version: 1, tool: 'pgready', findings: [finding] }),
      json('audit.json', { tool: { name: 'pgready', version: '0.1.0' }, summary: {}, findings: [finding] }),
      json('verify.json', { tool: { name: 'pgready', version: '0.1.0' }, mode: 'fixed', statements: [] }),
      json('results.sarif.json', { version: '2.1.0', runs: [{ tool: { driver: { name: 'pgready' } }, results: [] }] }),
      json('package.json', { name: 'app', pgready: { baseline: 'b.json' }, db: 'app.db' }),
      json('other-tool.json', { tool: 'pgready-lint', findings: [finding] }),
      { ...file('broken.json', '{ "tool": "pgready", "findings": [', 'text'), textKind: 'json' },
      { ...file('bom.json', bytes([0xef, 0xbb, 0xbf], JSON.stringify({ tool: 'pgready', findings: [] })), 'text'), textKind: 'json' },
    );
    const got = await readAll(files);
    expectSameAsReadSource(files, got);
    await expectEveryMode(files, 10, 2);
    // the cases the test is there for did come out as expected
    const byPath = new Map(got.map((r) => [r.path, r]));
    expect(byPath.get('binary.py')).toMatchObject({ reason: 'binary' });
    expect(byPath.get('large.py')).toMatchObject({ reason: 'too-large' });
    expect(byPath.get('missing.py')).toMatchObject({ reason: 'unreadable' });
    expect(byPath.get('a-directory.py')).toMatchObject({ reason: 'unreadable' });
    expect(byPath.get('old-baseline.json')).toMatchObject({ reason: 'pgready-output', detail: expect.stringMatching(/^a pgready baseline: it quotes what pgready found/) });
    expect(byPath.get('bom.json')).toMatchObject({ reason: 'pgready-output', detail: expect.stringMatching(/^a pgready baseline:/) });
    expect(byPath.get('audit.json')).toMatchObject({ reason: 'pgready-output', detail: expect.stringMatching(/^a pgready JSON report:/) });
    expect(byPath.get('verify.json')).toMatchObject({ reason: 'pgready-output', detail: expect.stringMatching(/^a pgready verify report:/) });
    expect(byPath.get('results.sarif.json')).toMatchObject({ reason: 'pgready-output', detail: expect.stringMatching(/^a pgready SARIF log:/) });
    for (const p of ['package.json', 'other-tool.json', 'broken.json']) expect(byPath.get(p), p).toHaveProperty('text');
    expect(byPath.get('cookie.py')).toMatchObject({ text: 'name = "é"\n'.replace(/^/, '# -*- coding: latin-1 -*-\n') });
    expect(byPath.get('cookie-line2-utf8-bytes.py')).toMatchObject({ text: expect.stringContaining('"Ã©"') });
    expect(byPath.get('invalid.py')).toMatchObject({ text: 'x = "\ufffd("\n' });
    expect(byPath.get('ascii.py')).toMatchObject({ screened: expect.any(Number) });
    expect((byPath.get('ascii.py') as ReadSource).screened).not.toBe(0);
    expect((byPath.get('settled.py') as ReadSource).screened).toBe(0);
    expect(byPath.get('schema.sql')).not.toHaveProperty('screened');
    // a file in another encoding is screened as its text (sourceOf): the prefilter then skips what the bits rule out
    const scr = nativeScreen()!;
    for (const p of ['utf16le.py', 'utf16be.py', 'cookie.py', 'cookie-utf8-bytes.py']) {
      const r = byPath.get(p) as ReadSource;
      expect(r.screened, p).toBe(scr(Buffer.from(r.text, 'utf8')));
    }
    expect((byPath.get('utf16le.py') as ReadSource).screened).not.toBe(0);
    expect((byPath.get('cookie.py') as ReadSource).screened).toBe(0);
  });

  it('reads on after the pool threads\' free memory is given back', async () => {
    const files = [file('before-trim.py', 'import sqlite3\n'), file('after-trim.py', 'x = 1\n')];
    expectSameAsReadSource(files.slice(0, 1), await readAll(files.slice(0, 1)));
    trimReaderMemory();
    expectSameAsReadSource(files, await readAll(files));
  });

  it('keeps the order across batches', async () => {
    const files: ReadableFile[] = [];
    for (let i = 0; i < READ_BATCH * 3 + 5; i++) {
      files.push(i % 7 === 3 ? { path: `gone-${i}.py`, absPath: join(dir, `gone-${i}.py`), language: 'python' } : file(`n${i}.py`, `x = ${i}\n`));
    }
    const got = await readAll(files);
    expectSameAsReadSource(files, got);
  });

  it('decodes random bytes as TextDecoder does', async () => {
    // the same texts every run
    const rand = random(12345);
    const valid: (string | number[])[] = ['x = 1\n', 'é', '☕', '𝔘', 'sqlite3', '"SELECT * FROM t"', '# coding: utf-8\n', '\r\n', '\r', '\n', [0xf4, 0x8f, 0xbf, 0xbf]];
    const invalid: (string | number[])[] = [
      [0xc3], [0xa9], [0xe2, 0x98], [0xf0, 0x9d], [0x80], [0xbf], [0xc0, 0x80], [0xed, 0xbf, 0xbf], [0xf5, 0x80, 0x80, 0x80], [0xff], [0xfe], [0xef, 0xbb, 0xbf], [0],
    ];
    const pick = (from: (string | number[])[]) => from[Math.floor(rand() * from.length)]!;
    const files: ReadableFile[] = [];
    for (let i = 0; i < 600; i++) {
      const parts: (string | number[])[] = [];
      const n = 1 + Math.floor(rand() * 12);
      // half the texts valid UTF-8, half with a fifth of their pieces anything
      for (let k = 0; k < n; k++) parts.push(i % 2 === 1 && rand() < 0.2 ? pick(invalid) : pick(valid));
      files.push(file(`r${i}.${i % 5 === 0 ? 'sql' : 'py'}`, bytes(...parts), i % 5 === 0 ? 'text' : 'python'));
    }
    const got = await readAll(files);
    expectSameAsReadSource(files, got);
    await expectEveryMode(files, 200, 50);
    // the texts were not all skipped or all plain
    expect(got.filter((r) => 'text' in r && r.text.includes('\ufffd')).length).toBeGreaterThan(50);
    expect(got.filter((r) => 'text' in r && /[é☕]/.test(r.text) && !r.text.includes('\ufffd')).length).toBeGreaterThan(20);
  });
});

describe('searchUnread', () => {
  it('finds the files that may call a factory, and the files whose text is not what it was', async () => {
    const open: FactoryWords = { name: 'open_db', module: 'db', packageInit: false };
    const session: FactoryWords = { name: 'make_session', module: '', packageInit: true };
    const accented: FactoryWords = { name: 'connexión', module: 'módulo', packageInit: false };
    const cases: [string, string, number][] = [
      ['uses.py', 'from db import open_db\nconn = open_db()\n', 1],
      ['attribute.py', 'import db\nconn = db.open_db()\n', 1],
      ['no-module.py', 'conn = open_db()\n', 0],
      ['module-in-word.py', 'import dbx\nconn = open_db()\n', 0],
      ['at-start.py', 'open_db(db)', 1],
      ['at-end.py', 'db; x = open_db', 1],
      ['longer.py', 'import db\nreopen_db() + open_db_2()\n', 0],
      ['non-ascii-before.py', 'import db\néopen_db()\n', 0],
      ['non-ascii-after.py', 'import db\nopen_dbé()\n', 0],
      ['dollar.py', '$open_db$ db\n', 1],
      ['relative.py', 'from . import make_session\n', 1],
      ['not-relative.py', 'from pkg import make_session\n', 0],
      ['none.py', 'print("hello")\n', 0],
      ['non-ascii-word.py', 'import módulo\nx = connexión()\n', 1],
      ['astral.py', 'x = "𝔘" + db.open_db()\n', 1],
      ['bom.py', '\ufeffopen_db(db)\n', 1],
    ];
    const lengthOf = (f: ReadableFile) => (readSource(f, { maxFileBytes: MAX }) as ReadSource).text.length;
    const files = cases.map(([name, text]) => {
      const f = file(name, text);
      return { ...f, length: lengthOf(f) };
    });
    // the answers are reaches()'s own
    for (const [name, text, want] of cases) expect([open, session, accented].some((r) => reaches(text.replace(/^\ufeff/, ''), r)) ? 1 : 0, name).toBe(want);
    // longer or shorter after it was read, gone, and not plain UTF-8 (decodeSource decides those)
    const changed = { ...file('changed.py', 'open_db(db)\n'), length: 12 };
    writeFileSync(changed.absPath, 'open_db(db, 1)\n');
    const gone = { path: 'gone.py', absPath: join(dir, 'gone.py'), language: 'python' as const, length: 5 };
    const latin = file('latin.py', bytes('# coding: latin-1\nopen_db(db, "', [0xe9], '")\n'));
    const utf16 = file('utf16.py', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('open_db(db)\n', 'utf16le')]));
    const all = [...files, changed, gone, { ...latin, length: lengthOf(latin) }, { ...utf16, length: lengthOf(utf16) }];
    const found = await searchUnread(all, [open, session, accented, { name: '', module: 'db', packageInit: true }], nativeSearch());
    expect(found).toBeDefined();
    expect(Object.fromEntries(found!)).toEqual({
      ...Object.fromEntries(cases.map(([name, , want]) => [name, want])),
      'changed.py': 2,
      'gone.py': 2,
      'latin.py': 2,
      'utf16.py': 2,
    });
  });

  it('answers as reaches() does on random texts', async () => {
    const rand = random(99);
    const pieces = ['open_db', 'db', 'from .', 'from', ' .', 'import ', '_', 'x', 'é', '𝔘', ' ', '\n', '.', '(', 'dbé', 'open', '_db', 'pkg', 'get_conn', 'conn', ' get_conn ', ' from . ', ' db ', ' pkg ', ' conn '];
    const refSets: FactoryWords[][] = [
      [{ name: 'open_db', module: 'db', packageInit: false }],
      [{ name: 'get_conn', module: '', packageInit: true }],
      [{ name: 'open_db', module: 'pkg', packageInit: true }, { name: 'conn', module: 'dbé', packageInit: false }],
    ];
    const texts: string[] = [];
    for (let i = 0; i < 1000; i++) {
      let t = '';
      const n = 1 + Math.floor(rand() * 24);
      for (let k = 0; k < n; k++) t += pieces[Math.floor(rand() * pieces.length)]!;
      texts.push(t);
    }
    const files = texts.map((t, i) => ({ ...file(`fuzz-${i}.py`, t), length: t.length }));
    for (const refs of refSets) {
      const found = await searchUnread(files, refs, nativeSearch());
      const want = texts.map((t) => (refs.some((r) => reaches(t, r)) ? 1 : 0));
      expect(files.map((f) => found!.get(f.path))).toEqual(want);
      expect(want.filter((w) => w === 1).length).toBeGreaterThan(20);
      expect(want.filter((w) => w === 0).length).toBeGreaterThan(20);
    }
  });

  it('is undefined without the addon', async () => {
    expect(await searchUnread([], [{ name: 'x', module: '', packageInit: false }], undefined)).toBeUndefined();
  });
});

describe('an audit read by the native reader', () => {
  it('is the audit read one file at a time: the same findings, files, skips and parsed files', async () => {
    // every fixture: files of each language, non-ASCII and coding cookies among them
    const sync = await auditWithEnv('fixtures', 'PGREADY_READER', 'sync');
    const native = await auditWithEnv('fixtures', 'PGREADY_READER', undefined);
    expect(native.result.findings.length).toBeGreaterThan(500);
    expect(native.result).toEqual(sync.result);
  }, 120_000);

  it('is left out when PGREADY_READER=sync asks for the files to be read on this thread', async () => {
    expect(await withEnv('PGREADY_READER', 'sync', () => nativeReader())).toBeUndefined();
    expect(await withEnv('PGREADY_READER', undefined, () => nativeReader())).toBeDefined();
  });
});
