import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  bindersSpelling,
  coroutineCallee,
  enclosingFunction,
  findDescendants,
  identifiersSpelled,
  inNestedScope,
  insideExpectationBlock,
  isAsyncDef,
  isNestedScope,
  methodCallsIn,
  parameterNames,
  readsAfter,
  scopeOf,
  ASSIGNMENT,
} from '../../server/analysis';
import { ensureImport, hasCommentBetween, replaceRange } from '../../server/fixes';

const LOOP_FACTORIES = new Set(['asyncio.new_event_loop', 'asyncio.get_event_loop']);

export default defineRule({
  id: 'async-manual-loop-management',
  title: 'Manual new_event_loop / run_until_complete / close boilerplate',
  category: 'concurrency',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'asyncio-fundamentals',
  message: 'Hand-managed event loop; `asyncio.run(main())` creates, runs and closes the loop for you',
  docs: {
    why:
      'Creating a loop, installing it, calling `run_until_complete` and closing it by hand is easy to get subtly ' +
      'wrong: the loop leaks when `close()` is skipped, pending tasks are abandoned ("Task was destroyed but it is ' +
      'pending"), async generators and the default executor are never shut down, and `get_event_loop()` outside a ' +
      'running loop is deprecated (RuntimeError in Python 3.14 when no loop is set).',
    instead:
      'Write one `async def main()` and start it with `asyncio.run(main())`, which creates a fresh loop, cancels ' +
      'leftover tasks, shuts down async generators and the executor, and closes the loop. Long-running servers ' +
      'using `run_forever` can usually become `asyncio.run(serve())` with an awaited `serve_forever()`.',
    example: {
      before: 'loop = asyncio.new_event_loop()\nasyncio.set_event_loop(loop)\ntry:\n    loop.run_until_complete(main())\nfinally:\n    loop.close()',
      after: 'asyncio.run(main())',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Replace with asyncio.run()',
    reason:
      'asyncio.run() also cancels tasks still pending at the end, shuts down async generators and the default ' + 'executor, and leaves no loop set afterwards',
  },
  query: `
(call
  function: (attribute object: (_) @loop attribute: (identifier) @method)
  arguments: (argument_list) @args
  (#eq? @method "run_until_complete")) @call`,
  calls: { names: ['run_until_complete'] },
  check(m, ctx) {
    const call = m.need('call');
    const args = m.need('args').namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (args.length !== 1) return;
    const coro = args[0];
    const loopExpr = m.need('loop');
    const fn = enclosingFunction(call);
    if (isAsyncDef(fn) || insideExpectationBlock(call)) return; // `with self.assertRaises(...)`: made to fail
    const scope = scopeOf(call);
    const scopeBody = scope.type === 'module' ? scope : scope.childForFieldName('body');
    if (!scopeBody) return;

    let creation: Node | null = null;
    let loopName: string | null = null;
    let inlineFactory: string | null = null;
    if (loopExpr.type === 'call') {
      inlineFactory = ctx.facts.calleeName(loopExpr) ?? '';
      if (!LOOP_FACTORIES.has(inlineFactory)) return;
      // `get_event_loop()` inside a method or a loop-keeping class runs on a loop the object shares
      // (unittest setUp/tearDown, a sync facade): asyncio.run() would close it after this one call.
      if (inlineFactory === 'asyncio.get_event_loop' && inMethodOrLoopOwner(call)) return;
      // `set_event_loop(new_event_loop())` earlier in the scope (often in the `except RuntimeError` of a first
      // `get_event_loop()`): the loop borrowed is the one installed, so the deprecation cannot bite.
      if (inlineFactory === 'asyncio.get_event_loop' && installsLoopBefore(ctx, scopeBody, call)) return;
    } else if (loopExpr.type === 'identifier') {
      loopName = loopExpr.text;
      // From where the scope spells the name, not a walk of it (the scope is often the whole module of a script).
      const bindings = bindersSpelling(scopeBody, loopName, ASSIGNMENT).filter((a) => a.childForFieldName('left')?.text === loopName);
      if (bindings.length !== 1) return;
      const value = bindings[0].childForFieldName('right');
      if (value?.type !== 'call' || !LOOP_FACTORIES.has(ctx.facts.calleeName(value) ?? '')) return;
      if (scope.type !== 'module' && findDescendants(scope.childForFieldName('parameters') ?? scope, (n) => n.text === loopName).length > 0) return;
      // A loop that also runs forever is a server's loop: leave it alone.
      const nested = inNestedScope(scopeBody);
      const runsForever = methodCallsIn(scopeBody, 'run_forever').some(
        (c) => c.childForFieldName('function')?.text === `${loopName}.run_forever` && !nested(c),
      );
      if (runsForever) return;
      creation = bindings[0].parent;
      // Only boilerplate: the loop is installed, runs one thing and is closed. A loop that also gets
      // tasks, servers, callbacks or several runs is managed on purpose (tests of asyncio itself...).
      let runs = 0;
      for (const use of identifiersSpelled(scopeBody, loopName)) {
        const p = use.parent;
        if (p?.equals(bindings[0])) continue;
        if (p?.type === 'argument_list' && ctx.facts.calleeName(p.parent!) === 'asyncio.set_event_loop') continue;
        if (p?.type === 'attribute' && p.childForFieldName('object')?.equals(use)) {
          const attr = p.childForFieldName('attribute')?.text;
          if (attr === 'close' || attr === 'is_closed') continue;
          if (attr === 'run_until_complete') {
            runs++;
            continue;
          }
        }
        return;
      }
      if (runs !== 1) return;
    } else {
      return;
    }
    const message = messageFor(inlineFactory, coro.text.slice(0, 60));
    const edits = creation && loopName ? fixFor(ctx, call, creation, loopName, coro) : null;
    ctx.report({ node: call, message, edits: edits ?? undefined });
  },
});

function messageFor(inlineFactory: string | null, coro: string): string {
  if (inlineFactory === 'asyncio.get_event_loop') {
    // This code neither creates nor closes a loop: it borrows the current one.
    return `\`${coro}\` runs on the loop from \`get_event_loop()\`, deprecated outside a running loop (an error in Python 3.14 when none is set); \`asyncio.run(...)\` runs it on a fresh loop and closes it`;
  }
  if (inlineFactory === 'asyncio.new_event_loop') {
    return `The loop created to run \`${coro}\` is never closed; \`asyncio.run(...)\` creates, runs and closes the loop for you`;
  }
  return `Hand-managed event loop around \`${coro}\`; \`asyncio.run(...)\` creates, runs and closes the loop for you`;
}

/** True when the scope calls `asyncio.set_event_loop(...)` before `call` (not in a nested def or class). */
function installsLoopBefore(ctx: RuleContext, scopeBody: Node, call: Node): boolean {
  return (
    findDescendants(
      scopeBody,
      (n) => n.type === 'call' && n.startIndex < call.startIndex && ctx.facts.calleeName(n) === 'asyncio.set_event_loop',
      isNestedScope,
    ).length > 0
  );
}

/**
 * True anywhere inside a class (its methods keep state such as `self.loop` between calls) or in a def
 * whose first parameter is self/cls (a method defined outside its class).
 */
function inMethodOrLoopOwner(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'class_definition') return true;
    if (n.type !== 'function_definition') continue;
    const first = parameterNames(n)[0];
    if (first === 'self' || first === 'cls') return true;
  }
  return false;
}

