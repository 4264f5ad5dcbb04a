// A per-file index of class definitions: bases resolved to classes of the same file, `__slots__`,
// class-level names, methods, the attributes methods assign on `self`, decorators, and whether
// the class is a dataclass, a Protocol, an Enum… Rules about classes ask this instead of
// re-scanning the file. One per FileFacts, filled in as rules ask: a class's info when first asked
// for, classes by name and calls by callee name where the text spells them.
import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';
import { definitionsNamed, identifierAt, identifiersSpelledInFile } from './names';
import { decoratorCallee, decoratorsOf, definitionOf, findDescendants, firstParameterName } from './scopes';
import { isAsciiWordChar, possibleCallOffsets } from '../syntax/spelling';
import { ownedString } from '../syntax/text';
import { TextMemo } from './textMemo';
import { lintMemo } from './nodeMemo';

/** The text-keyed tables below (statement spellings, slot names): at most this many entries each, */
const MAX_STATEMENT_SPELLINGS = 2048;
/** and this many characters of keys and answers each (about 1 MB of one-byte strings, 2 MB of two-byte ones). */
export const MAX_MEMO_CHARS = 1 << 20;
/** Longer statements are read from the tree each time (rare, and their text would be copied into the table). */
const MAX_MEMO_STATEMENT = 16384;

export interface SlotsInfo {
  /** The `__slots__ = …` assignment. */
  assignment: Node;
  /** Its right-hand side. */
  value: Node;
  /** The declared names, or null when the value is not a literal we can read (a call, a name…). */
  names: string[] | null;
  /** The string nodes of the names (same order as names), when literal. */
  nameNodes: Node[];
}

export interface ClassInfo {
  node: Node;
  name: string;
  /** Positional base expressions (keywords such as `metaclass=` excluded). */
  bases: Node[];
  /** Keyword arguments of the class statement (`metaclass`, `total`…), by name. */
  keywords: Map<string, Node>;
  /** Decorator expressions, outermost first. */
  decorators: Node[];
  /** Qualified names of the decorators' callees (null entries for unresolvable ones). */
  decoratorNames: (string | null)[];
  slots: SlotsInfo | null;
  /** Names bound in the class body: methods, properties, class variables, annotations with a value. */
  classNames: Map<string, Node>;
  /** Annotated class-level names (`x: int` with or without a value). */
  annotations: Map<string, Node>;
  methods: Map<string, Node>;
  /** `self.<name> = …` stores in the class's own methods, by attribute name. */
  instanceAttributes: Map<string, Node[]>;
  /** `setattr(self, <non-literal>, …)`, `self.__dict__`, `vars(self)` appear in a method. */
  dynamicAttributes: boolean;
  /** Where the methods' text may spell a store to an instance attribute (the text part of instanceAttributes). */
  storeSpellings: readonly MethodStoreSpellings[];
  isDataclass: boolean;
  isProtocol: boolean;
  isEnum: boolean;
  /** Nested in a function or another class (not a module-level definition). */
  nested: boolean;
}

/** Bases that add neither `__dict__` nor a layout of their own: fine under a slotted class. */
const EMPTY_SLOT_BASES = new Set([
  'object',
  'typing.Generic',
  'typing.Protocol',
  'typing_extensions.Protocol',
  'abc.ABC',
  'collections.abc.Iterable',
  'collections.abc.Iterator',
  'collections.abc.Mapping',
  'collections.abc.MutableMapping',
  'collections.abc.Sequence',
  'collections.abc.MutableSequence',
  'collections.abc.Set',
  'collections.abc.MutableSet',
  'collections.abc.Hashable',
  'collections.abc.Sized',
  'collections.abc.Container',
  'collections.abc.Callable',
]);
const PROTOCOL_BASES = new Set(['typing.Protocol', 'typing_extensions.Protocol']);
const ENUM_BASES = /^enum\.(Enum|IntEnum|StrEnum|Flag|IntFlag|ReprEnum)$/;
const DATACLASS_DECORATORS = new Set(['dataclasses.dataclass']);

/** Spellings of what only works with an instance `__dict__`. */
const NEEDS_DICT = /\bcached_property\b|\bself\.__dict__\b|\bvars\(\s*self\s*\)/;

/**
 * The class relies on an instance `__dict__`: `functools.cached_property` stores its value there, and
 * code reading `self.__dict__` or `vars(self)` expects one. Adding `__slots__` would break it.
 */
export function needsInstanceDict(info: ClassInfo): boolean {
  return NEEDS_DICT.test(info.node.text);
}

export class ClassIndex {
  private readonly byNode = new Map<number, ClassInfo>();
  /** Module-level classes (not nested in a def or class) with a name, found when first asked for. */
  private readonly topLevelByName = new Map<string, Node[]>();
  private allClasses?: ClassInfo[];

  // Rules ask about one class at a time, so nothing is indexed up front: each class's info, and the
  // module-level classes with a given name, are looked up when first asked for (in the editor, a
  // keystroke asks about few; listing every module-level class cost a walk of the module per lint).
  constructor(private readonly facts: FileFacts) {}

  /** Every class of the file, in document order (a walk of the whole tree: for tests and tools). */
  get classes(): ClassInfo[] {
    this.allClasses ??= this.facts.root.descendantsOfType('class_definition').flatMap((n) => (n ? [this.info(n)!] : []));
    return this.allClasses;
  }

