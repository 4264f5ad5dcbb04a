import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingStatement, findDescendants, identifiersNamed, jitDecorator, lintMemo, scopeBody } from '../../server/analysis';

const TIMERS = new Set([
  'time.perf_counter',
  'time.perf_counter_ns',
  'time.time',
  'time.time_ns',
  'time.monotonic',
  'time.monotonic_ns',
  'time.process_time',
  'timeit.default_timer',
]);

/** Names of module-level functions compiled by numba in this file. */
const jittedFunctions = lintMemo((facts) => {
  const names = new Set<string>();
  for (const stmt of facts.root.namedChildren) {
    const def = stmt?.type === 'decorated_definition' ? stmt.childForFieldName('definition') : null;
    if (def?.type === 'function_definition' && jitDecorator(facts, def)) {
      const name = def.childForFieldName('name')?.text;
      if (name) names.add(name);
    }
  }
  return names;
});

export default defineRule({
  id: 'numba-benchmark-includes-compile',
  title: 'Timing the first call of a jitted function',
  category: 'numba',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'low',
  guide: 'timing-and-benchmarks',
  requires: ['numba'],
  message: 'The timed call is the first call of a numba function, so the measurement includes compilation',
  docs: {
    why:
      'Numba compiles a function the first time it is called with a given set of argument types. Timing that ' +
      'first call measures the compiler (often hundreds of milliseconds) rather than the kernel, which makes the ' +
      'jitted version look slow.',
    instead:
      'Call the function once to warm it up before starting the timer (or use `timeit` with repeats), and add `cache=True` to reuse compiled code across runs.',
    example: {
      before: '@njit\ndef kernel(x): ...\n\nt0 = time.perf_counter()\nkernel(x)\nprint(time.perf_counter() - t0)',
      after: '@njit\ndef kernel(x): ...\n\nkernel(x)  # warm-up: compiles\nt0 = time.perf_counter()\nkernel(x)\nprint(time.perf_counter() - t0)',
    },
  },
  query: `
(call function: (identifier) @fn) @call`,
  check(m, ctx) {
    const name = m.need('fn').text;
    if (!jittedFunctions(ctx.facts).has(name)) return;
    const call = m.need('call');
    const stmt = enclosingStatement(call);
    const block = stmt.parent;
    if (!block) return;
    const siblings = block.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    const at = siblings.findIndex((s) => s.equals(stmt));
    // A timer read just before (within three statements) and just after.
    const before = siblings
      .slice(Math.max(0, at - 3), at)
      .reverse()
      .find((s) => readsTimer(s, ctx));
    const after = siblings.slice(at + 1, at + 4).find((s) => readsTimer(s, ctx));
    if (!before || !after || readsTimer(stmt, ctx)) return;
    // A warm-up call earlier in the same scope means the timed call is not the first.
    const scope = scopeBody(stmt);
    const earlier = identifiersNamed(scope, name).some(
      (id) => id.startIndex < before.startIndex && id.parent?.type === 'call' && id.parent.childForFieldName('function')?.equals(id),
    );
    if (earlier) return;
    ctx.report({
      node: call,
      message: `This timed call is the first call of the numba function \`${name}\`, so the time includes compiling it; call it once before starting the timer`,
    });
  },
});

function readsTimer(stmt: Node, ctx: RuleContext): boolean {
  return findDescendants(stmt, (n) => n.type === 'call').some((c) => TIMERS.has(ctx.facts.calleeName(c) ?? ''));
}
