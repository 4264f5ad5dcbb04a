// ancestors() (server/analysis/scopes.ts): the same chain as walking `.parent`, innermost first, whether the
// node is shallow (parents read directly) or deep (the rest of the chain from one descent from the root).
import * as assert from 'node:assert/strict';
import { ancestors, enclosingDef, enclosingLoop } from '../../server/analysis/scopes';
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
