import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import qmark from '../codemods/qmark-to-target-placeholders.js';
import { applyEdits, dominantEol, editsOverlap, fixFile, mergeChanges, psycopgToPostgres } from '../src/edit/engine.js';
import { fixFiles } from '../src/edit/fix.js';
import { extractPythonFacts, ProjectIndex } from '../src/lang/python/index.js';
import type { Tree } from '../src/lang/python/parser.js';
import { projectSchema } from '../src/edit/schema.js';
import { analyseAlone, fixText } from '../src/edit/standalone.js';
import { defaultTarget, resolveTarget, targetFor } from '../src/edit/target.js';
import { assertClean, assertPresent, encodeLike, writeFileAtomically } from '../src/edit/write.js';
import { defineCodemod } from '../src/model/codemod.js';
import type { Change, Codemod } from '../src/model/codemod.js';
import { ConfigError, UsageError } from '../src/util/errors.js';
import { random } from './helpers/random.js';

const scratch = mkdtempSync(join(tmpdir(), 'pgready-engine-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let counter = 0;
const freshDir = () => {
  const d = join(scratch, String(counter++));
  mkdirSync(d, { recursive: true });
  return d;
};

function change(codemod: string, title: string, edits: [number, number, string][]): Change {
  return { codemod, title, safety: 'safe', edits: edits.map(([start, end, text]) => ({ range: { start, end }, text })) };
}

/** A codemod that replaces every occurrence of `from` in the file with `to` (a test double). */
function replacer(name: string, from: string, to: string, safety: 'safe' | 'unsafe' = 'safe'): Codemod {
  return defineCodemod({
    name,
    title: `replace ${from}`,
    resolves: [],
    plan(_facts, { source }, out) {
      const edits = [];
      for (let i = source.text.indexOf(from); i >= 0; i = source.text.indexOf(from, i + from.length)) {
        edits.push({ range: { start: i, end: i + from.length }, text: to });
      }
      if (edits.length > 0) out.change({ title: `replace ${from} with ${to}`, safety, edits });
    },
  });
}

const SELECT = 'import sqlite3\nconn = sqlite3.connect("a.db")\ncur = conn.cursor()\ncur.execute("SELECT a FROM t WHERE b = ?", (1,))\n';

/**
 * What mergeChanges decided before session 27, comparing each change with every edit taken
 * before it: the titles accepted, and for each refused change the title of the change it was
 * found to overlap (the first taken), or 'self' when its own edits overlap.
 */
function decidedByReading(changes: readonly Change[]): { accepted: string[]; refused: [string, string][] } {
  const byRange = (a: { start: number; end: number }, b: { start: number; end: number }) => a.start - b.start || a.end - b.end;
  const first = (c: Change) => c.edits.map((e) => e.range).sort(byRange)[0]!;
  const taken: { range: { start: number; end: number }; title: string }[] = [];
  const accepted: string[] = [];
  const refused: [string, string][] = [];
  const seen = new Set<string>();
  for (const c of [...changes].sort((a, b) => byRange(first(a), first(b)))) {
    const key = JSON.stringify(c.edits.map((e) => [e.range.start, e.range.end, e.text]).sort());
    if (seen.has(key)) continue;
    const own = c.edits.map((e) => e.range);
    if (own.some((r, i) => own.some((q, j) => j > i && editsOverlap(r, q)))) refused.push([c.title, 'self']);
    else {
      const clash = taken.find((t) => own.some((r) => editsOverlap(r, t.range)));
      if (clash) refused.push([c.title, clash.title]);
      else {
        accepted.push(c.title);
        seen.add(key);
        taken.push(...own.map((range) => ({ range, title: c.title })));
      }
    }
  }
  return { accepted, refused };
}

describe('mergeChanges', () => {
  it('decides as comparing each change with every edit taken before it did, on random changes', () => {
    const rnd = random(99);
    for (let k = 0; k < 500; k++) {
      const changes = Array.from({ length: 1 + Math.floor(rnd() * 14) }, (_, i) =>
        change(
          `c${i % 3}`,
          `t${i}`,
          Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => {
            const start = Math.floor(rnd() * 30);
            return [start, start + (rnd() < 0.3 ? 0 : Math.floor(rnd() * 5)), rnd() < 0.5 ? 'x' : 'y'] as [number, number, string];
          }),
        ),
      );
      const merged = mergeChanges(changes);
      const decided = {
        accepted: merged.accepted.map((c) => c.title),
        refused: merged.refusals.map((r): [string, string] => [/the change "([^"]+)"/.exec(r.detail)![1]!, r.detail.includes('overlap each other') ? 'self' : /overlaps "([^"]+)"/.exec(r.detail)![1]!]),
      };
      expect(decided, JSON.stringify(changes.map((c) => c.edits))).toEqual(decidedByReading(changes));
    }
  });

  it('drops a change that overlaps an accepted one, whole, as an overlap refusal', () => {
    const a = change('one', 'first', [[0, 5, 'x'], [20, 22, 'y']]);
    const b = change('two', 'second', [[4, 8, 'z'], [30, 31, 'w']]);
    const c = change('three', 'third', [[8, 9, 'v']]);
    const { accepted, refusals } = mergeChanges([b, c, a]);
    expect(accepted.map((x) => x.title)).toEqual(['first', 'third']);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ codemod: 'two', reason: 'overlap', range: { start: 4, end: 8 } });
    expect(refusals[0]!.detail).toContain('"first"');
  });

  it('treats two inserts at one point and an insert inside a replacement as overlapping; touching ranges are fine', () => {
    expect(mergeChanges([change('a', 'a', [[3, 3, 'x']]), change('b', 'b', [[3, 3, 'y']])]).refusals).toHaveLength(1);
    expect(mergeChanges([change('a', 'a', [[2, 6, 'x']]), change('b', 'b', [[4, 4, 'y']])]).refusals).toHaveLength(1);
    expect(mergeChanges([change('a', 'a', [[2, 6, 'x']]), change('b', 'b', [[6, 8, 'y']]), change('c', 'c', [[2, 2, 'z']])]).refusals).toHaveLength(0);
  });

  it('applies a change planned twice (one constant executed at two call sites) once', () => {
    const { accepted, refusals } = mergeChanges([change('q', 'q', [[5, 6, '%s']]), change('q', 'q', [[5, 6, '%s']])]);
    expect(accepted).toHaveLength(1);
    expect(refusals).toEqual([]);
  });

  it('rejects a change whose own edits overlap', () => {
    const { accepted, refusals } = mergeChanges([change('a', 'bad', [[0, 4, 'x'], [2, 3, 'y']])]);
    expect(accepted).toEqual([]);
    expect(refusals[0]!.reason).toBe('overlap');
  });
});

