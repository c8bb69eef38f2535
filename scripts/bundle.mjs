// `npm run bundle` (part of `npm run build`, so of `npm ci`): tsc's output in dist/src becomes two
// CommonJS scripts, dist/bundle/pgready.cjs (the command line) and dist/bundle/worker.cjs (a worker
// thread), and V8's code cache for the first.
//
// bin/pgready.cjs loads pgready.cjs through bin/load-bundle.cjs, which compiles it with the code
// cache made here. The workers load only what they run: the whole command line in each worker
// (with or without its code cache) held about 7 MB more of its heap, 20 MB more peak on the dense
// corpus, for a start-up that is not on the critical path. Node 20 has no compile cache for ES modules
// (module.enableCompileCache came with Node 22), vm.Script takes one for a classic script. Dynamic
// imports become require() (vm.Script runs no import() without --experimental-vm-modules): the
// modules pgready loads on demand are bundled, and the external ones it imports dynamically (pg,
// PGlite) ship CommonJS builds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'bundle');

/**
 * A hash of what the bundle is built from: tsc's output and the lock file (the parser's grammar,
 * the SQL parsers). Cache entries are keyed by it (src/version.ts CACHE_VERSION): under one version
 * number, other code never reads this build's cache.
 */
function buildHash() {
  const hash = createHash('sha1');
  const files = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
  const inputs = ['src', 'rules', 'codemods'].flatMap((d) => (existsSync(join(root, 'dist', d)) ? files(join(root, 'dist', d)) : []));
  inputs.push(join(root, 'package-lock.json'));
  for (const file of inputs.sort()) {
    if (!existsSync(file)) continue;
    hash.update(`${relative(root, file)}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * string-width (yargs's help layout: cliui, wrap-ansi and yargs itself) makes an Intl.Segmenter and
 * Unicode property regexes (`\p{RGI_Emoji}` in `v` mode) when it is loaded, and the bundle loads it
 * on every run: 20-25 ms for help text that an audit never prints (the first Intl.Segmenter of a
 * process loads ICU's break-iterator data). Each import of it gets a function that loads the
 * package (esbuild evaluates a module reached through require() when it is first required) the
 * first time a string is measured.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData?.real) return undefined;
      const real = await b.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, pluginData: { real: true } });
      if (real.errors.length > 0) return { errors: real.errors };
      // named by its path in the repository, as esbuild names the modules it bundles
      return { path: relative(root, real.path), namespace: 'lazy-string-width', pluginData: { real: real.path } };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-string-width' }, (args) => ({
      contents: `let width;\nmodule.exports = (string, options) => (width ??= require(${JSON.stringify(args.pluginData.real)}).default)(string, options);\n`,
      loader: 'js',
      resolveDir: dirname(args.pluginData.real),
    }));
  },
};

rmSync(out, { recursive: true, force: true });
await build({
  plugins: [lazyStringWidth],
  entryPoints: { pgready: join(root, 'dist', 'src', 'cli', 'main.js'), worker: join(root, 'dist', 'src', 'perf', 'worker.js') },
  outdir: out,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  supported: { 'dynamic-import': false },
  // native addons, large packages loaded on demand, and packages with files of their own
  external: ['tree-sitter', 'tree-sitter-python', 'ts-morph', 'typescript', '@electric-sql/pglite', 'pg', 'libpg-query'],
  // the sources find their package (version, addon, worker entry) from their own URL
  define: { 'import.meta.url': '__pgreadyUrl', __PGREADY_BUILD__: JSON.stringify(buildHash()) },
  banner: { js: "const __pgreadyUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning',
});

// The code cache: a failure leaves pgready working (compiled from source, about 0.1 s slower a run)
if (existsSync(join(root, 'fixtures', 'legacy-trading'))) {
  const trained = spawnSync(process.execPath, [join(root, 'bin', 'load-bundle.cjs'), '--train', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (trained.status !== 0) process.stderr.write('pgready: bundle built without its code cache (see above); runs compile it from source\n');
}
