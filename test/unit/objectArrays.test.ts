// One array kind for the incremental bookkeeping's lists (server/syntax/objectArrays.ts): V8's packed object elements
// kind, empty or not. A list of another kind (a literal [] or a .map of an empty list: small integers; an inlined .map:
// holey) sent the helpers that read it back to the interpreter, a few times per 200 keystrokes (bench/README.md, issue 29).
import * as assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import type { Engine } from '../../server/engine/engine';
import { IncrementalLinter } from '../../server/engine/incremental';
import { boundNames } from '../../server/analysis/facts';
import { copyObjects, mapToObjects, objectArray } from '../../server/syntax/objectArrays';
import type { Tree } from '../../server/syntax/parser';
import { applyEdit } from '../stress/incrementalCheck';
import { getEngine } from '../helpers/engine';

// V8's own answer about an array's elements kind (natives syntax, enabled for functions compiled from here on).
setFlagsFromString('--allow-natives-syntax');
const packedObjects = new Function('a', 'return %HasObjectElements(a) && !%HasHoleyElements(a)') as (a: unknown[]) => boolean;

interface Tables {
  imports: unknown[];
  functions: unknown[];
  comments: unknown[];
  suppressions: unknown[];
  errors: unknown[];
  units: { bindings: string[] }[];
}

let engine: Engine;
before(async () => {
  engine = await getEngine();
});

describe('objectArrays: lists of one elements kind', () => {
  it('tells the kinds apart (the probe itself)', () => {
    assert.equal(packedObjects([]), false, 'a literal [] is of the small-integer kind');
    assert.equal(packedObjects([{}]), true);
    assert.equal(packedObjects([{}].map((x) => x).filter(() => false)), true);
    assert.equal(packedObjects(([] as object[]).map((x) => x)), false, 'a .map of an empty list is not');
  });

  it('makes packed object arrays, empty or not', () => {
    assert.ok(packedObjects(objectArray()));
    assert.ok(packedObjects(mapToObjects([], (x: number) => ({ x }))));
    assert.ok(packedObjects(mapToObjects([1, 2], (x) => ({ x }))));
    assert.deepEqual(
      mapToObjects([1, 2], (x) => ({ x })),
      [{ x: 1 }, { x: 2 }],
    );
    assert.ok(packedObjects(copyObjects([])));
    const items = [{ a: 1 }, { a: 2 }];
    const copy = copyObjects(items);
    assert.ok(packedObjects(copy));
    assert.notEqual(copy, items);
    assert.deepEqual(copy, items);
  });

  it('boundNames: a packed object array, also when the statement binds nothing', () => {
    const tree = engine.parse('print(1)\nx = 2\n');
    try {
      assert.deepEqual(boundNames(tree.rootNode.child(0)!), []);
      assert.ok(packedObjects(boundNames(tree.rootNode.child(0)!)));
      assert.deepEqual(boundNames(tree.rootNode.child(1)!), ['x']);
      assert.ok(packedObjects(boundNames(tree.rootNode.child(1)!)));
    } finally {
      tree.delete();
    }
  });

  it("the incremental state's tables, after a full lint and after a keystroke, also when empty", () => {
    // No import, comment, suppression or syntax error: every one of those tables is empty.
    const helpers = Array.from({ length: 20 }, (_, k) => `def helper_${k}(x):\n    return x * ${k}\n`);
    const source = ['def work(x):', '    return x + 1', '', ...helpers].join('\n');
    const linter = new IncrementalLinter(engine, true);
    const tree: Tree = engine.parse(source);
    let next: Tree | null = null;
    const tables = () => (linter as unknown as { state: Tables }).state;
    const check = (when: string) => {
      const state = tables();
      for (const name of ['imports', 'functions', 'comments', 'suppressions', 'errors'] as const) {
        assert.ok(packedObjects(state[name]), `${when}: ${name}`);
      }
      for (const u of state.units) assert.ok(packedObjects(u.bindings), `${when}: a unit's bindings`);
    };
    try {
      linter.lint(tree, source, { select: ['ALL'] }, null);
      assert.equal(tables().imports.length + tables().comments.length + tables().suppressions.length + tables().errors.length, 0);
      check('full lint');
      const start = source.indexOf('x + 1');
      const edited = applyEdit(engine, tree, source, { start, end: start + 'x + 1'.length, newText: 'x + 12' });
      next = edited.tree;
      linter.lint(next, edited.text, { select: ['ALL'] }, [edited.change], edited.changedRanges);
      assert.ok(linter.stats.partial > 0, 'the keystroke was linted incrementally');
      check('keystroke');
    } finally {
      tree.delete();
      next?.delete();
    }
  });
});
