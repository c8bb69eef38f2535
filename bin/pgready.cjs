#!/usr/bin/env node
'use strict';
// A CommonJS script, like everything it loads: an ES module entry point makes Node load its ES
// module loader first (pgready --version: about 4 ms of 90).

// `pgready audit | head`: a reader that stops early is not an error. The run ends with the exit code
// its command settled before writing (audit's gate: context.ts, verdict), 0 when it settled none.
// Any other failure to write (`> file` on a full disk: ENOSPC) leaves the output cut short: a
// message saying so, no stack trace, and exit code 2, never the gate's 0 or 1. The exit listeners
// run either way (temporary files removed). (Made before load-bundle.cjs sets V8's flags: see there.)
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (stream === process.stdout) {
      const why = err && err.message ? err.message : String(err);
      process.stderr.write(`pgready: cannot write to standard output (${why}); what was written is incomplete.\n`);
    }
    process.exit(2);
  });
}

// a shell left in a directory that was removed (a checkout deleted and made again): every path is
// resolved from here, and yargs asks for it as it loads (a stack trace before session 26)
try {
  process.cwd();
} catch (err) {
  process.stderr.write(`pgready: the current directory cannot be read (${err && err.code ? err.code : err}): it was removed or renamed. cd into the project again and rerun.\n`);
  process.exit(2);
}

// all of pgready in one script, compiled with V8's code cache when there is one (load-bundle.cjs)
const { loadBundle } = require('./load-bundle.cjs');
const { main } = loadBundle().exports;

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
