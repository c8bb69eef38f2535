import { describe, expect, it } from 'vitest';
import type { Range } from '../src/model/facts.js';
import { HOLE_TEXT } from '../src/sql/map.js';
import { firstSignificantType, tokenize } from '../src/sql/tokenize.js';
import { isWord, isWordIn } from '../src/sql/clauses.js';
import { random } from './helpers/random.js';

/** `type:text` of every token that is not whitespace. */
function shapes(text: string, holes?: Range[]): string[] {
  return tokenize(text, holes)
    .filter((t) => t.type !== 'whitespace')
    .map((t) => `${t.type}:${t.text}`);
}

function placeholderKinds(text: string): string[] {
  return tokenize(text)
    .filter((t) => t.type === 'placeholder')
    .map((t) => `${t.placeholder}:${t.text}`);
}

describe('tokenize covers its input', () => {
  const inputs = [
    '',
    'SELECT 1',
    "SELECT 'it''s', \"a\"\"b\", [x y], `c``d` FROM t -- note\n/* block */ WHERE a = ?",
    "'unterminated ?",
    '/* unterminated comment ? ',
    '-- comment without newline',
    "x'ABCD' X'0' x'zz'",
    'SELECT naïve, 名前, "ü" FROM tablé WHERE é = ?',
    'SELECT 😀, \'😀\' FROM t',
    '\t\r\n\f\v',
    '!#^{}\\\0',
    '$a::b(c d) $ : @ ?99 ?',
  ];
  for (const input of inputs) {
    it(JSON.stringify(input), () => {
      const tokens = tokenize(input);
      expect(tokens.map((t) => t.text).join('')).toBe(input);
      let at = 0;
      for (const t of tokens) {
        expect(t.start).toBe(at);
        expect(t.end).toBeGreaterThan(t.start);
        expect(input.slice(t.start, t.end)).toBe(t.text);
        at = t.end;
      }
      expect(at).toBe(input.length);
    });
  }
});

describe('token types', () => {
  it('keywords and identifiers carry upper, keywords only from the SQLite list', () => {
    const tokens = tokenize('select rowid, Strict, autoincrement from users').filter((t) => t.type !== 'whitespace');
    expect(tokens.map((t) => [t.type, t.upper])).toEqual([
      ['keyword', 'SELECT'],
      ['identifier', 'ROWID'],
      ['punctuation', undefined],
      ['identifier', 'STRICT'],
      ['punctuation', undefined],
      ['keyword', 'AUTOINCREMENT'],
      ['keyword', 'FROM'],
      ['identifier', 'USERS'],
    ]);
  });

  it('strings, quoted identifiers and their escapes', () => {
    expect(shapes("'a''b' \"c\"\"d\" [e\"f] `g``h`")).toEqual([
      "string:'a''b'",
      'quoted-identifier:"c""d"',
      'quoted-identifier:[e"f]',
      'quoted-identifier:`g``h`',
    ]);
    expect(tokenize('"x" [y] `z`').filter((t) => t.type === 'quoted-identifier').map((t) => t.quote)).toEqual(['"', '[', '`']);
  });

  it('unterminated quotes are one error token to the end', () => {
    expect(shapes("SELECT 'abc ? def")).toEqual(['keyword:SELECT', "error:'abc ? def"]);
    expect(shapes('SELECT "abc')).toEqual(['keyword:SELECT', 'error:"abc']);
    expect(shapes('SELECT [abc')).toEqual(['keyword:SELECT', 'error:[abc']);
  });

  it('comments', () => {
    expect(shapes('a -- b ? c\nd /* e ? */ f /* g ?')).toEqual([
      'identifier:a',
      'comment:-- b ? c',
      'identifier:d',
      'comment:/* e ? */',
      'identifier:f',
      'comment:/* g ?',
    ]);
    // `/*/` does not close itself
    expect(shapes('/*/ x */ y')).toEqual(['comment:/*/ x */', 'identifier:y']);
  });

  it('blobs', () => {
    expect(shapes("x'AB' X'00ff' x'' x'ABC' x'GG' xy")).toEqual([
      "blob:x'AB'",
      "blob:X'00ff'",
      "blob:x''",
      "error:x'ABC'",
      "error:x'GG'",
      'identifier:xy',
    ]);
  });

  it('numbers', () => {
    expect(shapes('1 1.5 .5 1. 1e10 2.5E-3 1e 0x1F 0x 1_000 12abc')).toEqual([
      'number:1',
      'number:1.5',
      'number:.5',
      'number:1.',
      'number:1e10',
      'number:2.5E-3',
      'error:1e',
      'number:0x1F',
      'error:0x',
      'number:1_000',
      'error:12abc',
    ]);
  });

  it('operators and punctuation', () => {
    expect(shapes('a||b->c->>d==e=f!=g<>h<=i>=j<<k>>l<m>n+o-p*q/r%s&t|u~v(w),x;y.z')).toEqual([
      'identifier:a', 'operator:||', 'identifier:b', 'operator:->', 'identifier:c', 'operator:->>',
      'identifier:d', 'operator:==', 'identifier:e', 'operator:=', 'identifier:f', 'operator:!=',
      'identifier:g', 'operator:<>', 'identifier:h', 'operator:<=', 'identifier:i', 'operator:>=',
      'identifier:j', 'operator:<<', 'identifier:k', 'operator:>>', 'identifier:l', 'operator:<',
      'identifier:m', 'operator:>', 'identifier:n', 'operator:+', 'identifier:o', 'operator:-',
      'identifier:p', 'operator:*', 'identifier:q', 'operator:/', 'identifier:r', 'operator:%',
      'identifier:s', 'operator:&', 'identifier:t', 'operator:|', 'identifier:u', 'operator:~',
      'identifier:v', 'punctuation:(', 'identifier:w', 'punctuation:)', 'punctuation:,', 'identifier:x',
      'punctuation:;', 'identifier:y', 'punctuation:.', 'identifier:z',
    ]);
    expect(shapes('a ! b # c')).toEqual(['identifier:a', 'error:!', 'identifier:b', 'error:#', 'identifier:c']);
  });

  it('a byte-order mark is whitespace', () => {
    expect(tokenize('\uFEFFSELECT 1').map((t) => t.type)).toEqual(['whitespace', 'keyword', 'whitespace', 'number']);
  });

  it('identifiers take `$` and digits after the first character, and any non-ASCII character', () => {
    expect(shapes('a$b c1 _x 名前 naïve ünïcode')).toEqual([
      'identifier:a$b',
      'identifier:c1',
      'identifier:_x',
      'identifier:名前',
      'identifier:naïve',
      'identifier:ünïcode',
    ]);
  });

  it('offsets are UTF-16 code units after non-ASCII text', () => {
    const text = "SELECT '😀' , é FROM t WHERE x = ?";
    const q = tokenize(text).find((t) => t.type === 'placeholder')!;
    expect(q.start).toBe(text.indexOf('?'));
    expect(text.indexOf('?')).toBe(33);
  });
});

