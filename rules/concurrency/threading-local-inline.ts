import { defineRule } from '../../server/engine/rule';
import { type Node } from '../../server/syntax';
import { FileFacts } from '../../server/analysis';
import { insertAfterImports, replaceNode } from '../../server/fixes';

const LOCAL_FACTORIES = new Set(['threading.local', '_threading_local.local']);

export default defineRule({
  id: 'threading-local-inline',
  title: 'threading.local() instantiated inline for each attribute access',
  category: 'concurrency',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'threading',
  message: '`threading.local()` creates a new, empty object on every call; create one at module level and reuse it',
  docs: {
    why:
      'Each `threading.local()` call returns a brand-new object. `threading.local().user = "jdoe"` stores the value ' +
      'on an object that is discarded at once, and `threading.local().user` reads from another fresh object, so it ' +
      'always raises AttributeError (and `getattr(threading.local(), "user", None)` is always None). Per-thread ' +
      'state only works through one shared `local` instance.',
    instead: 'Create the object once at module level (`_ctx = threading.local()`) and read and write `_ctx.user`; each thread sees its own attributes.',
    example: {
      before: 'def login(user):\n    threading.local().user = user\n\ndef current_user():\n    return threading.local().user',
      after: '_ctx = threading.local()\n\ndef login(user):\n    _ctx.user = user\n\ndef current_user():\n    return _ctx.user',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use one module-level threading.local()',
    reason: 'the code then starts to keep values per thread, which it never did before (reads used to fail or return defaults)',
  },
  requires: ['threading', '_threading_local'],
  // A finding needs a callee that resolves to threading.local, which only an import or an attribute
  // spelling the word `local` can give: the many files that import threading for locks skip the pass.
  requiresText: /\blocal\b/,
  query: `
(attribute
  object: (call function: (_) @fn arguments: (argument_list) @args) @call
  attribute: (identifier)) @use
(call
  function: (identifier) @getter
  arguments: (argument_list . (call function: (_) @fn arguments: (argument_list) @args) @call)
  (#any-of? @getter "getattr" "setattr" "hasattr")) @use`,
  check(m, ctx) {
    const call = m.need('call');
    if (m.need('args').namedChildCount !== 0) return;
    if (!LOCAL_FACTORIES.has(ctx.facts.qualifiedName(m.need('fn')) ?? '')) return;
    if (m.pattern === 1 && !ctx.facts.isBuiltin(m.need('getter').text, call)) return;
    const hoisted = hoistedName(ctx.facts);
    const edits = [replaceNode(call, hoisted.name)];
    // After the imports, separated by a blank line.
    if (!hoisted.exists) edits.unshift(insertAfterImports(ctx.facts, `${hoisted.name} = ${m.need('fn').text}()`, true));
    ctx.report({
      node: call,
      message: `\`${call.text}\` makes a new, empty object each time, so attributes set on it are lost; use one module-level \`${hoisted.name} = ${m.need('fn').text}()\``,
      edits,
    });
  },
});

/** A module-level `name = threading.local()` the file already has, or a fresh name for one. */
function hoistedName(facts: FileFacts): { name: string; exists: boolean } {
  for (const stmt of facts.root.namedChildren) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && right?.type === 'call' && LOCAL_FACTORIES.has(facts.calleeName(right as Node) ?? '')) {
      const assigned = facts.moduleBindings.has(left.text);
      if (assigned) return { name: left.text, exists: true };
    }
  }
  let name = '_thread_local';
  for (let i = 2; facts.moduleBindings.has(name) || facts.binding(name); i++) name = `_thread_local${i}`;
  return { name, exists: false };
}