  /** The info for a class_definition node. */
  info(node: Node): ClassInfo | undefined {
    if (node.type !== 'class_definition') return undefined;
    let info = this.byNode.get(node.id);
    if (!info) {
      info = new LazyClassInfo(node, this.facts);
      this.byNode.set(node.id, info);
    }
    return info;
  }

  /**
   * The class a name refers to, when the file defines exactly one module-level class with that
   * name and binds the name nowhere else at module level (no import, no reassignment).
   */
  byClassName(name: string): ClassInfo | null {
    let list = this.topLevelByName.get(name);
    if (!list) {
      list = topLevelClassesNamed(this.facts, name);
      this.topLevelByName.set(name, list);
    }
    if (list.length !== 1) return null;
    if (this.facts.binding(name)) return null;
    return this.info(list[0])!;
  }

  /** A base expression resolved to a class of this file, or null. */
  resolve(base: Node): ClassInfo | null {
    // Remembered per base node for the lint: each class rule walks the same lineage again (isFullySlotted, knownLineage,
    // inheritedSlots, ancestorSlots), and each step read the base's type and text from the tree again.
    let resolved = this.resolvedBases.get(base.id);
    if (resolved === undefined) {
      const expr = base.type === 'subscript' ? base.childForFieldName('value') : base; // Box[T]
      resolved = expr?.type === 'identifier' ? this.byClassName(expr.text) : null;
      this.resolvedBases.set(base.id, resolved);
    }
    return resolved;
  }

  private readonly resolvedBases = new Map<number, ClassInfo | null>();

  /** Qualified name of a base that is not a class of this file (`object`, `typing.Protocol`…), or null. */
  externalBaseName(base: Node): string | null {
    const expr = base.type === 'subscript' ? base.childForFieldName('value') : base;
    if (!expr) return null;
    if (expr.type === 'identifier' && expr.text === 'object' && !this.facts.moduleBindings.has('object')) return 'object';
    return this.facts.qualifiedName(expr);
  }

  /** A base from outside the file that adds no instance `__dict__` (`object`, `Generic[T]`, `ABC`…). */
  isEmptySlotExternal(base: Node): boolean {
    const ext = this.externalBaseName(base);
    return ext !== null && EMPTY_SLOT_BASES.has(ext);
  }

  /** Subclasses defined in this file (direct only), in document order. */
  subclasses(cls: ClassInfo): ClassInfo[] {
    // A subclass spells the name in its bases: look only where the name is spelled.
    const out: ClassInfo[] = [];
    for (const id of identifiersSpelledInFile(this.facts, cls.name)) {
      const cand = classOfBase(id);
      const info = cand && this.info(cand);
      if (info && !out.includes(info) && info.bases.some((b) => this.resolve(b) === cls)) out.push(info);
    }
    return out;
  }

  /**
   * The class and its ancestors, most derived first, when every base is a class of this file or a
   * known base that adds no instance dict (`object`, `Generic`, `ABC`…). Null when any base is unknown.
   */
  knownLineage(cls: ClassInfo): ClassInfo[] | null {
    // Remembered per class for the lint (callers only read it): a keystroke's class rules asked it of the same classes
    // several times each (the class, each base, and again for inheritedSlots).
    let lineage = this.lineages.get(cls);
    if (lineage === undefined) {
      lineage = this.walkLineage(cls);
      this.lineages.set(cls, lineage);
    }
    return lineage;
  }

  private readonly lineages = new Map<ClassInfo, ClassInfo[] | null>();

  private walkLineage(cls: ClassInfo): ClassInfo[] | null {
    const out: ClassInfo[] = [];
    const seen = new Set<ClassInfo>();
    const visit = (c: ClassInfo): boolean => {
      if (seen.has(c)) return true;
      seen.add(c);
      out.push(c);
      for (const base of c.bases) {
        const resolved = this.resolve(base);
        if (resolved) {
          if (!visit(resolved)) return false;
          continue;
        }
        const ext = this.externalBaseName(base);
        if (!ext || !EMPTY_SLOT_BASES.has(ext)) return false;
      }
      return true;
    };
    return visit(cls) ? out : null;
  }

  /**
   * True when instances of the class have no `__dict__`: every class in its known lineage declares
   * `__slots__` with readable names and none of them lists `"__dict__"`. Null when unknown.
   */
  isFullySlotted(cls: ClassInfo): boolean | null {
    const lineage = this.knownLineage(cls);
    if (!lineage) return null;
    for (const c of lineage) {
      if (!c.slots || !c.slots.names) return c.slots && !c.slots.names ? null : false;
      if (c.slots.names.includes('__dict__')) return false;
    }
    return true;
  }

  /** Every slot name declared by the class's ancestors (not the class itself), when known. */
  inheritedSlots(cls: ClassInfo): Set<string> | null {
    const lineage = this.knownLineage(cls);
    if (!lineage) return null;
    const names = new Set<string>();
    for (const c of lineage.slice(1)) {
      if (!c.slots?.names) {
        if (c.slots) return null;
        continue;
      }
      for (const n of c.slots.names) names.add(mangle(n, c.name));
    }
    return names;
  }