describe('applyEdits and line endings', () => {
  it('applies edits in range order and reports where each landed', () => {
    const { text, spans } = applyEdits('abcdef', [
      { range: { start: 4, end: 5 }, text: 'XY' },
      { range: { start: 1, end: 1 }, text: '+' },
    ]);
    expect(text).toBe('a+bcdXYf');
    expect(spans).toEqual([{ start: 5, end: 7 }, { start: 1, end: 2 }]);
  });

  it('writes inserted line ends the way the file does (CRLF stays CRLF)', () => {
    expect(dominantEol('a\r\nb\r\nc\n')).toBe('\r\n');
    expect(dominantEol('a\nb\r\n')).toBe('\n');
    const { text } = applyEdits('x = 1\r\ny = 2\r\n', [{ range: { start: 7, end: 7 }, text: 'z = 3\nw = 4\n' }]);
    expect(text).toBe('x = 1\r\nz = 3\r\nw = 4\r\ny = 2\r\n');
  });

  it('keeps a CRLF file CRLF through the whole engine', async () => {
    const crlf = SELECT.split('"SELECT').join('"""SELECT').split('?"').join('?"""').split('\n').join('\r\n');
    const twoLines = replacer('split-select', 'SELECT a', 'SELECT\na');
    const fix = await fixText('crlf.py', crlf, [qmark, twoLines]);
    expect(fix.failure).toBeUndefined();
    expect(fix.text).toBe('import sqlite3\r\nconn = sqlite3.connect("a.db")\r\ncur = conn.cursor()\r\ncur.execute("""SELECT\r\na FROM t WHERE b = %s""", (1,))\r\n');
  });
});

