import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingJit, findDescendants, isNestedScope, oneLineText, parameterNames, someProjectFile, subscriptLevels } from '../../server/analysis';

export default defineRule({
  id: 'numba-prange-race',
  title: 'A `prange` body writes shared state that is not a simple reduction',
  category: 'numba',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'medium',
  guide: 'numba',
  requires: ['numba'],
  message: 'Every `prange` iteration writes the same array element: a data race with `parallel=True`',
  docs: {
    why:
      'With `parallel=True` the iterations of a `prange` loop run on several threads at once. Numba turns scalar ' +
      'reductions such as `total += a[i]` into safe per-thread partial results, but a write to an array element ' +
      'that does not depend on the loop index (`out[0] += a[i]`), or a read-modify-write through an index computed ' +
      'from the data (`hist[a[i]] += 1`), lets threads overwrite each other, so results vary from run to run.',
    instead:
      'Accumulate into a scalar (`total += a[i]`) and store it after the loop, write only the element owned by the ' +
      'iteration (`out[i] = ...`), or give each thread its own buffer and combine them afterwards.',
    example: {
      before: '@njit(parallel=True)\ndef total(a, out):\n    for i in prange(a.shape[0]):\n        out[0] = out[0] + a[i]',
      after: '@njit(parallel=True)\ndef total(a, out):\n    acc = 0.0\n    for i in prange(a.shape[0]):\n        acc += a[i]\n    out[0] = acc',
    },
  },
  query: `
(for_statement
  left: (identifier) @var
  right: (call function: [(identifier) (attribute)]) @iter
  body: (block) @body) @loop`,
  check(m, ctx) {
    if (ctx.facts.calleeName(m.need('iter')) !== 'numba.prange') return;
    const enclosing = enclosingJit(ctx.facts, m.need('loop'));
    if (!enclosing?.jit.parallel) return;
    const body = m.need('body');
    const index = m.need('var').text;
    // Names the body binds (derived values, inner loops), and those among them that differ per iteration: bound from
    // the index or from another such name. An inner loop's variable over the same range in every iteration
    // (`for j in range(n)`) is the same in every iteration: kikuchipy's `pattern[j] = pattern[j] + intensity[i]` under
    // `for i in prange(m)` has every thread add into every element (review70's hunt).
    const binders = findDescendants(body, (x) => x.type === 'assignment' || x.type === 'for_statement', isNestedScope);
    const boundBy = (n: Node) => {
      const left = n.childForFieldName('left');
      return (left?.type === 'identifier' ? [left] : (left?.descendantsOfType('identifier') ?? [])).filter(
        (id): id is Node => !!id && id.parent?.type !== 'subscript' && id.parent?.type !== 'attribute',
      );
    };
    const locals = new Set(binders.flatMap((n) => boundBy(n).map((id) => id.text)));
    const innerLoopVariables = new Set(binders.filter((n) => n.type === 'for_statement').flatMap((n) => boundBy(n).map((id) => id.text)));
    const perIteration = new Set([index]);
    for (let grew = true; grew;) {
      grew = false;
      for (const n of binders) {
        const source = n.childForFieldName('right');
        const from = source ? [source, ...source.descendantsOfType('identifier').filter((x): x is Node => x !== null)] : [];
        if (!from.some((id) => id.type === 'identifier' && perIteration.has(id.text))) continue;
        for (const id of boundBy(n)) {
          if (perIteration.has(id.text)) continue;
          perIteration.add(id.text);
          grew = true;
        }
      }
    }
    const writes = findDescendants(body, (x) => x.type === 'assignment' || x.type === 'augmented_assignment', isNestedScope);
    const reduced = arrayReductions(writes);
    for (const n of writes) {
      const left = n.childForFieldName('left');
      if (left?.type !== 'subscript') continue;
      // The whole chain names the element: `moments[ichan]["count"]` is field "count" of this iteration's own record
      // (sigpyproc3's per-channel moments, review72, judged wrong when reported).
      const { levels, base: array } = subscriptLevels(left);
      if (array.type === 'subscript' || (array.type === 'identifier' && locals.has(array.text))) continue;
      // `H_batch += Hnew` in the same body makes `H_batch` an array reduction: numba gives each thread its own copy and
      // sums them after the loop, so `H_batch[0] += ...` writes the thread's copy (thewalrus's loop hafnian, review74:
      // judged wrong, and the pattern reproduced exactly under numba 0.68).
      if (array.type === 'identifier' && reduced.has(array.text)) continue;
      const keyed = levels.flatMap((level) =>
        level.childrenForFieldName('subscript').flatMap((k) => (k !== null && k.type !== 'comment' ? [{ key: k, level }] : [])),
      );
      const keys = keyed.map(({ key }) => key);
      // `buf[nb.get_thread_id(), key[i]] += 1` is the per-thread buffer the advice asks for: each thread writes its own row
      // (laser-generic's per-node flows, eight findings judged wrong in review67).
      if (keys.some((k) => isThreadId(k, ctx))) continue;
      const named = keyed.flatMap(({ key, level }) =>
        (key.type === 'identifier' ? [key] : key.descendantsOfType('identifier').filter((x): x is Node => x !== null)).map((id) => ({ id, level })),
      );
      const names = named.map(({ id }) => id);
      const direct = named.filter(({ id, level }) => perIteration.has(id.text) && !insideIndirection(id, level)).map(({ id }) => id);
      if (direct.length > 0) continue;
      const indirect = names.some((id) => perIteration.has(id.text));
      if (indirect && n.type !== 'augmented_assignment') continue;
      // bempp-cl's assembly kernels scatter into `result[dofs[element, f], ...]` for the elements their caller hands
      // them one colour at a time, and elements of one colour share no dofs (review73: six findings judged wrong).
      if (indirect && array.type === 'identifier' && parameterNames(enclosing.def).includes(array.text) && projectColoursElements(ctx)) continue;
      const inner = names.find((id) => innerLoopVariables.has(id.text))?.text;
      const target = shownTarget(left);
      ctx.report({
        node: left,
        message: indirect
          ? `\`${target}\` is updated through a data-dependent index inside \`prange\`: iterations that hit the same element race`
          : inner
            ? `\`${target}\` is written by every \`prange\` iteration, each running the inner loop over every \`${inner}\`: a data race; make the loop over \`${inner}\` the \`prange\`, or give each thread its own buffer`
            : `\`${target}\` is written by every \`prange\` iteration: a data race; accumulate in a scalar or write only the iteration's own element`,
      });
    }
  },
});