describe('placeholders', () => {
  it('recognises every SQLite parameter form', () => {
    expect(placeholderKinds('? ?1 ?123 :name @name $name :a1 $a::b(c) $x::y')).toEqual([
      'qmark:?',
      'qmark-numbered:?1',
      'qmark-numbered:?123',
      'named-colon::name',
      'named-at:@name',
      'named-dollar:$name',
      'named-colon::a1',
      'named-dollar:$a::b(c)',
      'named-dollar:$x::y',
    ]);
  });

  it('`?` inside strings, quoted identifiers and comments is not a placeholder', () => {
    expect(placeholderKinds("SELECT '?', \"?\", [?], `?` -- ?\n/* ? */ FROM t")).toEqual([]);
    expect(placeholderKinds("SELECT 'a?' || ? FROM \"t?\" WHERE b = ? -- ?")).toEqual(['qmark:?', 'qmark:?']);
  });

  it('a sigil without a name is illegal, not a placeholder', () => {
    expect(shapes(': @ $')).toEqual(['error::', 'error:@', 'error:$']);
    // x::text (a PostgreSQL cast): an illegal `:` and then `:text`, as SQLite reads it
    expect(shapes('x::text')).toEqual(['identifier:x', 'error::', 'placeholder::text']);
    // $a(b c): the Tcl suffix stops at whitespace
    expect(shapes('$a(b c)')).toEqual(['error:$a(b', 'identifier:c', 'punctuation:)']);
  });
});

