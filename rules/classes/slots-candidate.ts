import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  classIndex,
  type ClassInfo,
  enclosingFunction,
  enclosingLoop,
  enclosingStatement,
  FileFacts,
  firstBodyStatement,
  isDataIterable,
  isSmallLiteralLoop,
  isTestFile,
  needsInstanceDict,
  slotsLiteral,
} from '../../server/analysis';
import { eolOf, indentAt, insertAt } from '../../server/fixes';

/**
 * A plain record: `__init__` only stores attributes (a docstring and a `super().__init__()` call
 * aside), and the class has at most two ordinary methods besides dunders. Classes with more
 * behaviour are rarely the ones created by the million.
 */
function isRecordLike(info: ClassInfo): boolean {
  const regular = [...info.methods.keys()].filter((n) => !(n.startsWith('__') && n.endsWith('__')));
  if (regular.length > 2) return false;
  const init = info.methods.get('__init__');
  const stmts = init?.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  return stmts.every((s) => {
    if (s.type !== 'expression_statement') return false;
    const e = s.namedChild(0);
    if (e?.type === 'string') return true; // docstring
    if (e?.type === 'call') return /^super\(\)\.__init__$/.test(e.childForFieldName('function')?.text ?? '');
    if (e?.type !== 'assignment') return false;
    const left = e.childForFieldName('left');
    const targets = left?.type === 'pattern_list' ? left.namedChildren : [left];
    return targets.every((t) => t?.type === 'attribute');
  });
}

/**
 * A loop, with none around it, over `range(torch.cuda.device_count())` / `range(os.cpu_count())`:
 * one object per device or core is a handful, not bulk.
 */
function onePerDevice(loop: Node, facts: FileFacts): boolean {
  const clauses = loop.type === 'for_statement' ? [loop] : loop.namedChildren.filter((n): n is Node => n?.type === 'for_in_clause');
  const it = clauses.length === 1 ? clauses[0].childForFieldName('right') : null;
  if (it?.type !== 'call' || it.childForFieldName('function')?.text !== 'range' || !facts.isBuiltin('range', it)) return false;
  const args = it.childForFieldName('arguments')?.namedChildren ?? [];
  const count = args.length === 1 && args[0]?.type === 'call' ? args[0].childForFieldName('function') : null;
  const name = count?.type === 'attribute' ? count.childForFieldName('attribute')?.text : count?.text;
  return /^(device|cpu|gpu)_count$/.test(name ?? '') && enclosingLoop(loop, true) === null;
}

/** `d[k] = C()` directly under `if k not in d:`: at most one instance per key, however long the loop. */
function onlyWhenKeyMissing(store: Node): boolean {
  const key = store.childForFieldName('subscript');
  const container = store.childForFieldName('value');
  const block = enclosingStatement(store).parent;
  const guard = block?.parent;
  if (!key || !container || guard?.type !== 'if_statement' || !guard.childForFieldName('consequence')?.equals(block!)) return false;
  const cond = guard.childForFieldName('condition');
  return cond?.type === 'comparison_operator' && cond.text.replace(/\s+/g, ' ') === `${key.text} not in ${container.text}`;
}

/** A name for several data loaders or datasets (`data_loaders`, `self.dataloaders`, `datasets`), not for their items. */
const COLLECTION_OF_SOURCES = /^[\w.]*(loaders|datasets)$/i;

/** A `range` reaching this literal count is bulk by itself: `range(1_000_000)`. */
const BULK_COUNT = 1000;

/**
 * The iterable yields data items: rows, lines, samples, records, requests (impact's data test: names, reading calls,
 * arrays and frames), `zip` / `range(len(...))` of such, or a range of a large literal count. A model's layers or
 * attention processors, a config's entries or a few label dictionaries are not data: one object each is a handful.
 */
