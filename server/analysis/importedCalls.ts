// Calls of a library function reached through its module (`torch.nn.DataParallel(m)`) or through a
// name imported from it (`from torch.nn import DataParallel as DP; DP(m)`). The query narrows the
// attribute form by name; the bare form matches every call of a plain name, and importedCallee
// keeps only names an import binds, resolved to their qualified name.
import type { Node } from '../syntax/parser';
import type { FileFacts } from './facts';

/** Query patterns capturing `@call` and its callee name `@fn`; `attributeNames` are the last dotted part. */
export function importedCallQuery(attributeNames: readonly string[]): string {
  return `
(call
  function: (attribute attribute: (identifier) @fn)
  arguments: (argument_list)
  (#any-of? @fn ${attributeNames.map((n) => `"${n}"`).join(' ')})) @call
(call
  function: (identifier) @fn
  arguments: (argument_list)) @call`;
}

/**
 * The qualified name of a call matched by importedCallQuery (its `@call` and `@fn` captures) when it is
 * one of `wanted`, else null.
 */
export function importedCallee(call: Node, fn: Node, facts: FileFacts, wanted: ReadonlySet<string>): string | null {
  // A bare name must come from an import; a local function of the same name is not the library's.
  if (fn.parent?.type !== 'attribute' && !facts.binding(fn.text)) return null;
  const name = facts.calleeName(call);
  return name && wanted.has(name) ? name : null;
}
