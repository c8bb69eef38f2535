#!/usr/bin/env node
import { createRequire } from 'node:module';

// all of pgready in one script, compiled with V8's code cache when there is one (load-bundle.cjs)
const { loadBundle } = createRequire(import.meta.url)('./load-bundle.cjs');
const { main } = loadBundle().exports;

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
