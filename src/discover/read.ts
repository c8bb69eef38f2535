import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { Language, SourceFile } from '../model/facts.js';
import type { Config } from '../model/config.js';
import type { Skipped } from '../model/run.js';
import type { Screen } from '../perf/screen.js';

export interface ReadableFile {
  path: string;
  absPath: string;
  language: Language;
  textKind?: SourceFile['textKind'];
}

const BINARY_PROBE = 8 * 1024;

/**
 * What `stat` showed of a file as it was read (of the open file), as Node's Stats has it, and when
 * the read began (Date.now()): what the stat manifest records of a file a run read
 * (src/perf/manifest.ts).
 */
export interface ReadStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  at: number;
}

/** A source as read, with what the native screen found in a Python file's bytes when one was asked for. */
export type ReadSource = SourceFile & { screened?: number; readStat?: ReadStat };

/**
 * Reads and decodes one discovered file. Never throws: a file that cannot be read, is too large,
 * looks binary or names an encoding pgready cannot decode comes back as a Skipped with a reason.
 * Line endings are kept as they are, so offsets index the text as read. With a `screen`, a Python
 * file decoded as UTF-8 has its bytes (BOM aside: the text's exact encoding) screened too.
 */
export function readSource(f: ReadableFile, cfg: Pick<Config, 'maxFileBytes'>, screen?: Screen): ReadSource | Skipped {
  let bytes: Buffer;
  let fd: number | undefined;
  let readStat: ReadStat;
  try {
    const at = Date.now();
    fd = openSync(f.absPath, 'r');
    const st = fstatSync(fd);
    const size = st.size;
    readStat = { size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, at };
    if (size > cfg.maxFileBytes) {
      return {
        path: f.path,
        reason: 'too-large',
        detail:
          `${size} bytes is more than maxFileBytes (${cfg.maxFileBytes}); raise "maxFileBytes" in ` +
          'pgready.config.json to read it, or add it to "exclude" if it is generated.',
      };
    }
    bytes = readFileSync(fd);
  } catch (e) {
    return {
      path: f.path,
      reason: 'unreadable',
      detail: `cannot be read: ${osError(e)}; check that it exists and its permissions allow reading, or add it to "exclude".`,
    };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const read = sourceOf(f, bytes, screen && ((b) => screen(b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : b)), screen);
  if (!('reason' in read)) read.readStat = readStat;
  return read;
}

/**
 * readSource's second half: the file's bytes decoded (or the reason they cannot be). `screened`
 * answers for a Python file decoded as UTF-8: the screen's bits for its bytes after a BOM
 * (src/perf/reader.ts has them from the thread that read the file). A Python file in another
 * encoding is screened as its text's UTF-8 (the screen's checks are of the text, read in UTF-8):
 * without its bits the prefilter would try SQL patterns that cost 30-80 ms to compile (prefilter.ts).
 */
export function sourceOf(f: ReadableFile, bytes: Uint8Array, screened?: (bytes: Uint8Array) => number, screen?: Screen): ReadSource | Skipped {
  const decoded = decodeSource(bytes, f.language === 'python');
  if ('error' in decoded) return { path: f.path, reason: decoded.reason, detail: decoded.error };
  const own = ownOutput(f, decoded.text);
  if (own) return own;
  const file: ReadSource = { path: f.path, absPath: f.absPath, language: f.language, text: decoded.text };
  if (f.textKind !== undefined) file.textKind = f.textKind;
  if (f.language === 'python') {
    if (decoded.encoding === 'utf-8') {
      if (screened) file.screened = screened(bytes);
    } else if (screen) file.screened = screen(Buffer.from(decoded.text, 'utf8'));
  }
  return file;
}

/** A Skipped for a JSON file pgready wrote itself (pgreadyOutput), else undefined. */
export function ownOutput(f: Pick<ReadableFile, 'path' | 'textKind'>, text: string): Skipped | undefined {
  const own = f.textKind === 'json' ? pgreadyOutput(text) : undefined;
  if (own === undefined) return undefined;
  return {
    path: f.path,
    reason: 'pgready-output',
    detail:
      `${own}: it quotes what pgready found (database paths and SQL included), so reading it would report that again. ` +
      'Add it to "exclude" in pgready.config.json to leave it out of this list.',
  };
}

/**
 * What pgready wrote, if this JSON is one of its own outputs: a baseline under another name than
 * the one this run excludes (`baseline --output old-baseline.json`), a saved JSON report
 * (`audit --format json > audit.json`), a verify report or a SARIF log. Each quotes findings'
 * messages, which name `.db` files and `sqlite:` URLs: read as a config file, the next run
 * reported them as the project's (before session 27).
 */
export function pgreadyOutput(text: string): string | undefined {
  if (!text.includes('"pgready"')) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(doc)) return undefined;
  if (doc.tool === 'pgready' && Array.isArray(doc.findings)) return 'a pgready baseline';
  if (isObject(doc.tool) && doc.tool.name === 'pgready') return Array.isArray(doc.statements) ? 'a pgready verify report' : 'a pgready JSON report';
  const runs = Array.isArray(doc.runs) ? doc.runs : [];
  if (runs.some((r) => isObject(r) && isObject(r.tool) && isObject(r.tool.driver) && r.tool.driver.name === 'pgready')) return 'a pgready SARIF log';
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type Decoded = { text: string; encoding: string } | { reason: 'binary' | 'decode-error'; error: string };

/**
 * Bytes -> text. A UTF-8 BOM is dropped; UTF-16 BOMs select UTF-16. Otherwise a NUL byte in the
 * first 8 KiB marks a binary file. Python files may name their encoding in a PEP 263 cookie;
 * anything else is UTF-8, with invalid sequences replaced by U+FFFD rather than skipped.
 */
export function decodeSource(bytes: Uint8Array, python: boolean): Decoded {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: UTF8(bytes.subarray(3)), encoding: 'utf-8' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  }
  const probe = bytes.subarray(0, BINARY_PROBE);
  if (probe.includes(0)) {
    return {
      reason: 'binary',
      error:
        'has a NUL byte in its first 8 KiB, so it is treated as binary and not read; if it is text, save it as UTF-8 ' +
        '(or UTF-16 with a BOM).',
    };
  }
  const cookie = python ? codingCookie(bytes) : undefined;
  if (cookie) {
    const decode = decoderFor(cookie.name);
    if (!decode) {
      return {
        reason: 'decode-error',
        error:
          `line ${cookie.line} declares the encoding "${cookie.name}" (${cookie.text.trim()}), which pgready cannot ` +
          'decode; re-save the file as UTF-8 or use a standard name such as utf-8, latin-1 or cp1252.',
      };
    }
    return { text: decode(bytes), encoding: cookie.name.toLowerCase() };
  }
  return { text: UTF8(bytes), encoding: 'utf-8' };
}

