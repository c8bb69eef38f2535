import { describe, expect, it } from 'vitest';
import { LineIndex } from '../src/util/lines.js';

describe('LineIndex', () => {
  it('maps offsets in LF text', () => {
    const idx = new LineIndex('ab\ncd\n');
    expect(idx.lineCount).toBe(3);
    expect(idx.position(0)).toEqual({ line: 1, column: 1 });
    expect(idx.position(2)).toEqual({ line: 1, column: 3 }); // the \n itself
    expect(idx.position(3)).toEqual({ line: 2, column: 1 });
    expect(idx.position(4)).toEqual({ line: 2, column: 2 });
    expect(idx.position(6)).toEqual({ line: 3, column: 1 }); // end of text, after the final \n
    expect(idx.lineText(1)).toBe('ab');
    expect(idx.lineText(2)).toBe('cd');
    expect(idx.lineText(3)).toBe('');
  });

  it('counts CRLF as one line break and keeps it out of lineText', () => {
    const idx = new LineIndex('one\r\ntwo\r\n\r\nfour');
    expect(idx.lineCount).toBe(4);
    // o=0 n=1 e=2 \r=3 \n=4 t=5 w=6 o=7 \r=8 \n=9 \r=10 \n=11 f=12
    expect(idx.position(3)).toEqual({ line: 1, column: 4 });
    expect(idx.position(4)).toEqual({ line: 1, column: 5 });
    expect(idx.position(5)).toEqual({ line: 2, column: 1 });
    expect(idx.position(10)).toEqual({ line: 3, column: 1 });
    expect(idx.position(12)).toEqual({ line: 4, column: 1 });
    expect(idx.position(15)).toEqual({ line: 4, column: 4 });
    expect(idx.lineText(1)).toBe('one');
    expect(idx.lineText(2)).toBe('two');
    expect(idx.lineText(3)).toBe('');
    expect(idx.lineText(4)).toBe('four');
  });

  it('treats a lone CR as a line break, and mixed endings each once', () => {
    const idx = new LineIndex('a\rb\nc\r\nd');
    expect(idx.lineCount).toBe(4);
    expect(idx.position(2)).toEqual({ line: 2, column: 1 });
    expect(idx.position(4)).toEqual({ line: 3, column: 1 });
    expect(idx.position(7)).toEqual({ line: 4, column: 1 });
    expect([1, 2, 3, 4].map((l) => idx.lineText(l))).toEqual(['a', 'b', 'c', 'd']);
  });

  it('counts columns in UTF-16 code units', () => {
    // é is one code unit, 😀 (U+1F600) is two
    const text = 'x = "é😀"; y = ?\nzé';
    const idx = new LineIndex(text);
    const q = text.indexOf('?');
    // x,space,=,space,",é,😀(2 units),",;,space,y,space,=,space: 15 units before the ?
    expect(q).toBe(15);
    expect(idx.position(q)).toEqual({ line: 1, column: 16 });
    expect(idx.position(text.indexOf('z') + 1)).toEqual({ line: 2, column: 2 });
    expect(idx.lineText(1)).toBe('x = "é😀"; y = ?');
  });

  it('clamps offsets and line numbers outside the text', () => {
    const idx = new LineIndex('ab\ncd');
    expect(idx.position(-5)).toEqual({ line: 1, column: 1 });
    expect(idx.position(99)).toEqual({ line: 2, column: 3 });
    expect(idx.lineText(0)).toBe('');
    expect(idx.lineText(3)).toBe('');
  });

  it('handles the empty text', () => {
    const idx = new LineIndex('');
    expect(idx.lineCount).toBe(1);
    expect(idx.position(0)).toEqual({ line: 1, column: 1 });
    expect(idx.lineText(1)).toBe('');
  });
});
