// The base pass without a walk. The base query's cost is tree-sitter's cursor visiting every node (bench/README.md: a
// pattern that matches only the root costs about 90 % of the whole base query on the stdlib), whatever its patterns.
// When every rule left in the base pass starts at a node with a keyword child (RuleDefinition.keywords), and the tree
// has no errors, a whole-file lint finds the same captures where the text spells them: each keyword, `import`, `def`
// and `#` is looked up with one descent from the root (descendantForIndex), and the rules' query runs on the nodes found
// (maxStartDepth 0). On every 4th stdlib file that took 74-77 ms against 387-431 ms for the walk (CPU time).
// The CLI's default output runs such a rule set (the proven rules only: engine.ts withoutUnseenRules).
import { matchesRootedAt } from './callAnchors';
import type { FactCaptures } from '../analysis/facts';
import type { Node, QueryMatch, Tree } from '../syntax/parser';
import { objectArray } from '../syntax/objectArrays';
import type { QueryGroup } from './queryGroups';

/** How a compiled set's base rules are found by spelling: their keywords, the node types they start at, their query. */
export interface SpelledRules {
  /** One expression of every keyword, global (lastIndex is reset before each use). */
  keywords: RegExp | null;
  /** The node types the rules' patterns start at (the keyword token's parent must be one). */
  rootTypes: ReadonlySet<string>;
  /** The base rules' patterns without the facts, compiled on first use (null when there is no rule). */
  group(): QueryGroup | null;
}

/** An expression that finds each of these words as a whole word (null for none). */
export function keywordExpression(words: readonly string[]): RegExp | null {
  if (words.length === 0) return null;
  return new RegExp(`\\b(?:${[...new Set(words)].sort().join('|')})\\b`, 'g');
}

/**
 * The fact captures a base query would find in an error-free tree (imports, comments, function definitions), in
 * document order, from their spellings. Every import statement spells `import` as a child token (a `from __future__`
 * import is another node type, left out as the query leaves it), every def spells `def`, every comment starts with `#`;
 * a spelling inside a string, a comment or a docstring finds a token of another type and is passed over.
 */
export function spelledFacts(tree: Tree, text: string): FactCaptures {
  const root = tree.rootNode;
  return {
    imports: tokenParents(root, text, IMPORT, IMPORT_TYPES),
    comments: commentsOf(root, text),
    functions: tokenParents(root, text, DEF, DEF_TYPES),
  };
}

const IMPORT = /\bimport\b/g;
const IMPORT_TYPES: ReadonlySet<string> = new Set(['import_statement', 'import_from_statement']);
const DEF = /\bdef\b/g;
const DEF_TYPES: ReadonlySet<string> = new Set(['function_definition']);

/**
 * The parents of the tokens the expression's spellings are, when of one of these types; each once, in document
 * order.
 */
function tokenParents(root: Node, text: string, spelling: RegExp, types: ReadonlySet<string>): Node[] {
  const found = objectArray<Node>();
  spelling.lastIndex = 0;
  let lastStart = -1;
  for (let m = spelling.exec(text); m; m = spelling.exec(text)) {
    const word = m[0];
    const token = root.descendantForIndex(m.index, m.index + word.length);
    if (!token) continue;
    // A keyword token's type is its text; a spelling inside a string, a comment or an identifier finds a node of another type.
    if (token.type !== word) continue;
    let parent = token.parent;
    // A keyword of a two-word operator (`is not`, `not in`) is a child of that operator's anonymous node.
    if (parent && !parent.isNamed) parent = parent.parent;
    if (!parent || !types.has(parent.type)) continue;
    // A node with two such tokens (`a is b is c`) is found once: its tokens come in order, so it is the last one found.
    if (parent.startIndex === lastStart && found.length > 0 && found[found.length - 1].equals(parent)) continue;
    lastStart = parent.startIndex;
    found.push(parent);
  }
  return found;
}

/**
 * The comments of the text, in order: each `#` is looked up in the tree, and the search goes on after the end of the
 * comment or string content it belongs to (neither holds a comment).
 */
function commentsOf(root: Node, text: string): Node[] {
  const comments = objectArray<Node>();
  for (let at = text.indexOf('#'); at >= 0;) {
    const node = root.descendantForIndex(at, at + 1);
    let next = at + 1;
    if (node?.type === 'comment') {
      if (node.startIndex === at) comments.push(node);
      next = Math.max(next, node.endIndex);
    } else if (node?.type === 'string_content') {
      next = Math.max(next, node.endIndex);
    }
    at = text.indexOf('#', next);
  }
  return comments;
}

/**
 * The base rules' matches: their query run on each node that one of their keywords is a child token of, the nodes in
 * document order (start, then the enclosing node first) as for the rooted groups (engine.ts runOnRoots). A walk returns a
 * match when it completes, so `a is (b is c) is d` gives its matches in another order there; nothing reads the order
 * (the lint sorts its findings).
 */
export function spelledRuleMatches(rules: SpelledRules, tree: Tree, text: string): { group: QueryGroup; matches: QueryMatch[] } | null {
  const group = rules.group();
  if (!group || !rules.keywords) return null;
  const roots = tokenParents(tree.rootNode, text, rules.keywords, rules.rootTypes);
  // Text order is the order of the keywords: `(a is b) is c` finds the inner comparison first, a walk the outer one.
  roots.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  const matches: QueryMatch[] = [];
  let previous: Node | null = null;
  for (const node of roots) {
    if (previous?.equals(node)) continue;
    previous = node;
    for (const m of matchesRootedAt(group.query, node)) matches.push(m);
  }
  return { group, matches };
}
