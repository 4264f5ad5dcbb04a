import { defineRule } from '../../server/engine/rule';
import { functionDefinition } from '../../server/engine/asyncApis';
import { functionProfile, isPurePythonCpuBound } from '../../server/engine/functionProfile';
import { isInsideAsyncDef } from '../../server/engine/scopes';

export default defineRule({
  id: 'async-cpu-bound-in-coroutine',
  title: 'Heavy CPU work called directly inside async def',
  category: 'concurrency',
  severity: 'info',
  enabledByDefault: false,
  confidence: 'low',
  guide: 'asyncio-pitfalls',
  message: 'Nested pure-Python loops run on the event loop thread and stall every other task; offload them to a process pool',
  docs: {
    why:
      'While a coroutine computes, its event loop runs nothing else: requests queue up, timeouts fire late and ' +
      'heartbeats are missed. Flagged when a coroutine directly calls a function of this file that runs nested ' +
      'loops of pure-Python arithmetic and does no I/O or awaiting (off by default: the size of the input decides ' +
      'whether it matters).',
    instead:
      'Run it in a process pool: `await loop.run_in_executor(process_pool, fn, *args)` (with `loop = ' +
      'asyncio.get_running_loop()`), or vectorise it with numpy. `asyncio.to_thread` keeps the loop responsive ' +
      'but the work still holds the GIL.',
    example: {
      before: 'async def handle(req):\n    return heavy_numeric_loop(req.payload)',
      after:
        'async def handle(req):\n    loop = asyncio.get_running_loop()\n    return await loop.run_in_executor(PROCESS_POOL, heavy_numeric_loop, req.payload)',
    },
  },
  query: `(call function: (identifier) @fn) @call`,
  check(m, ctx) {
    const call = m.need('call');
    if (!isInsideAsyncDef(call) || call.parent?.type === 'await') return;
    const def = functionDefinition(ctx.facts, m.need('fn').text, call);
    if (!def || def.child(0)?.type === 'async') return;
    if (!isPurePythonCpuBound(functionProfile(ctx.facts, def), 2)) return;
    ctx.report({
      node: call,
      message: `\`${m.need('fn').text}()\` runs nested pure-Python loops on the event loop thread, stalling every other task; offload it with \`await loop.run_in_executor(process_pool, ...)\``,
    });
  },
});