  /** Calls `Name(...)` (by plain name) anywhere in the file, in document order. */
  constructorCalls(cls: ClassInfo): Node[] {
    let calls = this.callsByName.get(cls.name);
    if (!calls) {
      calls = callsByPlainName(this.facts, cls.name);
      this.callsByName.set(cls.name, calls);
    }
    return calls;
  }

  private readonly callsByName = new Map<string, Node[]>();
}

/** Calls whose callee is the identifier `name`, found where the text spells such a call. */
function callsByPlainName(facts: FileFacts, name: string): Node[] {
  const out: Node[] = [];
  const text = facts.text;
  for (const at of possibleCallOffsets(text, name, facts.wordOffsets(name))) {
    // `Name(` (spaces between): the smallest node around the name and the `(` is the call, one descent from the root,
    // where reaching the identifier and then its `parent` took two (tree-sitter descends from the root for a parent).
    let paren = at + name.length;
    while (text[paren] === ' ' || text[paren] === '\t') paren++;
    if (text[paren] === '(') {
      const call = facts.root.descendantForIndex(at, paren + 1);
      const fn = call?.type === 'call' ? call.childForFieldName('function') : null;
      if (fn && fn.startIndex === at && fn.endIndex === at + name.length && fn.type === 'identifier') out.push(call!);
      continue;
    }
    const id = identifierAt(facts.root, at, name);
    const call = id?.parent;
    if (call?.type === 'call' && call.childForFieldName('function')?.id === id!.id) out.push(call);
  }
  return out;
}

/** The class_definition whose positional base is this identifier (`class C(id)`, `class C(id[T])`), or null. */
function classOfBase(id: Node): Node | null {
  let p = id.parent;
  if (p?.type === 'subscript' && p.childForFieldName('value')?.id === id.id) p = p.parent;
  const cls = p?.type === 'argument_list' ? p.parent : null;
  return cls?.type === 'class_definition' ? cls : null; // a class's argument_list is its bases
}

/**
 * The class definitions named `name` with no def or class around them (in compound statements such
 * as `if`, `try`, `with`, and ERROR nodes of broken code, at any depth), found where the text
 * spells `class <name>`.
 */
function topLevelClassesNamed(facts: FileFacts, name: string): Node[] {
  return definitionsNamed(facts, 'class_definition', name).filter(isTopLevelClass);
}

/** No def or class around it: only compound statements (and ERROR nodes) up to the module. */
function isTopLevelClass(cls: Node): boolean {
  for (let p = cls.parent; p; p = p.parent) {
    if (p.type === 'module') return true;
    if (!STATEMENT_HOLDERS.has(p.type) && !p.type.endsWith('_clause')) return false;
  }
  return false;
}

/** Nodes that may hold statements, besides the clauses (`else_clause`, `except_clause`, `case_clause`…). */
const STATEMENT_HOLDERS = new Set([
  'block',
  'decorated_definition',
  'ERROR',
  'if_statement',
  'for_statement',
  'while_statement',
  'try_statement',
  'with_statement',
  'match_statement',
]);

/** `__x` in class `C` is stored as `_C__x`; other names as they are. */
export function mangle(name: string, className: string): string {
  if (name.startsWith('__') && !name.endsWith('__')) return `_${className.replace(/^_+/, '')}${name}`;
  return name;
}

/** The memoised class index of a file. */
export const classIndex = lintMemo((facts) => new ClassIndex(facts));

function stringValue(node: Node): string | null {
  if (node.type !== 'string') return null;
  if (node.namedChildren.some((c) => c?.type === 'interpolation')) return null;
  const content = node.namedChildren.filter((c) => c?.type === 'string_content');
  const raw = content.map((c) => c!.text).join('');
  return /\\/.test(raw) ? null : raw;
}

/**
 * The class's `__slots__` assignment as SlotsInfo: its names from the table of names by the value's text when that text
 * was read before (a literal's names are a function of its text), its name nodes read from the tree only when asked (a
 * fix, a finding on a name). The slots of a class and of each of its bases are asked on every keystroke in the class,
 * and reading each string of the literal from the tree took half a dozen calls into WASM a name.
 */
function slotsOf(assignment: Node): SlotsInfo {
  const value = assignment.childForFieldName('right')!;
  // A value with a syntax error may parse differently elsewhere: read from the tree each time.
  if (value.hasError) return readSlots(assignment);
  const text = value.text;
  let names = slotNames.get(text);
  if (names === undefined) {
    slotNamesReads.count++;
    names = readSlots(assignment).names;
    if (names) names = names.map(ownedString);
    if (text.length <= MAX_MEMO_STATEMENT) slotNames.set(ownedString(text), names);
  }
  return new LazySlots(assignment, value, names);
}

/** Slot names by the text of the `__slots__` value they were read from (null: not a literal the index can read). */
const slotNames = new TextMemo<string[] | null>(MAX_STATEMENT_SPELLINGS, MAX_MEMO_CHARS, (names) => stringsWeight(names ?? []));

/** The number of times slotsOf read the names from the tree (tests). */
export const slotNamesReads = { count: 0 };

/** SlotsInfo whose name nodes are read from the tree when first asked. */
class LazySlots implements SlotsInfo {
  private nodes?: Node[];
  constructor(
    readonly assignment: Node,
    readonly value: Node,
    readonly names: string[] | null,
  ) {}
  get nameNodes(): Node[] {
    this.nodes ??= readSlots(this.assignment).nameNodes;
    return this.nodes;
  }
}

