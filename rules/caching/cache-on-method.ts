import { defineRule, type RuleContext } from '../../server/engine/rule';
import {
  callArguments,
  classIndex,
  decoratorCallee,
  decoratorsOf,
  findDescendants,
  isNestedScope,
  isPackageModule,
  keywordValue,
  mayHoldCacheDecorator,
  referencesTo,
  type ClassInfo,
  type FileFacts,
} from '../../server/analysis';
import type { Node } from '../../server/syntax';

const CACHES = new Set(['functools.lru_cache', 'functools.cache']);
/** Decorators that make the function take no instance (or make the cache per instance). */
const EXEMPT = /(^|\.)(staticmethod|classmethod)$/;
/** Enum members live as long as their class, so holding them in a cache frees nothing. */
const ENUM_BASES = /(^|\.)(Enum|IntEnum|StrEnum|Flag|IntFlag)$/;

export default defineRule({
  id: 'cache-on-method',
  title: '@lru_cache / @cache on an instance method',
  category: 'caching',
  severity: 'warning',
  severityForms: [
    { severity: 'hint', when: "when the cache is bounded (`maxsize` a number, or `lru_cache`'s default 128): it holds a bounded number of instances" },
  ],
  enabledByDefault: true,
  confidence: 'high',
  guide: 'caching',
  // Ruff's B019 flags the same decorator (instances kept alive); Pylint's method-cache-max-size-none its unbounded form.
  peers: { ruff: ['B019'], pylint: ['method-cache-max-size-none', 'W1518'] },
  message: 'A cache decorator on a method keeps every `self` alive in one class-wide cache; cache per instance instead',
  docs: {
    why:
      'The cache belongs to the function object, which is shared by the whole class, and its keys include `self`. ' +
      'Every instance the method is called on is therefore referenced by the cache and cannot be freed until its ' +
      'entries are evicted: never, with `@cache` or `maxsize=None`. With large objects (models, data frames, ' +
      'sessions) that is a memory leak. `self` must also be hashable, and instances compete for one shared `maxsize`. ' +
      'A class whose instances wrap a function (its `__init__` calls `functools.wraps(func)(self)` or ' +
      '`functools.update_wrapper(self, func)`) is a decorator: its instances stand in for functions, usually defined ' +
      'at module level and alive for the whole program anyway, so the cache frees nothing by going: a hint there. So is a class ' +
      'of a script or notebook that only its top-level statements instantiate, outside any loop (a tokenizer made in a cell): ' +
      'a fixed few instances, which the names they are bound to keep alive anyway.',
    instead:
      'For a method without arguments use `functools.cached_property` (it needs an instance `__dict__`: in a class ' +
      'with `__slots__`, keep the value in a slot of its own). Otherwise keep a per-instance dict ' +
      '(or create an `lru_cache`-wrapped function in `__init__`), or move the work into a module-level cached ' +
      'function whose arguments are the hashable values it really depends on.',
    example: {
      before: 'class Model:\n    @lru_cache(maxsize=None)\n    def features(self, key):\n        return self.encoder(key)',
      after:
        'class Model:\n    def __init__(self, encoder):\n        self.encoder = encoder\n        self.features = lru_cache(maxsize=1024)(self._features)\n\n    def _features(self, key):\n        return self.encoder(key)',
    },
  },
  requires: ['functools'],
  // A decorated def directly in a class body, read in the check: a pattern reaching down to the methods' decorators kept
  // tree-sitter's cursor on every member of the class on every keystroke anywhere in it (with the slots rules' patterns
  // that reached for `__slots__`, about 15 % of a keystroke's region query on typing.py; bench/README.md, cost model).
  // The text says first whether any decorator of the class can be a functools cache: most classes spell none of those
  // words (test/unit/classBodyPatterns.test.ts checks the check reaches what the deep pattern did).
  query: `
(class_definition
  body: (block) @body) @class`,
  check(m, ctx) {
    const cls = m.need('class');
    if (!mayHoldCacheDecorator(ctx.facts, cls.startIndex, cls.endIndex)) return;
    for (const member of m.need('body').namedChildren) {
      if (member?.type !== 'decorated_definition') continue;
      const method = member.childForFieldName('definition');
      // A method that receives something (`self`): its parameters hold a named node.
      if (method?.type !== 'function_definition' || !method.childForFieldName('parameters')?.namedChildCount) continue;
      for (const decorator of member.namedChildren) if (decorator?.type === 'decorator') checkDecorator(decorator, method, cls, ctx);
    }
  },
});

