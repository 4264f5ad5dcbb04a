// server/analysis/classIndex.ts: classes of one file, their bases, slots and attributes.
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/engine/engine';
import {
  classIndex,
  clearStatementSpellings,
  mangle,
  MAX_MEMO_CHARS,
  memoChars,
  slotNamesReads,
  statementSpellingsReads,
  storesOnlyDeclared,
  type ClassIndex,
} from '../../server/analysis/classIndex';
import duplicate from '../../rules/classes/slots-duplicate-in-subclass';
import undeclared from '../../rules/classes/slots-undeclared-attribute';
import type { FileFacts } from '../../server/analysis/facts';
import { defineRule } from '../../server/engine/rule';
import { firstParameterName, parameterNames } from '../../server/analysis/scopes';
import { DIST, stdlibSourceOrSkip } from '../helpers/engine';
import { TextMemo } from '../../server/analysis/textMemo';

/** Runs fn on the class index of source (inside a lint, where FileFacts exist). */
async function withIndex<T>(source: string, fn: (index: ClassIndex, facts: FileFacts) => T): Promise<T> {
  let result: T | undefined;
  const rule = defineRule({
    id: 'class-index-probe',
    title: 'class index probe',
    category: 'classes',
    severity: 'info',
    enabledByDefault: true,
    confidence: 'high',
    guide: 'slots',
    message: 'class index probe message',
    docs: { why: 'x'.repeat(50), instead: 'y'.repeat(20) },
    query: '(module) @m',
    check(_m, ctx) {
      result = fn(classIndex(ctx.facts), ctx.facts);
    },
  });
  const engine = await Engine.create([rule], DIST);
  try {
    const { failures } = engine.lintText(source);
    assert.deepEqual(failures, []);
    return result as T;
  } finally {
    engine.dispose();
  }
}

