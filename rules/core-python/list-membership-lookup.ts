import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  bindingOf,
  enclosingDef,
  enclosingLoop,
  isDeclaredNonLocal,
  lintMemo,
  nestedScopeOf,
  occurrences,
  parameterNames,
  scopeOf,
} from '../../server/analysis';
import { replaceRange } from '../../server/fixes';

const MIN_ITEMS = 4;
const HASHABLE = new Set(['string', 'concatenated_string', 'integer', 'float', 'true', 'false', 'none']);

function isHashableLiteral(n: Node): boolean {
  if (HASHABLE.has(n.type)) return true;
  if (n.type === 'unary_operator') return ['integer', 'float'].includes(n.childForFieldName('argument')?.type ?? '');
  if (n.type === 'tuple') return n.namedChildren.every((c) => c !== null && (c.type === 'comment' || isHashableLiteral(c)));
  return false;
}

/** `x in NAME` / `x not in NAME` with NAME as the right operand. */
function isMembershipTest(id: Node): boolean {
  const p = id.parent;
  if (p?.type !== 'comparison_operator') return false;
  const kids: Node[] = [];
  for (let i = 0; i < p.childCount; i++) {
    const c = p.child(i);
    if (c && c.type !== 'comment') kids.push(c);
  }
  const at = kids.findIndex((k) => k.equals(id));
  const op = kids[at - 1];
  return at > 0 && (op?.type === 'in' || op?.type === 'not in');
}

/** The single binding `NAME = [...]` visible at id, or null. */
function listBinding(id: Node, ctx: RuleContext): { assign: Node; scope: Node } | null {
  const name = id.text;
  let scope = scopeOf(id);
  for (;;) {
    if (scope.type === 'lambda') {
      scope = scopeOf(scope);
      continue;
    }
    if (scope.type === 'function_definition') {
      if (parameterNames(scope).includes(name)) return null;
      if (isDeclaredNonLocal(scope, name)) return null;
      const local = occurrences(scope, name).filter((o) => !nestedScopeOf(o, scope) && bindingOf(o));
      if (local.length > 0) return single(local, scope);
      scope = scopeOf(scope);
      continue;
    }
    if (ctx.facts.binding(name)) return null;
    return moduleListBinding(ctx, name);
  }
}

/** Module-level `NAME = [...]` statements, by name (null when bound more than once at top level); once per file. */
/** The module's top-level assignments by name: the one assignment of a name bound once, null for a name bound again or unpacked. */
const moduleAssignments = lintMemo((facts) => {
  const map = new Map<string, Node | null>();
  for (const stmt of facts.root.namedChildren) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const names = left?.type === 'identifier' ? [left] : (left?.descendantsOfType('identifier') ?? []);
    for (const n of names) if (n) map.set(n.text, map.has(n.text) ? null : left?.type === 'identifier' ? a : null);
  }
  return map;
});
function moduleListBinding(ctx: RuleContext, name: string): { assign: Node; scope: Node } | null {
  const assign = moduleAssignments(ctx.facts).get(name);
  // Also bound elsewhere at module level (a def, a class, a loop)? Then it is not a plain constant.
  if (!assign || !ctx.facts.moduleBindings.has(name)) return null;
  return { assign, scope: ctx.facts.root };
}

function single(binds: Node[], scope: Node): { assign: Node; scope: Node } | null {
  if (binds.length !== 1) return null;
  const assign = bindingOf(binds[0])!;
  if (assign.type !== 'assignment' || !assign.childForFieldName('left')?.equals(binds[0])) return null;
  if (assign.parent?.type !== 'expression_statement') return null;
  return { assign, scope };
}

export default defineRule({
  id: 'list-membership-lookup',
  title: 'Repeated `in` tests against a list',
  category: 'core-python',
  severity: 'info',
  enabledByDefault: false,
  confidence: 'medium',
  guide: 'builtins-and-data-structures',
  message: 'A constant list is used for repeated `in` tests; a set answers each test in O(1) instead of scanning',
  docs: {
    why:
      '`x in some_list` compares `x` with the items one by one, so each test costs O(n). Done in a loop or in a ' +
      'function called often, the scans add up. A set hashes `x` once and answers in constant time.',
    instead: 'Define the collection as a set literal, `STOP = {"a", "an", "the", ...}` (or a `frozenset`), when it is only used for membership tests.',
    example: {
      before: 'STOP = ["a", "an", "the", "of", "to"]\nwords = [w for w in tokens if w not in STOP]',
      after: 'STOP = {"a", "an", "the", "of", "to"}\nwords = [w for w in tokens if w not in STOP]',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Make it a set',
    forms: [{ safety: 'unsafe', when: 'for a public module-level name', reason: 'other modules may import the name and use it as a list' }],
  },
  query: `(comparison_operator operators: ["in" "not in"] (identifier) @name) @cmp`,
  check(m, ctx) {
    const id = m.need('name');
    if (!isMembershipTest(id)) return;
    const found = listBinding(id, ctx);
    if (!found) return;
    const value = found.assign.childForFieldName('right');
    if (value?.type !== 'list') return;
    const items = value.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    if (items.length < MIN_ITEMS || !items.every(isHashableLiteral)) return;
    // Repeated: inside a loop or comprehension, or a module-level list read from a function.
    const moduleLevel = found.scope.type === 'module';
    const repeated = enclosingLoop(id, true) !== null || (moduleLevel && enclosingDef(id) !== null);
    if (!repeated) return;

    const name = id.text;
    const others = occurrences(found.scope, name).filter((o) => !o.equals(found.assign.childForFieldName('left')!));
    const onlyMembership = others.every(isMembershipTest);
    const publicName = moduleLevel && !name.startsWith('_');
    const message = `\`${name}\` is a list of ${items.length} constants used for \`in\` tests; a set makes each test O(1)`;
    if (!onlyMembership) {
      ctx.report({ node: found.assign.childForFieldName('left')!, message });
      return;
    }
    ctx.report({
      node: found.assign.childForFieldName('left')!,
      message,
      edits: [replaceRange(value.startIndex, value.startIndex + 1, '{'), replaceRange(value.endIndex - 1, value.endIndex, '}')],
      safety: publicName ? 'unsafe' : 'safe',
      reason: publicName ? `other modules may import \`${name}\` and use it as a list` : undefined,
    });
  },
});
