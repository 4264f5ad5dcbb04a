import { defineRule } from '../../server/engine/rule';
import { callTakingArgument, fateOfBinding, localBinding, withEnclosingParentheses } from '../../server/analysis';

const POOLS = new Set([
  'concurrent.futures.ThreadPoolExecutor',
  'concurrent.futures.ProcessPoolExecutor',
  'concurrent.futures.thread.ThreadPoolExecutor',
  'concurrent.futures.process.ProcessPoolExecutor',
  'multiprocessing.Pool',
  'multiprocessing.pool.Pool',
  'multiprocessing.pool.ThreadPool',
  'multiprocessing.dummy.Pool',
]);
/** Calls that use a pool without owning it. */
const BORROWERS = /(^|\.)(run_in_executor|submit|map|imap|imap_unordered|starmap|apply_async|map_async|as_completed|wait|gather|wrap_future)$/;

export default defineRule({
  id: 'executor-without-with',
  title: 'Executor or multiprocessing.Pool created without with or an explicit shutdown',
  category: 'resources',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'concurrent-futures',
  // Pylint's consider-using-with asks for the same `with` around a `multiprocessing` Pool.
  peers: { pylint: ['consider-using-with', 'R1732'] },
  message: 'This pool is never shut down; use it in a `with` block (or call `shutdown()` / `close()` + `join()` in a `finally`)',
  docs: {
    why:
      'An executor or process pool owns worker threads or processes. Without `shutdown()` (or `close()` and ' +
      '`join()`) they stay alive after the work is done: processes and memory leak in long-running services, ' +
      'pending work may be lost, and interpreter shutdown can hang waiting for them.',
    instead:
      'Create it with `with ThreadPoolExecutor(max_workers=8) as ex:` (or `with multiprocessing.Pool() as pool:`), so the workers are shut down when the block ends.',
    example: {
      before:
        'def fetch_all(urls):\n    ex = ThreadPoolExecutor(max_workers=8)\n    futures = [ex.submit(fetch, u) for u in urls]\n    return [f.result() for f in futures]',
      after:
        'def fetch_all(urls):\n    with ThreadPoolExecutor(max_workers=8) as ex:\n        futures = [ex.submit(fetch, u) for u in urls]\n    return [f.result() for f in futures]',
    },
  },
  query: `
(call
  function: [(identifier) @name (attribute attribute: (identifier) @name)]
  (#match? @name "(Executor|Pool)$")) @call`,
  calls: { pattern: /(Executor|Pool)$/ },
  check(m, ctx) {
    const call = m.need('call');
    let name = ctx.facts.calleeName(call);
    // `multiprocessing.get_context("spawn").Pool(...)`
    const fn = call.childForFieldName('function');
    if (!name && fn?.type === 'attribute' && fn.childForFieldName('object')?.type === 'call') {
      const inner = ctx.facts.calleeName(fn.childForFieldName('object')!);
      if (inner === 'multiprocessing.get_context' && fn.childForFieldName('attribute')!.text === 'Pool') name = 'multiprocessing.Pool';
    }
    if (!name || !POOLS.has(name)) return;
    const outer = withEnclosingParentheses(call);
    const parent = outer.parent!;
    const label = m.need('name').text;
    if (parent.type === 'with_item' || parent.type === 'as_pattern') return;
    // Inline: `ThreadPoolExecutor().submit(f)` or `loop.run_in_executor(ProcessPoolExecutor(), f)`.
    if (parent.type === 'attribute' && parent.childForFieldName('object')?.equals(outer)) {
      const attr = parent.childForFieldName('attribute')!.text;
      if (['shutdown', 'close', 'terminate', '__enter__'].includes(attr)) return;
      ctx.report({ node: call, message: `\`${label}()\` is used once and never shut down; its workers stay alive` });
      return;
    }
    const taker = callTakingArgument(outer);
    if (taker) {
      const t = taker.childForFieldName('function')?.text ?? '';
      if (/(^|\.)run_in_executor$/.test(t))
        ctx.report({ node: call, message: `\`${label}()\` passed to \`run_in_executor\` is never shut down; create it once in a \`with\` block` });
      return;
    }
    const binding = localBinding(outer); // null for a process-wide pool
    if (!binding) return;
    const { stmt, left, scope } = binding;
    const fate = fateOfBinding(stmt, left.text, scope, { closeMethods: ['shutdown', 'close', 'terminate', 'join'], borrowers: BORROWERS });
    if (fate.kind !== 'local' || fate.release) return; // an explicit shutdown is enough for this rule
    ctx.report({
      node: call,
      message: `\`${left.text} = ${label}(...)\` is never shut down; use \`with ${label}(...) as ${left.text}:\``,
    });
  },
});
