import type { Offset } from '../model/facts.js';

/** 1-based line and 1-based column in UTF-16 code units. */
export interface Position {
  line: number;
  column: number;
}

const LF = 10;
const CR = 13;

/**
 * Line starts of a text, for turning offsets into line/column only at output time.
 * `\n`, `\r\n` and a lone `\r` each end a line; `\r\n` counts once.
 */
export class LineIndex {
  /** Offset where each line starts; starts[0] is 0. */
  private readonly starts: Offset[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === CR) {
        if (text.charCodeAt(i + 1) === LF) i++;
        this.starts.push(i + 1);
      } else if (c === LF) {
        this.starts.push(i + 1);
      }
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Line and column of `offset`; offsets outside the text are clamped to it. */
  position(offset: Offset): Position {
    const at = Math.min(Math.max(0, Math.floor(offset)), this.text.length);
    let lo = 0;
    let hi = this.starts.length - 1;
    // the last line whose start is <= at
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - this.starts[lo]! + 1 };
  }

  /** Offset of the first character of 1-based `line` (clamped to the existing lines). */
  lineStart(line: number): Offset {
    const i = Math.min(Math.max(1, line), this.starts.length) - 1;
    return this.starts[i]!;
  }

  /** Offset just past the last character of 1-based `line`, before its line break. */
  lineEnd(line: number): Offset {
    const i = Math.min(Math.max(1, line), this.starts.length) - 1;
    const next = this.starts[i + 1];
    if (next === undefined) return this.text.length;
    let end = next;
    if (end > 0 && this.text.charCodeAt(end - 1) === LF) end--;
    if (end > this.starts[i]! && this.text.charCodeAt(end - 1) === CR) end--;
    return end;
  }

  /** The text of 1-based `line` without its line break; '' for a line that does not exist. */
  lineText(line: number): string {
    if (line < 1 || line > this.starts.length) return '';
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}