describe('classIndex', () => {
  it('reads slots, class names, methods and instance attributes', async () => {
    const got = await withIndex(
      `
class Base:
    __slots__ = ("id", "__weakref__")
    kind = "base"

    def __init__(self, id):
        self.id = id

class Child(Base):
    __slots__ = ["w"]

    def __init__(self, id, w):
        super().__init__(id)
        self.w, self.h = w, 0

    @staticmethod
    def make(self):
        self.not_an_attribute = 1

class Odd:
    __slots__ = make_slots()
`,
      (index) =>
        index.classes.map((c) => ({
          name: c.name,
          slots: c.slots?.names,
          attrs: [...c.instanceAttributes.keys()],
          methods: [...c.methods.keys()],
          names: [...c.classNames.keys()],
        })),
    );
    assert.deepEqual(got, [
      { name: 'Base', slots: ['id', '__weakref__'], attrs: ['id'], methods: ['__init__'], names: ['__slots__', 'kind', '__init__'] },
      { name: 'Child', slots: ['w'], attrs: ['w', 'h'], methods: ['__init__', 'make'], names: ['__slots__', '__init__', 'make'] },
      { name: 'Odd', slots: null, attrs: [], methods: [], names: ['__slots__'] },
    ]);
  });

  it('finds __slots__ where the class spells it as reading the whole body does', async () => {
    // Each class asked for its slots first (looked up where `__slots__` is spelled) and after its body was read.
    const source = `
class Last:
    __slots__ = ("a",)
    x = 1; __slots__ = ("b",)

class Annotated:
    __slots__: tuple = ("c",)

class OnlyMentioned:
    doc = "no __slots__ here"
    # __slots__ = ("comment",)
    def f(self):
        __slots__ = ("local",)
        self.__slots__ = ("attr",)

class Nested:
    class Inner:
        __slots__ = ("inner",)
    if True:
        __slots__ = ("conditional",)

class WithoutValue:
    __slots__: tuple

class Header(__slots__):
    pass

class Decorated:
    @property
    def __slots__(self):
        return ()
    __slots__ = ["d"]
`;
    const read = (index: ClassIndex, bodyFirst: boolean) =>
      index.classes.map((c) => {
        if (bodyFirst) void c.methods;
        return { name: c.name, slots: c.slots?.names, at: c.slots?.assignment.startIndex };
      });
    const lookedUp = await withIndex(source, (index) => read(index, false));
    const bodyRead = await withIndex(source, (index) => read(index, true));
    assert.deepEqual(lookedUp, bodyRead);
    assert.deepEqual(
      lookedUp.map((c) => [c.name, c.slots]),
      [
        ['Last', ['b']],
        ['Annotated', ['c']],
        ['OnlyMentioned', undefined],
        ['Nested', undefined],
        ['Inner', ['inner']],
        ['WithoutValue', undefined],
        ['Header', undefined],
        ['Decorated', ['d']],
      ],
    );
  });

  it('resolves bases within the file and knows when instances are dict-free', async () => {
    const got = await withIndex(
      `
import typing
from abc import ABC
from somewhere import External

class A(ABC):
    __slots__ = ()
class B(A):
    __slots__ = ("x",)
class C(B):
    pass
class D(B, typing.Generic[T]):
    __slots__ = ("y",)
class E(External):
    __slots__ = ("z",)
class F(B):
    __slots__ = ("__dict__",)
`,
      (index) => index.classes.map((c) => [c.name, index.isFullySlotted(c), [...(index.inheritedSlots(c) ?? ['?'])].join(',')]),
    );
    assert.deepEqual(got, [
      ['A', true, ''],
      ['B', true, ''],
      ['C', false, 'x'],
      ['D', true, 'x'],
      ['E', null, '?'],
      ['F', false, 'x'],
    ]);
  });

  it('does not resolve a name that is rebound or defined twice', async () => {
    const got = await withIndex(
      `
from lib import Shadow
class Shadow: pass
class Twice: pass
class Twice: pass
class Once: pass
def f():
    class Once: pass
`,
      (index) => ['Shadow', 'Twice', 'Once'].map((n) => index.byClassName(n)?.name ?? null),
    );
    assert.deepEqual(got, [null, null, 'Once']);
  });

  it('flags dataclasses, protocols, enums and dynamic attributes', async () => {
    const got = await withIndex(
      `
import dataclasses as dc
from typing import Protocol
import enum

@dc.dataclass(frozen=True)
class P:
    x: int = 0

class Proto(Protocol):
    def fit(self): ...

class Color(enum.Enum):
    RED = 1

class Dyn:
    def set(self, k, v):
        setattr(self, k, v)
`,
      (index) => index.classes.map((c) => [c.name, c.isDataclass, c.isProtocol, c.isEnum, c.dynamicAttributes, [...c.annotations.keys()].join(',')]),
    );
    assert.deepEqual(got, [
      ['P', true, false, false, false, 'x'],
      ['Proto', false, true, false, false, ''],
      ['Color', false, false, true, false, ''],
      ['Dyn', false, false, false, true, ''],
    ]);
  });

  it('finds constructor calls and mangles private names', async () => {
    const got = await withIndex(
      `
class Point: pass
pts = [Point() for _ in range(3)]
p = Point()
`,
      (index) => index.constructorCalls(index.byClassName('Point')!).length,
    );
    assert.equal(got, 2);
    assert.equal(mangle('__x', '_Node'), '_Node__x');
    assert.equal(mangle('__init__', 'Node'), '__init__');
  });

  it('says every store is declared only when the tree finds no other (storesOnlyDeclared)', async () => {
    const got = await withIndex(
      `
class Clean:
    __slots__ = ("x", "y")

    def __init__(self, x):
        self.x = x
        self . y = 0
        self.x += len(self.y.items())

    @staticmethod
    def make(self):
        self.not_an_attribute = 1

class Stores:
    def __init__(self):
        self.a, self.b = 1, 2
        for self.c in range(3):
            pass
        self.d: int = 4

class Broken:
    def __init__(self):
        (self
            .x) = 1

class Dict:
    def names(self):
        return self.__dict__
`,
      (index) =>
        index.classes.map((c) => {
          const stored = [...c.instanceAttributes.keys()];
          // Sound: leaving out any name the tree finds stored makes it false.
          const sound = stored.every((name) => !storesOnlyDeclared(c, (n) => n !== name));
          return [c.name, stored.join(','), storesOnlyDeclared(c, () => true), sound];
        }),
    );
    assert.deepEqual(got, [
      ['Clean', 'x,y', true, true],
      ['Stores', 'a,b,c,d', true, true],
      // The text cannot read a name across the line break, nor may `__dict__` pass: the tree decides.
      ['Broken', 'x', false, true],
      ['Dict', '', false, true],
    ]);
    const clean = await withIndex('class C:\n    __slots__ = ("x",)\n    def f(self):\n        self.x = 1\n        self.z = 2\n', (index) =>
      storesOnlyDeclared(index.byClassName('C')!, (n) => n === 'x'),
    );
    assert.equal(clean, false);
  });

  it('is memoised per file', async () => {
    const same = await withIndex('class A: pass', (index, facts) => classIndex(facts) === index);
    assert.equal(same, true);
  });
  it('answers dynamicAttributes from a `self.__dict__` without reading every store from the tree', async () => {
    const got = await withIndex(
      `
class Meta:
    __slots__ = ()

    def __init_subclass__(cls, *args):
        cls.a = 1
        if '__init__' in cls.__dict__:
            cls.b = 2

class Plain:
    __slots__ = ()

    def f(self):
        self.a = 1
`,
      (index) =>
        index.classes.map((c) => {
          const dynamic = c.dynamicAttributes;
          // The stores were not collected for the answer (LazyClassInfo's attributePart): only Plain needed them.
          const collected = (c as unknown as { attributePart?: unknown }).attributePart !== undefined;
          return [c.name, dynamic, collected, [...c.instanceAttributes.keys()].join(',')];
        }),
    );
    assert.deepEqual(got, [
      ['Meta', true, false, 'a,b'],
      ['Plain', false, true, 'a'],
    ]);
  });

  it('gives dynamicAttributes the same answer from the `__dict__` spellings as from every store', async () => {
    // Each class: whether instances use a `__dict__`, as the full collection decides (instanceAttributes read first).
    const source = `
class OwnDict:
    def f(self):
        return self.__dict__

class SpacedDict:
    def f(self):
        return self . __dict__

class OtherDict:
    def f(self, other):
        return other.__dict__

class NestedDict:
    def f(self):
        def g():
            return self.__dict__
        return g

class DictOfAttribute:
    def f(self):
        return self.x.__dict__

class StaticDict:
    @staticmethod
    def f(self):
        return self.__dict__

class Setattr:
    def f(self, k):
        setattr(self, k, 1)

class None_:
    def f(self):
        self.a = 1
`;
    const lazily = await withIndex(source, (index) => index.classes.map((c) => [c.name, c.dynamicAttributes]));
    const fully = await withIndex(source, (index) =>
      index.classes.map((c) => {
        void c.instanceAttributes;
        return [c.name, c.dynamicAttributes];
      }),
    );
    assert.deepEqual(lazily, fully);
    assert.deepEqual(
      fully.filter(([, d]) => d).map(([n]) => n),
      ['OwnDict', 'SpacedDict', 'NestedDict', 'Setattr'],
    );
  });
  it("reads a method's instance parameter as the first of parameterNames", async () => {
    const source = [
      'def a(self): pass',
      'def b(self: "T", x): pass',
      'def c(*args, x): pass',
      'def d(*, k): pass',
      'def e(x=1, y=2): pass',
      'def f(x: int = 1): pass',
      'def g(  # why\n    self,\n): pass',
      'def h(): pass',
      'def i(**kw): pass',
      'def j(a, /, b): pass',
    ].join('\n');
    const got = await withIndex(source, (_index, facts) =>
      facts.root.descendantsOfType('function_definition').map((d) => [firstParameterName(d!), parameterNames(d!)[0]]),
    );
    assert.equal(got.length, 10);
    for (const [first, listed] of got) assert.equal(first, listed);
    assert.deepEqual(
      got.map(([first]) => first),
      ['self', 'self', 'args', 'k', 'x', 'x', 'self', undefined, 'kw', 'a'],
    );
  });

  it('finds the constructor calls of every class of typing.py that a walk over the calls finds', async function () {
    const text = stdlibSourceOrSkip(this, 'typing.py');
    const got = await withIndex(text + '\nclass K: pass\nK (1)\nK  # c\n(2)\nK\\\n(3)\nx.K(4)\n(K)(5)\n', (index, facts) => {
      const calls = facts.root.descendantsOfType('call').map((c) => c!);
      return index.classes.map((c) => {
        const walked = calls.filter((call) => {
          const fn = call.childForFieldName('function');
          return fn?.type === 'identifier' && fn.text === c.name;
        });
        return [c.name, index.constructorCalls(c).map((n) => n.startIndex), walked.map((n) => n.startIndex)];
      });
    });
    for (const [name, found, walked] of got) assert.deepEqual(found, walked, String(name));
    assert.deepEqual(got.at(-1)![1].length, 2, 'K (1) and K\\ (3); a comment and a line break end the statement before (2)');
    assert.ok(got.filter(([, found]) => (found as number[]).length > 0).length > 10);
  });

  describe('store spellings shared across lints by statement text', () => {
    const cls = (g: string, f = 'self.x = 1') =>
      [
        'class P:',
        '    __slots__ = ("x",)',
        '',
        '    def f(self):',
        `        ${f}`,
        '',
        '    @property',
        '    def g(self):',
        `        ${g}`,
        '        return 0',
        '',
      ].join('\n');

    it('reads again only the method an edit changed, and a finding appears and goes with the edit', async () => {
      const engine = await Engine.create([undeclared], DIST);
      try {
        const lint = (source: string) => engine.lintText(source).findings.map((f) => `${f.ruleId}@${source.slice(0, f.start).split('\n').length}`);
        clearStatementSpellings();
        assert.deepEqual(lint(cls('self.x = 2')), []);
        const before = statementSpellingsReads.count;
        assert.deepEqual(lint(cls('self.y = 2')), ['slots-undeclared-attribute@9'], 'a store in g that __slots__ does not declare');
        assert.equal(statementSpellingsReads.count - before, 1, 'only g read from the tree again');
        assert.deepEqual(lint(cls('self.x = 2')), [], 'the finding goes with the edit');
        assert.equal(statementSpellingsReads.count - before, 1, 'every statement as read before');
        assert.deepEqual(lint(cls('self.x = 2', 'self.z = 1')), ['slots-undeclared-attribute@5'], 'now in f');
        assert.equal(statementSpellingsReads.count - before, 2);
        // Moved down two lines (offsets differ, texts do not): nothing read again, the finding placed at the new line.
        assert.deepEqual(lint('import os\n\n' + cls('self.x = 2', 'self.z = 1')), ['slots-undeclared-attribute@7']);
        assert.equal(statementSpellingsReads.count - before, 2);
        // The class nested one level deeper: its statements' lines are indented further, so they are read again.
        assert.deepEqual(lint('def outer():\n' + cls('self.y = 2').replace(/^/gm, '    ')), ['slots-undeclared-attribute@10']);
        assert.ok(statementSpellingsReads.count - before > 2);
      } finally {
        engine.dispose();
      }
    });

    it('gives the same spellings from the table as read from the tree, on every class of typing.py', async function () {
      const text = stdlibSourceOrSkip(this, 'typing.py');
      const spellings = (index: ClassIndex, facts: FileFacts) =>
        index.classes.map((c) =>
          c.storeSpellings.map((m) => [c.name, m.self, m.body.startIndex - facts.text.length, m.offsets.map((o) => o - facts.text.length), m.names]),
        );
      clearStatementSpellings();
      const read = await withIndex(text, spellings);
      const before = statementSpellingsReads.count;
      const shared = await withIndex('import os\n# moved\n' + text, spellings);
      assert.equal(statementSpellingsReads.count, before, 'every statement from the table');
      assert.deepEqual(shared, read);
      assert.ok(read.flat().length > 100, `${read.flat().length} methods`);
    });

    it('reads slot names again only when the `__slots__` value changes, and its name nodes only when asked', async () => {
      const engine = await Engine.create([undeclared, duplicate], DIST);
      try {
        const source = (slots: string) =>
          ['class Base:', '    __slots__ = ("a",)', '', 'class P(Base):', `    __slots__ = ${slots}`, '', '    def f(self):', '        self.b = 1', ''].join(
            '\n',
          );
        const lint = (text: string) =>
          engine
            .lintText(text)
            .findings.map((f) => `${f.ruleId}@${text.slice(0, f.start).split('\n').length}:${text.slice(f.start, f.end)}`)
            .sort();
        clearStatementSpellings();
        assert.deepEqual(lint(source('("b",)')), []);
        const before = slotNamesReads.count;
        assert.deepEqual(lint('\n' + source('("b",)')), [], 'moved: names from the table');
        assert.equal(slotNamesReads.count, before);
        assert.deepEqual(lint(source('("c",)')), ['slots-undeclared-attribute@8:self.b'], 'b no longer declared');
        assert.equal(slotNamesReads.count, before + 1, 'only the changed value read again');
        assert.deepEqual(lint(source("('a', 'b')")), ["slots-duplicate-in-subclass@5:'a'"], 'the duplicate reported on its name node');
        assert.deepEqual(lint(source('("b",)')), []);
        assert.equal(slotNamesReads.count, before + 2);
      } finally {
        engine.dispose();
      }
    });

    it('lists the methods as the class body does: the last def of a name, at the place of the first', async () => {
      const got = await withIndex(
        `
class C:
    def a(self): self.one = 1
    def b(this): this.two = 2
    def a(me): me.three = 3
    @staticmethod
    def b(x): x.four = 4
    @classmethod
    def c(cls): cls.five = 5
    def d(*args): args.six = 6
    e = lambda self: None
`,
        (index) => index.classes[0].storeSpellings.map((m) => [m.self, m.names]),
      );
      assert.deepEqual(got, [
        ['me', ['three']],
        ['args', ['six']],
      ]);
    });
  });

  describe('the text-keyed tables are bounded by the characters they hold', () => {
    it('empties a table before an entry would take it over its characters, and keeps no pair over them alone', () => {
      const memo = new TextMemo<string[]>(100, 50, (v) => v.join('').length);
      memo.set('a'.repeat(20), ['xx']);
      memo.set('b'.repeat(20), ['yy']);
      assert.equal(memo.size, 2);
      assert.equal(memo.chars, 44);
      memo.set('b'.repeat(20), ['yyyy']);
      assert.equal(memo.chars, 46, 'a key set again is weighed once, with its new answer');
      memo.set('c'.repeat(10), []);
      assert.deepEqual([memo.size, memo.chars], [1, 10], 'emptied first: 56 characters would be over 50');
      assert.equal(memo.get('a'.repeat(20)), undefined);
      memo.set('d'.repeat(51), []);
      assert.deepEqual([memo.size, memo.chars], [1, 10], 'too long alone: not kept, and the table not emptied for it');
    });

    it('holds at most MAX_MEMO_CHARS of statements, however many long methods the classes have', async () => {
      // Five files of 40 methods of about 12,000 characters each, all kept under the count bound (2,048): 2.4 MB.
      const method = (k: number) => [`    def m${k}(self):`, `        self.x${k} = 1`, ...Array(400).fill('        y = "' + 'z'.repeat(18) + '"')].join('\n');
      const file = (f: number) =>
        Array.from({ length: 4 }, (_, c) => [`class C${c}:`, ...Array.from({ length: 10 }, (_, k) => method(f * 100 + c * 10 + k))].join('\n')).join('\n');
      clearStatementSpellings();
      let read = 0;
      for (let f = 0; f < 5; f++) {
        const source = file(f);
        read += source.length;
        await withIndex(source, (index) => index.classes.forEach((c) => c.storeSpellings));
        const held = memoChars();
        assert.ok(held.statements > 0, 'statements were kept');
        assert.ok(held.statements <= MAX_MEMO_CHARS, `${held.statements} characters held`);
      }
      assert.ok(read > 2 * MAX_MEMO_CHARS, `the files (${read} characters) are over the bound`);
    });
  });
});
