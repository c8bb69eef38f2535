import type { Codemod } from '../src/model/codemod.js';

/** The codemod registry, sorted by name. Codemods arrive with `pgready fix`. */
export const allCodemods: Codemod[] = [];
