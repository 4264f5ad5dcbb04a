// The value layer's front door: "what is this expression?" for the library rules (pandas, NumPy,
// Numba, PyTorch, TensorFlow). Answers are a Value (values/kinds.ts: a kind, details such as ndim or
// device, and `why` for hovers) or null, an honest unknown: rules that need a kind stay silent on null.
//
// Sources, in the order they are tried (localTypes.ts does the work):
// - library return tables, one per library (values/tables/*.ts): constructors, readers, method chains;
// - annotations of parameters, variables, returns and class attributes;
// - the bindings of a name that reach a use, in its function or (scripts, notebooks' cells in order)
//   at module level, where a later binding never reaches an earlier use;
// - `self.x` set in the class's methods and read in another;
// - what functions of the file, methods of the same class and functions of other modules of the
//   workspace return (values/workspace.ts: read through the host's ModuleSource, cached per module
//   and text);
// - arguments every call site of a private helper passes, and methods only a DataFrame has;
// - a parameter its docstring documents as an ndarray and nothing wider (values/docstrings.ts).
//
// Cost: lazy and memoised per FileFacts; nothing is computed until a rule asks.
import type { FileFacts } from '../facts';
import type { Node } from '../../syntax/parser';
import { article, localTypes } from '../localTypes';
import type { Value, ValueKind } from './kinds';

export type { DatasetStyle, DeviceKind, Value, ValueKind } from './kinds';
export { PANDAS_KINDS, commonValue, knownNotPandas, sameKind } from './kinds';
export type { CallView, LibraryTable, Returns } from './tables';
export type { FileOrigin, ModuleSource } from './workspace';
export { forgetModules, resolveModule, workspaceStats } from './workspace';
export { docstringOf } from './docstrings';

export interface ValueLayer {
  /** What `expr` holds, or null when the layer cannot tell. */
  valueOf(expr: Node | null | undefined): Value | null;
  /** What `name` holds where it is read at `at`, or null. */
  valueOfName(name: string, at: Node): Value | null;
  /** True when `expr` is known to hold one of these kinds. */
  isA(expr: Node | null | undefined, ...kinds: ValueKind[]): boolean;
  /** What a def returns, or null. */
  functionReturn(def: Node): Value | null;
  /** What the callee of a call holds (`self.encoder` in `self.encoder(x)`), None placeholders left out; or null. */
  calleeValue(fn: Node | null | undefined): Value | null;
  /** What an instance of a class of this file is, from its bases (an nn.Module, a Dataset...), or null. */
  classInstance(cls: Node): Value | null;
}

/** The memoised value layer of a file. */
export function values(facts: FileFacts): ValueLayer {
  const types = localTypes(facts);
  return {
    valueOf: (expr) => types.valueOf(expr),
    valueOfName: (name, at) => types.valueOfName(name, at),
    isA: (expr, ...kinds) => {
      const v = types.valueOf(expr);
      return !!v && kinds.includes(v.kind);
    },
    functionReturn: (def) => types.functionReturn(def),
    calleeValue: (fn) => types.calleeValue(fn),
    classInstance: (cls) => types.classInstance(cls, 0),
  };
}

/** "a DataFrame (`pd.read_csv(...)` returns a DataFrame)": a value as a hover or message says it. */
export function describeValue(value: Value): string {
  const details = [value.ndim !== undefined ? `${value.ndim}-D` : '', value.dtype ?? '', value.device ? `on ${value.device}` : '', value.style ?? '']
    .filter(Boolean)
    .join(', ');
  return `${article(value.kind)}${details ? ` (${details})` : ''}${value.why ? `: ${value.why}` : ''}`;
}
