import { createRequire } from 'node:module';
import { addonPath } from '../lang/python/parser.js';
import { SQLITE_KEYWORDS } from '../sql/keywords.js';

const require = createRequire(import.meta.url);

/**
 * The prefilter's native screen (native/screen.c, in the parser addon): from a Python file's UTF-8
 * bytes, what the prefilter may find in their text (SCREEN_* bits of src/perf/prefilter.ts); 0 only
 * where pythonMayHoldFacts surely says no, so most files are settled without scanning them in
 * JavaScript, and the others skip the checks the screen found failing (pythonMayHoldFactsScreened).
 */
export type Screen = (bytes: Uint8Array) => number;

let loaded: Screen | null | undefined;

/**
 * The screen, or undefined when the addon is not built (the prefilter alone decides then) or
 * PGREADY_SCREEN=off asks for the prefilter alone (tests compare the two).
 */
export function nativeScreen(): Screen | undefined {
  if (process.env.PGREADY_SCREEN === 'off') return undefined;
  if (loaded === undefined) {
    loaded = null;
    const path = addonPath();
    if (path) {
      try {
        const addon = require(path) as { screen?: Screen; sqlKeywords?: (words: string[]) => void };
        if (typeof addon.screen === 'function' && typeof addon.sqlKeywords === 'function') {
          // the screen's SQL tokenizer takes its keywords from the one list (src/sql/keywords.ts)
          addon.sqlKeywords([...SQLITE_KEYWORDS]);
          loaded = addon.screen;
        }
      } catch {
        loaded = null;
      }
    }
  }
  return loaded ?? undefined;
}