describe('fixFile checks', () => {
  it('applies a safe change and leaves an unsafe one pending unless unsafeFixes', async () => {
    const src = 'import sqlite3\nconn = sqlite3.connect("a.db")\ncur = conn.cursor()\ncur.execute("SELECT a FROM t WHERE b = ?", args)\n';
    const off = await fixText('u.py', src, [qmark]);
    expect(off.text).toBe(src);
    expect(off.pendingUnsafe.map((c) => c.codemod)).toEqual(['qmark-to-target-placeholders']);
    const on = await fixText('u.py', src, [qmark], { unsafeFixes: true });
    expect(on.text).toContain('WHERE b = %s", args)');
    expect(on.pendingUnsafe).toEqual([]);
  });

  it('hands the analysis after a pass the tree its syntax check parsed, and gets the same facts as from the text', async () => {
    const trees: (Tree | undefined)[] = [];
    const source = { path: 't.py', absPath: '/t.py', language: 'python' as const, text: SELECT };
    const facts = analyseAlone(source);
    const fix = await fixFile(source, facts, {
      codemods: [qmark],
      ctx: { target: targetFor('python', defaultTarget()), schema: projectSchema([facts]) },
      reanalyse: (s, tree) => {
        trees.push(tree);
        const mine = extractPythonFacts(s, ProjectIndex.empty(), tree);
        // the tree is the text's: the facts are those a fresh parse gives
        expect(mine).toEqual(extractPythonFacts(s, ProjectIndex.empty()));
        return mine;
      },
    });
    expect(fix.text).toContain('WHERE b = %s", (1,))');
    expect(trees).toHaveLength(1);
    expect(trees[0]?.text).toBe(fix.text);
  });

  it('counts the syntax errors the file had from its facts, parsing it again only when they list some', async () => {
    // a syntax error the fix leaves as it is (a line the codemod does not touch)
    const broken = `${SELECT}def broken(:\n    pass\n`;
    const source = { path: 'b.py', absPath: '/b.py', language: 'python' as const, text: broken };
    const facts = analyseAlone(source);
    expect(facts.diagnostics.length).toBeGreaterThan(0);
    const run = (f: typeof facts) =>
      fixFile(source, f, {
        codemods: [qmark],
        ctx: { target: targetFor('python', defaultTarget()), schema: projectSchema([f]) },
        reanalyse: (s, tree) => extractPythonFacts(s, ProjectIndex.empty(), tree),
      });
    // the errors listed: the text is parsed and its errors counted, so the pass adds none
    const fixed = await run(facts);
    expect(fixed.failure).toBeUndefined();
    expect(fixed.text).toContain('WHERE b = %s", (1,))');
    // facts that list none are taken at their word (no parse): the error then looks new, and the
    // file is left as it was rather than risked
    const trusted = await run({ ...facts, diagnostics: [] });
    expect(trusted.failure?.check).toBe('syntax');
    expect(trusted.text).toBe(broken);
  });

  it('says a file nested too deep for this thread\'s stack is one to rewrite by hand, not a bug to report', async () => {
    const source = { path: 'deep.py', absPath: '/deep.py', language: 'python' as const, text: SELECT };
    const run = (thrown: Error) =>
      fixFiles([{ source, facts: analyseAlone(source) }], {
        codemods: [qmark],
        target: defaultTarget(),
        unsafeFixes: false,
        extract: () => {
          throw thrown;
        },
      });
    const [deep] = await run(new RangeError('Maximum call stack size exceeded'));
    expect(deep!.text).toBe(SELECT);
    expect(deep!.failure?.detail).toMatch(/^the file nests an expression too deeply for the fix .*; it was left untouched\. Rewrite that expression by hand/);
    const [other] = await run(new TypeError('x is undefined'));
    expect(other!.failure?.detail).toBe('fixing the file failed (x is undefined); it was left untouched. Please report this with the file attached.');
  });

  it('leaves the file untouched when a change adds a Python syntax error', async () => {
    const breaker = replacer('breaker', '(1,))', '(1,)');
    const fix = await fixText('s.py', SELECT, [breaker]);
    expect(fix.failure?.check).toBe('syntax');
    expect(fix.text).toBe(SELECT);
    expect(fix.applied).toEqual([]);
  });

  it('leaves the file untouched when rewritten SQL does not parse as PostgreSQL', async () => {
    const typo = replacer('typo', 'SELECT a FROM', 'SELEKT a FROM');
    const fix = await fixText('p.py', SELECT, [qmark, typo]);
    expect(fix.failure?.check).toBe('postgres');
    expect(fix.failure?.detail).toContain('line 4');
    expect(fix.failure?.detail).toContain('syntax error at or near "SELEKT" in `SELEKT a FROM t WHERE b = $1`');
    expect(fix.text).toBe(SELECT);
  });

  it('catches a literal % left unescaped in SQL sent with parameters (psycopg would reject it)', async () => {
    const src = 'import sqlite3\nconn = sqlite3.connect("a.db")\ncur = conn.cursor()\ncur.execute("SELECT a FROM t WHERE c LIKE \'x%\' AND b = ?", (1,))\n';
    const naive = replacer('naive', '= ?', '= %s');
    const fix = await fixText('pct.py', src, [naive]);
    expect(fix.failure?.check).toBe('postgres');
    expect(fix.failure?.detail).toContain('%%');
    const good = await fixText('pct.py', src, [qmark]);
    expect(good.failure).toBeUndefined();
    expect(good.text).toContain("LIKE 'x%%' AND b = %s");
  });

  it('does not hold a SQLite-only statement that already failed to parse against the pass', async () => {
    const src = 'import sqlite3\nconn = sqlite3.connect("a.db")\ncur = conn.cursor()\ncur.execute("INSERT OR IGNORE INTO t (a) VALUES (?)", (1,))\n';
    const fix = await fixText('o.py', src, [qmark]);
    expect(fix.failure).toBeUndefined();
    expect(fix.text).toContain('VALUES (%s)');
  });

  it('does not count a `?` nothing executes (left for the placeholder codemod) as a PostgreSQL syntax error', async () => {
    const src = 'OLD = "DELETE FROM alerts WHERE created_at < datetime(\'now\') AND acknowledged = ?"\n';
    const fix = await fixText('q.py', src, [replacer('now', "datetime('now')", 'now()')]);
    expect(fix.failure).toBeUndefined();
    expect(fix.text).toBe('OLD = "DELETE FROM alerts WHERE created_at < now() AND acknowledged = ?"\n');
  });

  it('refuses a change with an edit outside the file instead of applying it', async () => {
    const wild = defineCodemod({
      name: 'wild',
      title: 'edits past the end',
      resolves: [],
      plan(_f, { source }, out) {
        out.change({ title: 'past the end', safety: 'safe', edits: [{ range: { start: source.text.length + 5, end: source.text.length + 6 }, text: 'x' }] });
      },
    });
    const fix = await fixText('w.py', SELECT, [wild]);
    expect(fix.text).toBe(SELECT);
    expect(fix.refusals.map((r) => r.reason)).toEqual(['invalid-edit']);
  });

  it('reports a codemod that never reaches a fixed point, and leaves the file untouched', async () => {
    const grower = defineCodemod({
      name: 'grower',
      title: 'always appends',
      resolves: [],
      plan(_f, { source }, out) {
        out.change({ title: 'append', safety: 'safe', edits: [{ range: { start: source.text.length, end: source.text.length }, text: '#\n' }] });
      },
    });
    const fix = await fixText('g.py', SELECT, [grower]);
    expect(fix.failure?.check).toBe('idempotence');
    expect(fix.text).toBe(SELECT);
  });

  it('turns a codemod that throws into a refusal and still runs the others', async () => {
    const thrower = defineCodemod({
      name: 'thrower',
      title: 'throws',
      resolves: [],
      plan() {
        throw new Error('boom');
      },
    });
    const fix = await fixText('t.py', SELECT, [thrower, qmark]);
    expect(fix.refusals.map((r) => [r.codemod, r.reason])).toContainEqual(['thrower', 'codemod-error']);
    expect(fix.text).toContain('b = %s');
  });

  it('re-applies a change that overlapped in an earlier pass once the other one is in', async () => {
    const a = replacer('a-first', 'SELECT a', 'SELECT DISTINCT a');
    const b = replacer('b-second', 'a FROM t ', 'a FROM u ');
    const fix = await fixText('ov.py', SELECT, [a, b, qmark]);
    expect(fix.failure).toBeUndefined();
    expect(fix.text).toContain('"SELECT DISTINCT a FROM u WHERE b = %s"');
    expect(fix.passes).toBe(2);
  });
});

