import type { DbPathRef, Range, ThirdPartyUse } from '../../model/facts.js';

export interface WordOut {
  dbPaths: DbPathRef[];
  thirdParty: ThirdPartyUse[];
}

/** `django.db.backends.sqlite3`; SpatiaLite is SQLite with extensions. */
const DJANGO_BACKENDS = ['django.db.backends.sqlite3', 'django.contrib.gis.db.backends.spatialite'];

/** `trades.db`, `cache.sqlite`, `app.sqlite3`, `ledger.db3` (the word's end). */
const DB_FILE_SUFFIX = /\.(db|sqlite|sqlite3|db3)$/i;

/**
 * Looks through one span of code (no comments in it) for `sqlite:` URLs, Django's SQLite backend
 * and words naming a SQLite database file. Words end at whitespace, quotes and the punctuation in
 * isWordBreak, so `DB=trades.db`, `"path": "data/app.db"` and `./a.db:/srv/a.db` all give file
 * names; `${DATA_DIR:-/srv}` stays one piece.
 */
export function scanWords(text: string, start: number, end: number, out: WordOut): void {
  const taken: Range[] = [];
  scanUrls(text, start, end, out, taken);
  scanDjango(text, start, end, out, taken);
  scanDbFiles(text, start, end, out, taken);
}

function isUrlSchemeBoundary(c: string | undefined): boolean {
  return c === undefined || !/[A-Za-z0-9_+.\-/]/.test(c);
}

/** `sqlite:///app.db`, `sqlite+pysqlite:///:memory:`, `sqlite::memory:`, `jdbc:sqlite:app.db` (from `sqlite`). */
function scanUrls(text: string, start: number, end: number, out: WordOut, taken: Range[]): void {
  const lower = text.slice(start, end).toLowerCase();
  for (let at = lower.indexOf('sqlite'); at >= 0; at = lower.indexOf('sqlite', at + 1)) {
    const i = start + at;
    if (!isUrlSchemeBoundary(i > start ? text[i - 1] : undefined)) continue;
    let j = i + 'sqlite'.length;
    if (text[j] === '+') {
      j++;
      const driverStart = j;
      while (j < end && /[A-Za-z0-9_]/.test(text[j]!)) j++;
      if (j === driverStart) continue;
    }
    if (text[j] !== ':' || j + 1 >= end || isUrlEnd(text[j + 1]!)) continue;
    let k = j + 1;
    const depth = { '(': 0, '[': 0, '{': 0 };
    const closer: Record<string, '(' | '[' | '{'> = { ')': '(', ']': '[', '}': '{' };
    while (k < end) {
      const c = text[k]!;
      if (isUrlEnd(c)) break;
      if (c === '(' || c === '[' || c === '{') depth[c]++;
      const open = closer[c];
      if (open) {
        if (depth[open] === 0) break;
        depth[open]--;
      }
      k++;
    }
    while (k > j + 1 && text[k - 1] === '.') k--;
    out.dbPaths.push({ range: { start: i, end: k }, value: text.slice(i, k), kind: 'url' });
    taken.push({ start: i, end: k });
    at = k - start - 1;
  }
}

/** Whitespace, quotes and separators end a URL; `)`, `]`, `}` end it only when unbalanced. */
function isUrlEnd(c: string): boolean {
  return ' \t\n\r"\'`<>,;|'.includes(c);
}

function isIdentChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}

function scanDjango(text: string, start: number, end: number, out: WordOut, taken: Range[]): void {
  const span = text.slice(start, end);
  for (const name of DJANGO_BACKENDS) {
    for (let at = span.indexOf(name); at >= 0; at = span.indexOf(name, at + 1)) {
      const i = start + at;
      const j = i + name.length;
      const before = i > start ? text[i - 1] : undefined;
      const after = j < end ? text[j] : undefined;
      if (isIdentChar(before) || before === '.' || isIdentChar(after)) continue;
      out.thirdParty.push({ range: { start: i, end: j }, kind: 'django-backend', name });
      taken.push({ start: i, end: j });
    }
  }
}

function isWordBreak(c: string): boolean {
  return ' \t\n\r"\'`=,;()[]<>|&:?{}'.includes(c);
}

function scanDbFiles(text: string, start: number, end: number, out: WordOut, taken: Range[]): void {
  let i = start;
  while (i < end) {
    const inTaken = taken.find((r) => i >= r.start && i < r.end);
    if (inTaken) {
      i = inTaken.end;
      continue;
    }
    if (isWordBreak(text[i]!)) {
      i++;
      continue;
    }
    const wordStart = i;
    while (i < end && !taken.some((r) => i === r.start)) {
      const c = text[i]!;
      if (c === '$' && text[i + 1] === '{') {
        // ${DATA_DIR:-/srv}/app.db: the expansion is part of the word
        const close = text.indexOf('}', i + 2);
        i = close < 0 || close >= end ? end : close + 1;
        continue;
      }
      // C:\data\app.db, C:/data/app.db: a drive letter, not a separator
      if (c === ':' && i - wordStart === 1 && /[A-Za-z]/.test(text[wordStart]!) && (text[i + 1] === '\\' || text[i + 1] === '/')) {
        i++;
        continue;
      }
      if (isWordBreak(c)) break;
      i++;
    }
    let wordEnd = i;
    // "kept in trades.db." — a sentence's full stop is not part of the name
    while (wordEnd > wordStart && text[wordEnd - 1] === '.') wordEnd--;
    const word = text.slice(wordStart, wordEnd);
    const m = DB_FILE_SUFFIX.exec(word);
    if (m) {
      const stemEnd = word.length - m[0].length;
      const last = stemEnd > 0 ? word[stemEnd - 1]! : '';
      // `.db`, `*.db`, `backups/*.sqlite` and `dir/.db` are patterns or bare suffixes, not files
      if (stemEnd > 0 && !'*?/\\.'.includes(last)) {
        out.dbPaths.push({ range: { start: wordStart, end: wordEnd }, value: word, kind: 'file' });
      }
    }
  }
}
