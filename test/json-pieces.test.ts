import { describe, expect, it } from 'vitest';
import { ITEMS, itemsHole, prettyJsonPieces, textOfPieces } from '../src/util/json-pieces.js';
import { sarif, sarifChunks } from '../src/report/sarif.js';
import { sampleRun } from './report-sample.js';

/** The text prettyJsonPieces gives for `doc` with `items` where ITEMS stands. */
const pieced = (doc: unknown, items: unknown[]): string => textOfPieces(prettyJsonPieces(doc, items));
/** The same document stringified whole. */
const whole = (doc: unknown, items: unknown[]): string =>
  `${JSON.stringify(doc, (_k, v: unknown) => (v === ITEMS ? items : v), 2)}\n`;

describe('prettyJsonPieces', () => {
  const items = [{ a: 1, b: [1, 2, { c: 'x\ny' }], d: {} }, [], 'text', 3, null, { e: [] }];
  const docs: unknown[] = [
    { list: ITEMS },
    { head: { x: [1, 2] }, list: ITEMS, tail: [{ y: 'z' }] },
    { runs: [{ tool: { name: 't' }, results: ITEMS }] },
    [1, { deep: { deeper: ITEMS } }],
  ];

  it('writes what JSON.stringify writes, at any depth, with and without items', () => {
    for (const doc of docs) {
      expect(pieced(doc, items)).toBe(whole(doc, items));
      expect(pieced(doc, [])).toBe(whole(doc, []));
      expect(pieced(doc, [items[0]])).toBe(whole(doc, [items[0]]));
    }
  });

  it('writes several arrays item by item, wherever they stand in the document', () => {
    const files = itemsHole('files');
    const more = [{ path: 'a.py', counts: { n: 1 } }, { path: 'b.py', counts: { n: 2 } }];
    const holes: unknown[] = [
      { head: 1, files, findings: ITEMS, tail: [2] },
      { findings: ITEMS, deep: { files } },
      [files, { x: ITEMS }],
    ];
    const wholeOf = (doc: unknown, list: unknown[], other: unknown[]): string =>
      `${JSON.stringify(doc, (_k, v: unknown) => (v === ITEMS ? list : v === files ? other : v), 2)}\n`;
    for (const doc of holes) {
      expect(textOfPieces(prettyJsonPieces(doc, items, [[files, more]]))).toBe(wholeOf(doc, items, more));
      expect(textOfPieces(prettyJsonPieces(doc, [], [[files, []]]))).toBe(wholeOf(doc, [], []));
      // each list is read once, in the document's order
      expect(textOfPieces(prettyJsonPieces(doc, items.values(), [[files, more.values()]]))).toBe(wholeOf(doc, items, more));
    }
    expect(() => [...prettyJsonPieces({ list: ITEMS }, items, [[files, more]])]).toThrow();
    expect(() => [...prettyJsonPieces({ list: ITEMS, a: files, b: files }, items, [[files, more]])]).toThrow();
  });

  it('hands out pieces of bounded size, and refuses a document without exactly one ITEMS', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ i, text: 'x'.repeat(40) }));
    const pieces = [...prettyJsonPieces({ list: ITEMS }, many)];
    expect(pieces.length).toBeGreaterThan(3);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(70_000);
    expect(textOfPieces(pieces)).toBe(whole({ list: ITEMS }, many));
    expect(() => [...prettyJsonPieces({ list: [] }, many)]).toThrow();
    expect(() => [...prettyJsonPieces({ a: ITEMS, b: ITEMS }, many)]).toThrow();
  });

  it('writes UTF-8 byte for byte: characters of two, three and four bytes, and an item larger than a piece', () => {
    const wide = [{ s: 'é…😀' }, { t: '…'.repeat(30_000) }, 'x'.repeat(70_000), { u: '😀'.repeat(25_000), v: 'ü' }, 'end'];
    for (const doc of docs) {
      const pieces = [...prettyJsonPieces(doc, wide)];
      expect(Buffer.concat(pieces).equals(Buffer.from(whole(doc, wide), 'utf8'))).toBe(true);
      // each piece is its own buffer: one handed out is never written again
      expect(new Set(pieces.map((p) => p.buffer)).size).toBe(pieces.length);
    }
  });

  it('gives the SARIF log a result at a time, the same text as the whole log', () => {
    const run = sampleRun();
    run.findings = Array.from({ length: 1500 }, (_, i) => ({ ...run.findings[i % run.findings.length]!, line: i + 1, fingerprint: `f${i}` }));
    const opts = { color: false, cwd: '/repo' };
    const text = textOfPieces(sarifChunks(run, opts));
    expect(text).toBe(sarif(run, opts));
    expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    expect((JSON.parse(text) as { runs: { results: unknown[] }[] }).runs[0]!.results).toHaveLength(1500);
  });
});
