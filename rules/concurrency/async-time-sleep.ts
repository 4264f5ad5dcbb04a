import { defineRule } from '../../server/engine/rule';
import { ensureImport, replaceNode } from '../../server/engine/fixes';
import { isInsideAsyncDef } from '../../server/engine/scopes';

export default defineRule({
  id: 'async-time-sleep',
  title: 'time.sleep() inside async def',
  category: 'concurrency',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'asyncio-pitfalls',
  requires: ['time'],
  message: '`time.sleep()` blocks the event loop; use `await asyncio.sleep()`',
  docs: {
    why:
      'A coroutine runs on the event loop thread. `time.sleep()` suspends that whole thread, so every other ' +
      'task, callback and network read stalls until it returns, and timeouts elsewhere fire late.',
    instead: '`await asyncio.sleep(seconds)` suspends only this coroutine and lets the loop run other tasks meanwhile.',
    example: {
      before: 'async def poll():\n    time.sleep(1)',
      after: 'async def poll():\n    await asyncio.sleep(1)',
    },
  },
  fix: { safety: 'safe', title: 'Replace with await asyncio.sleep()' },
  query: `
(call
  function: [(attribute attribute: (identifier) @name) (identifier) @name]
  arguments: (argument_list) @args
  (#eq? @name "sleep")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    if (ctx.facts.calleeName(call) !== 'time.sleep') return;
    if (!isInsideAsyncDef(call)) return;
    if (call.parent?.type === 'await') return; // `await time.sleep()` is a different bug (TypeError)
    const asyncio = ensureImport(ctx.facts, 'asyncio', 'sleep');
    // Parenthesise unless the call stands alone or is the whole right-hand side.
    const bare = call.parent?.type === 'expression_statement' || call.parent?.type === 'assignment';
    const replacement = `await ${asyncio.ref}${m.need('args').text}`;
    ctx.report({
      node: call,
      edits: [...asyncio.edits, replaceNode(call, bare ? replacement : `(${replacement})`)],
    });
  },
});
