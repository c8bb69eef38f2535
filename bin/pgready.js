#!/usr/bin/env node
// one bundled file (npm run bundle) loads in a third of the time of ~200 modules
import { main } from '../dist/bundle/main.js';

// `pgready audit | head`: a reader that stops early is not an error
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
