import type { Config } from '../model/config.js';
import type { Skipped } from '../model/run.js';
import { readSource, sourceOf } from '../discover/read.js';
import type { ReadableFile, ReadSource } from '../discover/read.js';
import type { ReadFiles, Screen } from './screen.js';

/** Files a batch of the native reader: large enough that a batch's round trip costs little, small enough to start soon. */
export const READ_BATCH = 64;
/** Batches read ahead of the one the caller handles: two keep both cores busy. */
const READ_AHEAD = 2;

/**
 * The files read and decoded in order, a batch at a time (readSource's results). With the addon's
 * reader the bytes are read, and a Python file's screened, on libuv's thread pool while this
 * thread decodes and judges the batch before: the standard library's 31 MB took about 130 ms of
 * this thread to screen. A file the reader could not read (gone, unreadable, larger than
 * maxFileBytes) is read here again, so that readSource says why in its own words. Without the
 * reader, each file is read here as it comes.
 */
export async function* readAhead(
  files: readonly ReadableFile[],
  cfg: Pick<Config, 'maxFileBytes'>,
  screen: Screen | undefined,
  reader: ReadFiles | undefined,
): AsyncGenerator<(ReadSource | Skipped)[]> {
  if (!reader) {
    for (let i = 0; i < files.length; i += READ_BATCH) yield files.slice(i, i + READ_BATCH).map((f) => readSource(f, cfg, screen));
    return;
  }
  const batches: ReadableFile[][] = [];
  for (let i = 0; i < files.length; i += READ_BATCH) batches.push(files.slice(i, i + READ_BATCH));
  const inFlight: ReturnType<ReadFiles>[] = [];
  let next = 0;
  const launch = (): void => {
    if (next >= batches.length) return;
    const batch = batches[next++]!;
    const python = new Uint8Array(batch.length);
    for (let i = 0; i < batch.length; i++) python[i] = batch[i]!.language === 'python' ? 1 : 0;
    const pending = reader(batch.map((f) => f.absPath), python, cfg.maxFileBytes);
    // a batch read ahead whose turn never comes (the caller stopped early) must not reject unheard
    pending.catch(() => undefined);
    inFlight.push(pending);
  };
  for (let k = 0; k < READ_AHEAD; k++) launch();
  for (let b = 0; b < batches.length; b++) {
    const [items, bits] = await inFlight.shift()!;
    launch();
    const batch = batches[b]!;
    const out: (ReadSource | Skipped)[] = [];
    for (let i = 0; i < batch.length; i++) {
      const f = batch[i]!;
      const item = items[i];
      const found = bits[i]!;
      if (typeof item === 'string') {
        // plain UTF-8, decoded as decodeSource would
        const file: ReadSource = { path: f.path, absPath: f.absPath, language: f.language, text: item };
        if (f.textKind !== undefined) file.textKind = f.textKind;
        if (screen && f.language === 'python') file.screened = found;
        out.push(file);
      } else out.push(item ? sourceOf(f, item, screen && (() => found)) : readSource(f, cfg, screen));
    }
    yield out;
  }
}
