import { defineRule, type Report, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  compiledByNumba,
  enclosingFunction,
  fileFunctionDef,
  findDescendants,
  inTestFunction,
  isNestedScope,
  isSmallLiteralLoop,
  isTestFile,
  iterationsIndependent,
  numpyModuleRef,
  pairDistanceAdvice,
  values,
} from '../../server/analysis';

export default defineRule({
  id: 'numpy-pairwise-nested-loop',
  title: 'Nested index loops computing pairwise distances or similarities',
  category: 'numpy',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'complexity',
  requires: ['numpy'],
  // A pairwise fill is better replaced by cdist/broadcasting than compiled: one finding, this one.
  supersedes: ['numba-jit-candidate'],
  severityForms: [
    {
      severity: 'hint',
      when: 'when each pair is computed by a function perflens cannot see into (`self.kernel(X[i], X[j])`) on rows of a 2-D array: it helps only if that function can take whole matrices',
    },
  ],
  message: 'Nested Python loops fill a pairwise matrix one pair at a time; use cdist/pdist or broadcasting',
  docs: {
    why:
      'Computing an N×N matrix of distances or similarities with two Python loops runs N² interpreted iterations, ' +
      'each creating temporary arrays. The work is the same O(N²·D) either way, but compiled routines do it with a ' +
      'far smaller constant.',
    instead:
      'Use `scipy.spatial.distance.cdist(X, Y)` or `squareform(pdist(X))`, `X @ Y.T` for dot-product similarities, ' +
      'or broadcasting: `np.linalg.norm(X[:, None, :] - X[None, :, :], axis=-1)` (which needs O(N²·D) memory). When the loops ' +
      'only use one distance per pair of rows of two arrays (a nearest-neighbour search, a k-means assignment), compute the ' +
      '`cdist` matrix before them and read it inside.',
    example: {
      before: 'D = np.zeros((N, N))\nfor i in range(N):\n    for j in range(N):\n        D[i, j] = np.sqrt(np.sum((X[i] - X[j]) ** 2))',
      after: 'from scipy.spatial.distance import cdist\n\nD = cdist(X, X)',
    },
  },
  query: `
(for_statement
  left: (_) @i
  right: (_) @r1
  body: (block
    (for_statement
      left: (_) @j
      right: (_) @r2
      body: (block) @inner) @innerLoop)) @outer`,
  check(m, ctx) {
    const outer = m.need('outer');
    if (compiledByNumba(ctx.facts, outer)) return;
    // In a test the naive double loop is the reference the vectorised code under test is checked against (alibi's
    // prototypes/tests/test_utils.py): vectorising it would make the test compare the code with itself.
    if (isTestFile(ctx.filePath) || inTestFunction(outer)) return;
    // Both loops over a handful of literal values (`for a in range(3): for b in range(3):`, the 3x3 polarizability of
    // psi4numpy's response scripts, review71): nine interpreted steps, each already a whole-array product. Nothing to
    // vectorise that pays.
    if (isSmallLiteralLoop(outer, ctx.facts) && isSmallLiteralLoop(m.need('innerLoop'), ctx.facts)) return;
    if (pairFill(m.need('i'), m.need('r1'), m.need('j'), m.need('r2'), outer, m.need('inner'), ctx)) return;
    // Not a matrix fill: the loops may still compute one distance per pair of rows (a k-nearest-neighbour search).
    const distances = pairDistanceAdvice(outer, m.need('innerLoop'), ctx.facts, numpyModuleRef(ctx.facts) ?? 'np');
    if (distances) ctx.report(distances);
  },
});

/** `range(...)` of the builtin. */
function isRange(n: Node, ctx: RuleContext): boolean {
  return n.type === 'call' && n.childForFieldName('function')?.text === 'range' && ctx.facts.isBuiltin('range', n);
}

