import { writeSync } from 'node:fs';

/** Writes the first `length` bytes of `bytes` to `fd`, however many calls that takes (throws what writeSync throws). */
export function writeAll(fd: number, bytes: Uint8Array, length = bytes.length): void {
  for (let done = 0; done < length; ) done += writeSync(fd, bytes, done, length - done);
}
