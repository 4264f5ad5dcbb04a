// The scopes of a file (module, defs, classes, lambdas) and the binding constructs directly in each
// (assignments, for/with targets, imports, nested defs and classes...), found by one query pass.
//
// Why: indexing a scope by a JS walk (findDescendants) costs ~1 µs per node of the scope, and
// walking up from a node (`node.parent`) costs tree-sitter a descent from the root each time, so
// the enclosing-def questions of a deeply nested node are quadratic in its depth. The query pass
// runs at C speed and yields only the few nodes that matter; nesting then comes from their ranges.
//
// Cost: nothing until asked; then one query pass and ~1.3 µs per scope or binder; memoised per FileFacts.
import { Query, type Node } from '../syntax/parser';
import { lintMemo } from './nodeMemo';

const QUERY_SOURCE = `
[(function_definition) (class_definition) (lambda)] @scope
[(assignment) (augmented_assignment) (named_expression) (with_item) (for_statement) (except_clause)
 (global_statement) (nonlocal_statement) (import_statement) (import_from_statement)] @binder
`;

interface Frame {
  node: Node;
  type: string;
  start: number;
  end: number;
  /** The part of the scope whose bindings are its own: a def's or class's body; empty for a lambda. */
  bodyStart: number;
  bodyEnd: number;
  parent: Frame | null;
  binders: Node[];
}

export class ScopeMap {
  private readonly frames: Frame[] = [];
  private readonly byId = new Map<number, Frame>();
  private readonly module: Frame;

  constructor(root: Node, query: Query) {
    this.module = {
      node: root,
      type: root.type,
      start: root.startIndex,
      end: root.endIndex,
      bodyStart: root.startIndex,
      bodyEnd: root.endIndex,
      parent: null,
      binders: [],
    };
    this.byId.set(root.id, this.module);
    const entries: { node: Node; start: number; end: number; scope: boolean }[] = [];
    for (const m of query.matches(root)) {
      const c = m.captures[0];
      entries.push({ node: c.node, start: c.node.startIndex, end: c.node.endIndex, scope: c.name === 'scope' });
    }
    // Outer before inner: by start, then the longer first.
    entries.sort((a, b) => a.start - b.start || b.end - a.end);
    const stack: Frame[] = [this.module];
    for (const e of entries) {
      while (stack.length > 1 && stack[stack.length - 1].end <= e.start) stack.pop();
      const owner = stack[stack.length - 1];
      const type = e.scope ? e.node.type : '';
      // A def or class binds its name where it stands; a lambda binds nothing there.
      if (type !== 'lambda' && e.start >= owner.bodyStart && e.end <= owner.bodyEnd) owner.binders.push(e.node);
      if (!e.scope) continue;
      const body = type === 'lambda' ? null : e.node.childForFieldName('body');
      const frame: Frame = {
        node: e.node,
        type,
        start: e.start,
        end: e.end,
        bodyStart: body ? body.startIndex : -1,
        bodyEnd: body ? body.endIndex : -1,
        parent: owner,
        binders: [],
      };
      this.frames.push(frame);
      this.byId.set(e.node.id, frame);
      stack.push(frame);
    }
  }

  /**
   * The binding constructs directly in a scope (a def, class or the module root), in document order:
   * what `findDescendants(body, binder, stop at nested def/class/lambda)` finds, nested defs and
   * classes themselves included. Empty for a node that is not a scope.
   */
  binders(scope: Node): readonly Node[] {
    return this.byId.get(scope.id)?.binders ?? [];
  }

  /** The innermost def (not lambda) around node: scopes.enclosingDef without walking parents. */
  enclosingDef(node: Node): Node | null {
    for (let f = this.around(node); f; f = f.parent) if (f.type === 'function_definition') return f.node;
    return null;
  }

  /** The class directly around node (no def or lambda in between): scopes.enclosingClass. */
  enclosingClass(node: Node): Node | null {
    for (let f = this.around(node); f; f = f.parent) {
      if (f.type === 'class_definition') return f.node;
      if (f.type === 'function_definition' || f.type === 'lambda') return null;
    }
    return null;
  }

  /** The innermost def or lambda around node: scopes.enclosingFunction without walking parents. */
  enclosingFunction(node: Node): Node | null {
    for (let f = this.around(node); f; f = f.parent) if (f.type === 'function_definition' || f.type === 'lambda') return f.node;
    return null;
  }

  /**
   * The innermost def, class or lambda holding node (not node itself), or null at module level. A
   * node inside another's range is its descendant (ranges nest), except for an empty node at a
   * boundary: those ask their parents.
   */
  private around(node: Node): Frame | null {
    const start = node.startIndex;
    const end = node.endIndex;
    if (start === end) return this.aroundByParents(node);
    // The last scope starting at or before node; the one holding it is that scope or one of its ancestors.
    let low = 0;
    let high = this.frames.length - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.frames[mid].start <= start) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    for (let f: Frame | null = found >= 0 ? this.frames[found] : null; f && f !== this.module; f = f.parent) {
      if (f.node.id !== node.id && f.start <= start && end <= f.end) return f;
    }
    return null;
  }

  private aroundByParents(node: Node): Frame | null {
    for (let n = node.parent; n; n = n.parent) {
      const f = this.byId.get(n.id);
      if (f) return f === this.module ? null : f;
    }
    return null;
  }
}

const queries = new WeakMap<object, Query>();
/** The file's scope map, built on the first question. */
export const scopeMap = lintMemo((facts) => {
  const language = facts.tree.language;
  let query = queries.get(language);
  if (!query) {
    query = new Query(language, QUERY_SOURCE);
    queries.set(language, query);
  }
  return new ScopeMap(facts.root, query);
});
