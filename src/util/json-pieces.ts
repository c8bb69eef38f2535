/** What stands in a document for the one large array `prettyJsonPieces` writes item by item. */
export const ITEMS = '\u0000pgready-items\u0000';

/** Pieces of at least this many characters (few writes, no document-sized string). */
const PIECE = 65536;

/**
 * `JSON.stringify(doc, null, 2)` and a newline, in pieces: `doc` holds the string ITEMS where one
 * large array belongs, and that array's items come from `items`, each stringified when its turn
 * comes. Byte for byte the text the whole document would give, without holding the array's copy
 * or the whole text at once (a report of tens of thousands of findings is tens of megabytes).
 */
export function* prettyJsonPieces(doc: unknown, items: Iterable<unknown>): Generator<string> {
  const text = JSON.stringify(doc, null, 2);
  const hole = JSON.stringify(ITEMS);
  const at = text.indexOf(hole);
  if (at < 0 || text.indexOf(hole, at + 1) >= 0) throw new Error('prettyJsonPieces: the document must hold ITEMS exactly once');
  // the array's depth: JSON.stringify indents each line two spaces a level
  const lineStart = text.lastIndexOf('\n', at) + 1;
  let indent = 0;
  while (text.charCodeAt(lineStart + indent) === 0x20) indent++;
  const depth = indent / 2;
  const inner = '  '.repeat(depth + 1);
  let piece = text.slice(0, at);
  let any = false;
  for (const item of items) {
    piece += `${any ? ',' : '['}\n${inner}${JSON.stringify(item, null, 2).replace(/\n/g, `\n${inner}`)}`;
    any = true;
    if (piece.length >= PIECE) {
      yield piece;
      piece = '';
    }
  }
  piece += any ? `\n${'  '.repeat(depth)}]` : '[]';
  yield `${piece}${text.slice(at + hole.length)}\n`;
}
