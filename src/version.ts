import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function findVersion(): string {
  // dist/src/version.js and src/version.ts both sit two levels below package.json or one
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'pgready' && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return '0.0.0';
}

export const VERSION = findVersion();

/** Defined by scripts/bundle.mjs in the bundle: a hash of the code it was built from. */
declare const __PGREADY_BUILD__: string | undefined;

/**
 * What cache entries are keyed by: the version and, in the bundle, a hash of the code it was built
 * from (scripts/bundle.mjs). A build of other code under the same version number (a checkout of
 * another commit, a developer's build) then never takes this one's facts, findings or reports.
 */
export const CACHE_VERSION = typeof __PGREADY_BUILD__ === 'string' ? `${VERSION}+${__PGREADY_BUILD__}` : VERSION;
