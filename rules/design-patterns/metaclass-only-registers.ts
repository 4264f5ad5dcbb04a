import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { classIndex, findDescendants, isNestedScope } from '../../server/analysis';

/** Metaclass hooks that do more than registration: their presence means the metaclass is doing real work. */
const HOOKS = new Set(['__new__', '__init__']);

export default defineRule({
  id: 'metaclass-only-registers',
  title: 'A metaclass used only to register classes',
  category: 'design-patterns',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'medium',
  guide: 'metaclasses-and-registries',
  message: 'This metaclass only registers classes; `__init_subclass__` or a class decorator does that more simply',
  docs: {
    why:
      'A metaclass changes how every subclass is built and conflicts with other metaclasses (`TypeError: metaclass ' +
      'conflict` when combined with `ABCMeta`, Django models, pydantic, `torch.nn.Module` subclasses that use ' +
      'their own). When all it does is add each new class to a registry, a lighter tool does the same with none ' +
      'of that: reported when the metaclass defines only `__new__` / `__init__` that call `super()`, store the ' +
      'class in a dict or list, and return it.',
    instead:
      'Register in `__init_subclass__` on a base class (`def __init_subclass__(cls, **kw): super().__init_subclass__(**kw); ' +
      'REGISTRY[cls.__name__] = cls`), or with an explicit class decorator (`@register("cnn")`).',
    example: {
      before:
        'class RegistryMeta(type):\n    registry = {}\n    def __new__(mcs, name, bases, ns):\n        cls = super().__new__(mcs, name, bases, ns)\n        mcs.registry[name] = cls\n        return cls',
      after:
        'class Registered:\n    registry = {}\n    def __init_subclass__(cls, **kwargs):\n        super().__init_subclass__(**kwargs)\n        Registered.registry[cls.__name__] = cls',
    },
  },
  query: `
(class_definition
  name: (identifier) @name
  superclasses: (argument_list (identifier) @base)
  (#eq? @base "type")) @class`,
  check(m, ctx) {
    const cls = m.need('class');
    const info = classIndex(ctx.facts).info(cls);
    if (!info || info.bases.length !== 1 || info.bases[0].text !== 'type' || ctx.facts.moduleBindings.has('type')) return;
    if (info.methods.size === 0) return;
    for (const name of info.methods.keys()) if (!HOOKS.has(name)) return;
    // Every hook must be "super() + register + return"; any other statement is real metaclass work.
    for (const method of info.methods.values()) {
      if (!onlyRegisters(method)) return;
    }
    const registers = [...info.methods.values()].some((mth) => storesClass(mth));
    if (!registers) return;
    ctx.report({
      node: m.need('name'),
      message: `Metaclass \`${info.name}\` only registers classes; use \`__init_subclass__\` on a base class or a class decorator instead`,
    });
  },
});

function statements(method: Node): Node[] {
  const body = method.childForFieldName('body');
  const stmts = body?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  // A docstring is fine.
  return stmts.filter((s, i) => !(i === 0 && s.type === 'expression_statement' && s.namedChild(0)?.type === 'string'));
}

/** super() call (possibly assigned), stores of the new class into a container, and a `return`. Nothing else. */
function onlyRegisters(method: Node): boolean {
  // Names that hold the class being created: `cls = super().__new__(...)`, or __init__'s first parameter.
  const classNames = new Set<string>();
  const params = method.childForFieldName('parameters')?.namedChildren.filter((c) => c?.type === 'identifier') ?? [];
  if (method.childForFieldName('name')?.text === '__init__' && params[0]) classNames.add(params[0].text);
  for (const s of statements(method)) {
    if (s.type === 'return_statement') continue;
    if (s.type !== 'expression_statement') return false;
    const e = s.namedChild(0);
    if (!e) return false;
    if (e.type === 'call' && isSuperCall(e)) continue;
    if (e.type === 'call' && isRegistryCall(e)) {
      const args = e.childForFieldName('arguments')?.namedChildren.filter((a) => a && a.type !== 'comment') ?? [];
      if (args.some((a) => a?.type === 'identifier' && classNames.has(a.text))) continue;
      return false;
    }
    if (e.type === 'assignment') {
      const left = e.childForFieldName('left');
      const right = e.childForFieldName('right');
      if (left?.type === 'identifier' && right?.type === 'call' && isSuperCall(right)) {
        classNames.add(left.text); // cls = super().__new__(...)
        continue;
      }
      if (left?.type === 'subscript' && right?.type === 'identifier' && classNames.has(right.text)) continue; // registry[name] = cls
    }
    return false;
  }
  return true;
}

function isSuperCall(call: Node): boolean {
  const fn = call.childForFieldName('function');
  return fn?.type === 'attribute' && /^super\(|^type\.|^\w+\.__(new|init)__$/.test(fn.text) && /__(new|init)__$/.test(fn.text);
}

function isRegistryCall(call: Node): boolean {
  const fn = call.childForFieldName('function');
  return fn?.type === 'attribute' && /^(append|add|setdefault|update)$/.test(fn.childForFieldName('attribute')?.text ?? '');
}

/** The hook stores something into a container: `x[...] = ...` or `x.append(...)`. */
function storesClass(method: Node): boolean {
  const body = method.childForFieldName('body');
  if (!body) return false;
  return (
    findDescendants(
      body,
      (n) => (n.type === 'assignment' && n.childForFieldName('left')?.type === 'subscript') || (n.type === 'call' && isRegistryCall(n)),
      isNestedScope,
    ).length > 0
  );
}
