// The file's `tf.function`s, computed once per file (memoised per FileFacts): functions decorated
// with `@tf.function` / `@tf.function(...)`, and defs or lambdas wrapped by a `tf.function(f)` call,
// with the names under which the traced callable is called in this file.
import { familyIndex, type FileFacts } from './facts';
import { Query, type Node } from '../syntax/parser';
import { decoratorCallee, decoratorsOf } from './scopes';
import { keywordValue, positionalArguments } from './callArgs';

export interface TfFunction {
  /** The traced def; a lambda for `tf.function(lambda x: ...)`; null when the wrapped callable is not in this file. */
  def: Node | null;
  /** The decorator expression or the `tf.function(...)` call. */
  origin: Node;
  /** Names the traced callable is called by here (`step` for `step = tf.function(f)`; the def's name when decorated). */
  callNames: Set<string>;
  /** Called as a method (`self.train_step(...)`), e.g. a decorated method or `self.f = tf.function(self.f)`. */
  isMethod: boolean;
  /** `input_signature=` given: Python-value arguments cannot cause retracing beyond the signature. */
  inputSignature: boolean;
  /** `reduce_retracing=True` (or the older `experimental_relax_shapes=True`). */
  reduceRetracing: boolean;
}

interface TfIndex {
  all: TfFunction[];
  byDef: Map<number, TfFunction>;
  byName: Map<string, TfFunction>;
  /** Every `tf.function(...)` call and `@tf.function` decorator, for rules that look at creation sites. */
  origins: Node[];
  /** Built by reading every def and call of the file: its readers' rankings cannot be carried across an edit. */
  wholeFile: boolean;
}

const cache = new WeakMap<FileFacts, TfIndex>();
const queries = new WeakMap<object, Query>();

const QUERY_SOURCE = `
(call function: [(attribute attribute: (identifier) @name) (identifier) @name] (#eq? @name "function")) @call
`;

export const TF_FUNCTION = 'tensorflow.function';

/** True when a decorator or callee expression is `tf.function` (any alias). */
export function isTfFunctionRef(expr: Node | null | undefined, facts: FileFacts): boolean {
  return facts.qualifiedName(expr) === TF_FUNCTION;
}

/** Built once per family of facts, as the training loops' index is (trainingLoop.ts `index`). */
export function tfFunctions(facts: FileFacts): TfIndex {
  return familyIndex(cache, facts, build);
}

/** The TfFunction a def (or lambda) is traced as, if any. */
export function tfFunctionOf(def: Node, facts: FileFacts): TfFunction | undefined {
  return tfFunctions(facts).byDef.get(def.id);
}

/** The same-file tf.function a call invokes (`step(x)` or `self.step(x)`), if any. */
export function calledTfFunction(call: Node, facts: FileFacts): TfFunction | undefined {
  const idx = tfFunctions(facts);
  if (idx.all.length === 0) return undefined;
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier') {
    const t = idx.byName.get(fn.text);
    return t && !t.isMethod ? t : undefined;
  }
  if (fn?.type === 'attribute' && fn.childForFieldName('object')?.text === 'self') {
    const t = idx.byName.get(fn.childForFieldName('attribute')?.text ?? '');
    return t?.isMethod ? t : undefined;
  }
  return undefined;
}

/**
 * The innermost def (or lambda) around node that is a tf.function, also through nested defs
 * (a helper def inside a tf.function body is traced with it). Class bodies end the search.
 */
export function enclosingTfFunction(node: Node, facts: FileFacts): TfFunction | null {
  const idx = tfFunctions(facts);
  if (idx.all.length === 0) return null;
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'class_definition') return null;
    if (n.type === 'function_definition' || n.type === 'lambda') {
      const t = idx.byDef.get(n.id);
      if (t) return t;
    }
  }
  return null;
}

function optionsOf(call: Node | null): { inputSignature: boolean; reduceRetracing: boolean } {
  if (!call || call.type !== 'call') return { inputSignature: false, reduceRetracing: false };
  const sig = keywordValue(call, 'input_signature');
  const reduce = keywordValue(call, 'reduce_retracing') ?? keywordValue(call, 'experimental_relax_shapes');
  return { inputSignature: sig !== null && sig.type !== 'none', reduceRetracing: reduce?.type === 'true' };
}

function build(facts: FileFacts): TfIndex {
  const idx: TfIndex = { all: [], byDef: new Map(), byName: new Map(), origins: [], wholeFile: false };
  if (!facts.importsModule('tensorflow')) return idx;
  // It reads every def and call of the file: no answer resting on it can be carried across an edit.
  facts.words.reads.wholeFile = idx.wholeFile = true;
  const add = (t: TfFunction) => {
    idx.all.push(t);
    if (t.def) idx.byDef.set(t.def.id, t);
    for (const name of t.callNames) idx.byName.set(name, t);
  };

  // Decorated defs.
  for (const fn of facts.captures.functions) {
    for (const d of decoratorsOf(fn)) {
      if (!isTfFunctionRef(decoratorCallee(d), facts)) continue;
      idx.origins.push(d);
      const name = fn.childForFieldName('name')?.text ?? '';
      add({
        def: fn,
        origin: d,
        callNames: new Set([name]),
        isMethod: isClassBody(fn),
        ...optionsOf(d),
      });
    }
  }

  // tf.function(f, ...) calls.
  const language = facts.tree.language;
  let q = queries.get(language);
  if (!q) {
    q = new Query(language, QUERY_SOURCE);
    queries.set(language, q);
  }
  for (const c of q.captures(facts.root)) {
    if (c.name !== 'call') continue;
    const call = c.node;
    if (!isTfFunctionRef(call.childForFieldName('function'), facts)) continue;
    if (call.parent?.type === 'decorator') continue; // handled above
    idx.origins.push(call);
    const wrapped = keywordValue(call, 'func') ?? positionalArguments(call)[0] ?? null;
    if (!wrapped) continue; // `tf.function(...)` used as a decorator factory elsewhere
    const assigned = call.parent?.type === 'assignment' && call.parent.childForFieldName('right')?.equals(call) ? call.parent.childForFieldName('left') : null;
    const callNames = new Set<string>();
    let isMethod = false;
    if (assigned?.type === 'identifier') callNames.add(assigned.text);
    else if (assigned?.type === 'attribute' && assigned.childForFieldName('object')?.text === 'self') {
      callNames.add(assigned.childForFieldName('attribute')!.text);
      isMethod = true;
    }
    let def: Node | null = null;
    if (wrapped.type === 'lambda') def = wrapped;
    else if (wrapped.type === 'identifier')
      def = facts.captures.functions.find((f) => f.childForFieldName('name')?.text === wrapped.text && !isClassBody(f)) ?? null;
    else if (wrapped.type === 'attribute' && wrapped.childForFieldName('object')?.text === 'self') {
      const attr = wrapped.childForFieldName('attribute')!.text;
      def = facts.captures.functions.find((f) => f.childForFieldName('name')?.text === attr && isClassBody(f)) ?? null;
    }
    add({ def, origin: call, callNames, isMethod, ...optionsOf(call) });
  }
  return idx;
}

function isClassBody(fn: Node): boolean {
  const stmt = fn.parent?.type === 'decorated_definition' ? fn.parent : fn;
  return stmt.parent?.type === 'block' && stmt.parent.parent?.type === 'class_definition';
}
