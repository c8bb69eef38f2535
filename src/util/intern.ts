/**
 * One copy of each distinct string in values that arrive by structured clone. A message from a
 * worker thread brings fresh copies of every string it holds: on 32,000 files the main thread
 * held `"function"` 107,000 times and the scratch file's path 49,000 times (31 MB of copies,
 * session 9's heap snapshots).
 */
export class Interner {
  private readonly seen = new Map<string, string>();

  /** Strings this thread holds already (file paths): copies of them become these. */
  constructor(known: Iterable<string> = []) {
    for (const s of known) this.seen.set(s, s);
  }

  string(s: string): string {
    const had = this.seen.get(s);
    if (had !== undefined) return had;
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
