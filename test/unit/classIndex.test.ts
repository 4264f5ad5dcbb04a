// server/analysis/classIndex.ts: classes of one file, their bases, slots and attributes.
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/engine/engine';
import { classIndex, mangle, storesOnlyDeclared, type ClassIndex } from '../../server/analysis/classIndex';
import type { FileFacts } from '../../server/analysis/facts';
import { defineRule } from '../../server/engine/rule';
import { firstParameterName, parameterNames } from '../../server/analysis/scopes';
import { DIST } from '../helpers/engine';

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
});
