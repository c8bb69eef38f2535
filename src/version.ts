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
