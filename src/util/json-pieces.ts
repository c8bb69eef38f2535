/** What stands in a document for the one large array `prettyJsonPieces` writes item by item. */
export const ITEMS = '\u0000pgready-items\u0000';

/** What stands in a document for another such array (`prettyJsonPieces`' `more`), by its name. */
export function itemsHole(name: string): string {
  return `\u0000pgready-items-${name}\u0000`;
}

/** Pieces of about this many bytes (few writes, no document-sized buffer). */
const PIECE = 65536;

/**
 * UTF-8 pieces of about PIECE bytes, each string written straight into the piece's buffer. Pieces
 * built as strings from many small ones (ropes) and encoded after cost about twice as much: 1.65 s
 * of a 5.3 s warm run with one file changed on 16,000 dense files (CPU profile), and 2.6-3.7 s
 * against 0.9 s for 247,000 findings in a script. That run now takes 4.43-4.76 s against
 * 4.86-5.17 s (four interleaved pairs, the same report).
 */
class Utf8Pieces {
  #buf = Buffer.allocUnsafe(PIECE);
  #used = 0;

  /** Appends `s`; returns the piece that filled up before it, if one did. */
  write(s: string): Uint8Array | undefined {
    // a UTF-16 code unit is at most 3 UTF-8 bytes (a surrogate pair, two units, is 4)
    const most = s.length * 3;
    let full: Uint8Array | undefined;
    if (this.#used + most > this.#buf.length) {
      full = this.take();
      if (most > this.#buf.length) this.#buf = Buffer.allocUnsafe(most);
    }
    this.#used += this.#buf.write(s, this.#used);
    return full;
  }

  /** The bytes written since the last piece (undefined when none), in a buffer of their own. */
  take(): Uint8Array | undefined {
    if (this.#used === 0) return undefined;
    const piece = this.#buf.subarray(0, this.#used);
    this.#buf = Buffer.allocUnsafe(PIECE);
    this.#used = 0;
    return piece;
  }
}

/**
 * `JSON.stringify(doc, null, 2)` and a newline, as UTF-8 in pieces: `doc` holds the string ITEMS
 * where one large array belongs, and that array's items come from `items`, each stringified when
 * its turn comes (and so for each [itemsHole(name), items] of `more`). Byte for byte the text the
 * whole document would give, without holding the arrays' copies or the whole text at once (a
 * report of tens of thousands of findings is tens of megabytes, and its list of 32,000 files 20 MB).
 */
export function* prettyJsonPieces(doc: unknown, items: Iterable<unknown>, more: [string, Iterable<unknown>][] = []): Generator<Uint8Array> {
  const text = JSON.stringify(doc, null, 2);
  const holes = [[ITEMS, items] as [string, Iterable<unknown>], ...more].map(([placeholder, list]) => {
    const quoted = JSON.stringify(placeholder);
    const at = text.indexOf(quoted);
    if (at < 0 || text.indexOf(quoted, at + 1) >= 0) throw new Error('prettyJsonPieces: the document must hold each placeholder exactly once');
    return { at, end: at + quoted.length, list };
  });
  holes.sort((a, b) => a.at - b.at);
  const out = new Utf8Pieces();
  let full: Uint8Array | undefined;
  let from = 0;
  for (const { at, end, list } of holes) {
    if ((full = out.write(text.slice(from, at)))) yield full;
    // the array's depth: JSON.stringify indents each line two spaces a level
    const lineStart = text.lastIndexOf('\n', at) + 1;
    let indent = 0;
    while (text.charCodeAt(lineStart + indent) === 0x20) indent++;
    const depth = indent / 2;
    const nested = `\n${'  '.repeat(depth + 1)}`;
    // each item as JSON.stringify indents it at its depth: wrapped in as many arrays, the wrapping
    // cut off (2k dense files' findings: 52 ms, where indenting the item's own JSON again took 62-83)
    const probe = JSON.stringify(wrapped(0, depth + 1), null, 2);
    const open = probe.indexOf('0');
    const close = probe.length - open - 1;
    let any = false;
    for (const item of list) {
      const text = JSON.stringify(wrapped(item, depth + 1), null, 2);
      if ((full = out.write(`${any ? ',' : '['}${nested}${text.slice(open, text.length - close)}`))) yield full;
      any = true;
    }
    if ((full = out.write(any ? `\n${'  '.repeat(depth)}]` : '[]'))) yield full;
    from = end;
  }
  if ((full = out.write(`${text.slice(from)}\n`))) yield full;
  const last = out.take();
  if (last) yield last;
}

/** `item` in `depth` arrays, one in the other. */
function wrapped(item: unknown, depth: number): unknown {
  let v = item;
  for (let d = 0; d < depth; d++) v = [v];
  return v;
}

/** The text of UTF-8 pieces (a whole report, for callers that want it as one string). */
export function textOfPieces(pieces: Iterable<Uint8Array>): string {
  return Buffer.concat([...pieces]).toString('utf8');
}
