import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { functionDefinition, functionProfile, receiverKind } from '../../server/analysis';
import { addImportStatement, ensureImport, replaceNode } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

const POOL_METHODS = new Set(['map', 'submit', 'imap', 'imap_unordered', 'apply', 'apply_async', 'starmap', 'map_async', 'starmap_async']);

export default defineRule({
  id: 'process-pool-for-io-bound',
  title: 'Processes used for I/O-bound work',
  category: 'concurrency',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'medium',
  guide: 'choosing-a-concurrency-model',
  message: 'A process pool runs I/O-bound work; threads (ThreadPoolExecutor) or asyncio do this with far less overhead',
  docs: {
    why:
      'Waiting on the network, a database or a subprocess releases the GIL, so threads already overlap it. Worker ' +
      'processes add a fresh interpreter per worker, pickling of every argument and result, and the `__main__`-guard ' +
      'constraints, for no gain. Flagged when the function given to a `ProcessPoolExecutor` or `multiprocessing.Pool` ' +
      'is defined in this file, makes blocking network, database or subprocess calls, and does no nested looping.',
    instead:
      'Use `ThreadPoolExecutor` (same `map` / `submit` API) or `multiprocessing.pool.ThreadPool`, or an asyncio ' +
      'client with `asyncio.gather` for many concurrent requests.',
    example: {
      before: 'def download(url):\n    return requests.get(url, timeout=10).content\n\nwith Pool(16) as p:\n    pages = p.map(download, urls)',
      after: 'def download(url):\n    return requests.get(url, timeout=10).content\n\nwith ThreadPool(16) as p:\n    pages = p.map(download, urls)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use a thread pool',
    reason: 'threads share the process: globals the function mutates are now shared, and a crash or hang affects the whole program',
  },
  query: `
(call
  function: (attribute object: (_) @pool attribute: (identifier) @method)
  arguments: (argument_list (identifier) @fn)
  (#any-of? @method "map" "submit" "imap" "imap_unordered" "apply" "apply_async" "starmap" "map_async" "starmap_async")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const fnName = m.need('fn');
    if (!POOL_METHODS.has(m.need('method').text)) return;
    const first = call.childForFieldName('arguments')!.namedChildren.find((a) => a && a.type !== 'comment');
    if (!first?.equals(fnName)) return;
    const kind = receiverKind(ctx.facts, m.need('pool'));
    if (kind !== 'concurrent.futures.ProcessPoolExecutor' && kind !== 'multiprocessing.Pool') return;
    const def = functionDefinition(ctx.facts, fnName.text, call);
    if (!def) return;
    ctx.restsOn(def);
    const p = functionProfile(ctx.facts, def);
    if (!p.waitsOn || p.loopDepth > 1 || p.suspends) return;
    const message = `\`${fnName.text}\` mostly waits on I/O (\`${p.waitsOn.display}()\`): threads overlap that just as well without spawning processes; use a thread pool`;
    const ctor = withConstructor(m.need('pool'), call);
    ctx.report({ node: call, message, restsOn: def, edits: ctor ? (swap(ctx, ctor) ?? undefined) : undefined });
  },
});

/** The constructor call of the `with <ctor> as <pool>:` around call. */
function withConstructor(pool: Node, call: Node): Node | null {
  if (pool.type !== 'identifier') return null;
  for (let n = call.parent; n && n.type !== 'function_definition'; n = n.parent) {
    if (n.type !== 'with_statement') continue;
    for (const item of n.descendantsOfType('with_item')) {
      const value = item?.childForFieldName('value');
      if (value?.type === 'as_pattern' && value.childForFieldName('alias')?.text === pool.text && value.namedChild(0)?.type === 'call') {
        return value.namedChild(0);
      }
    }
  }
  return null;
}

/** ProcessPoolExecutor → ThreadPoolExecutor; multiprocessing.Pool → multiprocessing.pool.ThreadPool (same APIs). */
function swap(ctx: RuleContext, ctor: Node): TextEdit[] | null {
  const q = ctx.facts.calleeName(ctor);
  const args = ctor.childForFieldName('arguments')?.namedChildren.filter((a) => a && a.type !== 'comment') ?? [];
  if (q === 'concurrent.futures.ProcessPoolExecutor' || q === 'concurrent.futures.process.ProcessPoolExecutor') {
    // Only arguments both executors accept.
    for (const a of args) {
      if (a?.type === 'keyword_argument' && !/^(max_workers|initializer|initargs)$/.test(a.childForFieldName('name')?.text ?? '')) return null;
      if (a?.type === 'list_splat' || a?.type === 'dictionary_splat') return null;
    }
    const imp = importFor(ctx, 'concurrent.futures', 'ThreadPoolExecutor');
    return [...imp.edits, replaceNode(ctor.childForFieldName('function')!, imp.ref)];
  }
  if (q === 'multiprocessing.Pool' || q === 'multiprocessing.pool.Pool') {
    // ThreadPool(processes, initializer, initargs): no maxtasksperchild / context.
    for (const a of args) {
      if (a?.type === 'keyword_argument' && !/^(processes|initializer|initargs)$/.test(a.childForFieldName('name')?.text ?? '')) return null;
      if (a?.type === 'list_splat' || a?.type === 'dictionary_splat') return null;
    }
    if (args.filter((a) => a?.type !== 'keyword_argument').length > 3) return null;
    const imp = importFor(ctx, 'multiprocessing.pool', 'ThreadPool');
    return [...imp.edits, replaceNode(ctor.childForFieldName('function')!, imp.ref)];
  }
  return null;
}

function importFor(ctx: RuleContext, module: string, name: string): { ref: string; edits: TextEdit[] } {
  const existing = ensureImport(ctx.facts, module, name);
  if (existing.edits.length === 0) return existing;
  if (!ctx.facts.moduleBindings.has(name) && !ctx.facts.binding(name)) {
    return { ref: name, edits: addImportStatement(ctx.facts, `from ${module} import ${name}`) };
  }
  return existing;
}
