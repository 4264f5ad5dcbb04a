// ancestors() (server/analysis/scopes.ts): the same chain as walking `.parent`, innermost first, whether the
// node is shallow (parents read directly) or deep (the rest of the chain from one descent from the root).
import * as assert from 'node:assert/strict';
import { ancestors, enclosingDef, enclosingLoop, findDescendants, isNestedScope, ownReturnStatements } from '../../server/analysis/scopes';
import type { Node } from '../../server/syntax/parser';
import { getEngine } from '../helpers/engine';

function parentWalk(node: Node): string[] {
  const out: string[] = [];
  for (let n = node.parent; n; n = n.parent) out.push(`${n.type}@${n.startIndex}-${n.endIndex}`);
  return out;
}

describe('ancestors', () => {
  for (const depth of [3, 40]) {
    it(`lists the same ancestors as a walk up .parent, innermost first (${depth} nested calls)`, async () => {
      const engine = await getEngine();
      const text = `def outer():\n    for i in range(3):\n        y = ${'f('.repeat(depth)}i${')'.repeat(depth)}\n`;
      const tree = engine.parse(text);
      try {
        const leaf = tree.rootNode.descendantForIndex(text.indexOf('i)'));
        assert.ok(leaf && leaf.type === 'identifier');
        assert.deepEqual(
          [...ancestors(leaf)].map((n) => `${n.type}@${n.startIndex}-${n.endIndex}`),
          parentWalk(leaf),
        );
        assert.equal(enclosingLoop(leaf)?.type, 'for_statement');
        assert.equal(enclosingDef(leaf)?.childForFieldName('name')?.text, 'outer');
      } finally {
        tree.delete();
      }
    });
  }
});

describe('ownReturnStatements', () => {
  it("finds the returns of a def's own scope, as a walk that stops at nested defs, classes and lambdas does", async () => {
    const engine = await getEngine();
    const text = [
      'def outer(x):',
      '    def inner(y):',
      '        return y',
      '    class Local:',
      '        def method(self):',
      '            return self',
      '    @decorated',
      '    def wrapped():',
      '        return 1',
      '    key = lambda v: v',
      '    if x:',
      '        return inner(x)',
      '    for i in x:',
      '        try:',
      '            return [i for i in x]',
      '        finally:',
      '            pass',
      '    return',
      '',
      'class Outer:',
      '    def method(self):',
      '        return 2',
      '',
    ].join('\n');
    const tree = engine.parse(text);
    try {
      const spans = (nodes: Node[]) => nodes.map((n) => `${n.startIndex}-${n.endIndex}`);
      const defs = findDescendants(tree.rootNode, (n) => n.type === 'function_definition' || n.type === 'class_definition');
      for (const def of [tree.rootNode, ...defs]) {
        const walked = findDescendants(def, (n) => n.type === 'return_statement', isNestedScope);
        assert.deepEqual(spans(ownReturnStatements(def)), spans(walked), def.text.slice(0, 30));
      }
      assert.equal(ownReturnStatements(defs[0]).length, 3, "outer's own: `return inner(x)`, the comprehension's, the bare one");
    } finally {
      tree.delete();
    }
  });
});