function readSlots(assignment: Node): SlotsInfo {
  const value = assignment.childForFieldName('right')!;
  const info: SlotsInfo = { assignment, value, names: null, nameNodes: [] };
  if (value.type === 'string') {
    const s = stringValue(value);
    if (s !== null) {
      info.names = s.split(/\s+/).filter(Boolean).length === 1 ? [s.trim()] : null;
      info.nameNodes = [value];
    }
    return info;
  }
  if (value.type === 'tuple' || value.type === 'list' || value.type === 'parenthesized_expression') {
    const items = value.type === 'parenthesized_expression' ? [value.namedChild(0)] : value.namedChildren;
    const names: string[] = [];
    const nodes: Node[] = [];
    for (const item of items) {
      if (!item || item.type === 'comment') continue;
      const s = stringValue(item);
      if (s === null) return info;
      names.push(s);
      nodes.push(item);
    }
    info.names = names;
    info.nameNodes = nodes;
  }
  return info;
}

/**
 * A class's info, read in parts on first use: the header (name, bases) at once, the decorators, the
 * body statements and the attribute stores of the methods only when a rule asks. Most checks stop
 * at the header (an external base, no constructor call), so most classes never read their bodies.
 */
class LazyClassInfo implements ClassInfo {
  readonly name: string;
  readonly bases: Node[] = [];
  readonly keywords = new Map<string, Node>();
  private decoratorPart?: { decorators: Node[]; decoratorNames: (string | null)[] };
  private bodyPart?: ClassBody;
  private spellingPart?: MethodStoreSpellings[];
  private attributePart?: { instanceAttributes: Map<string, Node[]>; dynamicAttributes: boolean };
  /** Whether a method reads `<self>.__dict__` (readsOwnDict), asked before attributePart is collected. */
  private ownDictPart?: boolean;
  private baseNames?: (string | null)[];
  private nestedPart?: boolean;
  private slotsPart?: SlotsInfo | null;

  constructor(
    readonly node: Node,
    private readonly facts: FileFacts,
  ) {
    this.name = node.childForFieldName('name')?.text ?? '';
    for (const arg of node.childForFieldName('superclasses')?.namedChildren ?? []) {
      if (!arg || arg.type === 'comment') continue;
      if (arg.type === 'keyword_argument') {
        const k = arg.childForFieldName('name')?.text;
        const v = arg.childForFieldName('value');
        if (k && v) this.keywords.set(k, v);
      } else {
        this.bases.push(arg);
      }
    }
  }

  // Asked when first needed: the answer walks up from the class, and each parent costs its depth.
  get nested(): boolean {
    this.nestedPart ??= !isTopLevelClass(this.node);
    return this.nestedPart;
  }
  get decorators(): Node[] {
    return this.decoratorInfo().decorators;
  }
  get decoratorNames(): (string | null)[] {
    return this.decoratorInfo().decoratorNames;
  }
  get isDataclass(): boolean {
    return this.decoratorNames.some((d) => d !== null && DATACLASS_DECORATORS.has(d));
  }
  get isProtocol(): boolean {
    return this.qualifiedBases().some((b) => b !== null && PROTOCOL_BASES.has(b));
  }
  get isEnum(): boolean {
    return this.qualifiedBases().some((b) => b !== null && ENUM_BASES.test(b));
  }
  get slots(): SlotsInfo | null {
    // Asked of every base of every class a keystroke re-lints: found where the class's text spells `__slots__`
    // (most classes never do), not by reading each statement of the body, which the other questions may never need.
    if (this.slotsPart === undefined) this.slotsPart = this.bodyPart ? this.bodyPart.slots : findSlots(this.node, this.facts);
    return this.slotsPart;
  }
  get classNames(): Map<string, Node> {
    return this.body().classNames;
  }
  get annotations(): Map<string, Node> {
    return this.body().annotations;
  }
  get methods(): Map<string, Node> {
    return this.body().methods;
  }
  get storeSpellings(): readonly MethodStoreSpellings[] {
    this.spellingPart ??= storeSpellingsOf(this.node, this.facts);
    return this.spellingPart;
  }
  // Attribute stores are the costliest part (every method body, and the tree at each store spelling).
  get instanceAttributes(): Map<string, Node[]> {
    return (this.attributePart ??= collectAttributes(this.storeSpellings)).instanceAttributes;
  }
  // A `self.__dict__` that the text spells and the tree confirms answers true without reading every other store from the
  // tree: typing.py's Generic and Protocol read `cls.__dict__`, and slots-undeclared-attribute asked this on each keystroke
  // in them, collecting all their stores only to stop here. Otherwise (and for instanceAttributes) every store is read.
  get dynamicAttributes(): boolean {
    if (this.attributePart) return this.attributePart.dynamicAttributes;
    if ((this.ownDictPart ??= readsOwnDict(this.storeSpellings))) return true;
    return (this.attributePart = collectAttributes(this.storeSpellings)).dynamicAttributes;
  }

