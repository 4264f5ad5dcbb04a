import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { classIndex, type ClassInfo, findDescendants, keywordArgument } from '../../server/analysis';
import { ensureImport, replaceNode } from '../../server/fixes';

const EMPTY_FACTORIES: Record<string, string> = { list: 'list', dictionary: 'dict', set: 'set' };
const BUILTIN_CONTAINERS = new Set(['list', 'dict', 'set', 'bytearray']);
const LIBRARY_MUTABLES =
  /^(collections\.(defaultdict|OrderedDict|Counter|deque)|numpy\.(array|asarray|zeros|ones|empty|full|arange|linspace|eye|identity|zeros_like|ones_like|empty_like|full_like)|pandas\.(DataFrame|Series))$/;

/** What kind of mutable value node is: 'crash' (ValueError at class creation on every version), 'shared', or null. */
function mutability(node: Node, ctx: RuleContext): 'crash' | 'shared' | null {
  if (node.type === 'list' || node.type === 'dictionary' || node.type === 'set') return 'crash';
  if (node.type === 'list_comprehension' || node.type === 'dictionary_comprehension' || node.type === 'set_comprehension') return 'crash';
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    if (fn?.type === 'identifier' && BUILTIN_CONTAINERS.has(fn.text) && ctx.facts.isBuiltin(fn.text, node)) return fn.text === 'bytearray' ? 'shared' : 'crash';
    const name = ctx.facts.qualifiedName(fn);
    if (name && LIBRARY_MUTABLES.test(name)) return 'shared';
  }
  return null;
}

/** The default_factory text for a mutable default. */
function factoryFor(node: Node): string {
  const empty = node.namedChildren.every((c) => c?.type === 'comment');
  if (EMPTY_FACTORIES[node.type] && empty) return EMPTY_FACTORIES[node.type];
  if (node.type === 'call' && node.childForFieldName('arguments')?.namedChildCount === 0) return node.childForFieldName('function')!.text;
  return `lambda: ${node.text}`;
}

/** Class-level names a default refers to: a lambda in the class body cannot see them. */
function usesClassNames(node: Node, info: ClassInfo): boolean {
  return (
    findDescendants(node, (n) => n.type === 'identifier' && info.classNames.has(n.text)).length > 0 ||
    (node.type === 'identifier' && info.classNames.has(node.text))
  );
}

const PER_INSTANCE_NOW = 'on Python before 3.11 the default was one object shared by all instances; each instance now gets its own';

export default defineRule({
  id: 'dataclass-mutable-default',
  title: 'A dataclass field defaults to a mutable value',
  category: 'classes',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'dataclasses-and-records',
  // Ruff's RUF008 flags the same mutable dataclass default.
  peers: { ruff: ['RUF008'] },
  message: 'A dataclass field has a mutable default; use `field(default_factory=...)`',
  docs: {
    why:
      'A default value is evaluated once, when the class is created, and would be shared by every instance. ' +
      '`@dataclass` therefore rejects list, dict and set defaults (and, since Python 3.11, any unhashable default ' +
      'such as a NumPy array) with `ValueError: mutable default ... is not allowed`; on older versions other ' +
      "mutable defaults are silently shared, so changing one instance's field changes them all.",
    instead: 'Give the field a factory that builds a fresh value per instance: `field(default_factory=list)`, or `field(default_factory=lambda: np.zeros(3))`.',
    example: {
      before: '@dataclass\nclass Config:\n    layers: list = []',
      after: 'from dataclasses import dataclass, field\n\n@dataclass\nclass Config:\n    layers: list = field(default_factory=list)',
    },
  },
  fix: {
    safety: 'safe',
    title: 'Use field(default_factory=...)',
    forms: [{ safety: 'unsafe', when: 'when the default is a mutable object that Python before 3.11 accepted and shared', reason: PER_INSTANCE_NOW }],
  },
  requires: ['dataclasses'],
  query: `
(class_definition
  body: (block
    (expression_statement
      (assignment left: (identifier) @field type: (type) @type right: (_) @value)))) @class`,
  check(m, ctx) {
    const info = classIndex(ctx.facts).info(m.need('class'));
    if (!info?.isDataclass) return;
    if (/\b(ClassVar|InitVar)\b/.test(m.need('type').text)) return;
    let value = m.need('value');
    const fieldName = m.need('field').text;
    // `x: list = field(default=[])`
    let viaField: Node | null = null;
    if (value.type === 'call' && ctx.facts.calleeName(value) === 'dataclasses.field') {
      const kw = keywordArgument(value, 'default');
      if (!kw) return;
      viaField = kw;
      value = kw.childForFieldName('value')!;
    }
    const kind = mutability(value, ctx);
    if (!kind) return;
    const message =
      kind === 'crash'
        ? `field \`${fieldName}\` defaults to a mutable \`${value.type === 'call' ? value.childForFieldName('function')!.text + '()' : value.type}\`: @dataclass raises ValueError; use \`field(default_factory=...)\``
        : `field \`${fieldName}\` defaults to one shared mutable object (ValueError on Python 3.11+); use \`field(default_factory=...)\``;
    if (usesClassNames(value, info)) {
      ctx.report({ node: value, message });
      return;
    }
    const factory = factoryFor(value);
    const unsafe = kind === 'shared';
    const reason = unsafe ? PER_INSTANCE_NOW : undefined;
    if (viaField) {
      ctx.report({ node: value, message, edits: [replaceNode(viaField, `default_factory=${factory}`)], safety: unsafe ? 'unsafe' : 'safe', reason });
      return;
    }
    const field = ensureImport(ctx.facts, 'dataclasses', 'field');
    ctx.report({
      node: value,
      message,
      edits: [...field.edits, replaceNode(value, `${field.ref}(default_factory=${factory})`)],
      safety: unsafe ? 'unsafe' : 'safe',
      reason,
    });
  },
});