function yieldsDataItems(iterable: Node | null, facts: FileFacts): boolean {
  if (!iterable) return false;
  // `[IterLoader(x) for x in data_loaders]`: a collection of loaders or datasets holds a handful, one per split or task.
  if (COLLECTION_OF_SOURCES.test(iterable.text)) return false;
  if (isDataIterable(iterable, facts)) return true;
  if (iterable.type !== 'call') return false;
  const fn = iterable.childForFieldName('function')?.text ?? '';
  const args = (iterable.childForFieldName('arguments')?.namedChildren ?? []).filter(
    (a): a is Node => a !== null && a.type !== 'comment' && a.type !== 'keyword_argument',
  );
  if ((fn === 'zip' || fn === 'enumerate') && facts.isBuiltin(fn, iterable)) return args.some((a) => yieldsDataItems(a, facts));
  if (fn !== 'range' || !facts.isBuiltin('range', iterable)) return false;
  const stop = args.length === 1 ? args[0] : args[1];
  if (stop?.type === 'integer') return Number(stop.text.replace(/_/g, '')) >= BULK_COUNT;
  const measured = stop?.type === 'call' && stop.childForFieldName('function')?.text === 'len' ? stop.childForFieldName('arguments')?.namedChild(0) : null;
  return measured != null && yieldsDataItems(measured, facts);
}

/** The loop, or one around it in the same function, runs over data items (yieldsDataItems). */
function inLoopOverData(node: Node, facts: FileFacts): boolean {
  for (let loop = enclosingLoop(node, true); loop; loop = enclosingLoop(loop, true)) {
    const iterables =
      loop.type === 'for_statement'
        ? [loop.childForFieldName('right')]
        : loop.namedChildren.filter((c) => c?.type === 'for_in_clause').map((c) => c!.childForFieldName('right'));
    if (iterables.some((it) => yieldsDataItems(it, facts))) return true;
  }
  return false;
}

/**
 * The class is built many times and the instances are kept: a comprehension element, an `append` /
 * `add` argument or a container store inside a loop over data items, or a lambda mapped over data. Objects created
 * and dropped one per iteration never coexist, so slots would save little there.
 */
function builtInBulk(calls: Node[], facts: FileFacts): boolean {
  return calls.some((c) => {
    const fn = enclosingFunction(c);
    const mapped = fn?.type === 'lambda' ? fn.parent?.parent : null;
    if (mapped?.type === 'call' && mapped.childForFieldName('function')?.text === 'map') {
      return (
        mapped
          .childForFieldName('arguments')
          ?.namedChildren.slice(1)
          .some((a) => yieldsDataItems(a, facts)) === true
      );
    }
    const loop = enclosingLoop(c, true);
    if (!loop || isSmallLiteralLoop(loop, facts) || onePerDevice(loop, facts)) return false;
    if (!inLoopOverData(c, facts)) return false;
    const p = c.parent;
    if (['list_comprehension', 'set_comprehension', 'generator_expression'].includes(p?.type ?? '') && p!.childForFieldName('body')?.equals(c)) return true;
    if (p?.type === 'pair' && p.parent?.type === 'dictionary_comprehension') return true;
    if (p?.type === 'argument_list') {
      const method = p.parent?.childForFieldName('function');
      const name = method?.type === 'attribute' ? method.childForFieldName('attribute')?.text : null;
      return name === 'append' || name === 'add' || name === 'appendleft';
    }
    if (p?.type === 'assignment' && p.childForFieldName('right')?.equals(c)) {
      const left = p.childForFieldName('left');
      return left?.type === 'subscript' && !onlyWhenKeyMissing(left);
    }
    return false;
  });
}