  private decoratorInfo(): { decorators: Node[]; decoratorNames: (string | null)[] } {
    if (!this.decoratorPart) {
      const decorators = decoratorsOf(this.node);
      this.decoratorPart = { decorators, decoratorNames: decorators.map((d) => this.facts.qualifiedName(decoratorCallee(d))) };
    }
    return this.decoratorPart;
  }

  private qualifiedBases(): (string | null)[] {
    this.baseNames ??= this.bases.map((b) => this.facts.qualifiedName(b.type === 'subscript' ? b.childForFieldName('value') : b));
    return this.baseNames;
  }

  private body(): ClassBody {
    this.bodyPart ??= readBody(this.node, this.slotsPart);
    return this.bodyPart;
  }
}

interface ClassBody {
  slots: SlotsInfo | null;
  classNames: Map<string, Node>;
  annotations: Map<string, Node>;
  methods: Map<string, Node>;
}

/**
 * The class's `__slots__` as readBody finds it (the last statement of the body that assigns the name), looked up
 * only at the places the class's text spells it: the file's carried word index (WordIndex.between), not a search of
 * the class's text on each keystroke (a 4k-character class per base of every class a keystroke re-lints).
 */
function findSlots(node: Node, facts: FileFacts): SlotsInfo | null {
  const spelled = facts.words.between('__slots__', node.startIndex, node.endIndex);
  if (spelled.length === 0) return null;
  const body = node.childForFieldName('body');
  if (!body) return null;
  for (let k = spelled.length - 1; k >= 0; k--) {
    const stmt = body.firstNamedChildForIndex(spelled[k]);
    if (!stmt || stmt.startIndex > spelled[k] || stmt.type !== 'expression_statement') continue;
    const a = stmt.namedChild(0);
    if (a?.type !== 'assignment' || !a.childForFieldName('right')) continue;
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier' && left.text === '__slots__') return slotsOf(a);
  }
  return null;
}

/**
 * The names the statements of a class body bind, its methods and its `__slots__` (`slots`, when findSlots has read them
 * already: the same assignment, not read twice).
 */
function readBody(node: Node, slots?: SlotsInfo | null): ClassBody {
  const out: ClassBody = { slots: slots ?? null, classNames: new Map(), annotations: new Map(), methods: new Map() };
  for (const stmt of node.childForFieldName('body')?.namedChildren ?? []) {
    if (!stmt) continue;
    const def = definitionOf(stmt);
    if (def?.type === 'function_definition' || def?.type === 'class_definition') {
      const n = def.childForFieldName('name')?.text;
      if (n) {
        out.classNames.set(n, def);
        if (def.type === 'function_definition') out.methods.set(n, def);
      }
      continue;
    }
    if (stmt.type !== 'expression_statement') continue;
    const a = stmt.namedChild(0);
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    if (left?.type !== 'identifier') {
      for (const id of left ? findDescendants(left, (n) => n.type === 'identifier') : []) out.classNames.set(id.text, a);
      continue;
    }
    if (a.childForFieldName('type')) out.annotations.set(left.text, a);
    if (a.childForFieldName('right')) out.classNames.set(left.text, a);
    if (slots === undefined && left.text === '__slots__' && a.childForFieldName('right')) out.slots = slotsOf(a);
  }
  return out;
}

/**
 * A method's spellings of its instance parameter (`self`) that may be `<self>.name` stored to or `<self>.__dict__`
 * (mayStoreOrDict), found from the text alone: their offsets in the file, and the name after each `.` as the text
 * spells it (null when it cannot tell: a line break or comment around the `.`, a non-ASCII name). Static and class
 * methods have none. The method's body is read from the tree only when asked (collectAttributes, readsOwnDict).
 */
export interface MethodStoreSpellings {
  readonly self: string;
  readonly body: Node;
  readonly offsets: readonly number[];
  readonly names: readonly (string | null)[];
}

/**
 * What storeSpellingsOf reads of one statement of a class body, offsets relative to the start of the statement's first
 * line: the def's name (null when the statement is not a def), its instance parameter (null for a static or class method,
 * or a def without one) and its body's extent, and the store spellings in the body.
 */
interface StatementSpellings {
  method: string | null;
  self: string | null;
  bodyStart: number;
  bodyEnd: number;
  offsets: number[];
  names: (string | null)[];
}

/**
 * StatementSpellings by the text they were read from: the statement from the start of its first line (its indentation
 * decides how it parses) to one character past its end (whether a spelling at its end is a whole word). The answer is
 * a function of that text alone, so it is shared across lints: a keystroke in one method of a class reads that method
 * again, not the other methods, which slots-undeclared-attribute re-read on every keystroke in the class (their
 * decorators, first parameter and body from the tree, a dozen calls into WASM each). Not used in a class with a syntax
 * error, where a statement's parse may depend on the code around it. Bounded, as the word index is.
 */
const statementSpellings = new TextMemo<StatementSpellings>(MAX_STATEMENT_SPELLINGS, MAX_MEMO_CHARS, spellingsWeight);

/** A StatementSpellings' weight in characters beside its key: its strings, and two per offset (a number is 8 bytes). */
function spellingsWeight(read: StatementSpellings): number {
  return (read.method?.length ?? 0) + (read.self?.length ?? 0) + 2 * read.offsets.length + stringsWeight(read.names);
}

function stringsWeight(names: readonly (string | null)[]): number {
  let n = 0;
  for (const name of names) n += (name?.length ?? 0) + 2;
  return n;
}