/** The exact boilerplate shapes (with or without try/finally) become one `asyncio.run(...)` statement. */
function fixFor(ctx: RuleContext, call: Node, creation: Node, loop: string, coro: Node) {
  // Only a coroutine object can be passed to asyncio.run (not a future such as gather()).
  if (coro.type !== 'call') return null;
  const callee = coroutineCallee(ctx.facts, coro);
  if (!callee || callee.schedulesEagerly) return null;
  const runStmt =
    call.parent?.type === 'expression_statement'
      ? call.parent
      : call.parent?.type === 'assignment' && call.parent.parent?.type === 'expression_statement'
        ? call.parent.parent
        : null;
  if (!runStmt) return null;
  const isClose = (n: Node | null) => n?.type === 'expression_statement' && n.text.replace(/\s+/g, '') === `${loop}.close()`;
  let last: Node;
  let outer: Node = runStmt;
  const tryStmt = runStmt.parent?.parent;
  if (tryStmt?.type === 'try_statement' && runStmt.parent?.equals(tryStmt.childForFieldName('body')!)) {
    // try: <run> finally: loop.close()
    const body = tryStmt.childForFieldName('body')!;
    const clauses = tryStmt.namedChildren.filter((c) => c && c.type !== 'block' && c.type !== 'comment');
    const fin = clauses[0];
    if (body.namedChildCount !== 1 || clauses.length !== 1 || fin?.type !== 'finally_clause') return null;
    const finBlock = fin.namedChildren.find((c) => c?.type === 'block');
    if (!finBlock || finBlock.namedChildCount !== 1 || !isClose(finBlock.namedChild(0))) return null;
    outer = tryStmt;
    last = tryStmt;
  } else {
    if (!isClose(runStmt.nextNamedSibling)) return null;
    last = runStmt.nextNamedSibling!;
  }
  // Before the run: `loop = ...` and an optional `asyncio.set_event_loop(loop)`, directly.
  let prev = outer.previousNamedSibling;
  if (prev?.type === 'expression_statement' && ctx.facts.calleeName(prev.namedChild(0) ?? prev) === 'asyncio.set_event_loop') prev = prev.previousNamedSibling;
  if (!prev?.equals(creation)) return null;
  if (hasCommentBetween(ctx.facts, creation.startIndex, last.endIndex)) return null;
  if (readsAfter(last, loop).length > 0) return null;
  const run = ensureImport(ctx.facts, 'asyncio', 'run');
  const assign = call.parent?.type === 'assignment' ? `${call.parent.childForFieldName('left')!.text} = ` : '';
  return [...run.edits, replaceRange(creation.startIndex, last.endIndex, `${assign}${run.ref}(${coro.text})`)];
}
