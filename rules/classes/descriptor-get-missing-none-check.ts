import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { enclosingClass, findDescendants, isNestedScope, parameterNames } from '../../server/analysis';
import { blockIndentUnit, eolOf, indentAt, insertAt } from '../../server/fixes';

/** The body tests `instance` against None or for truth somewhere. */
function checksInstance(body: Node, instance: string): boolean {
  return (
    findDescendants(
      body,
      (n) => {
        if (n.type === 'comparison_operator') return n.namedChildren.some((c) => c?.text === instance) && n.namedChildren.some((c) => c?.type === 'none');
        if (n.type === 'not_operator') return n.childForFieldName('argument')?.text === instance;
        if (n.type === 'if_statement' || n.type === 'elif_clause' || n.type === 'conditional_expression' || n.type === 'while_statement') {
          const cond = n.type === 'conditional_expression' ? n.namedChild(1) : n.childForFieldName('condition');
          return cond?.text === instance;
        }
        if (n.type === 'boolean_operator') return n.namedChildren.some((c) => c?.text === instance);
        if (n.type === 'call') {
          // isinstance(instance, ...) / hasattr-style guards
          const fn = n.childForFieldName('function')?.text;
          return (fn === 'isinstance' || fn === 'hasattr') && n.childForFieldName('arguments')?.namedChild(0)?.text === instance;
        }
        return false;
      },
      isNestedScope,
    ).length > 0
  );
}

/** The body dereferences instance unconditionally somewhere: `instance.x`, `instance[k]`, `vars(instance)`, `getattr(instance, n)`. */
function dereferences(body: Node, instance: string): Node | null {
  const hits = findDescendants(
    body,
    (n) => {
      if (n.type !== 'identifier' || n.text !== instance) return false;
      const p = n.parent;
      if (p?.type === 'attribute' && p.childForFieldName('object')?.equals(n)) return true;
      if (p?.type === 'subscript' && p.childForFieldName('value')?.equals(n)) return true;
      if (p?.type === 'argument_list' && p.namedChild(0)?.equals(n)) {
        const fn = p.parent?.childForFieldName('function')?.text;
        return fn === 'vars' || (fn === 'getattr' && p.namedChildCount === 2);
      }
      return false;
    },
    isNestedScope,
  );
  return hits[0] ?? null;
}

export default defineRule({
  id: 'descriptor-get-missing-none-check',
  title: 'Descriptor __get__ does not handle class-level access',
  category: 'classes',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'descriptors',
  message: '`__get__` uses the instance without checking for `None`: accessing the attribute on the class raises',
  docs: {
    why:
      'When a descriptor is read from the class itself (`Owner.attr`, as `help()`, `inspect`, documentation tools and ' +
      'mocking libraries do), `__get__` is called with `instance=None`. A `__get__` that reads `instance.__dict__` ' +
      'or an attribute of the instance then fails with an AttributeError about `NoneType`.',
    instead: 'Start `__get__` with `if instance is None: return self`, so class-level access returns the descriptor object.',
    example: {
      before: 'class Celsius:\n    def __get__(self, instance, owner):\n        return instance.__dict__[self.name]',
      after:
        'class Celsius:\n    def __get__(self, instance, owner):\n        if instance is None:\n            return self\n        return instance.__dict__[self.name]',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Return the descriptor for class-level access',
    reason:
      'class-level access now returns the descriptor instead of raising AttributeError, so `hasattr(Owner, name)` and code catching that error see a different result',
  },
  requiresText: /__get__/,
  query: `
(function_definition
  name: (identifier) @name
  body: (block) @body
  (#eq? @name "__get__")) @fn`,
  check(m, ctx) {
    const fn = m.need('fn');
    const cls = enclosingClass(fn);
    if (!cls) return;
    const params = parameterNames(fn);
    if (params.length < 2) return;
    const self = params[0];
    const instance = params[1];
    const body = m.need('body');
    if (checksInstance(body, instance)) return;
    const deref = dereferences(body, instance);
    if (!deref) return;
    const stmts = body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    const docstring = stmts[0]?.type === 'expression_statement' && stmts[0].namedChild(0)?.type === 'string';
    const first = docstring ? stmts[1] : stmts[0];
    const message = `\`__get__\` reads \`${deref.parent!.text.slice(0, 40)}\` without checking \`${instance} is None\`: class-level access raises AttributeError`;
    if (!first || first.startPosition.row === fn.startPosition.row) {
      ctx.report({ node: m.need('name'), message });
      return;
    }
    const indent = indentAt(ctx.text, first.startIndex);
    const eol = eolOf(ctx.text);
    const step = blockIndentUnit(ctx.text, fn);
    ctx.report({
      node: m.need('name'),
      message,
      edits: [insertAt(first.startIndex, `if ${instance} is None:${eol}${indent}${step}return ${self}${eol}${indent}`)],
    });
  },
});
