import { describe, expect, it } from 'vitest';
import { collectNow } from '../src/util/collect.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('collectNow', () => {
  it('collects garbage at once', async () => {
    let ref: WeakRef<object> | undefined;
    (() => {
      ref = new WeakRef({ payload: new Array(1000).fill(1) });
    })();
    // a WeakRef's target lives to the end of the job that made it
    await turn();
    collectNow();
    await turn();
    expect(ref!.deref()).toBeUndefined();
  });
});