/** `for i in range(...): for j in range(...): T[i, j] = <expression of X[i] and Y[j]>`: reported, true; else false. */
function pairFill(iNode: Node, r1: Node, jNode: Node, r2: Node, outer: Node, inner: Node, ctx: RuleContext): boolean {
  if (iNode.type !== 'identifier' || jNode.type !== 'identifier' || !isRange(r1, ctx) || !isRange(r2, ctx)) return false;
  const i = iNode.text;
  const j = jNode.text;
  if (i === j) return false;
  // A pair may depend on earlier pairs (DTW's `D[i - 1, j]`, LU's `A[i, k]`): then no broadcast computes it.
  if (!iterationsIndependent(outer, i, ctx.facts, { pureCall: (c) => numericHelper(c, ctx) !== null }).independent) {
    // Unless the only doubt is the one opaque call per pair, which the hint's "if" covers.
    const only = soleOpaquePair(outer, inner, i, j, ctx);
    if (only) ctx.report(only);
    return only !== null;
  }
  for (const stmt of findDescendants(inner, (n) => n.type === 'assignment' || n.type === 'augmented_assignment')) {
    const left = stmt.childForFieldName('left');
    const right = stmt.childForFieldName('right');
    if (!left || !right || left.type !== 'subscript') continue;
    const target = pairTarget(left, i, j);
    if (!target) continue;
    const sources = pairSources(right, i, j, ctx);
    if (!sources) {
      const hint = opaqueReport(outer, stmt, i, j, ctx);
      if (!hint) continue;
      ctx.report(hint);
      return true;
    }
    // `pop[i][j] = (pop[i][j] + 1) % 2` reads the cell it writes: an update of each element in place (reV's mutation
    // step, judged wrong in review36), not a value computed from a pair of rows.
    if (sources.some((s) => s.text === target.text || s.text.startsWith(`${target.text}[`))) continue;
    const layer = values(ctx.facts);
    if (!layer.isA(target, 'ndarray') && !sources.some((s) => layer.isA(s, 'ndarray'))) continue;
    // The pair reads elements picked per pair by a search (`js = np.searchsorted(values[v], values[u])`, then
    // `values[v][js[slice_j]]`): each pair is already vectorised over a selection of its own length, the Houghton-Kreuz
    // van Rossum distance of elephant (review48, judged wrong). No matrix product or cdist computes that.
    if (raggedPerPair(right, stmt, inner, ctx)) return true;
    const summed = sumOverThirdLoop(stmt, inner, target);
    if (summed) {
      ctx.report({
        node: outer,
        message:
          `Nested loops add up products of elements into \`${target.text}[${i}, ${j}]\` over \`${summed}\`, one interpreted step per term; ` +
          `\`np.einsum\` (or a matrix product) over the whole arrays computes every sum in compiled code`,
      });
      return true;
    }
    // The pair reads cells of a matrix indexed by both loop indices (`fxy[i][j]`, `E[i, j] - E[j, i]`): the pairwise work
    // was done when that matrix was made, and what is left is N^2 interpreted steps of elementwise work on it. Review48
    // judged four such fills noise (nitime's coherency from cross-spectra, ProDy's net entropy transfer): computing the
    // spectra or the entropies dwarfs them.
    const cells = pairCells(right, i, j);
    if (cells) {
      ctx.report({
        node: outer,
        message: `Nested loops fill \`${target.text}\` one pair at a time from cells of \`${cells}\`; whole-matrix arithmetic (\`${cells}.T\`, the diagonal as a column and a row) does it in one step`,
        lowImpact: `each pair reads cells of \`${cells}\`, a pairwise matrix made before the loop: the pairwise work is done, what is left is elementwise work per cell`,
      });
      return true;
    }
    // A helper the pair-distance advice recognises (`_manhattan` is cityblock) gets that advice: it names the metric.
    const viaHelper = findDescendants(right, (n) => n.type === 'call' && numericHelper(n, ctx) !== null).length > 0;
    const advice = viaHelper && inner.parent ? pairDistanceAdvice(outer, inner.parent, ctx.facts, numpyModuleRef(ctx.facts) ?? 'np') : null;
    if (advice) {
      ctx.report(advice);
      return true;
    }
    const names = [...new Set(sources.map((s) => s.text))].map((s) => `\`${s}\``).join(' and ');
    ctx.report({
      node: outer,
      message: `Nested loops fill \`${target.text}\` one pair of ${names} at a time; use \`cdist\`/\`pdist\`, a matrix product or broadcasting`,
    });
    return true;
  }
  return false;
}

/**
 * `T[i, j] += <product>` inside a third loop `for t in range(...)` of the pair's loops, whose index the product reads and
 * which reads nothing of `T`: each cell is a sum over `t` of products (the Baum-Welch numerators of lazyprogrammer's
 * hmm_class), a contraction rather than a distance. The third loop's index, or null.
 */
