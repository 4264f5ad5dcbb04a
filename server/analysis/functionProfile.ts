// What a function's body does, as far as the concurrency rules care: how deeply it loops, whether it
// computes inside those loops, whether it waits on the network, a subprocess or a database, and
// whether every call it makes is plain Python that holds the GIL (builtins, math, str/list/dict
// methods, other such functions of this file). A call to anything else (numpy, a C extension, an
// unknown helper) makes the function "not pure": it may release the GIL, so rules that need
// "pure-Python CPU work" stay silent.
//
// Cost: each def is profiled once, on the first question, by one walk of its body; memoised per FileFacts.
import { blockingCall, functionDefinition, type BlockingKind } from './asyncApis';
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { findDescendants, isNestedScope } from './scopes';

export interface FunctionProfile {
  /** Deepest nesting of loops (`for`, `while` and comprehensions each count one level). */
  loopDepth: number;
  /** Arithmetic (`+ - * / // % ** @ << >> & | ^`, augmented assignment) inside a loop. */
  loopArithmetic: boolean;
  /** The first call that waits on the network, a subprocess or a database (`requests.get`), or null. */
  waitsOn: { display: string; kind: BlockingKind } | null;
  /** The body contains `await`, `yield` or `async for/with`. */
  suspends: boolean;
  /** Every call is plain GIL-holding Python (builtins, math, common container and str methods, pure same-file functions). */
  pure: boolean;
}

const LOOPS = new Set(['for_statement', 'while_statement', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
const ARITHMETIC = new Set(['+', '-', '*', '/', '//', '%', '**', '@', '<<', '>>', '&', '|', '^']);

/** Builtins that compute in the interpreter (no I/O, never release the GIL for long). */
const PURE_BUILTINS = new Set(
  (
    'abs all any bin bool bytearray bytes chr complex dict divmod enumerate filter float frozenset hash hex int ' +
    'isinstance issubclass iter len list map max min next oct ord pow range reversed round set slice sorted str sum ' +
    'tuple zip'
  ).split(' '),
);
/** Modules whose functions are pure-Python or hold the GIL while computing. */
const PURE_MODULES = ['math', 'cmath', 'operator', 'itertools', 'functools', 'random', 'bisect', 'heapq', 'statistics', 'fractions', 'decimal'];
/** Methods of builtin containers and strings. */
const PURE_METHODS = new Set(
  (
    'append extend pop popleft appendleft add discard remove insert clear copy count index sort reverse get setdefault ' +
    'items keys values split rsplit strip lstrip rstrip lower upper join startswith endswith replace format ' +
    'isdigit isalpha isalnum isspace find rfind partition splitlines zfill encode decode most_common bit_length'
  ).split(' '),
);

const cache = new WeakMap<FileFacts, Map<number, FunctionProfile>>();

/** The profile of a function definition (its own body; nested defs and lambdas are not included). */
export function functionProfile(facts: FileFacts, def: Node): FunctionProfile {
  return profile(facts, def, new Set());
}

/** Pure-Python work that keeps the GIL busy: loops (at least minDepth deep) computing, with no waiting and no native calls. */
export function isPurePythonCpuBound(p: FunctionProfile, minDepth = 1): boolean {
  return p.pure && p.loopDepth >= minDepth && p.loopArithmetic && !p.waitsOn && !p.suspends;
}

function profile(facts: FileFacts, def: Node, visiting: Set<number>): FunctionProfile {
  let perFile = cache.get(facts);
  if (!perFile) {
    perFile = new Map();
    cache.set(facts, perFile);
  }
  const known = perFile.get(def.id);
  if (known) return known;
  visiting.add(def.id);
  const body = def.childForFieldName('body');
  const result: FunctionProfile = { loopDepth: 0, loopArithmetic: false, waitsOn: null, suspends: false, pure: true };
  if (!body) return result;
  const nodes = findDescendants(
    body,
    (n) =>
      LOOPS.has(n.type) ||
      n.type === 'binary_operator' ||
      n.type === 'augmented_assignment' ||
      n.type === 'call' ||
      n.type === 'await' ||
      n.type === 'yield' ||
      ((n.type === 'for_statement' || n.type === 'with_statement') && n.child(0)?.type === 'async'),
    isNestedScope,
  );
  for (const n of nodes) {
    if (LOOPS.has(n.type)) {
      result.loopDepth = Math.max(result.loopDepth, loopAncestors(n, def) + 1);
      if (n.child(0)?.type === 'async') result.suspends = true;
    } else if (n.type === 'await' || n.type === 'yield' || n.type === 'with_statement') {
      result.suspends = true;
    } else if (n.type === 'binary_operator' || n.type === 'augmented_assignment') {
      const op = n.childForFieldName('operator')?.type.replace(/=$/, '') ?? '';
      if (ARITHMETIC.has(op) && loopAncestors(n, def) > 0) result.loopArithmetic = true;
    } else if (n.type === 'call') {
      const blocking = blockingCall(facts, n);
      if (blocking && blocking.kind !== 'file' && blocking.kind !== 'input' && !result.waitsOn) {
        result.waitsOn = { display: blocking.display, kind: blocking.kind };
      }
      if (result.pure && !isPureCall(facts, n, visiting)) result.pure = false;
    }
  }
  if (def.child(0)?.type === 'async') result.suspends = true;
  visiting.delete(def.id);
  perFile.set(def.id, result);
  return result;
}

function loopAncestors(node: Node, def: Node): number {
  let count = 0;
  for (let n = node.parent; n && !n.equals(def); n = n.parent) if (LOOPS.has(n.type)) count++;
  return count;
}

function isPureCall(facts: FileFacts, call: Node, visiting: Set<number>): boolean {
  const fn = call.childForFieldName('function');
  if (!fn) return false;
  if (fn.type === 'identifier') {
    if (PURE_BUILTINS.has(fn.text) && facts.isBuiltin(fn.text, call)) return true;
    const q = facts.qualifiedName(fn);
    if (q) return PURE_MODULES.some((m) => q.startsWith(`${m}.`));
    const def = functionDefinition(facts, fn.text, call);
    if (!def) return false;
    if (visiting.has(def.id)) return true; // recursion: judged by the rest of the body
    return profile(facts, def, visiting).pure;
  }
  if (fn.type === 'attribute') {
    const q = facts.qualifiedName(fn);
    if (q) return PURE_MODULES.some((m) => q.startsWith(`${m}.`));
    return PURE_METHODS.has(fn.childForFieldName('attribute')?.text ?? '');
  }
  return false;
}