/** A decorator of a method of cls: reported when it is a functools cache on an instance method. */
function checkDecorator(decorator: Node, method: Node, cls: Node, ctx: RuleContext): void {
  const expr = decorator.namedChild(0);
  if (!expr) return;
  const callee = decoratorCallee(expr);
  const name = ctx.facts.qualifiedName(callee);
  if (!name || !CACHES.has(name)) return;
  for (const d of decoratorsOf(method)) {
    if (EXEMPT.test(decoratorCallee(d).text)) return;
  }
  // Implicitly static or class methods: they receive no instance.
  if (['__new__', '__init_subclass__', '__class_getitem__'].includes(method.childForFieldName('name')?.text ?? '')) return;
  const supers = cls.childForFieldName('superclasses');
  for (const base of supers?.namedChildren ?? []) {
    if (base && ENUM_BASES.test(base.text)) return;
  }
  const methodName = method.childForFieldName('name')?.text ?? 'method';
  const info = classIndex(ctx.facts).info(cls);
  // `@lru_cache(None) def warning_once(self, *args): self.warning(*args)`: the cache is the point, a guard that emits
  // each message once (accelerate's and transformers' logger adapters), and the logger lives as long as its module.
  if (onlyEmitsMessages(method)) return;
  const params = method.childForFieldName('parameters')?.namedChildren.filter((p) => p?.type !== 'comment') ?? [];
  const maxsize = expr.type === 'call' ? (keywordValue(expr, 'maxsize') ?? expr.childForFieldName('arguments')?.namedChild(0)) : null;
  const unbounded = name === 'functools.cache' || maxsize?.text === 'None';
  const lifetime = unbounded
    ? 'keeps every instance it sees alive for the life of the program'
    : 'keeps recently used instances alive and shares one cache across all of them';
  // cached_property stores into the instance's `__dict__`: a class whose whole lineage is slotted has none.
  const dictless = info !== undefined && classIndex(ctx.facts).isFullySlotted(info) === true;
  const instead =
    params.length === 1 && !dictless && !mayBeInterface(ctx.facts, cls, methodName)
      ? 'use `functools.cached_property`'
      : dictless
        ? 'the class has `__slots__` and no `__dict__`, so keep the cached value in a slot of its own, or cache in a module-level function of the values it depends on'
        : 'cache per instance or in a module-level function';
  ctx.report({
    node: decorator,
    message: `\`@${callee.text}\` on method \`${methodName}\` ${lifetime}; ${instead}`,
    // A bounded cache holds at most maxsize instances (fairseq's `@lru_cache(maxsize=8)` on `__getitem__`, rich's
    // value objects): rarely worth a change, so a hint.
    severity: unbounded ? undefined : 'hint',
    // numbagg's NumbaBase subclasses (`@ndmove.wrap(...)` over module-level kernels) memoise a compiled kernel per
    // dtype on each instance: a blind review judged all eight such findings noise, since every instance is a
    // decorated module-level function the program holds anyway.
    // rasbt's BPE notebooks build a tokenizer or two in top-level cells: a blind review judged holding them noise.
    lowImpact: info && wrapsFunction(ctx.facts, info) ? WRAPPER : madeAtTopLevelOnly(ctx.facts, cls, ctx.filePath, ctx.files) ? TOP_LEVEL_INSTANCES : undefined,
  });
}

const TOP_LEVEL_INSTANCES =
  "its instances are made only by this script's or notebook's top-level code, outside any loop: a fixed few, which module-level names keep alive for the whole run anyway";