function sumOverThirdLoop(stmt: Node, inner: Node, target: Node): string | null {
  const right = stmt.childForFieldName('right');
  if (stmt.type !== 'augmented_assignment' || stmt.childForFieldName('operator')?.text !== '+=' || !right) return null;
  // A guard of its own (`if ends[t] != 1:`) masks terms out of the sum, which a mask factor does for the whole arrays.
  let block = stmt.parent?.parent;
  const guard = block?.parent;
  const consequence = guard?.type === 'if_statement' && guard.childrenForFieldName('alternative').length === 0 ? guard.childForFieldName('consequence') : null;
  if (consequence && block?.equals(consequence)) block = guard!.parent;
  const loop = block?.parent;
  const t = loop?.type === 'for_statement' ? loop.childForFieldName('left') : null;
  if (!loop || t?.type !== 'identifier' || !loop.parent?.equals(inner)) return null;
  const ids = findDescendants(right, (n) => n.type === 'identifier' || n.type === 'attribute');
  if (!ids.some((n) => n.text === t.text) || ids.some((n) => n.text === target.text)) return null;
  return t.text;
}

/** numpy calls whose result's length depends on the data: a selection of its own size for each pair. */
const RAGGED = new Set(['numpy.searchsorted', 'numpy.nonzero', 'numpy.flatnonzero', 'numpy.argwhere', 'numpy.where', 'numpy.unique', 'numpy.s_']);

/**
 * The right side reads a name the inner loop's body binds before the statement from a data-dependent selection
 * (`np.searchsorted`, `np.nonzero`, `np.where`, `np.s_[...]` slices): each pair works on a ragged selection of its own.
 */
function raggedPerPair(right: Node, stmt: Node, inner: Node, ctx: RuleContext): boolean {
  const read = new Set(findDescendants(right, (n) => n.type === 'identifier').map((n) => n.text));
  return findDescendants(inner, (n) => n.type === 'assignment' && n.startIndex < stmt.startIndex, isNestedScope).some((a) => {
    const left = a.childForFieldName('left');
    const value = a.childForFieldName('right');
    if (left?.type !== 'identifier' || !read.has(left.text) || !value) return false;
    return [value, ...findDescendants(value, () => true)].some((n) => {
      if (n.type === 'call') return RAGGED.has(ctx.facts.calleeName(n) ?? '');
      if (n.type === 'subscript') return ctx.facts.qualifiedName(n.childForFieldName('value')!) === 'numpy.s_';
      return false;
    });
  });
}

/** The matrix whose cells (`M[i, j]`, `M[j][i]`, `M[i][i]`: both keys loop indices) the expression reads, or null. */
function pairCells(expr: Node, i: string, j: string): string | null {
  const index = (k: Node | null | undefined) => k?.text === i || k?.text === j;
  for (const n of [expr, ...findDescendants(expr, (x) => x.type === 'subscript')]) {
    if (n.type !== 'subscript') continue;
    const value = n.childForFieldName('value');
    const keys = n.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
    if (!value) continue;
    if (keys.length === 2 && index(keys[0]) && index(keys[1]) && (value.type === 'identifier' || value.type === 'attribute')) return value.text;
    if (keys.length === 1 && index(keys[0]) && value.type === 'subscript') {
      const base = value.childForFieldName('value');
      const innerKeys = value.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
      if (base && innerKeys.length === 1 && index(innerKeys[0]) && (base.type === 'identifier' || base.type === 'attribute')) return base.text;
    }
  }
  return null;
}

/** `D[i, j]` or `D[i][j]` → `D`. */
function pairTarget(left: Node, i: string, j: string): Node | null {
  const value = left.childForFieldName('value');
  const keys = left.childrenForFieldName('subscript').filter((k): k is Node => k !== null && k.type !== 'comment');
  if (!value) return null;
  if (keys.length === 2 && keys[0].text === i && keys[1].text === j && (value.type === 'identifier' || value.type === 'attribute')) return value;
  if (keys.length === 1 && keys[0].text === j && value.type === 'subscript') {
    const inner = value.childForFieldName('value');
    const innerKeys = value.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
    if (inner && innerKeys.length === 1 && innerKeys[0]!.text === i && (inner.type === 'identifier' || inner.type === 'attribute')) return inner;
  }
  return null;
}

/**
 * The arrays read as `X[i]` and `Y[j]` when the right-hand side is numeric: arithmetic, numpy or
 * math calls, and subscripts by the loop indices. Null when it calls anything else (a custom
 * metric on strings is not vectorisable).
 */
