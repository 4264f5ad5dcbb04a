import { defineRule } from '../../server/engine/rule';
import { functionDefinition, functionProfile, isAsyncDef, isPurePythonCpuBound, lintMemo, scopeMap } from '../../server/analysis';

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
      before:
        'def pairwise_score(xs):\n    total = 0.0\n    for a in xs:\n        for b in xs:\n            total += a * b\n    return total\n\nasync def handle(req):\n    return pairwise_score(req.payload)',
      after: 'async def handle(req):\n    loop = asyncio.get_running_loop()\n    return await loop.run_in_executor(PROCESS_POOL, pairwise_score, req.payload)',
    },
  },
  query: `(call function: (identifier) @fn) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const name = m.need('fn').text;
    // Only a call of a sync def of this file, in a file with an async def, can be flagged: most calls stop at their name. The scope map
    // answers "inside an async def?" without walking parents (quadratic in deeply nested calls).
    if (!syncDefNames(ctx.facts).has(name)) return;
    if (!isAsyncDef(scopeMap(ctx.facts).enclosingFunction(call))) return;
    if (mayFollowAwait(ctx.text, call.startIndex) && call.parent?.type === 'await') return;
    const def = functionDefinition(ctx.facts, name, call);
    if (!def) return;
    // Its body decides: a loop typed into it makes the call a finding (an edit of its `async` rebinds names, a full lint).
    ctx.restsOn(def);
    if (def.child(0)?.type === 'async') return;
    if (!isPurePythonCpuBound(functionProfile(ctx.facts, def), 2)) return;
    ctx.report({
      node: call,
      restsOn: def,
      message: `\`${name}()\` runs nested pure-Python loops on the event loop thread, stalling every other task; offload it with \`await loop.run_in_executor(process_pool, ...)\``,
    });
  },
});

/** Whitespace and line continuations tree-sitter skips between tokens (NUL: the engine parses it as a space). */
const SKIPPED = /[\s\\\0\u200B\u2060]/;

/**
 * False when the code before offset surely does not end with the `await` keyword, so a call there
 * is not awaited; asking `call.parent` instead costs tree-sitter a descent from the root, which
 * makes deeply nested calls quadratic. A comment on the line before only makes the answer true.
 */
function mayFollowAwait(text: string, offset: number): boolean {
  let i = offset - 1;
  let crossedLine = false;
  while (i >= 0 && SKIPPED.test(text[i])) {
    if (text[i] === '\n' || text[i] === '\r') crossedLine = true;
    i--;
  }
  if (crossedLine) {
    let lineStart = i;
    while (lineStart >= 0 && text[lineStart] !== '\n' && text[lineStart] !== '\r') lineStart--;
    if (text.slice(lineStart + 1, i + 1).includes('#')) return true;
  }
  return i >= 4 && text.slice(i - 4, i + 1) === 'await' && !/\w/.test(text[i - 5] ?? '');
}

/** Names of the file's plain (not async) defs, at any depth; none when the file has no async def. */
const syncDefNames = lintMemo((facts) => {
  const names = new Set<string>();
  let hasAsync = false;
  for (const fn of facts.captures.functions) {
    if (fn.child(0)?.type === 'async') {
      hasAsync = true;
      continue;
    }
    const name = fn.childForFieldName('name')?.text;
    if (name) names.add(name);
  }
  if (!hasAsync) names.clear();
  return names;
});
