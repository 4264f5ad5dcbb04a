import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { FileFacts, findDescendants, isNestedScope, isTestCode, oneLineText, positionalArguments, tensorPlacement } from '../../server/analysis';

/** torch functions that join a sequence of tensors into one. */
const JOINS = /^torch\.(cat|concat|concatenate|stack|vstack|hstack)$/;

export default defineRule({
  id: 'torch-cat-per-index',
  title: '`torch.cat` / `torch.stack` of one small tensor per index of a tensor',
  category: 'pytorch',
  severity: 'hint',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'pytorch-gpu-efficiency',
  requires: ['torch'],
  message:
    'This comprehension computes one small tensor per index and joins them; one batched op over the whole tensor launches a few kernels instead of several per index',
  docs: {
    why:
      '`torch.cat([f(t[i]) for i in range(n)])` runs the per-index expression from Python n times: each runs its own ' +
      'small kernels (on a GPU, a few microseconds of launch each, with the device mostly idle), and the join copies every ' +
      'piece again. When n grows with the data (rows, queries, samples) this is a loop the tensor library could have done ' +
      'in one call. A piece that is only a view (indexing, slicing or reshaping one tensor, `h[i, :lens[i]]`) launches no ' +
      'kernel and is not reported.',
    instead:
      'Write the per-index expression over all indices at once: broadcasting (`x[:, None] < x[None, :]`), ' +
      '`repeat_interleave(counts, dim=0)` instead of per-row `repeat`, a batched op (`torch.isin` on the flattened rows with an ' +
      'offset), or `torch.vmap(f)(t)`. Reported as a hint: the number of indices is not known from the code, and for a handful ' +
      'of pieces the loop costs little.',
    example: {
      before:
        'def expand(indices, counts):\n    indices = torch.as_tensor(indices)\n    return torch.cat([indices[i].repeat(counts[i], 1) for i in range(len(counts))])',
      after: 'def expand(indices, counts):\n    indices = torch.as_tensor(indices)\n    return indices.repeat_interleave(torch.as_tensor(counts), dim=0)',
    },
  },
  query: `
(call
  function: (attribute attribute: (identifier) @fn)
  arguments: (argument_list . [(list_comprehension) (generator_expression)] @comp)
  (#any-of? @fn "cat" "concat" "concatenate" "stack" "vstack" "hstack")) @call`,
  check(m, ctx) {
    const facts = ctx.facts;
    const call = m.need('call');
    if (!JOINS.test(facts.calleeName(call) ?? '') || isTestCode(call, facts)) return;
    const comp = m.need('comp');
    const clauses = comp.namedChildren.filter((c): c is Node => c?.type === 'for_in_clause');
    if (clauses.length !== 1) return;
    const index = indexOver(clauses[0], facts);
    if (!index) return;
    const body = comp.childForFieldName('body');
    if (!body) return;
    const tensor = perIndexTensor(body, index, facts);
    // `torch.cat([h[i, :lens[i]].view(-1, d) for i in range(n)])`: each piece is a view of one tensor (indexing,
    // slicing, reshaping), which launches no kernel; the join is the one copy any batched form also makes. The
    // "several kernels per index" the rule is about do not exist (review27, ragged prefixes of an ASR batch).
    if (!tensor || onlyViews(body, index)) return;
    ctx.report({
      node: comp,
      message:
        `This comprehension computes one small tensor per index \`${index}\` of \`${oneLineText(tensor)}\` and ` +
        `\`${m.need('fn').text}\`s them: several kernels per index; write the expression over all indices at once ` +
        '(broadcasting, `repeat_interleave`, `torch.vmap`)',
    });
  },
});

/** `for i in range(n)` with a bound that is not a written number (`range(3)` joins three pieces): the index name. */
function indexOver(clause: Node, facts: FileFacts): string | null {
  const left = clause.childForFieldName('left');
  const right = clause.childForFieldName('right');
  if (left?.type !== 'identifier' || right?.type !== 'call') return null;
  const fn = right.childForFieldName('function');
  if (fn?.type !== 'identifier' || fn.text !== 'range' || !facts.isBuiltin('range', right)) return null;
  const args = positionalArguments(right);
  if (args.length === 0 || args.every((a) => /^[\s\d+-]*$/.test(a.text))) return null;
  return left.text;
}