function pairSources(expr: Node, i: string, j: string, ctx: RuleContext): Node[] | null {
  const sources: Node[] = [];
  let sawI = false;
  let sawJ = false;
  // `table[keys[j]][names[i]]`, `M[rows[i], cols[j]]`: the value is looked up, not computed from a pair of rows.
  if (expr.type === 'subscript') return null;
  for (const n of [expr, ...findDescendants(expr, () => true)]) {
    if (n.type === 'call') {
      const q = ctx.facts.calleeName(n);
      if (!q || !(q.startsWith('numpy.') || q.startsWith('math.'))) {
        // Array methods (`X[i].dot(X[j])`) are fine; anything else is an unknown function.
        const fn = n.childForFieldName('function');
        const method = fn?.type === 'attribute' && /^(dot|sum|mean|max|min)$/.test(fn.childForFieldName('attribute')?.text ?? '');
        if (!method && !numericHelper(n, ctx)) return null;
      }
    } else if (n.type === 'subscript') {
      // `left[i]` in `X[left[i]]` picks which row of `X` is read: `X` is the source, not the list of positions.
      if (isKeyOfSubscript(n, expr)) continue;
      const value = n.childForFieldName('value');
      const keys = n.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
      if (!value || keys.length === 0) continue;
      const index = loopIndexOf(keys[0]!);
      if (index === i) {
        sawI = true;
        sources.push(value);
      } else if (index === j) {
        sawJ = true;
        sources.push(value);
      }
    } else if (n.type === 'lambda' || n.type === 'list_comprehension' || n.type === 'generator_expression') {
      return null;
    }
  }
  return sawI && sawJ ? sources : null;
}

/** The loop index a subscript key reads the row by: `i` for `i` and for `left[i]` (a row picked by position). */
function loopIndexOf(key: Node): string {
  if (key.type !== 'subscript') return key.text;
  const inner = key.childrenForFieldName('subscript').filter((k) => k && k.type !== 'comment');
  return inner.length === 1 ? inner[0]!.text : key.text;
}

/** node stands in the key of a subscript inside expr (`keys[j]` in `table[keys[j]]`), not in a value being computed. */
function isKeyOfSubscript(node: Node, expr: Node): boolean {
  for (let child = node, n = node.parent; n && !child.equals(expr); child = n, n = n.parent) {
    if (n.type === 'subscript' && !n.childForFieldName('value')?.equals(child)) return true;
  }
  return false;
}

/** The hint for `T[i, j] = f(X[i], X[j])` into a known ndarray `T`, or null. */
function opaqueReport(outer: Node, stmt: Node, i: string, j: string, ctx: RuleContext): Report | null {
  const left = stmt.childForFieldName('left');
  const right = stmt.childForFieldName('right');
  const target = left?.type === 'subscript' ? pairTarget(left, i, j) : null;
  const pair = target && right && stmt.type === 'assignment' ? opaquePair(right, i, j, outer, ctx) : null;
  if (!pair || !values(ctx.facts).isA(target, 'ndarray')) return null;
  return {
    node: outer,
    severity: 'hint',
    message: `Nested loops call \`${pair.callee}\` once per pair of rows of \`${pair.rows}\` to fill \`${target!.text}\`; if it can work on whole matrices (a linear kernel is \`${pair.rows} @ ${pair.rows}.T\`), fill the matrix in one call, or use \`cdist\`/\`pairwise_kernels\``,
  };
}

/** The inner loop's body is that one assignment and nothing else: the hint for it, or null. */
function soleOpaquePair(outer: Node, inner: Node, i: string, j: string, ctx: RuleContext): Report | null {
  const outerBody = outer.childForFieldName('body')?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
  const statements = inner.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
  if (outerBody.length !== 1 || statements.length !== 1 || statements[0].type !== 'expression_statement') return null;
  const stmt = statements[0].namedChild(0);
  return stmt ? opaqueReport(outer, stmt, i, j, ctx) : null;
}

/**
 * `f(X[i], X[j])` (or `f(X[i], Y[j])`): a function of two rows the rule cannot see into, where the rows come from
 * arrays known to be 2-D or unpacked as `n, d = X.shape` / `np.shape(X)` in the function. A list of words would
 * not unpack into two sizes. The callee and the rows' array, or null.
 */
