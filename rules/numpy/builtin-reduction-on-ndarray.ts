import { defineRule } from '../../server/engine/rule';
import { ensureImport, replaceNode } from '../../server/engine/fixes';
import { localTypes } from '../../server/engine/localTypes';
import { insideNumbaFunction } from '../../server/engine/numeric';

const SIMPLE_RECEIVER = new Set(['identifier', 'attribute', 'subscript', 'call', 'parenthesized_expression']);

export default defineRule({
  id: 'builtin-reduction-on-ndarray',
  title: 'Python sum, max, min, any or all on an ndarray',
  category: 'numpy',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'numpy-vectorization',
  requires: ['numpy'],
  message: 'A Python built-in reduces a numpy array element by element; use the array method (`arr.sum()`, `arr.max()`)',
  docs: {
    why:
      'The built-ins `sum`, `max`, `min`, `any` and `all` iterate the array from Python, creating a numpy scalar ' +
      'object per element, while the ndarray methods reduce in compiled code. On a 2-D array the built-ins iterate ' +
      'rows, so `sum(arr)` adds row arrays (`arr.sum(axis=0)`) and `max(arr)` raises.',
    instead:
      'Call the method or function: `arr.sum()`, `arr.max()`, `arr.any()`, or `np.sum(arr, axis=0)` when the ' +
      'array may have more than one dimension.',
    example: { before: 'total = sum(arr)\nhi = max(arr)', after: 'total = arr.sum()\nhi = arr.max()' },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use the numpy reduction',
    reason:
      'numpy sums floats pairwise (the last digits can change), propagates NaN in max/min where the built-in depends on ' +
      'element order, and returns numpy scalars (`np.bool_`, a float for an empty sum)',
  },
  query: `
(call
  function: (identifier) @fn
  arguments: (argument_list . (_) @arg .)
  (#any-of? @fn "sum" "max" "min" "any" "all")) @call`,
  check(m, ctx) {
    const fn = m.need('fn');
    const arg = m.need('arg');
    const call = m.need('call');
    if (arg.type === 'keyword_argument' || arg.type === 'list_splat' || arg.type === 'dictionary_splat') return;
    if (!ctx.facts.isBuiltin(fn.text, fn)) return;
    if (insideNumbaFunction(ctx.facts, call)) return;
    const t = localTypes(ctx.facts).typeOf(arg);
    if (t?.kind !== 'ndarray') return;
    const name = fn.text;
    const receiver = SIMPLE_RECEIVER.has(arg.type) ? arg.text : `(${arg.text})`;
    let replacement: string;
    const edits = [];
    if (name === 'sum' && t.ndim !== 1) {
      // On an n-D array the built-in adds the rows: the same as a sum over axis 0.
      const np = ensureImport(ctx.facts, 'numpy');
      edits.push(...np.edits);
      replacement = `${np.ref}.sum(${arg.text}, axis=0)`;
    } else {
      replacement = `${receiver}.${name}()`;
    }
    edits.push(replaceNode(call, replacement));
    const shown = arg.text.length <= 30 ? `\`${arg.text}\`` : 'an ndarray';
    ctx.report({
      node: call,
      message: `Built-in \`${name}()\` iterates ${shown} element by element in Python; use \`${replacement.length <= 60 ? replacement : `.${name}()`}\``,
      edits,
    });
  },
});
