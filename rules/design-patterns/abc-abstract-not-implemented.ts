import { defineRule, type RuleContext } from '../../server/engine/rule';
import { detectEol, type Node } from '../../server/syntax';
import { classIndex, type ClassInfo, decoratorCallee, decoratorsOf, enclosingDef } from '../../server/analysis';
import { fileIndentUnit, insertAt, lineEndOf } from '../../server/fixes';
import type { TextEdit } from '../../common/types';

const ABSTRACT = /(^|\.)abstract(method|property|classmethod|staticmethod)$/;

export default defineRule({
  id: 'abc-abstract-not-implemented',
  title: 'A concrete subclass leaves abstract methods unimplemented and is instantiated',
  category: 'design-patterns',
  severity: 'warning',
  enabledByDefault: false,
  confidence: 'high',
  guide: 'typing-and-protocols',
  // Pylint's abstract-class-instantiated flags the same call for the same TypeError.
  peers: { pylint: ['abstract-class-instantiated', 'E0110'] },
  message: 'Instantiating a class with unimplemented abstract methods raises TypeError',
  docs: {
    why:
      'A class derived from an `ABC` (or with `metaclass=ABCMeta`) cannot be instantiated while any method marked ' +
      "`@abstractmethod` in its hierarchy is not overridden: the call raises `TypeError: Can't instantiate abstract " +
      'class ... with abstract method ...` at run time, often only on the code path that builds that strategy or ' +
      'model. Reported when the whole class hierarchy is defined in this file.',
    instead: 'Implement the missing methods in the subclass (the quick fix adds stubs raising NotImplementedError to fill in).',
    example: {
      before:
        'class Base(ABC):\n    @abstractmethod\n    def predict(self, x): ...\n\nclass Model(Base):\n    def train(self, data): ...\n\nModel()  # TypeError',
      after: 'class Model(Base):\n    def train(self, data): ...\n\n    def predict(self, x):\n        raise NotImplementedError\n\nModel()',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Add stubs for the missing abstract methods',
    reason: 'the class becomes instantiable and the stubs raise NotImplementedError when called, until they are implemented',
  },
  query: `(call function: (identifier) @name) @call`,
  check(m, ctx) {
    const index = classIndex(ctx.facts);
    const cls = index.byClassName(m.need('name').text);
    if (!cls) return;
    // The default body of an abstract method is only reachable through super(): not an instantiation to report.
    for (let fn = enclosingDef(m.need('call')); fn; fn = enclosingDef(fn)) {
      if (decoratorsOf(fn).some((d) => ABSTRACT.test(decoratorCallee(d).text))) return;
    }
    const missing = missingAbstract(ctx, cls);
    if (!missing || missing.length === 0) return;
    const names = missing.map((x) => `\`${x.name}\``).join(', ');
    const owners = [...new Set(missing.map((x) => x.owner.name))].map((o) => `\`${o}\``).join(', ');
    ctx.report({
      node: m.need('call'),
      message: `\`${cls.name}()\` raises TypeError: \`${cls.name}\` does not implement the abstract method${missing.length > 1 ? 's' : ''} ${names} of ${owners}`,
      edits: stubs(ctx, cls, missing) ?? undefined,
    });
  },
});

interface Missing {
  name: string;
  method: Node;
  owner: ClassInfo;
}

/** Abstract methods the class leaves unimplemented; null when the hierarchy cannot be followed exactly. */
function missingAbstract(ctx: RuleContext, cls: ClassInfo): Missing[] | null {
  const index = classIndex(ctx.facts);
  const lineage = index.knownLineage(cls);
  if (!lineage) return null;
  // Keep to single inheritance within the file: then the lineage is the MRO.
  if (lineage.some((c) => c.bases.filter((b) => index.resolve(b)).length > 1)) return null;
  if (lineage.some((c) => c.isProtocol)) return null;
  const isAbc = lineage.some(
    (c) => c.bases.some((b) => index.externalBaseName(b) === 'abc.ABC') || ctx.facts.qualifiedName(c.keywords.get('metaclass')) === 'abc.ABCMeta',
  );
  if (!isAbc) return null;
  const resolved = new Map<string, Missing | null>();
  for (const c of [...lineage].reverse()) {
    for (const [name, node] of c.classNames) {
      const abstract =
        node.type === 'function_definition' &&
        decoratorsOf(node).some((d) => ABSTRACT.test(ctx.facts.qualifiedName(decoratorCallee(d)) ?? decoratorCallee(d).text));
      resolved.set(name, abstract ? { name, method: node, owner: c } : null);
    }
  }
  return [...resolved.values()].filter((x): x is Missing => x !== null);
}

/** Stub methods appended to the class body, keeping decorators such as @property and the signature. */
function stubs(ctx: RuleContext, cls: ClassInfo, missing: Missing[]): TextEdit[] | null {
  const body = cls.node.childForFieldName('body');
  const stmts = body?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const last = stmts[stmts.length - 1];
  if (!body || !last || last.startPosition.row === cls.node.startPosition.row) return null; // `class M(Base): pass` on one line
  const indent = ctx.text.slice(ctx.text.lastIndexOf('\n', last.startIndex - 1) + 1, last.startIndex);
  if (indent.trim() !== '') return null;
  const unit = fileIndentUnit(ctx.facts);
  const eol = detectEol(ctx.text);
  let text = '';
  for (const x of missing) {
    const params = x.method.childForFieldName('parameters')?.text ?? '(self)';
    const returns = x.method.childForFieldName('return_type');
    const isAsync = x.method.child(0)?.type === 'async';
    const lines: string[] = [];
    for (const d of decoratorsOf(x.method)) {
      const callee = decoratorCallee(d);
      if (ABSTRACT.test(ctx.facts.qualifiedName(callee) ?? callee.text)) {
        // abstractproperty / abstractclassmethod / abstractstaticmethod also imply the plain decorator.
        const kind = /abstract(property|classmethod|staticmethod)$/.exec(callee.text)?.[1];
        if (kind) lines.push(`@${kind}`);
        continue;
      }
      lines.push(`@${d.text}`);
    }
    lines.push(`${isAsync ? 'async ' : ''}def ${x.name}${params}${returns ? ` -> ${returns.text}` : ''}:`);
    text += eol + eol + lines.map((l) => indent + l).join(eol) + eol + indent + unit + 'raise NotImplementedError';
  }
  return [insertAt(lineEndOf(ctx.text, last.endIndex), text)];
}