/** The number of times statementSpellingsOf read a statement from the tree (tests: the memo is used, and keyed right). */
export const statementSpellingsReads = { count: 0 };

/** Empties the table (tests: read every statement from the tree again). */
/** The characters the two tables hold (tests: bounded by MAX_MEMO_CHARS each). */
export function memoChars(): { statements: number; slots: number } {
  return { statements: statementSpellings.chars, slots: slotNames.chars };
}

export function clearStatementSpellings(): void {
  statementSpellings.clear();
  slotNames.clear();
}

/**
 * The store spellings of each instance method (see MethodStoreSpellings) in the order readBody lists the methods (the
 * last def of a name counts, at the place of the first). The spellings of `self` come from the file's carried word
 * index (WordIndex.between: a binary search, also recording the body as read), not a search of each method's text.
 */
function storeSpellingsOf(cls: Node, facts: FileFacts): MethodStoreSpellings[] {
  const byName = new Map<string, MethodStoreSpellings | null>();
  const memo = !cls.hasError;
  for (const stmt of cls.childForFieldName('body')?.namedChildren ?? []) {
    if (!stmt) continue;
    const read = statementSpellingsOf(stmt, facts, memo);
    if (read.method === null) continue;
    byName.set(read.method, read.self === null ? null : located(read, stmt, facts));
  }
  const out: MethodStoreSpellings[] = [];
  for (const m of byName.values()) if (m) out.push(m);
  return out;
}

/** The statement's StatementSpellings, from the table when the same text was read before. */
function statementSpellingsOf(stmt: Node, facts: FileFacts, memo: boolean): StatementSpellings {
  const text = facts.text;
  const lineStart = text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  const end = Math.min(stmt.endIndex + 1, text.length);
  if (!memo || end - lineStart > MAX_MEMO_STATEMENT) return readStatementSpellings(stmt, facts, lineStart);
  const key = text.slice(lineStart, end);
  let read = statementSpellings.get(key);
  if (!read) {
    read = readStatementSpellings(stmt, facts, lineStart);
    statementSpellings.set(ownedString(key), read);
  }
  return read;
}

const NOT_A_METHOD: StatementSpellings = { method: null, self: null, bodyStart: 0, bodyEnd: 0, offsets: [], names: [] };

/**
 * Reads a class-body statement from the tree (offsets relative to base, the start of its first line). The word index's
 * answer for the body rests on the characters just around it too, which the memo's key holds.
 */
function readStatementSpellings(stmt: Node, facts: FileFacts, base: number): StatementSpellings {
  statementSpellingsReads.count++;
  const def = definitionOf(stmt);
  const method = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
  if (!def || !method) return NOT_A_METHOD;
  const isStatic = decoratorsOf(def).some((d) => /(^|\.)(staticmethod|classmethod)$/.test(decoratorCallee(d).text));
  const self = isStatic ? undefined : firstParameterName(def);
  const body = self ? def.childForFieldName('body') : null;
  // Every string kept is a copy (ownedString): the table outlives the lint, and a slice of its text would keep it alive.
  if (!self || !body) return { method: ownedString(method), self: null, bodyStart: 0, bodyEnd: 0, offsets: [], names: [] };
  const read: StatementSpellings = {
    method: ownedString(method),
    self: ownedString(self),
    bodyStart: body.startIndex - base,
    bodyEnd: body.endIndex - base,
    offsets: [],
    names: [],
  };
  const found = facts.words.between(self, body.startIndex, body.endIndex);
  // The tests below read the body's own text (nothing past its end), as they always have.
  const bodyText = found.length > 0 ? facts.text.slice(body.startIndex, body.endIndex) : '';
  for (const offset of found) {
    const at = offset - body.startIndex;
    if (!mayStoreOrDict(bodyText, at, self)) continue;
    read.offsets.push(offset - base);
    const name = attributeNameAfter(bodyText, at + self.length);
    read.names.push(name === null ? null : ownedString(name));
  }
  return read;
}

/**
 * A memoised statement's spellings placed in this lint's text. The spellings of `self` are asked of the word index as
 * well (its answer is the memo's, and the body is recorded as read, as it was when each lint searched it).
 */
function located(read: StatementSpellings, stmt: Node, facts: FileFacts): MethodStoreSpellings {
  const base = facts.text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
  // Just read, the same range was recorded a moment ago, and the index records a repeated range once.
  facts.words.between(read.self!, base + read.bodyStart, base + read.bodyEnd);
  return new LocatedSpellings(
    read.self!,
    stmt,
    read.offsets.map((o) => base + o),
    read.names,
  );
}

/** MethodStoreSpellings whose body node is found when first asked (most checks stop at the names). */
class LocatedSpellings implements MethodStoreSpellings {
  private bodyNode?: Node;
  constructor(
    readonly self: string,
    private readonly stmt: Node,
    readonly offsets: readonly number[],
    readonly names: readonly (string | null)[],
  ) {}
  get body(): Node {
    this.bodyNode ??= definitionOf(this.stmt)!.childForFieldName('body')!;
    return this.bodyNode;
  }
}

