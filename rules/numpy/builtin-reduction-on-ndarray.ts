import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { findDescendants, insideNumbaFunction, localTypes, plainAssignments, scopeOf } from '../../server/analysis';
import { ensureImport, replaceNode } from '../../server/fixes';

/** A text dtype: `dtype=str`, `dtype="U10"`, `np.bytes_`. */
const TEXT_DTYPE = /\bdtype\s*=\s*(str|bytes|(np|numpy)\.(str_|bytes_)|["'][<>|=]?[USa])/;
/** An object dtype: its `.min()` compares the Python objects, as the built-in does. */
const OBJECT_DTYPE = /\bdtype\s*=\s*(object|(np|numpy)\.object_|["'][<>|=]?O)/;
/** Containers a string element can sit in to become an element of the array. */
const ELEMENT_PARENTS = new Set([
  'list',
  'tuple',
  'set',
  'list_comprehension',
  'generator_expression',
  'parenthesized_expression',
  'conditional_expression',
  'expression_list',
]);

/**
 * The array (through subscripts, to its variable) is built in this scope from string elements or
 * with a text dtype: `np.array([f"col_{i}" for i in ...])`, where `.min()` has no loop (numpy < 2).
 */
function mayHoldText(arg: Node): boolean {
  let base = arg;
  while (base.type === 'subscript') base = base.childForFieldName('value')!;
  const values = base.type === 'identifier' ? plainAssignments(scopeOf(base), base.text).map((a) => a.value) : [base];
  return values.some(
    (v) =>
      TEXT_DTYPE.test(v.text) ||
      (!OBJECT_DTYPE.test(v.text) && findDescendants(v, (n) => n.type === 'string' && ELEMENT_PARENTS.has(n.parent?.type ?? '')).length > 0),
  );
}

const SIMPLE_RECEIVER = new Set(['identifier', 'attribute', 'subscript', 'call', 'parenthesized_expression']);

export default defineRule({
  id: 'builtin-reduction-on-ndarray',
  title: 'Python sum, max, min, any or all on an ndarray',
  category: 'numpy',
  severity: 'info',
  enabledByDefault: true,
  // `max(Y)` once per fit or `any()` over a 4-item shape check costs microseconds: the review judged those noise. The
  // element-by-element walk matters where it repeats (a loop, a training step, a function called per item).
  quietOutsideHotCode: true,
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
      'Call the method or function: `arr.sum()`, `arr.max()`, `arr.any()`, or `np.sum(arr, axis=0)` when the ' + 'array may have more than one dimension.',
    example: {
      before: 'arr = np.random.rand(1_000_000)\ntotal = sum(arr)\nhi = max(arr)',
      after: 'arr = np.random.rand(1_000_000)\ntotal = arr.sum()\nhi = arr.max()',
    },
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
    // The built-in compares any elements; `.min()` / `.max()` have no loop for strings or objects.
    if ((name === 'min' || name === 'max') && mayHoldText(arg)) return;
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
