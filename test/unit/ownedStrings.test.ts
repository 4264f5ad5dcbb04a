// Names kept in tables carried across edits must not keep the text they were read from alive: V8 returns a substring
// of 13 or more characters as a view into its parent, so a kept name held a whole edit's text (server/syntax/text.ts
// ownedString). Each test keeps only what a table would keep and checks the heap after a full collection.
import * as assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import { boundNames } from '../../server/analysis/facts';
import { garbageCollector } from '../../server/lsp/garbage';
import { WordIndex } from '../../server/syntax/spelling';
import { ownedString } from '../../server/syntax/text';
import { getEngine } from '../helpers/engine';

const TEXT_MB = 2;
const NAME = 'a_name_longer_than_twelve';

/** A text of TEXT_MB MB of its own (not shared with any other test) that spells NAME first. */
function bigText(): string {
  return `def ${NAME}():\n    pass\n${`s = '${'x'.repeat(94)}'\n`.repeat(TEXT_MB * 1e4)}s = ${Math.random()}\n`;
}

/**
 * The MB of large-object heap still used after a full collection while what keep() returned is held. A text of MBs is a
 * large object, and only that space is read: in the whole heap, garbage an earlier test left (pending timers, servers
 * shutting down) was freed between the two collections as well and at times hid the text kept.
 */
function retainedMb(keep: () => unknown): number {
  const gc = garbageCollector();
  assert.ok(gc, 'needs a full collection');
  gc();
  const before = largeObjectBytes();
  const kept = keep();
  gc();
  const after = largeObjectBytes();
  assert.ok(kept);
  return (after - before) / 1e6;
}

/** Bytes in V8's large-object spaces (old and new), where strings of MBs live. */
function largeObjectBytes(): number {
  return v8
    .getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'large_object_space' || space.space_name === 'new_large_object_space')
    .reduce((sum, space) => sum + space.space_used_size, 0);
}

describe('owned strings', () => {
  it('a view into a text keeps it alive; ownedString does not', () => {
    assert.ok(retainedMb(() => bigText().slice(4, 4 + NAME.length)) > TEXT_MB / 2, 'the premise: a substring is a view');
    const owned: string[] = [];
    assert.ok(retainedMb(() => owned.push(ownedString(bigText().slice(4, 4 + NAME.length)))) < 1);
    assert.equal(owned[0], NAME);
  });

  it('boundNames keeps owned names (the incremental lint carries them per statement)', async () => {
    const engine = await getEngine();
    const names: string[] = [];
    const retained = retainedMb(() => {
      const tree = engine.parse(bigText());
      try {
        names.push(...boundNames(tree.rootNode.child(0)!));
      } finally {
        tree.delete();
      }
      return names;
    });
    assert.deepEqual(names, [NAME]);
    assert.ok(retained < 1, `${retained.toFixed(1)} MB retained`);
  });

  it('a word index keys its remembered words with owned strings (it is carried across edits)', () => {
    const index = new WordIndex(`${NAME} = 1\n${NAME}\n`);
    const retained = retainedMb(() => index.of(bigText().slice(4, 4 + NAME.length)));
    assert.deepEqual(index.of(NAME), [0, NAME.length + 5]);
    assert.ok(retained < 1, `${retained.toFixed(1)} MB retained`);
  });
});
