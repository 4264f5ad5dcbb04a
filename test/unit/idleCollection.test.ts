// The server's idle-time garbage collection: once per pause in typing, never while edits arrive.
import * as assert from 'node:assert/strict';
import { IdleCollection } from '../../server/lsp/idleCollection';
import { unhandledRejectionsDuring } from '../helpers/rejections';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const failOnReport = (error: unknown) => assert.fail(`reported: ${String(error)}`);

describe('idle collection', () => {
  it('runs once, after the last of a burst of edits', async () => {
    let runs = 0;
    const idle = new IdleCollection(
      () => runs++,
      () => Promise.resolve(),
      failOnReport,
      40,
    );
    for (let i = 0; i < 5; i++) {
      idle.changed();
      await sleep(10);
    }
    assert.equal(runs, 0, 'not while edits keep arriving');
    await sleep(80);
    assert.equal(runs, 1);
    await sleep(80);
    assert.equal(runs, 1, 'nothing more without new edits');
    idle.dispose();
  });

  it('skips a collection when an edit arrives while it waits for a quiet turn', async () => {
    let runs = 0;
    let releaseTurn: () => void = () => {};
    const idle = new IdleCollection(
      () => runs++,
      () => new Promise<void>((r) => (releaseTurn = r)),
      failOnReport,
      20,
    );
    idle.changed();
    await sleep(40); // the timer fired and waits for its turn
    idle.changed(); // typing resumed
    releaseTurn();
    await sleep(5);
    assert.equal(runs, 0);
    idle.dispose();
  });

  it('dispose cancels a pending collection', async () => {
    let runs = 0;
    const idle = new IdleCollection(
      () => runs++,
      () => Promise.resolve(),
      failOnReport,
      20,
    );
    idle.changed();
    idle.dispose();
    await sleep(50);
    assert.equal(runs, 0);
  });

  it('reports a failed collection (the server logs it) instead of leaving an unhandled rejection', async () => {
    const reported: unknown[] = [];
    const unhandled = await unhandledRejectionsDuring(async () => {
      const idle = new IdleCollection(
        () => {
          throw new Error('collector broke');
        },
        () => Promise.resolve(),
        (error) => reported.push(error),
        10,
      );
      idle.changed();
      await sleep(40);
      idle.dispose();
    });
    assert.deepEqual(unhandled, []);
    assert.deepEqual(
      reported.map((e) => (e as Error).message),
      ['collector broke'],
    );
  });
});
