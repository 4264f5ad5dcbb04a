// The shape of a library's return table: what its calls, methods and attributes give back. One file
// per library (pandas.ts, numpy.ts, torch.ts, tf.ts, frames.ts); tables.ts joins them. Tables are
// data: the layer does the name resolution, the tables only say what each API returns.
import type { Node } from '../../../syntax/parser';
import type { Value, ValueKind } from '../kinds';

/**
 * What a call or attribute returns:
 * - a kind, or a Value (with ndim/device/of...);
 * - 'same': the receiver's value (`df.dropna()`), dropped when the call passes `inplace=`;
 * - 'of': the kind the receiver was made from (`df.groupby(k).sum()` → DataFrame, see Value.of);
 * - a function, for the few APIs whose result depends on the arguments (`read_csv(chunksize=...)`).
 */
export type Returns = ValueKind | Value | 'same' | 'of' | ((call: CallView) => Value | null);

/** What a table function may look at: the call and its arguments, and the layer's answer for any expression. */
export interface CallView {
  node: Node;
  positional: readonly Node[];
  keywords: ReadonlyMap<string, Node>;
  /** The receiver's value for a method call. */
  receiver?: Value;
  valueOf(expr: Node): Value | null;
}

export interface LibraryTable {
  /** Calls by the callee's qualified name (`pandas.read_csv`, `torch.utils.data.DataLoader`). */
  calls?: Readonly<Record<string, Returns>>;
  /** Method calls by receiver kind, then method name. */
  methods?: Readonly<Partial<Record<ValueKind, Readonly<Record<string, Returns>>>>>;
  /** Attribute reads (not calls) by receiver kind, then attribute name. */
  attributes?: Readonly<Partial<Record<ValueKind, Readonly<Record<string, Returns>>>>>;
  /**
   * Base classes by qualified name: an instance of a class of the workspace deriving from one has this
   * value (`class Net(nn.Module)` → `Net()` is a module). A function may refine it from the class node.
   */
  bases?: Readonly<Record<string, Value | ((classNode: Node) => Value)>>;
}

/** Builds a record giving every name in `names` the same answer. */
export function all(names: readonly string[], returns: Returns, prefix = ''): Record<string, Returns> {
  const out: Record<string, Returns> = {};
  for (const n of names) out[prefix + n] = returns;
  return out;
}