/** Nodes under which a class reference may run many times or be handed on: its instances are then not a fixed few. */
const REPEATING = new Set([
  'function_definition',
  'lambda',
  'class_definition',
  'for_statement',
  'while_statement',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);

/**
 * The class is a script's or notebook's own (not a module of a package, which other modules import and instantiate),
 * and every reference to it in the file is a call in the top-level code outside any loop, def or comprehension
 * (`tokenizer = BPETokenizer()` in a cell): the program makes as many instances as such statements, and the names
 * they are bound to hold them until it ends, cache or no cache. A reference anywhere else (a base class, a factory
 * function, a loop, a value handed on uncalled) may make instances without bound.
 */
function madeAtTopLevelOnly(facts: FileFacts, cls: Node, filePath: string | undefined, files: Parameters<typeof isPackageModule>[1]): boolean {
  if (cls.parent?.type !== 'module' && !(cls.parent?.type === 'decorated_definition' && cls.parent.parent?.type === 'module')) return false;
  if (isPackageModule(filePath, files)) return false;
  const refs = referencesTo(cls, facts).filter((r) => !r.equals(cls.childForFieldName('name')!));
  if (refs.length === 0) return false;
  return refs.every((ref) => {
    const call = ref.parent;
    if (call?.type !== 'call' || !call.childForFieldName('function')?.equals(ref)) return false;
    for (let n: Node | null = call.parent; n && n.type !== 'module'; n = n.parent) if (REPEATING.has(n.type)) return false;
    return true;
  });
}

const WRAPPER =
  'its instances wrap functions (`functools.wraps(func)(self)` in `__init__`): decorated functions, usually defined at module level and kept by the program anyway';

/** `functools.wraps(func)(self)` or `functools.update_wrapper(self, func)`: the instance takes on a function's identity. */
function wrapsSelf(call: Node, facts: FileFacts): boolean {
  const fn = call.childForFieldName('function');
  const args = callArguments(call);
  if (fn?.type === 'call' && facts.qualifiedName(fn.childForFieldName('function')) === 'functools.wraps') return args[0]?.text === 'self';
  return facts.qualifiedName(fn) === 'functools.update_wrapper' && args[0]?.text === 'self';
}

/**
 * The class, or a class of this file it derives from, makes its instances stand in for a wrapped function: its
 * `__init__` calls `functools.wraps(func)(self)` or `functools.update_wrapper(self, func)`. Such a class is a
 * decorator, and its instances are the decorated functions.
 */
function wrapsFunction(facts: FileFacts, info: ClassInfo): boolean {
  const index = classIndex(facts);
  const seen = new Set<ClassInfo>();
  const visit = (c: ClassInfo): boolean => {
    if (seen.has(c)) return false;
    seen.add(c);
    const init = c.methods.get('__init__');
    const body = init?.childForFieldName('body');
    if (body && /\b(wraps|update_wrapper)\b/.test(body.text)) {
      if (findDescendants(body, (n) => n.type === 'call' && wrapsSelf(n, facts), isNestedScope).length > 0) return true;
    }
    return c.bases.some((base) => {
      const parent = index.resolve(base);
      return parent !== null && visit(parent);
    });
  };
  return visit(info);
}

/** Calls that emit a message: logging methods, `warnings.warn`, `print`. */
const EMITS = /(^|\.)(warn|warning|info|debug|error|critical|exception|log|print)$/;

/** The method's body (its docstring aside) only emits messages: `self.warning(*args, **kwargs)`. */
function onlyEmitsMessages(method: Node): boolean {
  const statements = (method.childForFieldName('body')?.namedChildren ?? []).filter((s): s is Node => s !== null && s.type !== 'comment');
  const work = statements.filter((s, i) => !(i === 0 && s.type === 'expression_statement' && s.namedChild(0)?.type === 'string'));
  return (
    work.length > 0 &&
    work.every((s) => {
      const call = s.type === 'expression_statement' ? s.namedChild(0) : null;
      return call?.type === 'call' && EMITS.test(call.childForFieldName('function')?.text ?? '');
    })
  );
}

/**
 * The method may implement an interface: a dunder, a method a base class or a subclass of this file also defines, or
 * any method of a class with a base perflens cannot see. `cached_property` would turn `obj.name()` into `obj.name`
 * and break the callers of the interface (and a subclass's override), so it is not proposed there.
 */
function mayBeInterface(facts: FileFacts, cls: Node, name: string): boolean {
  if (/^__\w+__$/.test(name)) return true;
  const index = classIndex(facts);
  const info = index.info(cls);
  const lineage = info ? index.knownLineage(info) : null;
  if (!info || !lineage) return true;
  return lineage.slice(1).some((base) => base.methods.has(name)) || index.subclasses(info).some((sub) => sub.methods.has(name));
}
