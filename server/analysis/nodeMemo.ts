import type { Node } from '../syntax';
import type { FileFacts } from './facts';

/**
 * A memo for one lint (one FileFacts, so nothing outlives its tree) of a value computed per node: the node-keyed caches
 * that analyses and rules keep so that several matches asking about the same loop or def compute it once.
 */
export function nodeMemo<T>(): (facts: FileFacts, node: Node, compute: () => T) => T {
  const byFacts = new WeakMap<FileFacts, Map<number, T>>();
  return (facts, node, compute) => {
    let memo = byFacts.get(facts);
    if (!memo) byFacts.set(facts, (memo = new Map()));
    if (memo.has(node.id)) return memo.get(node.id)!;
    const value = compute();
    memo.set(node.id, value);
    return value;
  };
}
