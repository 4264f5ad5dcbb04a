// server/analysis/callsOf.ts: the calls of a file that run a def, from the places its name is spelled.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Engine } from '../../server/engine/engine';
import { FileFacts } from '../../server/analysis/facts';
import { callsOf, referencesTo } from '../../server/analysis/callsOf';
import { DIST } from '../helpers/engine';

describe('callsOf', () => {
  it("gives each reference's call from the parent bareSpellings kept, as reading each reference's parent does", async function () {
    const files = ['typing.py', 'argparse.py', 'functools.py'].flatMap((f) => {
      try {
        return [readFileSync(`/usr/lib/python3.11/${f}`, 'utf8')];
      } catch {
        return [];
      }
    });
    if (files.length === 0) this.skip();
    const engine = await Engine.create([], DIST);
    try {
      let calls = 0;
      for (const text of files) {
        const tree = engine.parse(text);
        try {
          const facts = new FileFacts(tree, text, { imports: [], comments: [], functions: [] });
          for (const def of tree.rootNode.descendantsOfType('function_definition')) {
            const found = callsOf(def!, facts).map((c) => c.startIndex);
            const read = referencesTo(def!, facts).flatMap((ref) => {
              const call = ref.parent;
              return call?.type === 'call' && call.childForFieldName('function')?.equals(ref) ? [call.startIndex] : [];
            });
            assert.deepEqual(found, read, def!.childForFieldName('name')!.text);
            calls += found.length;
          }
        } finally {
          tree.delete();
        }
      }
      assert.ok(calls > 200, `${calls} calls`);
    } finally {
      engine.dispose();
    }
  });
});
