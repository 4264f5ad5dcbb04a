import { defineRule } from '../../server/engine/rule';
import { isInsideAsyncDef, isShadowed, rootName } from '../../server/analysis';
import { ensureImport, replaceNode } from '../../server/fixes';

export default defineRule({
  id: 'async-get-event-loop',
  title: 'asyncio.get_event_loop() inside a coroutine',
  category: 'concurrency',
  // Inside a coroutine both calls return the running loop on every Python version: the change is for clarity and for
  // code later moved out of the coroutine, not a bug or a cost there (issue 26 review: 5 of 5 findings not worth a change).
  severity: 'hint',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'asyncio-fundamentals',
  message: '`asyncio.get_event_loop()` inside a coroutine; use `asyncio.get_running_loop()`',
  docs: {
    why:
      '`asyncio.get_running_loop()` is the supported way for a coroutine to reach its loop: it always returns the ' +
      'loop running the coroutine. `get_event_loop()` also consults the event loop policy; outside a running loop it has been ' +
      'deprecated since Python 3.10 (DeprecationWarning) and raises RuntimeError in 3.14 when no loop is set, so ' +
      'code copied from a coroutine into synchronous code breaks in surprising ways. Inside a coroutine the two ' +
      'calls return the same loop, so this is a hint: a clarity fix, safe to apply with fix-all.',
    instead: 'Call `asyncio.get_running_loop()` inside coroutines and callbacks; start programs with `asyncio.run(main())`.',
    example: {
      before: 'async def main():\n    loop = asyncio.get_event_loop()\n    await loop.run_in_executor(None, work)',
      after: 'async def main():\n    loop = asyncio.get_running_loop()\n    await loop.run_in_executor(None, work)',
    },
  },
  fix: { safety: 'safe', title: 'Use asyncio.get_running_loop()' },
  insideAsyncDef: true,
  query: `
(call
  function: [(identifier) @name (attribute attribute: (identifier) @name)]
  (#eq? @name "get_event_loop")) @call`,
  calls: { names: ['get_event_loop'] },
  check(m, ctx) {
    const call = m.need('call');
    const fn = call.childForFieldName('function')!;
    if (ctx.facts.qualifiedName(fn) !== 'asyncio.get_event_loop') return;
    if (!isInsideAsyncDef(call) || isShadowed(ctx.facts, rootName(fn), call)) return;
    const name = m.need('name');
    if (fn.type === 'attribute') {
      // `asyncio.get_event_loop` / `aio.get_event_loop`: rename the attribute, keeping the module alias.
      ctx.report({
        node: call,
        message: `\`${fn.text}()\` inside a coroutine; use \`${fn.childForFieldName('object')!.text}.get_running_loop()\``,
        edits: [replaceNode(name, 'get_running_loop')],
      });
      return;
    }
    const running = ensureImport(ctx.facts, 'asyncio', 'get_running_loop');
    ctx.report({
      node: call,
      message: `\`${fn.text}()\` inside a coroutine; use \`${running.ref}()\``,
      edits: [...running.edits, replaceNode(fn, running.ref)],
    });
  },
});
