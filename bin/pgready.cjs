#!/usr/bin/env node
'use strict';
// A CommonJS script, like everything it loads: an ES module entry point makes Node load its ES
// module loader first, about 9 ms of every run (README, Performance).

// all of pgready in one script, compiled with V8's code cache when there is one (load-bundle.cjs)
const { loadBundle } = require('./load-bundle.cjs');
const { main } = loadBundle().exports;

// `pgready audit | head`: a reader that stops early is not an error. The run ends with the exit code
// its command settled before writing (audit's gate: context.ts, verdict), 0 when it settled none
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
