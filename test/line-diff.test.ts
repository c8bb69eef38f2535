import { createTwoFilesPatch, diffLines } from 'diff';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../src/edit/diff.js';
import { formatUnifiedDiff, lineChanges, lineNumberAt, linesOf, UNIQUE_LINES_LIMIT, type LineChange } from '../src/edit/line-diff.js';
import { offsetMapper } from '../src/edit/offsets.js';
import { random } from './helpers/random.js';

/** A text of lines from a small vocabulary (so that lines repeat), `\n` or `\r\n` ends, maybe no last end. */
function randomText(rnd: () => number, maxLines: number): string {
  const words = ['import sqlite3', 'x = 1', 'cur.execute("SELECT ?", (1,))', '', '    pass', 'def f():', 'y = x', '# note'];
  const n = Math.floor(rnd() * maxLines);
  let text = '';
  for (let i = 0; i < n; i++) text += words[Math.floor(rnd() * words.length)]! + (rnd() < 0.1 ? '\r\n' : '\n');
  if (n > 0 && rnd() < 0.2) text = text.replace(/\r?\n$/, '');
  return text;
}

/** The two texts a change list describes, and how many lines it keeps. */
function sides(changes: readonly LineChange[]): { before: string; after: string; kept: number } {
  let before = '';
  let after = '';
  let kept = 0;
  for (const c of changes) {
    if (!c.added) before += c.value;
    if (!c.removed) after += c.value;
    if (!c.added && !c.removed) kept += c.count;
    expect(linesOf(c.value)).toHaveLength(c.count);
  }
  return { before, after, kept };
}

const keptBy = (changes: readonly LineChange[]): number => changes.filter((c) => !c.added && !c.removed).reduce((n, c) => n + (c.count ?? 0), 0);

describe('lineChanges', () => {
  it('is jsdiff\'s diffLines while few lines of a side are missing from the other', () => {
    const rnd = random(7);
    for (let k = 0; k < 200; k++) {
      const [a, b] = [randomText(rnd, 30), randomText(rnd, 30)];
      expect(lineChanges(a, b)).toEqual(diffLines(a, b));
    }
  });

  it('sets lines one side lacks aside and still finds a longest common subsequence of lines', () => {
    const rnd = random(11);
    for (let k = 0; k < 300; k++) {
      const a = randomText(rnd, 40);
      // some lines only one side has, as a rewrite makes them
      const b = randomText(rnd, 40).replace(/\(1,\)/g, () => `(${Math.floor(rnd() * 3)},)`);
      const changes = lineChanges(a, b, 0);
      const got = sides(changes);
      expect(got.before, JSON.stringify([a, b])).toBe(a);
      expect(got.after).toBe(b);
      // as many kept lines as jsdiff's minimal diff keeps
      expect(got.kept).toBe(keptBy(diffLines(a, b) as LineChange[]));
      // runs alternate: no two neighbours of one kind
      for (let i = 1; i < changes.length; i++) {
        const kind = (c: LineChange) => (c.added ? 'a' : c.removed ? 'r' : 's');
        expect(kind(changes[i]!)).not.toBe(kind(changes[i - 1]!));
      }
    }
  });

  it('diffs a file whose thousands of lines all change as removed lines, then added ones, between the kept ones', () => {
    const before = `import sqlite3\n${Array.from({ length: 3000 }, (_, i) => `cur.execute("SELECT ?", (${i},))\n`).join('')}conn.close()\n`;
    const after = before.replace(/\?/g, '%s');
    // past the limit: the lines are set aside, and the runs are jsdiff's all the same
    expect(linesOf(before).filter((l) => !after.includes(l)).length).toBeGreaterThan(UNIQUE_LINES_LIMIT);
    expect(lineChanges(before, after).map((c) => [c.count, c.added, c.removed])).toEqual(diffLines(before, after).map((c) => [c.count, c.added, c.removed]));
    const changes = lineChanges(before, after);
    expect(changes.map((c) => [c.count, c.added, c.removed])).toEqual([
      [1, false, false],
      [3000, false, true],
      [3000, true, false],
      [1, false, false],
    ]);
    // the patch is the one jsdiff writes for it
    expect(unifiedDiff('big.py', before, after)).toBe(createTwoFilesPatch('a/big.py', 'b/big.py', before, after, undefined, undefined, { context: 3 }));
  });
});

describe('formatUnifiedDiff', () => {
  it('writes what createTwoFilesPatch writes for the same changes', () => {
    const rnd = random(3);
    for (let k = 0; k < 400; k++) {
      const a = randomText(rnd, 25);
      const b = rnd() < 0.5 ? randomText(rnd, 25) : a.replace(/x = 1/g, 'x = 2');
      if (a === b) continue;
      const context = [0, 1, 3][k % 3]!;
      const want = createTwoFilesPatch('a/f.py', 'b/f.py', a, b, undefined, undefined, { context });
      expect(formatUnifiedDiff('a/f.py', 'b/f.py', diffLines(a, b) as LineChange[], context), JSON.stringify([a, b, context])).toBe(want);
    }
  });
});

describe('lineNumberAt', () => {
  it('counts the `\\n` before the offset, whichever texts it is asked about in turn', () => {
    const rnd = random(5);
    const texts = [randomText(rnd, 50), randomText(rnd, 50), randomText(rnd, 50)];
    for (let k = 0; k < 500; k++) {
      const text = texts[Math.floor(rnd() * texts.length)]!;
      const offset = Math.floor(rnd() * (text.length + 2));
      expect(lineNumberAt(text, offset)).toBe(text.slice(0, offset).split('\n').length);
    }
  });
});

describe('offsetMapper on a run of changed lines', () => {
  it('maps each line of a run that changed line by line to its own line', () => {
    const before = Array.from({ length: 2000 }, (_, i) => `cur.execute("SELECT a${i} FROM t WHERE b = ?", (x,))\n`).join('');
    const after = before.replace(/\?/g, '%s');
    const map = offsetMapper(before, after);
    for (const i of [0, 1, 999, 1999]) {
      const at = after.indexOf(`a${i} `);
      expect(map(at)).toBe(before.indexOf(`a${i} `));
      // the rewritten placeholder maps to the one it replaced
      const p = after.indexOf('%s', at);
      expect(map(p)).toBe(before.indexOf('?', before.indexOf(`a${i} `)));
    }
  });
});
