/** What stands in a document for the one large array `prettyJsonPieces` writes item by item. */
export const ITEMS = '\u0000pgready-items\u0000';

/** What stands in a document for another such array (`prettyJsonPieces`' `more`), by its name. */
export function itemsHole(name: string): string {
  return `\u0000pgready-items-${name}\u0000`;
}

/** Pieces of at least this many characters (few writes, no document-sized string). */
const PIECE = 65536;

/**
 * `JSON.stringify(doc, null, 2)` and a newline, in pieces: `doc` holds the string ITEMS where one
 * large array belongs, and that array's items come from `items`, each stringified when its turn
 * comes (and so for each [itemsHole(name), items] of `more`). Byte for byte the text the whole
 * document would give, without holding the arrays' copies or the whole text at once (a report of
 * tens of thousands of findings is tens of megabytes, and its list of 32,000 files 20 MB).
 */
export function* prettyJsonPieces(doc: unknown, items: Iterable<unknown>, more: [string, Iterable<unknown>][] = []): Generator<string> {
  const text = JSON.stringify(doc, null, 2);
  const holes = [[ITEMS, items] as [string, Iterable<unknown>], ...more].map(([placeholder, list]) => {
    const quoted = JSON.stringify(placeholder);
    const at = text.indexOf(quoted);
    if (at < 0 || text.indexOf(quoted, at + 1) >= 0) throw new Error('prettyJsonPieces: the document must hold each placeholder exactly once');
    return { at, end: at + quoted.length, list };
  });
  holes.sort((a, b) => a.at - b.at);
  let piece = '';
  let from = 0;
  for (const { at, end, list } of holes) {
    piece += text.slice(from, at);
    // the array's depth: JSON.stringify indents each line two spaces a level
    const lineStart = text.lastIndexOf('\n', at) + 1;
    let indent = 0;
    while (text.charCodeAt(lineStart + indent) === 0x20) indent++;
    const depth = indent / 2;
    const inner = '  '.repeat(depth + 1);
    let any = false;
    for (const item of list) {
      piece += `${any ? ',' : '['}\n${inner}${JSON.stringify(item, null, 2).replace(/\n/g, `\n${inner}`)}`;
      any = true;
      if (piece.length >= PIECE) {
        yield piece;
        piece = '';
      }
    }
    piece += any ? `\n${'  '.repeat(depth)}]` : '[]';
    from = end;
  }
  yield `${piece}${text.slice(from)}\n`;
}