/**
 * True when every attribute the class's methods may store on their instance, or read as `__dict__` (storeSpellings), has
 * a name `declared` accepts, read from the text alone: then no key of instanceAttributes is undeclared, whatever
 * dynamicAttributes says. False when a name is not accepted, is `__dict__`, or the text cannot tell it: the tree decides.
 * slots-undeclared-attribute asks this first: on a keystroke that re-lints a slotted class whose stores are all declared
 * (typing.py's), reading each store from the tree was most of the rule's time.
 */
export function storesOnlyDeclared(info: ClassInfo, declared: (name: string) => boolean): boolean {
  return info.storeSpellings.every((m) => m.names.every((name) => name !== null && name !== '__dict__' && declared(name)));
}

/** The name in `.name` at `i` (spaces and tabs around the `.`), when it is ASCII and nothing unusual stands around it; else null. */
function attributeNameAfter(text: string, i: number): string | null {
  while (text[i] === ' ' || text[i] === '\t') i++;
  if (text[i++] !== '.') return null;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const start = i;
  while (isAsciiWordChar(text.charCodeAt(i))) i++;
  return i > start && !(text.charCodeAt(i) > 127) ? text.slice(start, i) : null;
}

/**
 * A method's `<self>.__dict__` among the store spellings the text names `__dict__`, as collectAttributes finds it (the
 * attribute of the instance parameter itself): a true here is a true there. False says nothing (a spelling the text could
 * not name, a `setattr` call): collectAttributes decides.
 */
function readsOwnDict(spellings: readonly MethodStoreSpellings[]): boolean {
  for (const { self, body, offsets, names } of spellings) {
    for (let k = 0; k < offsets.length; k++) {
      if (names[k] !== '__dict__') continue;
      const id = identifierAt(body, offsets[k], self);
      const attr = id?.parent;
      if (attr?.type === 'attribute' && attr.childForFieldName('object')?.id === id!.id && attr.childForFieldName('attribute')?.text === '__dict__')
        return true;
    }
  }
  return false;
}

/** `self.<name> = …` stores and dynamic attribute use in the methods, from their store spellings. */
function collectAttributes(spellings: readonly MethodStoreSpellings[]): { instanceAttributes: Map<string, Node[]>; dynamicAttributes: boolean } {
  const instanceAttributes = new Map<string, Node[]>();
  let dynamicAttributes = false;
  for (const { self, body: mbody, offsets } of spellings) {
    for (const attr of selfAttributes(mbody, self, offsets)) {
      const field = attr.childForFieldName('attribute')?.text;
      if (!field) continue;
      if (field === '__dict__') dynamicAttributes = true;
      if (isStoreTarget(attr)) {
        const list = instanceAttributes.get(field);
        if (list) list.push(attr);
        else instanceAttributes.set(field, [attr]);
      }
    }
    // Only a body that spells setattr or vars can call them: most skip the walk over their calls.
    for (const call of /setattr|\bvars\b/.test(mbody.text) ? mbody.descendantsOfType('call') : []) {
      if (!call) continue;
      const fn = call.childForFieldName('function')?.text;
      if (fn !== 'setattr' && fn !== 'object.__setattr__' && fn !== 'vars') continue;
      const args = call.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
      if ((fn === 'setattr' || fn === 'object.__setattr__') && args[0]?.text === self && args[1]?.type !== 'string') dynamicAttributes = true;
      if (fn === 'vars' && args[0]?.text === self) dynamicAttributes = true;
    }
  }
  return { instanceAttributes, dynamicAttributes };
}

/**
 * The attributes `<self>.x` in body (nested scopes included) at the store spellings' offsets, in document order. Only
 * those collectAttributes needs: each spelling that reaches the tree costs a descent to it and two up from it
 * (`parent`), and most are reads the text already rules out (storeSpellingsOf).
 */
function selfAttributes(body: Node, self: string, offsets: readonly number[]): Node[] {
  const out: Node[] = [];
  for (const at of offsets) {
    const id = identifierAt(body, at, self);
    const attr = id?.parent;
    if (attr?.type === 'attribute' && attr.childForFieldName('object')?.id === id!.id) out.push(attr);
  }
  return out;
}

/** Keywords after which, or before which, an expression is read, not stored (`for` and `in` may surround a target). */
const READ_KEYWORDS = new Set(
  'return yield await del assert not and or is if elif else while with as lambda raise from import global nonlocal print case match'.split(' '),
);

/**
 * False when the text at `at` (a whole-word spelling of `self`) cannot be `self.x` stored to (isStoreTarget) nor
 * `self.__dict__`: no `.` after it, or the attribute is called, subscripted, read for another attribute, compared or an
 * operand, or follows a keyword or operator that only reads. Anything unusual around it (a line break, a comment, a
 * line continuation, a non-ASCII name) says true, and the tree decides. Most spellings in a method are such reads.
 */
/**
 * The character at `k`, or '' outside the text: mayStoreOrDict reads around a spelling of `self` that may start or end the
 * text, and an index past either end sent it back to the interpreter ("out of bounds") a few times per 200 keystrokes.
 */
function charAt(text: string, k: number): string {
  return k >= 0 && k < text.length ? text[k] : '';
}

