import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * From this many files found, the main thread's young generation is held at CAP_SEMI_SPACE_MB.
 *
 * V8 doubles a thread's semi-spaces, from 1 MB up to 16 MB, while much of what it allocates
 * survives a scavenge. Listing and reading 32,000 files, the main thread's grew to 16 MB and stayed
 * there through the facts pass, where the run peaks, though it holds 3-14 MB at a time (README,
 * Performance). Held at 4 MB (interleaved with runs that were not, same reports): 32,000 dense
 * files cold 321-330 -> 276-277 MB, and warm with one file changed 286-298 -> 254-267 MB; ten
 * copies of the standard library (17,870 files) 239-247 -> 189-191 MB; the wall time within this
 * machine's noise, 4-6 % more CPU time (more scavenges on every thread). Below this many files
 * the peak is under 300 MB either way, and holding costs time: the standard library (1,787 files)
 * took 8-10 % more wall and CPU time (medians of twelve), 4,000 dense files 2-4 %.
 */
export const CAP_YOUNG_GENERATION_MIN_FILES = 8000;
export const CAP_SEMI_SPACE_MB = 4;

/** V8's default growth factor (--semi-space-growth-factor). */
const V8_GROWTH_FACTOR = 2;

function youngGenerationBytes(): number {
  // both semi-spaces: twice the semi-space size
  return getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
}

function hold(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * Holds the main thread's young generation at `semiSpaceMb` semi-spaces, from the moment it is made.
 *
 * V8 takes the young generation's largest size only at start-up (`--max-semi-space-size`), before
 * pgready knows how many files it has; but it reads its growth factor each time it grows the
 * semi-spaces. So the young generation grows as usual until check() finds it at the cap, and from
 * then on the growth factor is 1. That factor is V8's, for every thread of the process: worker
 * threads (with an 8 MB young generation of their own, pool.ts) keep the size they started with,
 * and scavenge more often (README, Performance). And V8 sets a factor under 2 back to 2 whenever it
 * makes an isolate: when a worker thread starts (or a module loader's thread, running from the
 * sources); the main thread's young generation then grew to 32 MB beside the workers. So the factor
 * is set again every few milliseconds for as long as the young generation is held.
 *
 * check() is called from loops that do not let the event loop turn (the read loop); while the event
 * loop turns, a timer calls it, and sets the factor again once the young generation is held.
 */
export class YoungGenerationCap {
  readonly #capBytes: number;
  /** watching: not at the cap yet; held there; released: V8's default again */
  #state: 'watching' | 'held' | 'released' = 'watching';
  readonly #timer: NodeJS.Timeout;

  constructor(semiSpaceMb = CAP_SEMI_SPACE_MB) {
    this.#capBytes = 2 * semiSpaceMb * 1024 * 1024;
    this.check();
    this.#timer = setInterval(() => (this.#state === 'held' ? hold() : this.check()), 5).unref();
  }

  /** Holds the young generation where it is once it has reached the cap. */
  check(): void {
    if (this.#state !== 'watching' || youngGenerationBytes() < this.#capBytes) return;
    hold();
    this.#state = 'held';
  }

  /** Lets the young generation grow again (V8's default), for good. */
  release(): void {
    clearInterval(this.#timer);
    if (this.#state === 'held') setFlagsFromString(`--semi-space-growth-factor=${V8_GROWTH_FACTOR}`);
    this.#state = 'released';
  }
}