export default defineRule({
  id: 'slots-candidate',
  title: 'Class with a fixed attribute set, instantiated many times, has no __slots__',
  category: 'classes',
  severity: 'info',
  quietOutsideHotCode: true,
  enabledByDefault: true,
  confidence: 'low',
  guide: 'slots',
  message: 'This small record class is created in bulk; `__slots__` would drop the per-instance `__dict__`',
  docs: {
    why:
      'Every instance of a normal class carries a `__dict__` for its attributes. For classes created by the ' +
      'thousands or millions (points, tokens, samples, graph nodes), declaring `__slots__` stores the attributes ' +
      'in fixed slots instead, typically saving 10-30% of the memory per instance and making attribute access ' +
      'slightly faster. It is only worth it for classes that really are instantiated in bulk.',
    instead:
      'Add `__slots__ = ("x", "y", ...)` listing the attributes set in `__init__`; for a dataclass use ' +
      '`@dataclass(slots=True)` (Python 3.10+). Add `"__weakref__"` if instances are weakly referenced.',
    example: {
      before: 'class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y\n\npts = [Point(i, i) for i in range(1_000_000)]',
      after: 'class Point:\n    __slots__ = ("x", "y")\n\n    def __init__(self, x, y):\n        self.x, self.y = x, y',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Add __slots__',
    reason: 'instances lose their __dict__: code that sets other attributes, uses vars()/__dict__, or subclasses relying on it will break',
  },
  query: `(class_definition name: (identifier) @name body: (block)) @class`,
  check(m, ctx) {
    const index = classIndex(ctx.facts);
    const info = index.info(m.need('class'));
    // The constructor calls and the header first: they rule out most classes without reading bodies. Most classes
    // are never called by name in their file: a text search says so before the class's place or bases are looked up.
    if (!info || isTestFile(ctx.filePath)) return; // test cases build a few objects per check, not records in bulk
    // Only a dataclass or a class with an `__init__` is ever reported. Most classes (exceptions, mixins, subclasses
    // overriding a method) spell no `__init__` (the file's carried word index says so: a binary search), and the
    // decorators are read only for those. A class with `__slots__` (the same index) is never reported either: both
    // are asked before the constructor search, which reads the tree at every call of the name.
    if (!spells(ctx, info.node, '__init__') && !info.isDataclass) return;
    if (info.slots) return;
    const calls = index.constructorCalls(info);
    if (calls.length === 0 || info.nested) return;
    const lineage = index.knownLineage(info);
    if (lineage === null) return; // Exception, NamedTuple, external bases…
    if (info.isEnum || info.isProtocol) return;
    if (lineage.slice(1).some((c) => !c.slots)) return; // a base already has a __dict__
    if (!builtInBulk(calls, ctx.facts)) return;
    if (info.isDataclass) {
      if (info.decorators.some((d) => /\bslots\s*=/.test(d.text))) return;
      const v = ctx.settings.targetVersion;
      if (v.major === 3 && v.minor < 10) return;
      ctx.report({ node: m.need('name'), message: `\`${info.name}\` is created in bulk; \`@dataclass(slots=True)\` would drop the per-instance \`__dict__\`` });
      return;
    }
    const init = info.methods.get('__init__');
    const attrs = [...info.instanceAttributes.keys()];
    if (!init || attrs.length === 0 || info.dynamicAttributes || !isRecordLike(info) || needsInstanceDict(info)) return;
    if (['__getattr__', '__setattr__', '__getstate__', '__setstate__', '__reduce__'].some((n) => info.methods.has(n))) return;
    // A descriptor (`__get__`) lives as a class attribute, one per attribute of the classes that use it: a few instances.
    if (info.methods.has('__get__') || info.methods.has('__set_name__')) return;
    const message = `\`${info.name}\` (${attrs.length} attribute${attrs.length === 1 ? '' : 's'}) is created in bulk; \`__slots__\` would drop the per-instance \`__dict__\``;
    const conflict = attrs.some((a) => info.classNames.has(a));
    const first = firstBodyStatement(info.node);
    const subclasses = index.subclasses(info);
    // A subclass that mixes it with another base (`class FeatNonterminal(FeatDict, Nonterminal)`, FeatDict a dict): slots
    // in both give "multiple bases have instance lay-out conflict" at import (nltk's grammar.py, judged wrong in review).
    if (subclasses.some((sub) => sub.bases.length > 1)) return;
    const subclassed = subclasses.length > 0;
    if (conflict || subclassed || !first || first.startPosition.row === info.node.startPosition.row) {
      ctx.report({ node: m.need('name'), message });
      return;
    }
    const names = ctx.facts.importsModule('weakref') ? [...attrs, '__weakref__'] : attrs;
    const eol = eolOf(ctx.text);
    ctx.report({
      node: m.need('name'),
      message,
      edits: [insertAt(first.startIndex, `__slots__ = ${slotsLiteral(names)}${eol}${eol}${indentAt(ctx.text, first.startIndex)}`)],
    });
  },
});

/** The node's text spells `word` as a whole word. */
function spells(ctx: RuleContext, node: Node, word: string): boolean {
  return ctx.facts.words.between(word, node.startIndex, node.endIndex).length > 0;
}