function mayStoreOrDict(text: string, at: number, self: string): boolean {
  // After: `.` and the attribute's name (`__dict__` counts wherever it is read).
  let i = at + self.length;
  while (charAt(text, i) === ' ' || charAt(text, i) === '\t') i++;
  if (charAt(text, i) !== '.') {
    // `return self`, `f(self)`: not an attribute. Inside brackets a line break may come before the `.`.
    while (' \t\n\r\\'.includes(charAt(text, i)) && i < text.length) i++;
    if (charAt(text, i) !== '.') return charAt(text, i) === '#';
  }
  i++;
  while (charAt(text, i) === ' ' || charAt(text, i) === '\t') i++;
  const nameStart = i;
  while (i < text.length && isAsciiWordChar(text.charCodeAt(i))) i++;
  if (i === nameStart || (i < text.length && text.charCodeAt(i) > 127) || text.slice(nameStart, i) === '__dict__') return true;
  // Before: a target starts a statement or follows `(`, `[`, `,`, `=`, `:` (`if c: self.x = 1`), `;` or `for`.
  let b = at - 1;
  while (charAt(text, b) === ' ' || charAt(text, b) === '\t') b--;
  const prev = charAt(text, b);
  if (prev !== '' && !'\n\r;:([,=\\'.includes(prev)) {
    if (text.charCodeAt(b) > 127) return true; // a non-ASCII name's end, perhaps
    if (!isAsciiWordChar(text.charCodeAt(b))) return false; // `.self`, `*self`, `-self`, `)self`: not the object of a store
    let w = b;
    while (w > 0 && isAsciiWordChar(text.charCodeAt(w - 1))) w--;
    const word = text.slice(w, b + 1);
    if (word !== 'for') return !READ_KEYWORDS.has(word) && word !== 'in'; // an unknown word (broken code?): the tree says
  }
  // Then what follows the attribute.
  while (charAt(text, i) === ' ' || charAt(text, i) === '\t') i++;
  const c = charAt(text, i);
  const d = charAt(text, i + 1);
  switch (c) {
    case '.':
    case '(':
    case '[':
    case '!':
      return false; // an attribute, a call, a subscript, `!=`
    case '=':
      return d !== '='; // `=`, not `==`
    case '<':
    case '>':
      return d === c && charAt(text, i + 2) === '='; // `<<=`, `>>=`; not a comparison or a shift
    case '*':
    case '/':
      return d === '=' || (d === c && charAt(text, i + 2) === '='); // `*=`, `**=`, `/=`, `//=`
    case '+':
    case '-':
    case '%':
    case '&':
    case '|':
    case '^':
    case '@':
      return d === '='; // augmented, not an operand
  }
  if (c !== '' && isAsciiWordChar(text.charCodeAt(i))) {
    let e = i;
    while (e < text.length && isAsciiWordChar(text.charCodeAt(e))) e++;
    const word = text.slice(i, e);
    return word === 'in' || !READ_KEYWORDS.has(word); // `self.x if …`, `self.x and …` read; `for self.x in` may store
  }
  return true;
}

/** `self.x = …`, `self.x += …`, `self.x, self.y = …`, `for self.x in …`. */
function isStoreTarget(attr: Node): boolean {
  let child = attr;
  for (let p = attr.parent; p; child = p, p = p.parent) {
    if (
      p.type === 'pattern_list' ||
      p.type === 'tuple_pattern' ||
      p.type === 'list_pattern' ||
      p.type === 'tuple' ||
      p.type === 'list' ||
      p.type === 'parenthesized_expression'
    )
      continue;
    if (p.type === 'assignment' || p.type === 'augmented_assignment') return p.childForFieldName('left')?.equals(child) === true;
    if (p.type === 'for_statement') return p.childForFieldName('left')?.equals(child) === true;
    return false;
  }
  return false;
}

/** The quote character the class's slot strings use (double quotes when there are none). */
export function slotQuote(slots: SlotsInfo | null): string {
  const first = slots?.nameNodes[0]?.text ?? '"';
  return first.startsWith("'") ? "'" : '"';
}

/** A `__slots__` value listing names: `("a", "b")`, `("a",)` or `()`. */
export function slotsLiteral(names: readonly string[], quote = '"'): string {
  const items = names.map((n) => `${quote}${n}${quote}`);
  if (items.length === 1) return `(${items[0]},)`;
  return `(${items.join(', ')})`;
}

/** The first statement of a class body that is not its docstring, or null. */
export function firstBodyStatement(cls: Node): Node | null {
  const stmts = cls.childForFieldName('body')?.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') ?? [];
  const docstring = stmts[0]?.type === 'expression_statement' && stmts[0].namedChild(0)?.type === 'string';
  return (docstring ? stmts[1] : stmts[0]) ?? null;
}

/**
 * The qualified names of a class's bases (`torch.nn.Module`; a subscripted base by its value), each followed by those
 * of its own bases when it is a class of this file, depth first, at most five classes deep.
 */
export function* inheritedBaseNames(cls: Node, facts: FileFacts, depth = 0): Generator<string> {
  if (depth > 4) return;
  const index = classIndex(facts);
  for (const base of index.info(cls)?.bases ?? []) {
    const name = facts.qualifiedName(base.type === 'subscript' ? base.childForFieldName('value') : base);
    if (name) yield name;
    const local = index.resolve(base);
    if (local && local.node.id !== cls.id) yield* inheritedBaseNames(local.node, facts, depth + 1);
  }
}
