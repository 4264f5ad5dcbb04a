import type { Node } from '../syntax';
import type { FileFacts } from './facts';

/*
 * Memos for one lint. Each is keyed by the lint's FileFacts in a WeakMap, so nothing outlives its tree (an edit makes
 * new facts) and no cache needs clearing. Rules and analyses keep them so that the many matches of a file asking the
 * same question (is torch's DDP called, which names does numba compile, the inference for a loop) compute it once.
 */

/** A value computed once per lint: `const deviceAware = lintMemo((facts) => DEVICE_AWARE.test(facts.text))`. */
export function lintMemo<T>(compute: (facts: FileFacts) => T): (facts: FileFacts) => T {
  const byFacts = new WeakMap<FileFacts, { value: T }>();
  return (facts) => {
    const known = byFacts.get(facts);
    if (known) return known.value;
    const value = compute(facts);
    byFacts.set(facts, { value });
    return value;
  };
}

/** A value computed once per lint and key (a name, a qualified name): `moduleCachedDef(facts, 'load')`. */
export function keyedLintMemo<K, T>(compute: (facts: FileFacts, key: K) => T): (facts: FileFacts, key: K) => T {
  const byFacts = new WeakMap<FileFacts, Map<K, T>>();
  return (facts, key) => {
    let memo = byFacts.get(facts);
    if (!memo) byFacts.set(facts, (memo = new Map()));
    if (memo.has(key)) return memo.get(key)!;
    const value = compute(facts, key);
    memo.set(key, value);
    return value;
  };
}

/** A value computed once per lint and node (a loop, a def, a scope): the node-keyed caches of analyses and rules. */
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
