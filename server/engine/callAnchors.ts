// Call-anchored rules. Many rules look for calls of a few names (`open`, `get_event_loop`,
// `mkdtemp`...). Written as a tree-sitter pattern with a text predicate, each such rule gets a raw
// match for EVERY call of the file, copied out of WASM before the predicate runs in JS (about
// 1.3 µs each, bench/README.md); fifteen such rules cost as much as parsing the file.
//
// Instead, one pattern shared by all of them captures each call and its callee name once; a Map
// picks the rules that care about that name, and only their queries run, on that call alone
// (maxStartDepth 0, so a query never finds the same match from two calls).
import type { Node, Query, QueryMatch } from '../syntax/parser';
import { isAsciiWordChar } from '../syntax/spelling';
import { ownedString } from '../syntax/text';
import type { RuleDefinition } from './rule';

/** The shared pattern: a call and the last identifier of its callee (`f` in `f()` and `a.b.f()`). */
export const CALL_PATTERN = '(call function: [(identifier) @callee (attribute attribute: (identifier) @callee)]) @call';

/** Which anchored rules want a call of a given callee name. */
export class CallAnchorIndex {
  private readonly byName = new Map<string, RuleDefinition[]>();
  private readonly byPattern: RuleDefinition[] = [];

  /** Rules that also take the callee names a file decides (calls.namesIn): the engine asks them once per file. */
  readonly perFile: readonly RuleDefinition[];

  constructor(readonly rules: readonly RuleDefinition[]) {
    this.perFile = rules.filter((r) => r.calls!.namesIn);
    for (const rule of rules) {
      const anchor = rule.calls!;
      for (const name of anchor.names ?? []) {
        const list = this.byName.get(name);
        if (list) list.push(rule);
        else this.byName.set(name, [rule]);
      }
      if (anchor.pattern) this.byPattern.push(rule);
    }
  }

  /**
   * The rules whose anchor accepts this callee name (each at most once). Asked for every call of every file,
   * so each name's answer is remembered (the rules' patterns tested once per name, not once per call).
   */
  rulesFor(name: string): readonly RuleDefinition[] {
    if (this.byPattern.length === 0) return this.byName.get(name) ?? NONE;
    let rules = this.byCallee.get(name);
    if (!rules) {
      if (this.byCallee.size >= MAX_REMEMBERED) this.byCallee.clear();
      const named = this.byName.get(name);
      const matching = this.byPattern.filter((r) => r.calls!.pattern!.test(name) && !named?.includes(r));
      rules = matching.length === 0 ? (named ?? NONE) : named ? [...named, ...matching] : matching;
      // Kept for the process's life: an owned key, not a view into the text of the file that spelled it (ownedString).
      this.byCallee.set(ownedString(name), rules);
    }
    return rules;
  }

  private readonly byCallee = new Map<string, readonly RuleDefinition[]>();
}

/** Most callee names whose rules rulesFor keeps (a process lints many projects' names: bounded memory). */
const MAX_REMEMBERED = 50_000;

const NONE: readonly RuleDefinition[] = [];

/** The levels above a call where a rule's patterns start (calls.depth). */
export function anchorDepths(rule: RuleDefinition): readonly number[] {
  const depth = rule.calls?.depth ?? 0;
  return typeof depth === 'number' ? [depth] : depth;
}

/** The node `depth` levels above the call, where the rule's patterns start (null if there is none). */
export function anchorRoot(call: Node, depth: number): Node | null {
  let node: Node | null = call;
  for (let i = 0; i < depth && node; i++) node = node.parent;
  return node;
}

/** The matches of query that start exactly at node (none from its descendants). */
export function matchesRootedAt(query: Query, node: Node): QueryMatch[] {
  return query.matches(node, { maxStartDepth: 0 });
}

/**
 * The callee name CALL_PATTERN captured (an identifier), read from the file's text: the run of ASCII word characters
 * from its start. `node.text` costs a call into WASM for the node's end on each of a file's calls (a tenth of the
 * call-anchored rules' time on the stdlib). A non-ASCII character after the run may belong to the name, so the node
 * answers then; so it does when the tree may hold MISSING nodes (`mayHaveMissing`: it has errors), since a
 * zero-width identifier's text is empty whatever follows it.
 */
export function calleeName(text: string, callee: Node, mayHaveMissing: boolean): string {
  if (mayHaveMissing) return callee.text;
  const start = callee.startIndex;
  let end = start;
  while (isAsciiWordChar(text.charCodeAt(end))) end++;
  return end > start && !(text.charCodeAt(end) >= 128) ? text.slice(start, end) : callee.text;
}

/** Why an anchor declaration cannot work, or null when it is well-formed. */
export function anchorProblem(rule: RuleDefinition): string | null {
  const anchor = rule.calls;
  if (!anchor) return null;
  if (!anchor.names?.length && !anchor.pattern && !anchor.namesIn) return 'calls: needs names, a pattern or namesIn';
  if (anchor.pattern && (anchor.pattern.global || anchor.pattern.sticky)) return 'calls.pattern must not be global or sticky (RegExp.test would keep state)';
  const depths = anchorDepths(rule);
  if (depths.length === 0 || depths.some((d) => !Number.isInteger(d) || d < 0)) return 'calls.depth must be a whole number ≥ 0 (or a list of them)';
  if (new Set(depths).size !== depths.length) return 'calls.depth lists a level twice';
  return null;
}
