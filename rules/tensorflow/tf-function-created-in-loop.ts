import { defineRule } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import { decoratorCallee, enclosingLoop, findDescendants, isNestedScope, isTfFunctionRef, parameterNames, targetNames } from '../../server/analysis';
import { deleteLines, indentAt, insertAt, lineStartOf } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

export default defineRule({
  id: 'tf-function-created-in-loop',
  title: 'tf.function created (or a decorated def defined) inside a loop',
  category: 'tensorflow',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'tf-function-and-tracing',
  requires: ['tensorflow'],
  message: 'A new `tf.function` is created on every iteration, so it is traced from scratch every time; create it once, outside the loop',
  docs: {
    why:
      'Each `tf.function(...)` call (and each execution of a `@tf.function` def statement) creates a new function ' +
      'object with an empty trace cache. Inside a loop, every iteration therefore pays the full tracing and graph ' +
      'optimisation cost again, which is usually far slower than just running eagerly.',
    instead:
      'Create the `tf.function` once before the loop and call it inside; pass whatever changes per iteration as ' +
      'tensor arguments rather than capturing it.',
    example: {
      before: 'for batch in ds:\n    f = tf.function(lambda x: model(x))\n    f(batch)',
      after: 'f = tf.function(lambda x: model(x))\nfor batch in ds:\n    f(batch)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Create the tf.function once, before the loop',
    reason: 'Python side effects of tracing then happen once instead of on every iteration',
  },
  query: `
(call
  function: [(attribute attribute: (identifier) @n) (identifier) @n]
  (#eq? @n "function")) @call
(decorator) @decorator`,
  check(m, ctx) {
    const facts = ctx.facts;
    const decorator = m.get('decorator');
    if (decorator) {
      const expr = decorator.namedChild(0);
      if (!expr || !isTfFunctionRef(decoratorCallee(expr), facts)) return;
      const def = decorator.parent?.childForFieldName('definition');
      const loop = enclosingLoop(decorator);
      if (!loop || !def) return;
      // The function reads a value this iteration bound (`layer = aug()` then `return layer(x)`): each iteration's
      // function is a different one by intent (a benchmark per layer), and moving it out would call the last binding.
      if (readsLoopBinding(def, loop)) return;
      ctx.report({
        node: decorator,
        message: `\`@${expr.text}\` on \`${def.childForFieldName('name')?.text}\` inside a loop creates and traces a new function every iteration; define it before the loop`,
      });
      return;
    }
    const call = m.need('call');
    if (!isTfFunctionRef(call.childForFieldName('function'), facts)) return;
    if (call.parent?.type === 'decorator') return; // handled by the decorator pattern
    const loop = enclosingLoop(call);
    if (!loop) return;
    const bound = loopBoundNames(loop);
    const varying = new Set(bound);
    const wrapped = call.childForFieldName('arguments')?.namedChildren.find((c) => c !== null && c.type !== 'comment' && c.type !== 'keyword_argument');
    // `for f in fns: tf.function(f)` wraps a different function each time: that is not a re-creation.
    if (wrapped?.type === 'identifier' && varying.has(wrapped.text)) return;
    const captured = findDescendants(call, (n) => n.type === 'identifier' && varying.has(n.text) && !isLambdaParameter(n));
    ctx.report({
      node: call,
      message: `\`${call.childForFieldName('function')!.text}(...)\` inside a loop creates a new function, traced from scratch, on every iteration; create it once before the loop`,
      edits: captured.length === 0 ? hoist(ctx.text, call, loop, bound) : undefined,
    });
  },
});

/** The def's body reads a name the loop binds (its target, or an assignment in its body) and the def does not bind itself. */
function readsLoopBinding(def: Node, loop: Node): boolean {
  const varying = new Set(loopBoundNames(loop));
  const own = new Set([...parameterNames(def), ...loopBoundNamesIn(def.childForFieldName('body'))]);
  const body = def.childForFieldName('body');
  return body !== null && findDescendants(body, (n) => n.type === 'identifier' && varying.has(n.text) && !own.has(n.text)).length > 0;
}

/** Names bound by the loop target or assigned anywhere in the loop body, once per binding. */
function loopBoundNames(loop: Node): string[] {
  const left = loop.childForFieldName('left');
  return [...(left ? targetNames(left) : []), ...loopBoundNamesIn(loop.childForFieldName('body'))];
}

/** Names assigned in a block (not in nested scopes), once per binding. */
function loopBoundNamesIn(body: Node | null): string[] {
  const names: string[] = [];
  if (!body) return names;
  for (const a of findDescendants(body, (n) => n.type === 'assignment' || n.type === 'augmented_assignment' || n.type === 'for_statement', isNestedScope)) {
    const target = a.childForFieldName('left');
    if (target) names.push(...targetNames(target));
  }
  return names;
}

function isLambdaParameter(id: Node): boolean {
  for (let n = id.parent; n; n = n.parent) {
    if (n.type === 'lambda') {
      const params = n.childForFieldName('parameters');
      return params !== null && targetNames(params).includes(id.text);
    }
  }
  return false;
}

/** `f = tf.function(...)` as a whole line in the loop body moves to just before the loop. */
function hoist(text: string, call: Node, loop: Node, bound: string[]): TextEdit[] | undefined {
  const assign = call.parent;
  const target = assign?.childForFieldName('left');
  if (assign?.type !== 'assignment' || target?.type !== 'identifier') return undefined;
  // Bound again in the loop: after the move, a later iteration would call the other binding.
  if (bound.filter((n) => n === target.text).length > 1) return undefined;
  const stmt = assign.parent;
  if (stmt?.type !== 'expression_statement' || !stmt.parent?.parent?.equals(loop)) return undefined;
  const statements = stmt.parent.namedChildren.filter((c) => c !== null && c.type !== 'comment');
  if (statements.length < 2) return undefined;
  if (/[\r\n]/.test(stmt.text)) return undefined; // keep multi-line statements as they are
  const loopStmt = loop.parent?.type === 'block' || loop.parent?.type === 'module' ? loop : null;
  if (!loopStmt) return undefined;
  const eol = detectEol(text);
  return [
    insertAt(lineStartOf(text, loop.startIndex), `${indentAt(text, loop.startIndex)}${stmt.text}${eol}`),
    deleteLines(text, stmt.startIndex, stmt.endIndex),
  ];
}
