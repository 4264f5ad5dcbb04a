import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingLoop, importedCallee, importedCallQuery } from '../../server/analysis';
import { deleteLines, replaceNode } from '../../server/fixes';

const EMPTY_CACHE = new Set(['torch.cuda.empty_cache', 'torch.mps.empty_cache', 'torch.xpu.empty_cache']);

export default defineRule({
  id: 'torch-empty-cache-in-loop',
  title: 'torch.cuda.empty_cache() called on every iteration',
  category: 'pytorch',
  severity: 'info',
  enabledByDefault: false,
  confidence: 'high',
  guide: 'pytorch-gpu-efficiency',
  requires: ['torch'],
  message: '`torch.cuda.empty_cache()` in a loop frees no memory held by tensors and slows later allocations; drop the references instead',
  docs: {
    why:
      'PyTorch keeps freed GPU blocks in a cache so the next allocation is fast. `empty_cache()` only returns ' +
      'cached blocks that no tensor uses to the driver: it never frees memory held by live tensors, and the ' +
      'allocator already empties its cache and retries before reporting out-of-memory. Calling it every ' +
      'iteration just forces slow `cudaMalloc` calls (and a synchronisation) on the next iterations.',
    instead:
      'Free memory by dropping references (`del out, loss`, avoid keeping graphs alive by accumulating ' +
      '`loss.detach()`). Call `empty_cache()` only to hand memory back to other processes, e.g. once after a phase. ' +
      'Calls under a condition or in an `except` handler are not flagged.',
    example: {
      before: 'for batch in loader:\n    out = model(batch)\n    torch.cuda.empty_cache()',
      after: 'for batch in loader:\n    out = model(batch)\n    del out',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Remove the empty_cache() call',
    reason: 'other processes sharing the GPU no longer get the cached memory back after each iteration',
  },
  query: importedCallQuery(['empty_cache']),
  check(m, ctx) {
    const call = m.need('call');
    if (!importedCallee(m.need('call'), m.need('fn'), ctx.facts, EMPTY_CACHE)) return;
    const loop = enclosingLoop(call);
    if (!loop) return;
    if (isConditional(call, loop)) return;
    ctx.report({
      node: call,
      message: `\`${call.childForFieldName('function')!.text}()\` runs on every iteration: it frees nothing that tensors still hold and slows the next allocations`,
      edits: removal(ctx.text, call),
    });
  },
});

/** Under an if/elif/else, a conditional expression, or a try's except/finally: not every iteration. */
function isConditional(call: Node, loop: Node): boolean {
  for (let n = call.parent; n && !n.equals(loop); n = n.parent) {
    if (['if_statement', 'elif_clause', 'else_clause', 'except_clause', 'finally_clause', 'conditional_expression', 'boolean_operator'].includes(n.type))
      return true;
  }
  return false;
}

function removal(text: string, call: Node) {
  const stmt = call.parent;
  if (stmt?.type !== 'expression_statement' || stmt.parent?.type !== 'block') return undefined;
  const block = stmt.parent;
  const statements = block.namedChildren.filter((c) => c !== null && c.type !== 'comment');
  // `x; torch.cuda.empty_cache()` on one line: leave it.
  if (text.slice(stmt.endIndex).match(/^[ \t]*;/) || /;[ \t]*$/.test(text.slice(text.lastIndexOf('\n', stmt.startIndex) + 1, stmt.startIndex)))
    return undefined;
  // The only statement: keep the block valid with `pass`.
  if (statements.length === 1) return [replaceNode(call, 'pass')];
  // A trailing comment on the line goes with it; comments on their own lines stay.
  return [deleteLines(text, stmt.startIndex, stmt.endIndex)];
}
