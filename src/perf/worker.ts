import { parentPort } from 'node:worker_threads';
import type { ProjectInputs, Task, TaskResult } from './tasks.js';
import { TaskRunner, treeBuffers } from './tasks.js';

/** Messages from the main thread: project inputs, then batches of tasks. */
export type ToWorker = { t: 'setup'; inputs: ProjectInputs; tableChanged: boolean } | { t: 'batch'; id: number; tasks: Task[] };
export type FromWorker = { t: 'done'; id: number; results: TaskResult[] };

/** Native trees are freed when the event loop turns: yield every few files here too. */
const YIELD_EVERY = 8;
const turn = () => new Promise<void>((r) => setImmediate(r));

// tokens are half of a file's facts and a function of the SQL text and holes: the main thread
// tokenizes again what its rules read (tokensOf) rather than copying them all across
const runner = new TaskRunner(true);
let queue: Promise<void> = Promise.resolve();

parentPort?.on('message', (msg: ToWorker) => {
  // messages are handled strictly in order, each batch to completion
  queue = queue.then(async () => {
    if (msg.t === 'setup') {
      runner.setup(msg.inputs, msg.tableChanged);
      return;
    }
    const results: TaskResult[] = [];
    let n = 0;
    for (const task of msg.tasks) {
      results.push(runner.run(task));
      if (++n % YIELD_EVERY === 0) await turn();
    }
    // a worker's file descriptors outlive it: none stays open between batches
    runner.release();
    const reply: FromWorker = { t: 'done', id: msg.id, results };
    parentPort!.postMessage(reply, treeBuffers(results));
  });
});
