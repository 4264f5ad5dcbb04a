import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { asyncFramework, callsBuiltinInput, enclosingFunction, isInsideAsyncDef, isShadowed, rootName, type FileFacts } from '../../server/analysis';
import { ensureImport, replaceNode } from '../../server/fixes';

/**
 * `time.sleep()` held the event loop; `await ...sleep()` hands it over. That is the point, but other tasks
 * now run at this line and a pending timeout or cancellation is delivered here: a 10 ms `wait_for` around
 * a coroutine that sleeps 100 ms used to complete (late) and now raises TimeoutError.
 */
const SUSPENDS =
  'the coroutine now suspends here: other tasks run in the meantime, and a timeout or cancellation can fire at this line (a timeout shorter than the sleep used to complete late and now raises)';
const NO_FRAMEWORK = `${SUSPENDS}; also, this file imports no async framework: make sure its coroutines run on asyncio (trio and anyio need their own sleep)`;

/**
 * Why a sleep in a coroutine that also reads the terminal costs little: `input()` already holds the event loop until a
 * person types, so nothing else runs on that loop meanwhile. Open Interpreter's OS-mode start-up prints a banner, sleeps
 * half a second and asks for an API key: review36 judged both such sleeps noise.
 */
const READS_TERMINAL = 'in a coroutine that also waits at `input()`: nothing else runs on its loop while it talks to the terminal';

export default defineRule({
  id: 'async-time-sleep',
  title: 'time.sleep() inside async def',
  category: 'concurrency',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'asyncio-pitfalls',
  // Ruff's ASYNC251 flags the same `time.sleep()` in an `async def`.
  peers: { ruff: ['ASYNC251'] },
  requires: ['time'],
  message: '`time.sleep()` blocks the event loop; use `await asyncio.sleep()`',
  docs: {
    why:
      'A coroutine runs on the event loop thread. `time.sleep()` suspends that whole thread, so every other ' +
      'task, callback and network read stalls until it returns, and timeouts elsewhere fire late.',
    instead:
      '`await asyncio.sleep(seconds)` (or `trio.sleep` / `anyio.sleep` under those frameworks) suspends only this ' +
      'coroutine and lets the loop run other tasks meanwhile.',
    example: {
      before: 'async def poll():\n    time.sleep(1)',
      after: 'async def poll():\n    await asyncio.sleep(1)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Replace with await asyncio.sleep()',
    reason: SUSPENDS,
    forms: [{ safety: 'unsafe', when: 'when the file imports no async framework', reason: NO_FRAMEWORK }],
  },
  // (in trio / anyio files the fix uses trio.sleep / anyio.sleep; in files mixing frameworks there is no fix)
  insideAsyncDef: true,
  query: `
(call
  function: [(attribute attribute: (identifier) @name) (identifier) @name]
  arguments: (argument_list) @args
  (#eq? @name "sleep")) @call`,
  // Anchored on its calls: a whole-tree pass of its own cost more than its few matches (engine/callAnchors.ts).
  calls: { names: ['sleep'] },
  check(m, ctx) {
    const call = m.need('call');
    if (ctx.facts.calleeName(call) !== 'time.sleep') return;
    if (!isInsideAsyncDef(call)) return;
    if (call.parent?.type === 'await') return; // `await time.sleep()` is a different bug (TypeError)
    const fn = call.childForFieldName('function')!;
    if (isShadowed(ctx.facts, rootName(fn), call)) return;
    // trio and anyio coroutines sleep with their own framework's function; asyncio.sleep would fail there.
    const framework = asyncFramework(ctx.facts);
    const module = framework === 'mixed' ? null : framework === 'unknown' ? 'asyncio' : framework;
    const better = module ? `\`await ${module}.sleep()\`` : "the framework's `await ...sleep()`";
    const message = `\`${fn.text}()\` blocks the event loop inside \`async def\`; use ${better}`;
    const lowImpact = readsTerminal(call, ctx.facts) ? READS_TERMINAL : undefined;
    // `await` inside a generator expression makes it an async generator (breaking sum(), list()...): no fix there.
    if (!module || inGeneratorExpression(call)) {
      ctx.report({ node: call, message, lowImpact });
      return;
    }
    const asyncio = ensureImport(ctx.facts, module, 'sleep');
    // Parenthesise unless the call stands alone or is the whole right-hand side.
    const bare = call.parent?.type === 'expression_statement' || call.parent?.type === 'assignment';
    const replacement = `await ${asyncio.ref}${m.need('args').text}`;
    ctx.report({
      node: call,
      message,
      fixTitle: `Replace with await ${module}.sleep()`,
      // Without an asyncio import the coroutines might run on trio or anyio, where asyncio.sleep fails.
      reason: framework === 'unknown' ? NO_FRAMEWORK : SUSPENDS,
      edits: [...asyncio.edits, replaceNode(call, bare ? replacement : `(${replacement})`)],
      lowImpact,
    });
  },
});

/** The coroutine around `call` itself (not a def nested in it) calls the built-in `input()`. */
function readsTerminal(call: Node, facts: FileFacts): boolean {
  const fn = enclosingFunction(call);
  return !!fn && callsBuiltinInput(fn, facts);
}

function inGeneratorExpression(call: Node): boolean {
  const fn = enclosingFunction(call);
  for (let n = call.parent; n && !(fn && n.equals(fn)); n = n.parent) {
    if (n.type === 'generator_expression') return true;
  }
  return false;
}