/** `# -*- coding: latin-1 -*-`, `# vim: set fileencoding=cp1252 :` (PEP 263's pattern). */
const COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const BLANK_OR_COMMENT = /^[ \t\f]*(#.*)?$/;

/**
 * The PEP 263 cookie of the first or second line. As in CPython, the second line counts only when
 * the first is blank or a comment (a shebang is one).
 */
export function codingCookie(bytes: Uint8Array): { name: string; line: number; text: string } | undefined {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length && lines.length < 2; i++) {
    if (bytes[i] === 0x0a || bytes[i] === 0x0d) {
      lines.push(latin1(bytes.subarray(start, i)));
      if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) i++;
      start = i + 1;
    }
  }
  if (lines.length < 2) lines.push(latin1(bytes.subarray(start, Math.min(bytes.length, start + 512))));
  const [first = '', second = ''] = lines;
  const m1 = COOKIE.exec(first);
  if (m1) return { name: m1[1]!, line: 1, text: first };
  if (!BLANK_OR_COMMENT.test(first)) return undefined;
  const m2 = COOKIE.exec(second);
  if (m2) return { name: m2[1]!, line: 2, text: second };
  return undefined;
}

/** Byte n -> U+00nn: Node's 'latin1' is true ISO-8859-1. */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** windows-1252's 0x80-0x9F; the rest is Latin-1. (Node's TextDecoder decodes these bytes as
 *  Latin-1 C1 controls, so it cannot be used.) */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function cp1252(bytes: Uint8Array): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x80 && b <= 0x9f) {
      out += latin1(bytes.subarray(from, i)) + String.fromCharCode(CP1252_HIGH[b - 0x80]!);
      from = i + 1;
    }
  }
  return out + latin1(bytes.subarray(from));
}

/** One decoder for every file: making one costs more than decoding a typical source file (15 ms over the standard library). */
const UTF8_DECODER = new TextDecoder('utf-8');
const UTF8 = (b: Uint8Array): string => UTF8_DECODER.decode(b);

/** Python codec aliases that WHATWG labels do not cover or map differently. */
const PYTHON_ALIASES: Record<string, string> = {
  'mac-roman': 'macintosh',
  macroman: 'macintosh',
  'euc-jis-2004': 'euc-jp',
  'shift-jis': 'shift_jis',
  sjis: 'shift_jis',
  cp932: 'shift_jis',
  ms932: 'shift_jis',
  cp936: 'gbk',
  cp949: 'euc-kr',
  cp950: 'big5',
  cp874: 'windows-874',
};

/**
 * A decoder for a Python encoding name, or undefined when pgready cannot decode it.
 * Names are normalised as CPython's tokenizer does (`utf-8-unix` is utf-8, `latin-1-mac` latin-1).
 * Latin-1 is decoded byte for byte: WHATWG's "latin1" label means windows-1252, which differs in
 * 0x80-0x9F.
 */
export function decoderFor(name: string): ((b: Uint8Array) => string) | undefined {
  const n = name.toLowerCase().replace(/_/g, '-');
  if (n === 'utf-8' || n.startsWith('utf-8-') || n === 'utf8' || n === 'u8' || n === 'utf') return UTF8;
  const latinNames = ['latin-1', 'iso-8859-1', 'iso-latin-1'];
  if (latinNames.some((l) => n === l || n.startsWith(`${l}-`)) || ['latin1', 'iso8859-1', 'l1', 'latin', 'cp819', '8859'].includes(n)) {
    return latin1;
  }
  if (n === 'ascii' || n === 'us-ascii' || n === '646') return UTF8;
  for (const label of [PYTHON_ALIASES[n], n, name.toLowerCase()]) {
    if (label === undefined) continue;
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(label);
    } catch {
      continue;
    }
    if (decoder.encoding.startsWith('utf-16')) continue;
    if (decoder.encoding === 'windows-1252') return cp1252;
    return (b) => decoder.decode(b);
  }
  return undefined;
}

function osError(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    const code = 'code' in e && typeof e.code === 'string' ? e.code : undefined;
    const message = 'message' in e && typeof e.message === 'string' ? e.message : undefined;
    if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code})`;
    if (code === 'ENOENT') return 'the file no longer exists (ENOENT)';
    if (code === 'EISDIR') return 'it is a directory (EISDIR)';
    if (code) return `${code}${message ? `: ${message}` : ''}`;
    if (message) return message;
  }
  return String(e);
}
