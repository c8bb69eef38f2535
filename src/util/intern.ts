/**
 * One copy of each distinct string in values that arrive by structured clone. A message from a
 * worker thread brings fresh copies of every string it holds: on 32,000 files the main thread
 * held `"function"` 107,000 times and the scratch file's path 49,000 times (31 MB of copies,
 * session 9's heap snapshots).
 *
 * The strings it meets that the thread does not hold already (`known`) are remembered up to
 * `limit` of them, and then forgotten all at once: a string that recurs (a kind, a table's name)
 * is one copy again from its next arrival, and one that does not (most of the questions an index
 * result brings) no longer keeps an entry. Remembering all of them made the largest table on the main
 * thread (64,000 dense files: 14 MB of its heap at the end of the facts pass, where such runs peak).
 */
export class Interner {
  private seen = new Map<string, string>();
  private readonly known: (s: string) => string | undefined;

  /**
   * known: the strings this thread holds already (file paths), as a list or as a lookup that
   * returns the thread's own copy: copies of them become these, whatever the limit.
   */
  constructor(known: Iterable<string> | ((s: string) => string | undefined) = [], private readonly limit = 1 << 16) {
    if (typeof known === 'function') this.known = known;
    else {
      const held = new Map<string, string>();
      for (const s of known) held.set(s, s);
      this.known = (s) => held.get(s);
    }
  }

  /** How many strings it remembers besides the known ones. */
  get remembered(): number {
    return this.seen.size;
  }

  string(s: string): string {
    const had = this.seen.get(s) ?? this.known(s);
    if (had !== undefined) return had;
    if (this.seen.size >= this.limit) this.seen = new Map();
    this.seen.set(s, s);
    return s;
  }

  /** Replaces, in place, every string in arrays and plain objects under `v`; returns `v` (or its interned copy when a string). */
  walk<T>(v: T): T {
    if (typeof v === 'string') return this.string(v) as T;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const e: unknown = v[i];
        if (typeof e === 'string') v[i] = this.string(e);
        else if (typeof e === 'object' && e !== null) this.walk(e);
      }
      return v;
    }
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const e = o[k];
      if (typeof e === 'string') o[k] = this.string(e);
      else if (typeof e === 'object' && e !== null) this.walk(e);
    }
    return v;
  }
}