describe('holes', () => {
  function withHole(before: string, after: string): { text: string; hole: Range } {
    const text = before + HOLE_TEXT + after;
    return { text, hole: { start: before.length, end: before.length + HOLE_TEXT.length } };
  }

  it('a hole outside quotes is one hole token', () => {
    const { text, hole } = withHole('SELECT * FROM ', ' WHERE id = ?');
    expect(shapes(text, [hole])).toEqual([
      'keyword:SELECT',
      'operator:*',
      'keyword:FROM',
      `hole:${HOLE_TEXT}`,
      'keyword:WHERE',
      'identifier:id',
      'operator:=',
      'placeholder:?',
    ]);
  });

  it('a hole glued to a name splits it', () => {
    const { text, hole } = withHole('SELECT * FROM log_', '_2024');
    expect(shapes(text, [hole]).slice(2)).toEqual(['keyword:FROM', 'identifier:log_', `hole:${HOLE_TEXT}`, 'identifier:_2024']);
  });

  it('a hole after a sigil is not a placeholder name', () => {
    const { text, hole } = withHole('WHERE a = :', '');
    expect(shapes(text, [hole]).slice(-2)).toEqual(['error::', `hole:${HOLE_TEXT}`]);
  });

  it('a hole inside a string or comment is part of that token', () => {
    const { text, hole } = withHole("SELECT 'pre ", " post' -- ?");
    expect(shapes(text, [hole])).toEqual(['keyword:SELECT', `string:'pre ${HOLE_TEXT} post'`, 'comment:-- ?']);
    const c = withHole('SELECT 1 /* ', ' */');
    expect(shapes(c.text, [c.hole])).toEqual(['keyword:SELECT', 'number:1', `comment:/* ${HOLE_TEXT} */`]);
  });

  it('covers the input with several holes, out of order', () => {
    const a = HOLE_TEXT;
    const text = `SELECT ${a}, ${a} FROM t`;
    const holes = [
      { start: 7 + a.length + 2, end: 7 + a.length + 2 + a.length },
      { start: 7, end: 7 + a.length },
    ];
    const tokens = tokenize(text, holes);
    expect(tokens.map((t) => t.text).join('')).toBe(text);
    expect(tokens.filter((t) => t.type === 'hole').map((t) => t.start)).toEqual([7, 7 + a.length + 2]);
  });
});

describe('firstSignificantType', () => {
  /** what looksLikeSql reads first: the first token tokenize makes that is not whitespace or a comment */
  const fromTokens = (text: string) => tokenize(text).find((t) => t.type !== 'whitespace' && t.type !== 'comment')?.type;
  const pieces = [' ', '\n', '\t', '\v', '-- c\n', '--', '/* c */', '/*', '-', '/', 'SELECT', 'select', 'Delete', 'from', 'foo', '_x',
    'é', '1', '1.5e3', "'a'", "'", '"b"', '"', '[c]', '`d`', "x'0A'", 'X', '?', '?1', ':n', '@v', '$1', '{x}', '{', '}', '%(n)s', '%s', '%', '(', ')', ',', ';', '.', '!', '<>', '||', '::'];

  it('gives the type of the first token tokenize makes that is neither whitespace nor a comment', () => {
    const next = random(7);
    for (let k = 0; k < 20000; k++) {
      let text = '';
      for (let n = Math.floor(next() * 6); n >= 0; n--) text += pieces[Math.floor(next() * pieces.length)]!;
      expect(firstSignificantType(text), JSON.stringify(text)).toBe(fromTokens(text));
    }
  });

  it('is undefined for nothing but whitespace and comments', () => {
    expect(firstSignificantType('')).toBeUndefined();
    expect(firstSignificantType(' \n-- only a comment\n/* and another */ ')).toBeUndefined();
    expect(firstSignificantType(' /* c */ SELECT')).toBe('keyword');
  });
});

describe('isWord and isWordIn', () => {
  const [select, name, str, num] = tokenize("SELECT users 'x' 1").filter((t) => t.type !== 'whitespace');

  it('isWord: a keyword or name, or one of up to four words', () => {
    expect(isWord(select)).toBe(true);
    expect(isWord(name)).toBe(true);
    expect(isWord(str)).toBe(false);
    expect(isWord(num)).toBe(false);
    expect(isWord(undefined)).toBe(false);
    expect(isWord(select, 'SELECT')).toBe(true);
    expect(isWord(select, 'FROM', 'WHERE', 'AND', 'SELECT')).toBe(true);
    expect(isWord(select, 'FROM', 'WHERE', 'AND', 'OR')).toBe(false);
    expect(isWord(name, 'USERS')).toBe(true);
    expect(isWord(str, 'X')).toBe(false);
  });

  it('isWordIn: one of a set of words', () => {
    const words = new Set(['NULL', 'TRUE', 'FALSE', 'UNKNOWN', 'DISTINCT']);
    const [distinct, other] = tokenize('DISTINCT other').filter((t) => t.type !== 'whitespace');
    expect(isWordIn(distinct, words)).toBe(true);
    expect(isWordIn(other, words)).toBe(false);
    expect(isWordIn(undefined, words)).toBe(false);
    expect(isWordIn(distinct, new Set())).toBe(false);
  });
});
