import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ProjectInputs, Task, TaskResult } from './tasks.js';
import { shipTask, TaskRunner, treeBuffers } from './tasks.js';
import type { Interner } from '../util/intern.js';
import type { FromWorker, ToWorker } from './worker.js';

const YIELD_EVERY = 8;
const turn = () => new Promise<void>((r) => setImmediate(r));

/** Told as each task finishes: its result and the task's place in the list. */
export type OnResult = (result: TaskResult, at: number) => void;

/** Runs analysis tasks: on this thread, or spread over worker threads (one parser each). */
export interface Executor {
  setup(inputs: ProjectInputs): void;
  /**
   * Runs the tasks and hands each result to `onResult` as it comes, in no fixed order on worker
   * threads, and keeps none: the caller keeps what it needs of each (a run of 64,000 files kept
   * every result to the end, 14.5 MB of the main thread's heap where such runs peak).
   */
  run(tasks: Task[], onResult: OnResult): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs the tasks on this thread. A file whose analysis runs out of this thread's stack (V8's
 * default, under 1 MB: a concatenation of 2,500 strings, which CPython still compiles, nests that
 * deep) is analysed again on a worker thread with the stack every worker has (WORKER_STACK_MB),
 * started for it: so a run's findings do not depend on whether it ran on workers (before session
 * 26 such a file was analysed on workers and skipped as an internal error on this thread).
 */
export class InlineExecutor implements Executor {
  private readonly runner = new TaskRunner();
  private tableSize = -1;
  private inputs: ProjectInputs | undefined;
  /** the worker for files too deep for this thread, once one came; set up with the latest inputs */
  private deep: { executor: WorkerExecutor; inputs: ProjectInputs | undefined } | undefined;

  setup(inputs: ProjectInputs): void {
    this.runner.setup(inputs, inputs.table.length !== this.tableSize);
    this.tableSize = inputs.table.length;
    this.inputs = inputs;
  }

  async run(tasks: Task[], onResult: OnResult): Promise<void> {
    try {
      for (let at = 0; at < tasks.length; at++) {
        const result = this.runner.run(shipTask(tasks[at]!));
        onResult(result.overflow ? await this.runDeep(tasks[at]!) : result, at);
        if ((at + 1) % YIELD_EVERY === 0) await turn();
      }
    } finally {
      this.runner.release();
    }
  }

  /** The task's result from the worker with a worker's stack. */
  private async runDeep(task: Task): Promise<TaskResult> {
    this.deep ??= { executor: new WorkerExecutor(1), inputs: undefined };
    if (this.deep.inputs !== this.inputs && this.inputs) {
      this.deep.executor.setup(this.inputs);
      this.deep.inputs = this.inputs;
    }
    let out: TaskResult | undefined;
    await this.deep.executor.run([task], (r) => (out = r));
    return out!;
  }

  async close(): Promise<void> {
    await this.deep?.executor.close();
    this.deep = undefined;
  }
}

/**
 * The worker entry: the bundle's own (dist/bundle/worker.cjs) when running from the bundle;
 * dist/src/perf/worker.js when run from tsc's output; under the test runner (TypeScript sources) a
 * bootstrap that registers a TypeScript loader first.
 */
function workerSpec(): { url: URL; workerData?: unknown } {
  const bundled = new URL('./worker.cjs', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return { url: bundled };
  const js = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js };
  return { url: new URL('./dev-worker.mjs', import.meta.url), workerData: { entry: new URL('./worker.ts', import.meta.url).href } };
}

/**
 * A worker's young generation, in MB (V8's default: 16 MB semi-spaces, up to 48 MB). A worker's
 * live heap is about 16 MB, and what it allocates for a file dies with the file. With the old
 * generation growing by a quarter between full collections (bin/load-bundle.cjs), a small young
 * generation lowers the 16,000-file corpus's peak from 336-339 to 282-283 MB and the 2,000-file
 * one's from 204 to 160 MB, in the same time. (With V8's default growth it made the peak worse:
 * what it promotes early then grew the old generation up to fourfold.)
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * A worker's stack, in MB (Node's default: 4). The analysis recurses once or more for each level of
 * a syntax tree: on 4 MB a concatenation of 16,000 strings ran out of it, at most 2,990 compile in
 * CPython 3.11. Only the part used takes memory.
 */
const WORKER_STACK_MB = 64;

/** Batches of files go to whichever worker is free; results are put back in task order. */
export class WorkerExecutor implements Executor {
  private readonly workers: Worker[] = [];
  private nextId = 0;
  private tableSize = -1;
  private readonly pending = new Map<number, (r: TaskResult[]) => void>();
  private failure: Error | undefined;

  /** interner: keeps one copy of each string the results bring (see Interner) */
  constructor(count: number, private readonly interner?: Interner) {
    const spec = workerSpec();
    for (let i = 0; i < count; i++) {
      const w = new Worker(spec.url, { workerData: spec.workerData, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, stackSizeMb: WORKER_STACK_MB } });
      w.on('message', (m: FromWorker) => {
        const done = this.pending.get(m.id);
        this.pending.delete(m.id);
        done?.(m.results);
      });
      w.on('error', (e) => {
        this.failure = e;
        for (const [, done] of this.pending) done([]);
        this.pending.clear();
      });
      this.workers.push(w);
    }
  }

  setup(inputs: ProjectInputs): void {
    const tableChanged = inputs.table.length !== this.tableSize;
    // a worker keeps the table it has unless it changed: not copied to it again (64,000 files: about
    // 6 MB serialized for each worker as the facts pass began, and as much garbage in its heap)
    const msg: ToWorker = { t: 'setup', inputs: tableChanged ? inputs : { ...inputs, table: [] }, tableChanged };
    this.tableSize = inputs.table.length;
    for (const w of this.workers) w.postMessage(msg);
  }

  async run(tasks: Task[], onResult: OnResult): Promise<void> {
    // small batches keep both workers busy to the end; larger files first would balance better still
    const batch = Math.max(1, Math.min(16, Math.ceil(tasks.length / (this.workers.length * 8))));
    let next = 0;
    const feed = async (w: Worker): Promise<void> => {
      while (next < tasks.length && !this.failure) {
        const from = next;
        const slice = tasks.slice(from, from + batch).map(shipTask);
        next += slice.length;
        // a tree goes with its task: one in memory is moved (left detached here), and one in the
        // scratch directory is read there, so the task no longer holds its place (64,000 dense files:
        // about 3.4 MB of the main thread's heap through the facts pass); a task run again after its
        // worker died is parsed again
        for (let k = from; k < next; k++) tasks[k]!.tree = undefined;
        const id = this.nextId++;
        const got = await new Promise<TaskResult[]>((resolve) => {
          this.pending.set(id, resolve);
          const msg: ToWorker = { t: 'batch', id, tasks: slice };
          w.postMessage(msg, treeBuffers(slice));
        });
        for (let k = 0; k < got.length; k++) onResult(this.interner ? this.interner.walk(got[k]!) : got[k]!, from + k);
      }
    };
    // two batches under way on each worker: it starts the next while this thread takes the last one's results
    await Promise.all([...this.workers, ...this.workers].map(feed));
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