/** Names the body updates whole with `+=` or `*=` (`H_batch += Hnew`): numba's array reductions, private per thread. */
function arrayReductions(writes: readonly Node[]): Set<string> {
  const names = new Set<string>();
  for (const n of writes) {
    const left = n.childForFieldName('left');
    const operator = n.childForFieldName('operator')?.text;
    if (n.type === 'augmented_assignment' && left?.type === 'identifier' && (operator === '+=' || operator === '*=')) names.add(left.text);
  }
  return names;
}

/** `numba.get_thread_id()` (or numba's private `_get_thread_id()`): the index of the thread running the iteration. */
function isThreadId(key: Node, ctx: RuleContext): boolean {
  if (key.type !== 'call') return false;
  const name = ctx.facts.calleeName(key);
  return name === 'numba.get_thread_id' || name === 'numba.np.ufunc.parallel._get_thread_id';
}

/** True when id sits inside a nested subscript or call within the key (`hist[a[i]]`, `h[int(x[i])]`). */
function insideIndirection(id: Node, target: Node): boolean {
  for (let n = id.parent; n && !n.equals(target); n = n.parent) {
    if (n.type === 'subscript' || n.type === 'call') return true;
  }
  return false;
}

/** The written element as one line for the message (a subscript spread over several lines reads as `a[b[i, j], c]`). */
function shownTarget(left: Node): string {
  return oneLineText(left.text.replace(/\[\s+/g, '[').replace(/,?\s+\]/g, ']'), 80);
}

/**
 * Graph colouring spelled in the project (`get_elements_by_color`, `mesh_colouring`): the way parallel finite-element
 * assembly keeps the elements one `prange` visits from sharing a degree of freedom, so a kernel's scatter through the
 * element-to-dof map into an array its caller passes does not race.
 */
const COLOURING = /\w*by_colou?rs?\b|\w*colou?ring\b/i;
function projectColoursElements(ctx: RuleContext): boolean {
  if (COLOURING.test(ctx.facts.text)) return true;
  return someProjectFile(ctx.filePath, 'colours elements for parallel assembly', (text) => COLOURING.test(text), ctx.files, ctx.projectRoot) === true;
}
