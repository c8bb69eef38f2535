import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collector: (() => void) | null | undefined;

/**
 * A full garbage collection, now: for the moment a run lets go of much memory at once that little
 * allocation would otherwise leave uncollected for seconds (PrefilterPass when a run turns out
 * large). V8's `gc` is exposed to a fresh context only, so one is made once; where that fails,
 * nothing happens.
 */
export function collectNow(): void {
  if (collector === undefined) {
    collector = null;
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      if (typeof gc === 'function') collector = gc as () => void;
    } catch {
      collector = null;
    }
  }
  collector?.();
}