function opaquePair(expr: Node, i: string, j: string, loop: Node, ctx: RuleContext): { callee: string; rows: string } | null {
  if (expr.type !== 'call') return null;
  const fn = expr.childForFieldName('function');
  const args = expr.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (!fn || args.length !== 2 || (fn.type !== 'identifier' && fn.type !== 'attribute')) return null;
  const q = ctx.facts.calleeName(expr);
  if (q && (q.startsWith('numpy.') || q.startsWith('math.'))) return null;
  const rows = args.map((a, k) => {
    const keys = a.type === 'subscript' ? a.childrenForFieldName('subscript').filter((x) => x && x.type !== 'comment') : [];
    const value = a.childForFieldName('value');
    return keys.length === 1 && keys[0]!.text === (k === 0 ? i : j) && value?.type === 'identifier' ? value : null;
  });
  if (!rows[0] || !rows[1] || !rows.every((r) => twoDimensional(r!, loop, ctx))) return null;
  return { callee: fn.text, rows: rows[0].text === rows[1].text ? rows[0].text : `${rows[0].text}\`/\`${rows[1].text}` };
}

/** `X` is known as a 2-D ndarray, or its function unpacks `n, d = X.shape` / `np.shape(X)`. */
function twoDimensional(x: Node, loop: Node, ctx: RuleContext): boolean {
  const v = values(ctx.facts).valueOf(x);
  if (v?.kind === 'ndarray' && v.ndim === 2) return true;
  if (v && (v.kind !== 'ndarray' || v.ndim !== undefined)) return false;
  return unpacksShape(x.text, loop, ctx);
}

function unpacksShape(name: string, loop: Node, ctx: RuleContext): boolean {
  const body = enclosingFunction(loop)?.childForFieldName('body');
  if (!body) return false;
  return findDescendants(body, (n) => n.type === 'assignment', isNestedScope).some((a) => {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if ((left?.type !== 'pattern_list' && left?.type !== 'tuple_pattern') || left.namedChildCount !== 2 || !right) return false;
    if (right.type === 'attribute') return right.text.replace(/\s/g, '') === `${name}.shape`;
    if (right.type !== 'call' || ctx.facts.calleeName(right) !== 'numpy.shape') return false;
    const arg = right.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment');
    return arg?.length === 1 && arg[0]!.text === name;
  });
}

/**
 * `_distance(p[i], p[j])` where the file defines `def _distance(a, b): return np.sqrt(np.sum((a - b) ** 2))` (issue 24's
 * recall hunt): an undecorated def of plain parameters whose body is one `return` (after an optional docstring) of arithmetic
 * on its parameters and numbers, numpy or math calls and array reductions. It reads nothing else, so it computes the pair as
 * an inline expression would. The def, or null.
 */
function numericHelper(call: Node, ctx: RuleContext): Node | null {
  const fn = call.childForFieldName('function');
  const def = fn?.type === 'identifier' ? fileFunctionDef(fn, call) : null;
  if (!def) return null;
  ctx.restsOn(def);
  const params = def.childForFieldName('parameters')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  if (params.length === 0 || !params.every((p) => p.type === 'identifier')) return null;
  const statements = def.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const docstring = statements[0]?.type === 'expression_statement' && statements[0].namedChild(0)?.type === 'string';
  const rest = docstring ? statements.slice(1) : statements;
  const value = rest.length === 1 && rest[0].type === 'return_statement' ? rest[0].namedChild(0) : null;
  if (!value) return null;
  const names = new Set(params.map((p) => p.text));
  const ok = [value, ...findDescendants(value, () => true)].every((n) => {
    if (n.type === 'call') {
      const q = ctx.facts.calleeName(n);
      if (q) return q.startsWith('numpy.') || q.startsWith('math.');
      const f = n.childForFieldName('function');
      return f?.type === 'attribute' && /^(dot|sum|mean|max|min)$/.test(f.childForFieldName('attribute')?.text ?? '');
    }
    if (n.type === 'identifier') return names.has(n.text) || isCalleePart(n);
    return !/^(lambda|list_comprehension|generator_expression|dictionary_comprehension|set_comprehension|await|string)$/.test(n.type);
  });
  return ok ? def : null;
}

/** The identifier names the function of a call (`np` or `sum` in `np.sum(...)`, `sqrt` in `math.sqrt`), not a value. */
function isCalleePart(id: Node): boolean {
  for (let n: Node = id; n.parent; n = n.parent) {
    const p: Node = n.parent;
    if (p.type === 'call') return p.childForFieldName('function')?.equals(n) === true;
    if (p.type !== 'attribute' || !p.childForFieldName('object')?.equals(n))
      return p.type === 'attribute' && p.childForFieldName('attribute')?.equals(n) === true && isCalleePart(p);
  }
  return false;
}
