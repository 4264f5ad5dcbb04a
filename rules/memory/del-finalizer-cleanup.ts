import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { classIndex, enclosingClass, type FileFacts, findDescendants, isNestedScope } from '../../server/analysis';

const CLEANUP = new Set(['close', 'release', 'shutdown', 'disconnect', 'rmtree', 'unlink', 'terminate', 'cleanup']);

export default defineRule({
  id: 'del-finalizer-cleanup',
  title: 'Resource cleanup in __del__',
  category: 'memory',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'memory-model',
  // A context manager changes how every caller holds the object; blind reviews judged none of 13 findings worth that
  // (a model owning its temp folder for its lifetime, an mmap index shared with workers). It matters where objects are
  // made in bulk: a hint elsewhere.
  quietOutsideHotCode: true,
  message: 'Cleanup in `__del__` runs whenever the garbage collector gets to it, or not at all; make the class a context manager',
  docs: {
    why:
      '`__del__` runs when the last reference goes away, which reference cycles, tracebacks, other interpreters ' +
      '(PyPy) or interpreter shutdown can delay indefinitely or skip. Exceptions raised in it are only printed, and ' +
      'at shutdown the modules it uses may already be torn down. Connections, files and temporary directories ' +
      'released there stay open for an unpredictable time.',
    instead:
      'Give the class `close()` plus `__enter__`/`__exit__` (or use `contextlib.closing`) so callers release it with ' +
      '`with`; if a safety net is still wanted, register `weakref.finalize(self, cleanup_fn, resource)` instead of `__del__`.',
    example: {
      before: 'class Session:\n    def __del__(self):\n        self.conn.close()',
      after:
        'class Session:\n    def close(self):\n        self.conn.close()\n\n    def __enter__(self):\n        return self\n\n    def __exit__(self, *exc):\n        self.close()',
    },
  },
  query: `
(function_definition
  name: (identifier) @name
  body: (block) @body
  (#eq? @name "__del__")) @fn`,
  check(m, ctx) {
    const fn = m.need('fn');
    const cls = enclosingClass(fn);
    if (!cls || !fn.parent?.parent?.equals(cls)) return;
    const index = classIndex(ctx.facts);
    const info = index.info(cls);
    if (!info) return;
    // A class that already is a context manager (itself or through a base of this file) uses
    // __del__ only as a fallback. Bases from elsewhere may provide __exit__: stay silent then.
    const lineage = index.knownLineage(info);
    if (!lineage || lineage.some((c) => c.methods.has('__exit__') || c.methods.has('__aexit__'))) return;
    // The library safety-net pattern: warn about the leak (ResourceWarning), then release.
    if (/\bResourceWarning\b/.test(m.need('body').text)) return;
    const calls = findDescendants(
      m.need('body'),
      (n: Node) => {
        if (n.type !== 'call') return false;
        const f = n.childForFieldName('function');
        const name = f?.type === 'attribute' ? f.childForFieldName('attribute')?.text : f?.text;
        return name !== undefined && CLEANUP.has(name);
      },
      isNestedScope,
    );
    if (calls.length === 0) return;
    if (calls.every((call) => cleanedUpExplicitly(call, cls, ctx.facts))) return;
    if (tracksClosing(m.need('body'), cls)) return;
    const what = calls[0].childForFieldName('function')!.text;
    ctx.report({
      node: m.need('name'),
      message: `\`__del__\` of \`${info.name}\` calls \`${what}()\`: that runs at an unpredictable time (or never); add \`__enter__\`/\`__exit__\` and use \`with\``,
    });
  },
});

/** An instance attribute that records an explicit close: `self._is_closed`, `self.closed`, `self._finalized`. */
const CLOSED_FLAG = /^self\.\w*(closed|released|finali[sz]ed|shut_?down|disposed|terminated)\b/i;

/**
 * The class manages its own lifetime and `__del__` is the fallback: the finalizer checks a flag that an explicit
 * `close()` sets (`if self._is_closed: return`), or the class registers its cleanup with `atexit`.
 */
function tracksClosing(body: Node, cls: Node): boolean {
  const conditions = findDescendants(body, (n) => n.type === 'if_statement', isNestedScope).map((n) => n.childForFieldName('condition'));
  const flags = conditions.flatMap((c) => (c ? findDescendants(c, (n) => n.type === 'attribute') : []));
  if (flags.some((a) => CLOSED_FLAG.test(a.text))) return true;
  return findDescendants(cls, (n) => n.type === 'call' && /(^|\.)atexit\.register$/.test(n.childForFieldName('function')?.text ?? '')).length > 0;
}

/**
 * `self.cleanup()` in `__del__`, where the class defines `cleanup` and the file also calls it on instances held
 * elsewhere (`self.source.cleanup()` in the player that owns the source): the owner releases it explicitly, and the
 * finalizer is the fallback for instances nobody released.
 */
function cleanedUpExplicitly(call: Node, cls: Node, facts: FileFacts): boolean {
  const fn = call.childForFieldName('function');
  const name = fn?.childForFieldName('attribute')?.text;
  if (fn?.type !== 'attribute' || fn.childForFieldName('object')?.text !== 'self' || !name) return false;
  if (!classIndex(facts).info(cls)?.methods.has(name)) return false;
  return facts.words.of(name).some((offset) => {
    if (offset >= cls.startIndex && offset < cls.endIndex) return false;
    const id = facts.root.descendantForIndex(offset, offset + name.length);
    const attribute = id?.parent;
    if (attribute?.type !== 'attribute' || !attribute.childForFieldName('attribute')?.equals(id!)) return false;
    return attribute.parent?.type === 'call' && attribute.childForFieldName('object')?.text !== 'self';
  });
}
