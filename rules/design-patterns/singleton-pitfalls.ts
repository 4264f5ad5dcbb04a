import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { classIndex, findDescendants, isNestedScope, ownReturnStatements, parameterNames } from '../../server/analysis';

export default defineRule({
  id: 'singleton-pitfalls',
  title: 'A __new__-based singleton that breaks with subclasses or re-runs __init__',
  category: 'design-patterns',
  severity: 'info',
  enabledByDefault: false,
  confidence: 'high',
  guide: 'design-patterns',
  message: "This `__new__` singleton re-runs `__init__` on every call or hands subclasses the parent's instance",
  docs: {
    why:
      'A singleton written as `if not hasattr(cls, "instance"): cls.instance = super().__new__(cls)` has two traps. ' +
      'Python still calls `__init__` after `__new__` on every `Singleton()` call, so state set there (a cache, a ' +
      'loaded model) is reset each time. And `hasattr(cls, ...)` / `cls.instance` look through inheritance, so once ' +
      "the parent exists, `Subclass()` returns the parent's object.",
    instead:
      'Prefer a module-level instance (`model = Model()`) or a cached factory (`@functools.cache def get_model()`). ' +
      'If a class must enforce it, check the class\'s own dict (`if "_instance" not in cls.__dict__`) and do the ' +
      'one-time setup in `__new__`, or use a metaclass whose `__call__` keeps one instance per class.',
    example: {
      before:
        'class Singleton:\n    def __new__(cls):\n        if not hasattr(cls, "instance"):\n            cls.instance = super().__new__(cls)\n        return cls.instance\n\n    def __init__(self):\n        self.cache = {}  # wiped on every Singleton() call',
      after: 'class Registry:\n    def __init__(self):\n        self.cache = {}\n\nregistry = Registry()  # the one instance',
    },
  },
  query: `
(class_definition
  body: (block
    [(function_definition name: (identifier) @new)
     (decorated_definition definition: (function_definition name: (identifier) @new))])
  (#eq? @new "__new__")) @class`,
  check(m, ctx) {
    const cls = m.need('class');
    const index = classIndex(ctx.facts);
    const info = index.info(cls);
    const newMethod = info?.methods.get('__new__');
    if (!info || !newMethod) return;
    const attr = singletonAttribute(newMethod);
    if (!attr) return;

    const init = info.methods.get('__init__');
    if (init && resetsState(init) && !guardsReinit(init)) {
      ctx.report({
        node: init.childForFieldName('name')!,
        message: `\`${info.name}()\` returns the same object each time, but Python runs \`__init__\` again on every call, resetting its state; do the one-time setup in \`__new__\` or use a module-level instance`,
      });
    }
    if (attr.inheritable) {
      const leaky = index.subclasses(info).filter((sub) => !sub.classNames.has(attr.name));
      if (leaky.length > 0) {
        ctx.report({
          node: attr.check,
          message: `\`${attr.check.text}\` also sees the attribute through inheritance: once \`${info.name}\` exists, \`${leaky[0].name}()\` returns the \`${info.name}\` instance; check \`"${attr.name}" in cls.__dict__\` instead`,
        });
      }
    }
  },
});

interface SingletonAttr {
  name: string;
  /** The test in `__new__` (`hasattr(cls, "instance")`, `cls._instance is None`). */
  check: Node;
  /** The test looks the attribute up through the class hierarchy (not `cls.__dict__`). */
  inheritable: boolean;
}

/** `cls.X = super().__new__(cls)` guarded by a test on X, and `return cls.X`: the singleton shape. */
function singletonAttribute(method: Node): SingletonAttr | null {
  const body = method.childForFieldName('body');
  const clsName = parameterNames(method)[0];
  if (!body || !clsName) return null;
  let name: string | null = null;
  for (const a of findDescendants(body, (n) => n.type === 'assignment', isNestedScope)) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'attribute' && left.childForFieldName('object')?.text === clsName && /__new__\s*\(/.test(right?.text ?? '')) {
      name = left.childForFieldName('attribute')!.text;
    }
  }
  if (!name) return null;
  const returns = ownReturnStatements(body);
  if (!returns.some((r) => r.namedChild(0)?.text === `${clsName}.${name}`)) return null;
  for (const ifs of findDescendants(body, (n) => n.type === 'if_statement', isNestedScope)) {
    const cond = ifs.childForFieldName('condition');
    if (!cond) continue;
    const text = cond.text;
    if (text.includes('__dict__')) return { name, check: cond, inheritable: false };
    const hasattrCall = new RegExp(`hasattr\\(\\s*${clsName}\\s*,\\s*['"]${name}['"]\\s*\\)`);
    const attrRead = new RegExp(`\\b${clsName}\\.${name}\\b`);
    const getattrCall = new RegExp(`getattr\\(\\s*${clsName}\\s*,\\s*['"]${name}['"]`);
    if (hasattrCall.test(text) || attrRead.test(text) || getattrCall.test(text)) return { name, check: cond, inheritable: true };
  }
  return null;
}

/** `__init__` assigns instance state (`self.x = ...`). */
function resetsState(init: Node): boolean {
  const body = init.childForFieldName('body');
  const self = parameterNames(init)[0];
  if (!body || !self) return false;
  return (
    findDescendants(
      body,
      (n) =>
        n.type === 'assignment' && n.childForFieldName('left')?.type === 'attribute' && n.childForFieldName('left')!.childForFieldName('object')?.text === self,
      isNestedScope,
    ).length > 0
  );
}

/** `__init__` starts with a guard such as `if self._initialized: return` / `if hasattr(self, ...)`. */
function guardsReinit(init: Node): boolean {
  const body = init.childForFieldName('body');
  const self = parameterNames(init)[0];
  const first = body?.namedChildren.find((c) => c && c.type !== 'comment' && !(c.type === 'expression_statement' && c.namedChild(0)?.type === 'string'));
  if (first?.type !== 'if_statement') return false;
  const cond = first.childForFieldName('condition')?.text ?? '';
  return cond.includes(`${self}.`) || cond.includes(`(${self}`);
}
