// The report an audit stored in its cache directory (src/perf/report-cache.ts), for tests that
// forge it: a forged report consistent with its entry is printed only by a run that replays it.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** The stored report of the cache's one slot: its bytes' file and its entry's file. */
export function storedReport(cacheDir: string): { out: string; entry: string } {
  const dir = join(cacheDir, 'reports');
  const out = readdirSync(dir).filter((f) => f.endsWith('.out'));
  if (out.length !== 1) throw new Error(`expected one stored report in ${dir}, found ${out.length}`);
  const id = out[0]!.slice(0, -'.out'.length);
  return { out: join(dir, out[0]!), entry: join(dir, id.slice(0, 2), `${id}.json`) };
}

/** Replaces the stored report by `text`, its entry's length and CRC-32 made to match. */
export function forgeReport(cacheDir: string, text: string): void {
  const { out, entry } = storedReport(cacheDir);
  writeFileSync(out, text);
  const e = JSON.parse(readFileSync(entry, 'utf8')) as { bytes: number; crc: number };
  writeFileSync(entry, JSON.stringify({ ...e, bytes: Buffer.byteLength(text), crc: crc32(text) }));
}
