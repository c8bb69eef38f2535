// Only for running from TypeScript sources (the test suite): teach this worker to load .ts files.
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';

register('./dev-hooks.mjs', import.meta.url);
await import(workerData.entry);
