import { defineRule } from '../../server/engine/rule';
import {
  coroutineCallee,
  coroutineCalleeNames,
  coroutineModules,
  enclosingFunction,
  insideExpectationBlock,
  isAsyncDef,
  isDeclaredNonLocal,
  readsAfter,
  scopeOf,
} from '../../server/analysis';
import { insertAt } from '../../server/fixes';

export default defineRule({
  id: 'async-missing-await',
  title: 'Coroutine called but never awaited',
  category: 'concurrency',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'asyncio-fundamentals',
  message: 'Coroutine is called but never awaited, so it never runs; add `await`',
  docs: {
    why:
      'Calling an `async def` function does not run it: it only creates a coroutine object. Unless that object is ' +
      'awaited (or handed to `asyncio.run`, `create_task`, `gather`...), its body never executes; Python merely ' +
      'warns "coroutine ... was never awaited" when it is garbage-collected, and any error it would raise is lost. ' +
      'The callee is known to be a coroutine function when it is an `async def` of this file (or of the enclosing ' +
      'class, for `self.method()`), or a well-known async API (asyncio, aiohttp, httpx.AsyncClient, asyncpg, aiofiles...).',
    instead:
      'Inside a coroutine, `await` the call. From synchronous code, run it with `asyncio.run(...)` at the top level, ' + 'or make the caller `async def` too.',
    example: {
      before: 'async def main():\n    save_results(data)  # async def save_results\n    asyncio.sleep(1)',
      after: 'async def main():\n    await save_results(data)\n    await asyncio.sleep(1)',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Add await',
    forms: [
      {
        safety: 'unsafe',
        when: 'for calls that schedule their arguments as tasks at once (`asyncio.gather`, `asyncio.wait`...)',
        reason: 'the call already runs its arguments as tasks; awaiting it makes this coroutine wait for them and re-raise their errors',
      },
    ],
  },
  // A coroutine is an `async def` of this file or comes from an async library the file imports:
  // other files skip this rule's pass (its patterns match nearly every call statement).
  requires: coroutineModules(),
  requiresText: /\basync\b/,
  requiresEither: true,
  // Anchored on the calls of the names coroutineCallee can answer for in this file (its async defs, the coroutine APIs it
  // imports): the query matched every call statement of an async file (7,625 raw matches on every 4th stdlib file, and
  // a walk of the whole tree of its own), and the check's first test dropped nearly all of them by that name.
  // The first pattern starts one level above the call, the second two (the statement around an assignment).
  calls: { namesIn: coroutineCalleeNames, depth: [1, 2] },
  query: `
(expression_statement (call function: [(identifier) (attribute)]) @call) @statement
(expression_statement (assignment left: (identifier) @target right: (call function: [(identifier) (attribute)]) @call)) @statement`,
  check(m, ctx) {
    const call = m.need('call');
    const statement = m.need('statement');
    const target = m.get('target');
    const callee = coroutineCallee(ctx.facts, call);
    if (!callee) return;
    const fn = enclosingFunction(call);
    // Tests that create a coroutine on purpose: `with pytest.raises(...)`, `assertWarns(...)`...
    if (insideExpectationBlock(call)) return;
    if (callee.schedulesEagerly && !isAsyncDef(fn)) return;
    if (target) {
      // `x = coro()` is only a bug when x is never used (a later `await x` is fine).
      if (!fn || fn.type !== 'function_definition') return;
      const scope = scopeOf(statement);
      if (isDeclaredNonLocal(scope, target.text) || readsAfter(statement, target.text).length > 0) return;
    }
    const name = `\`${callee.display}()\``;
    if (!isAsyncDef(fn)) {
      ctx.report({
        node: call,
        message: `${name} creates a coroutine that is never awaited, so it never runs; call it with \`await\` from a coroutine or run it with \`asyncio.run(...)\``,
      });
      return;
    }
    ctx.report({
      node: call,
      message: `${name} is a coroutine and is never awaited, so it never runs; add \`await\``,
      edits: [insertAt(call.startIndex, 'await ')],
      ...(callee.schedulesEagerly
        ? {
            safety: 'unsafe' as const,
            reason: `${callee.display}() already schedules its arguments as tasks; awaiting it makes this coroutine wait for them and re-raise their errors`,
          }
        : {}),
    });
  },
});