/**
 * The tensor the per-index expression works on: it indexes a tensor with the index (`indices[i].repeat(...)`,
 * `torch.isin(a[q], b[q])`), or hands a tensor and the index to a function (`pair_sum(preds, target, i)`). Null otherwise
 * (a list of modules, a list of Python values, a piece that does not depend on the index).
 */
function perIndexTensor(body: Node, index: string, facts: FileFacts): string | null {
  const within = (type: string) => [...(body.type === type ? [body] : []), ...findDescendants(body, (n) => n.type === type, isNestedScope)];
  for (const sub of within('subscript')) {
    const keys = sub.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
    const value = sub.childForFieldName('value');
    if (!value || keys.length === 0 || keys[0].type !== 'identifier' || keys[0].text !== index) continue;
    if (tensorPlacement(value, sub, facts)) return value.text;
  }
  for (const call of within('call')) {
    const args = positionalArguments(call);
    if (!args.some((a) => a.type === 'identifier' && a.text === index)) continue;
    const tensor = args.find((a) => a.type === 'identifier' && a.text !== index && tensorPlacement(a, call, facts));
    if (tensor) return tensor.text;
  }
  return null;
}

/** Tensor methods that return a view (`reshape` and `flatten` whenever the strides allow one). */
const VIEWS = new Set([
  'view',
  'view_as',
  'reshape',
  'reshape_as',
  'flatten',
  'unflatten',
  'squeeze',
  'unsqueeze',
  'transpose',
  'permute',
  'narrow',
  'select',
  'expand',
  'expand_as',
  'movedim',
  'swapaxes',
  'detach',
  't',
]);

/**
 * The per-index expression only indexes, slices and reshapes one tensor: a name or attribute, subscripted with basic
 * keys (the index, `i + 1`, a number, `None`, `...`, slices with any bounds: `:lens[i]`), possibly through view methods
 * (`.view(-1, d)`, `.unsqueeze(0)`, `.T`). No arithmetic on the tensor, no other call, and no key that may be a tensor
 * (`x[idx[i]]` gathers: a kernel per index).
 */
function onlyViews(expr: Node, index: string): boolean {
  switch (expr.type) {
    case 'identifier':
      return true;
    case 'parenthesized_expression':
      return expr.namedChild(0) !== null && onlyViews(expr.namedChild(0)!, index);
    case 'subscript':
      return (
        expr.childrenForFieldName('subscript').every((k) => k === null || k.type === 'comment' || basicKey(k, index)) &&
        onlyViews(expr.childForFieldName('value')!, index)
      );
    case 'attribute': {
      const attr = expr.childForFieldName('attribute')?.text ?? '';
      const obj = expr.childForFieldName('object')!;
      // `self.hidden` as the tensor, or `.T` / `.mT` of one.
      return obj.type === 'identifier' && obj.text === 'self' ? true : (attr === 'T' || attr === 'mT') && onlyViews(obj, index);
    }
    case 'call': {
      const fn = expr.childForFieldName('function');
      return fn?.type === 'attribute' && VIEWS.has(fn.childForFieldName('attribute')?.text ?? '') && onlyViews(fn.childForFieldName('object')!, index);
    }
    default:
      return false;
  }
}

/** A key of basic indexing: the index, a number, `None`, `...`, a slice, or integer arithmetic of the index (`2 * i + 1`). */
function basicKey(key: Node, index: string): boolean {
  switch (key.type) {
    case 'slice':
    case 'integer':
    case 'none':
    case 'ellipsis':
      return true;
    case 'identifier':
      return key.text === index;
    case 'unary_operator':
      return basicKey(key.childForFieldName('argument')!, index);
    case 'parenthesized_expression':
      return key.namedChild(0) !== null && basicKey(key.namedChild(0)!, index);
    case 'binary_operator':
      return (
        /^[-+*]$|^\/\/$/.test(key.childForFieldName('operator')?.type ?? '') &&
        basicKey(key.childForFieldName('left')!, index) &&
        basicKey(key.childForFieldName('right')!, index)
      );
    default:
      return false;
  }
}
