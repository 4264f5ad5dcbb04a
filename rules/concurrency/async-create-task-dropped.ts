import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { FileFacts, insideExpectationBlock, isShadowed, receiverKind, rootName } from '../../server/analysis';

const TASK_FUNCTIONS = new Set(['asyncio.create_task', 'asyncio.ensure_future']);

export default defineRule({
  id: 'async-create-task-dropped',
  title: 'Result of asyncio.create_task() / ensure_future() discarded',
  category: 'concurrency',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'asyncio-fundamentals',
  // Ruff's RUF006 flags the same discarded task.
  peers: { ruff: ['RUF006'] },
  message: 'The task is not kept: it may be garbage-collected before it finishes and its exception is lost; keep a reference',
  docs: {
    why:
      'The event loop holds only weak references to tasks. A task whose result is thrown away can be ' +
      'garbage-collected mid-execution, and when it fails nobody awaits it, so its exception is only logged as ' +
      '"Task exception was never retrieved", long after the fact. Chaining `.add_done_callback(...)` onto the call ' +
      'does not keep the task alive either.',
    instead:
      'Keep the task and await it (`task = asyncio.create_task(...)` ... `await task`), use an `asyncio.TaskGroup` ' +
      '(Python 3.11+), or for fire-and-forget work keep tasks in a set: `tasks.add(t)` and ' +
      '`t.add_done_callback(tasks.discard)`.',
    example: {
      before: 'async def handle(request):\n    asyncio.create_task(refresh_cache())\n    return respond(request)',
      after:
        'background_tasks = set()\n\nasync def handle(request):\n    task = asyncio.create_task(refresh_cache())\n    background_tasks.add(task)\n    task.add_done_callback(background_tasks.discard)\n    return respond(request)',
    },
  },
  requiresText: /\b(create_task|ensure_future)\b/,
  // Run on the create_task / ensure_future calls, not as a walk of the whole file: each pattern's statement is the
  // call's parent, or (`create_task(...).add_done_callback(...)`) three levels up: attribute, call, statement.
  calls: { names: ['create_task', 'ensure_future'], depth: [1, 3] },
  query: `
(expression_statement
  (call function: [(identifier) @name (attribute attribute: (identifier) @name)]) @call
  (#any-of? @name "create_task" "ensure_future"))
(expression_statement
  (call
    function: (attribute
      object: (call function: [(identifier) @name (attribute attribute: (identifier) @name)]) @call
      attribute: (identifier) @callback))
  (#any-of? @name "create_task" "ensure_future")
  (#eq? @callback "add_done_callback"))`,
  check(m, ctx) {
    const call = m.need('call');
    const what = taskFunction(ctx.facts, call);
    if (!what || insideExpectationBlock(call)) return; // `with pytest.raises(...)`: created to fail

    const message =
      m.pattern === 1
        ? `\`${what}()\` result is dropped: \`.add_done_callback()\` does not keep the task alive; store the task (e.g. in a set) until it is done`
        : `\`${what}()\` result is discarded: the task may be garbage-collected before it finishes and its exception is lost; await it, or for a fire-and-forget task keep it in a set until done (\`tasks.add(t); t.add_done_callback(tasks.discard)\`)`;
    ctx.report({ node: call, message });
  },
});

/** The callee as written when it is asyncio.create_task / ensure_future or an event loop's create_task. */
function taskFunction(facts: FileFacts, call: Node): string | null {
  const fn = call.childForFieldName('function');
  if (!fn) return null;
  const q = facts.qualifiedName(fn);
  if (q) return TASK_FUNCTIONS.has(q) && !isShadowed(facts, rootName(fn), call) ? fn.text : null;
  if (fn.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'create_task') return null;
  // loop.create_task(...) on an event loop; a TaskGroup (or an unknown object) keeps its tasks.
  return receiverKind(facts, fn.childForFieldName('object')) === 'asyncio.EventLoop' ? fn.text : null;
}
