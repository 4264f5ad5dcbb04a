import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingDef, functionDefinition, functionProfile, isPurePythonCpuBound, isUnderMainGuard, keywordValue, receiverKind } from '../../server/analysis';
import { addImportStatement, ensureImport, replaceNode } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

const POOL_METHODS = new Set(['map', 'submit', 'imap', 'imap_unordered', 'apply', 'apply_async', 'starmap', 'map_async', 'starmap_async']);
const THREAD_POOLS = new Set(['concurrent.futures.ThreadPoolExecutor', 'multiprocessing.ThreadPool']);

export default defineRule({
  id: 'thread-for-cpu-bound',
  title: 'Threads used for CPU-bound Python work (GIL-limited)',
  category: 'concurrency',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'choosing-a-concurrency-model',
  message: 'Pure-Python CPU work in threads runs one thread at a time under the GIL; use processes (ProcessPoolExecutor)',
  docs: {
    why:
      'On the standard (GIL) build of CPython only one thread executes Python bytecode at a time, so a thread pool ' +
      'running loops of pure-Python arithmetic is no faster than one thread, and often slower from the switching. ' +
      'Flagged only when the function handed to the pool or `Thread(target=...)` is defined in this file, loops ' +
      'with arithmetic, and calls nothing but builtins, `math`-style modules and container methods (numpy and other ' +
      'native code release the GIL, so threads are fine for them). Free-threaded builds (3.13t, 3.14t) do run such ' +
      'threads in parallel.',
    instead:
      'Use `ProcessPoolExecutor` (or `multiprocessing.Pool`) with a module-level function, behind an ' +
      '`if __name__ == "__main__":` guard; or move the loop into numpy or numba, which release the GIL.',
    example: {
      before:
        'def crunch(chunk):\n    total = 0\n    for x in chunk:\n        total += x * x\n    return total\n\nwith ThreadPoolExecutor() as ex:\n    results = list(ex.map(crunch, chunks))',
      after:
        'def crunch(chunk):\n    total = 0\n    for x in chunk:\n        total += x * x\n    return total\n\nwith ProcessPoolExecutor() as ex:\n    results = list(ex.map(crunch, chunks))',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use ProcessPoolExecutor',
    reason:
      'worker processes get pickled copies of the arguments and do not share globals with the caller, and the ' +
      'module must be importable without side effects (an `if __name__ == "__main__":` guard)',
  },
  query: `
(call
  function: (attribute object: (_) @pool attribute: (identifier) @method)
  arguments: (argument_list (identifier) @fn)
  (#any-of? @method "map" "submit" "imap" "imap_unordered" "apply" "apply_async" "starmap" "map_async" "starmap_async")) @call
(call
  function: [(identifier) @thread (attribute attribute: (identifier) @thread)]
  arguments: (argument_list (keyword_argument name: (identifier) @kw value: (identifier) @fn))
  (#eq? @thread "Thread")
  (#eq? @kw "target")) @call`,
  calls: { names: ['map', 'submit', 'imap', 'imap_unordered', 'apply', 'apply_async', 'starmap', 'map_async', 'starmap_async', 'Thread'] },
  check(m, ctx) {
    const call = m.need('call');
    const fnName = m.need('fn');
    let executorCall: Node | null = null;
    if (m.pattern === 0) {
      if (!POOL_METHODS.has(m.need('method').text)) return;
      const first = m
        .need('call')
        .childForFieldName('arguments')!
        .namedChildren.find((a) => a && a.type !== 'comment');
      if (!first?.equals(fnName)) return;
      const kind = receiverKind(ctx.facts, m.need('pool'));
      if (!kind || !THREAD_POOLS.has(kind)) return;
      if (kind === 'concurrent.futures.ThreadPoolExecutor') executorCall = withExecutor(m.need('pool'), call);
    } else {
      if (ctx.facts.calleeName(call) !== 'threading.Thread' || keywordValue(call, 'target')?.id !== fnName.id) return;
    }
    // Only work fanned out to several threads competes for the GIL: map(), or submit()/Thread in a loop.
    const method = m.pattern === 0 ? m.need('method').text : 'Thread';
    if (!/^(map|imap|imap_unordered|starmap|map_async|starmap_async)$/.test(method) && !insideLoop(call)) return;
    const def = functionDefinition(ctx.facts, fnName.text, call);
    if (!def) return;
    ctx.restsOn(def);
    if (!isPurePythonCpuBound(functionProfile(ctx.facts, def))) return;
    const message = `\`${fnName.text}\` is pure-Python CPU work: threads run it one at a time under the GIL; use \`ProcessPoolExecutor\` (or vectorise with numpy/numba)`;
    const edits = executorCall ? swapEdits(ctx, executorCall, def, call) : null;
    ctx.report({ node: call, message, restsOn: def, edits: edits ?? undefined });
  },
});

function insideLoop(call: Node): boolean {
  for (let n = call.parent; n && n.type !== 'function_definition' && n.type !== 'module'; n = n.parent) {
    if (/^(for_statement|while_statement|list_comprehension|generator_expression|set_comprehension|dictionary_comprehension)$/.test(n.type)) return true;
  }
  return false;
}

/** The `ThreadPoolExecutor(...)` call of the `with ... as <pool>:` statement around call, if that is where pool comes from. */
function withExecutor(pool: Node, call: Node): Node | null {
  if (pool.type !== 'identifier') return null;
  for (let n = call.parent; n && n.type !== 'function_definition'; n = n.parent) {
    if (n.type !== 'with_statement') continue;
    for (const item of n.descendantsOfType('with_item')) {
      const value = item?.childForFieldName('value');
      if (value?.type !== 'as_pattern') continue;
      if (value.childForFieldName('alias')?.text === pool.text && value.namedChild(0)?.type === 'call') return value.namedChild(0);
    }
  }
  return null;
}

/**
 * Swaps the constructor for ProcessPoolExecutor when that can work at all: the function is module-level
 * (picklable) and the pool is not created at import time of an unguarded module.
 */
function swapEdits(ctx: RuleContext, executorCall: Node, def: Node, use: Node) {
  if (enclosingDef(def) !== null) return null; // nested functions cannot be pickled
  if (def.parent?.type === 'decorated_definition') return null; // a decorator may make it unpicklable
  if (enclosingDef(executorCall) === null && !isUnderMainGuard(executorCall)) return null;
  void use;
  const q = ctx.facts.calleeName(executorCall);
  if (q !== 'concurrent.futures.ThreadPoolExecutor' && q !== 'concurrent.futures.thread.ThreadPoolExecutor') return null;
  // Only arguments ProcessPoolExecutor also accepts (not thread_name_prefix).
  const args = executorCall.childForFieldName('arguments')?.namedChildren.filter((a) => a && a.type !== 'comment') ?? [];
  for (const a of args) {
    if (a?.type === 'keyword_argument' && !/^(max_workers|initializer|initargs)$/.test(a.childForFieldName('name')?.text ?? '')) return null;
    if (a?.type === 'list_splat' || a?.type === 'dictionary_splat') return null;
  }
  const ppe = processPoolImport(ctx);
  return [...ppe.edits, replaceNode(executorCall.childForFieldName('function')!, ppe.ref)];
}

/** `ProcessPoolExecutor` via the file's own import style: a from-import when it already uses one. */
function processPoolImport(ctx: RuleContext): { ref: string; edits: TextEdit[] } {
  const existing = ensureImport(ctx.facts, 'concurrent.futures', 'ProcessPoolExecutor');
  if (existing.edits.length === 0) return existing;
  const fromStyle = ctx.facts
    .importsOf('concurrent.futures')
    .some((b) => b.unconditional && b.statement.type === 'import_from_statement' && b.target.startsWith('concurrent.futures.'));
  if (fromStyle && !ctx.facts.moduleBindings.has('ProcessPoolExecutor') && !ctx.facts.binding('ProcessPoolExecutor')) {
    return { ref: 'ProcessPoolExecutor', edits: addImportStatement(ctx.facts, 'from concurrent.futures import ProcessPoolExecutor') };
  }
  return existing;
}
