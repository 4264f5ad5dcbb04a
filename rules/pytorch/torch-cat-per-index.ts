import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  FileFacts,
  fileFunctionDef,
  findDescendants,
  isNestedScope,
  isTestCode,
  oneLineText,
  parameterNames,
  positionalArguments,
  tensorPlacement,
} from '../../server/analysis';

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
    const tensor = perIndexTensor(body, index, clauses[0], facts);
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
function perIndexTensor(body: Node, index: string, clause: Node, facts: FileFacts): string | null {
  const within = (type: string) => [...(body.type === type ? [body] : []), ...findDescendants(body, (n) => n.type === type, isNestedScope)];
  for (const sub of within('subscript')) {
    const keys = sub.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
    const value = sub.childForFieldName('value');
    if (!value || keys.length === 0 || keys[0].type !== 'identifier' || keys[0].text !== index) continue;
    if (tensorPlacement(value, sub, facts)) return value.text;
  }
  for (const call of within('call')) {
    const args = positionalArguments(call);
    const position = args.findIndex((a) => a.type === 'identifier' && a.text === index);
    if (position < 0) continue;
    const tensor = args.find((a) => a.type === 'identifier' && a.text !== index && tensorPlacement(a, call, facts));
    if (tensor && !sizesThePiece(call, position, body, clause, facts)) return tensor.text;
  }
  return null;
}

/**
 * The index handed to the function is a degree or size that shapes each piece, not a position in the tensor: e3nn's
 * `torch.cat([(2 * l + 1) ** 0.5 * wigner_D(l, alpha, beta, gamma).flatten(-2) for l in range(lmax + 1)])` builds one
 * (2l+1)x(2l+1) block per degree, and no batched op makes blocks of different sizes in one call (review36: judged wrong).
 * Told by the comprehension computing a size from the index (`2 * l + 1`, `(l + 1) ** 2`), by a range over degrees
 * (`range(lmax + 1)`), or by the file's own def using that parameter as a size (`range(l)`, `torch.zeros(2 * l + 1)`);
 * never when that def indexes a tensor with it (`x[i]`; a lookup in a list of per-degree tables, `_Jd[l]`, is not that).
 */
function sizesThePiece(call: Node, position: number, body: Node, clause: Node, facts: FileFacts): boolean {
  const index = positionalArguments(call)[position].text;
  const fn = call.childForFieldName('function');
  const def = fn?.type === 'identifier' ? fileFunctionDef(fn, call) : null;
  const param = def ? parameterNames(def)[position] : undefined;
  const defBody = def?.childForFieldName('body');
  if (param && defBody && indexesATensor(defBody, param, facts)) return false;
  if (usedAsSize(body, index) || overDegrees(clause.childForFieldName('right'))) return true;
  return !!param && !!defBody && usedAsSize(defBody, param);
}

/** `lmax`, `l_max`, `max_l`, `self.max_degree`: the bound of a loop over the degrees of spherical harmonics or Wigner blocks. */
const DEGREE_BOUND = /^(l|ell|degree)_?max$|^max_?(l|ell|degree)$/i;

/** `range(lmax + 1)`, `range(self.l_max)`: a range whose bound is spelled as a maximum degree. */
function overDegrees(range: Node | null): boolean {
  const args = range ? positionalArguments(range) : [];
  return args.some((a) => [a, ...findDescendants(a, (n) => n.type === 'identifier')].some((n) => n.type === 'identifier' && DEGREE_BOUND.test(n.text)));
}

/** Integer arithmetic of `name` that multiplies or raises it (`2 * l + 1`, `l * (l + 1)`, `(l + 1) ** 2`): a dimension, not an offset. */
function sizeOf(expr: Node, name: string): boolean {
  if (expr.type !== 'binary_operator') return false;
  const ops = [expr, ...findDescendants(expr, (n) => n.type === 'binary_operator')].map((n) => n.childForFieldName('operator')?.type ?? '');
  return ops.some((op) => op === '*' || op === '**') && integerArithmeticOf(expr, name) && findDescendants(expr, (n) => n.type === 'identifier').length > 0;
}

/** Only integers, `name`, parentheses and `+ - * **`. */
function integerArithmeticOf(expr: Node, name: string): boolean {
  switch (expr.type) {
    case 'integer':
      return true;
    case 'identifier':
      return expr.text === name;
    case 'parenthesized_expression':
      return expr.namedChild(0) !== null && integerArithmeticOf(expr.namedChild(0)!, name);
    case 'binary_operator':
      return (
        /^([-+*]|\*\*)$/.test(expr.childForFieldName('operator')?.type ?? '') &&
        integerArithmeticOf(expr.childForFieldName('left')!, name) &&
        integerArithmeticOf(expr.childForFieldName('right')!, name)
      );
    default:
      return false;
  }
}

/** `name` is used as a size within `scope`: in size arithmetic outside any subscript, or as the bound of a `range(...)`. */
function usedAsSize(scope: Node, name: string): boolean {
  const sized = findDescendants(scope, (n) => n.type === 'binary_operator' && sizeOf(n, name) && !insideKey(n, scope), isNestedScope);
  if (sized.length > 0) return true;
  return findDescendants(scope, (n) => n.type === 'call' && n.childForFieldName('function')?.text === 'range', isNestedScope).some((call) =>
    positionalArguments(call).some((a) => a.type === 'identifier' && a.text === name),
  );
}

/**
 * `name` is (in) a key of a subscript of a tensor within `scope` (`x[i]`, `x[:, i + 1]`, `x[: 2 * i + 1]`): the value is a
 * position in it. Not through a call in the key (`out[..., range(2 * l + 1)]` indexes by the positions a size spans).
 */
function indexesATensor(scope: Node, name: string, facts: FileFacts): boolean {
  return findDescendants(scope, (n) => n.type === 'identifier' && n.text === name, isNestedScope).some((id) => {
    const sub = subscriptKeyedBy(id, scope, true);
    const value = sub?.childForFieldName('value');
    return !!value && !!tensorPlacement(value, sub!, facts);
  });
}

/** The subscript inside `scope` whose key holds `node`, or null (also when `direct` and a call stands between them). */
function subscriptKeyedBy(node: Node, scope: Node, direct = false): Node | null {
  for (let n: Node = node; n.parent && !n.equals(scope); n = n.parent) {
    const p: Node = n.parent;
    if (p.type === 'subscript' && !p.childForFieldName('value')?.equals(n)) return p;
    if (direct && p.type === 'call') return null;
  }
  return null;
}

/** `node` is (within) a key of a subscript inside `scope`. */
function insideKey(node: Node, scope: Node): boolean {
  return subscriptKeyedBy(node, scope) !== null;
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