describe('psycopgToPostgres', () => {
  it('turns %s, %(name)s and %% into what PostgreSQL receives', () => {
    expect(psycopgToPostgres("SELECT %s, %(a)s, %(b)s, %(a)s WHERE c LIKE 'x%%'")).toEqual({ text: "SELECT $1, $2, $3, $2 WHERE c LIKE 'x%'" });
    expect('error' in psycopgToPostgres("LIKE 'x%'")).toBe(true);
    expect('error' in psycopgToPostgres('a %(b) c')).toBe(true);
  });
});

describe('the target', () => {
  it('defaults to psycopg format with the project connection module', () => {
    expect(resolveTarget(undefined)).toEqual(defaultTarget());
    expect(defaultTarget()).toMatchObject({ paramstyle: 'format', connection: { call: 'get_connection({db})', returns: 'context-manager' }, exceptionsModule: 'psycopg' });
  });

  it('merges a partial target over the defaults', () => {
    const t = resolveTarget({ paramstyle: 'numeric', connection: { returns: 'connection' }, databases: { 'trades.db': 'trades' } });
    expect(t.paramstyle).toBe('numeric');
    expect(t.connection.returns).toBe('connection');
    expect(t.connection.import).toBe(defaultTarget().connection.import);
    expect(t.databases).toEqual({ 'trades.db': 'trades' });
  });

  it.each([
    [{ paramstyle: 'qmark' }, 'target.paramstyle'],
    [{ connection: { returns: 'pool' } }, 'target.connection.returns'],
    [{ connection: { call: '' } }, 'target.connection.call'],
    [{ connection: { imprt: 'x' } }, 'target.connection.imprt'],
    [{ databases: { 'a.db': 3 } }, 'target.databases.a.db'],
    [{ style: 'format' }, 'target.style'],
    ['format', 'target'],
  ])('rejects %j naming %s', (raw, keyPath) => {
    let err: unknown;
    try {
      resolveTarget(raw, 'pgready.config.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).keyPath).toBe(keyPath);
    expect((err as ConfigError).message).toContain(`pgready.config.json: ${keyPath}:`);
  });
});

describe('the project schema', () => {
  it('collects columns, primary keys and unique constraints from CREATE TABLE', () => {
    const src =
      'import sqlite3\nconn = sqlite3.connect("a.db")\nconn.execute("""CREATE TABLE IF NOT EXISTS Positions (\n' +
      '  id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL, symbol TEXT COLLATE NOCASE, "qty" REAL,\n' +
      '  code TEXT UNIQUE, UNIQUE (account_id, symbol DESC))""")\n' +
      'conn.execute("CREATE TABLE balances (account_id INTEGER, asset TEXT, amount REAL, PRIMARY KEY (account_id, asset))")\n';
    const schema = projectSchema([analyseAlone({ path: 's.py', absPath: '/s.py', language: 'python', text: src })]);
    expect([...schema.keys()]).toEqual(['positions', 'balances']);
    expect(schema.get('positions')).toEqual({
      name: 'Positions',
      columns: ['id', 'account_id', 'symbol', 'qty', 'code'],
      primaryKey: ['id'],
      unique: [['code'], ['account_id', 'symbol']],
      // COLLATE NOCASE is a constraint, not part of the type
      columnTypes: { id: 'INTEGER', account_id: 'INTEGER', symbol: 'TEXT', qty: 'REAL', code: 'TEXT' },
    });
    expect(schema.get('balances')).toMatchObject({ primaryKey: ['account_id', 'asset'], unique: [] });
  });
});

describe('writing', () => {
  it('replaces the file atomically and keeps its mode', () => {
    const dir = freshDir();
    const file = join(dir, 'a.py');
    writeFileSync(file, 'old\n');
    chmodSync(file, 0o751);
    writeFileAtomically(file, 'new\n');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(statSync(file).mode & 0o777).toBe(0o751);
    expect(readdirSync(dir)).toEqual(['a.py']);
  });

  it('leaves the old file and no temporary file behind when the rename fails', () => {
    const dir = freshDir();
    const target = join(dir, 'pkg');
    mkdirSync(target);
    writeFileSync(join(target, 'inside.txt'), 'x');
    expect(() => writeFileAtomically(target, 'new\n')).toThrow(UsageError);
    expect(readdirSync(dir)).toEqual(['pkg']);
    expect(readFileSync(join(target, 'inside.txt'), 'utf8')).toBe('x');
  });

  it('writes back a UTF-8 BOM and refuses a file that changed on disk since it was read', () => {
    const dir = freshDir();
    const file = join(dir, 'b.py');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x = "é"\n')]));
    const source = { absPath: file, path: 'b.py', language: 'python', text: 'x = "é"\n' };
    expect([...encodeLike(source, 'y = "é"\n').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    writeFileSync(file, 'z = 1\n');
    expect(() => encodeLike(source, 'y\n')).toThrow(/changed on disk/);
  });

  it('names the files to fix that were removed or moved since they were read', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'kept.py'), 'x = 1\n');
    const shown = (abs: string) => abs.slice(dir.length + 1);
    expect(() => assertPresent([join(dir, 'kept.py')], shown)).not.toThrow();
    const many = Array.from({ length: 12 }, (_, i) => join(dir, `g${i}.py`));
    expect(() => assertPresent(many, shown)).toThrow(/: g0\.py, g1\.py, .*, g9\.py, and 2 more\. Nothing was written/);
    expect(() => assertPresent([join(dir, 'kept.py'), join(dir, 'gone.py')], shown)).toThrow(
      new UsageError('1 file(s) to fix were removed or moved while pgready was fixing them: gone.py. Nothing was written; run `pgready fix` again.'),
    );
  });

  it('refuses to write files with uncommitted git changes unless allowed', () => {
    const dir = freshDir();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' });
    try {
      git('init', '-q');
    } catch {
      return expect.fail('git is needed for this test');
    }
    writeFileSync(join(dir, 'clean.py'), 'a = 1\n');
    writeFileSync(join(dir, 'dirty.py'), 'b = 1\n');
    git('add', '.');
    git('commit', '-q', '-m', 'init');
    writeFileSync(join(dir, 'dirty.py'), 'b = 2\n');
    const shown = (p: string) => p.slice(dir.length + 1);
    expect(() => assertClean([join(dir, 'clean.py')], dir, false, shown)).not.toThrow();
    expect(() => assertClean([join(dir, 'clean.py'), join(dir, 'dirty.py')], dir, false, shown)).toThrow(/dirty\.py.*--allow-dirty/);
    expect(() => assertClean([join(dir, 'dirty.py')], dir, true, shown)).not.toThrow();
    writeFileSync(join(dir, 'new.py'), 'c = 1\n');
    expect(() => assertClean([join(dir, 'new.py')], dir, false, shown)).toThrow(/new\.py/);
  });

  it('does not check anything outside a git work tree', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'x.py'), 'a = 1\n');
    expect(() => assertClean([join(dir, 'x.py')], dir, false, (p) => p)).not.toThrow();
  });
});
