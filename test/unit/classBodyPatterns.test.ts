// The class rules whose patterns stop at the class body (cache-on-method, slots-undeclared-attribute,
// slots-duplicate-in-subclass): their checks must reach exactly the classes and methods the patterns that reached into
// the body reached. The old patterns are the reference here.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Query, type Node } from '../../server/syntax/parser';
import { classIndex, decoratorCallee, mayHoldCacheDecorator } from '../../server/analysis';
import type { FileFacts } from '../../server/analysis';
import { FIXTURES, getEngine, stdlibSourceOrSkip } from '../helpers/engine';

/** The patterns before: a class body's `__slots__` assignment, and a decorated method with a parameter. */
const OLD_SLOTS = `(class_definition
  body: (block
    (expression_statement (assignment left: (identifier) @slots))
    (#eq? @slots "__slots__"))) @class`;
const OLD_CACHE_ON_METHOD = `(class_definition
  body: (block
    (decorated_definition
      (decorator) @decorator
      definition: (function_definition
        parameters: (parameters . (_))) @method))) @class`;

const CACHES = new Set(['functools.lru_cache', 'functools.cache']);

/** Aliases, soft imports and decorators of every kind: the words a cache decorator may spell. */
const SPELLED = [
  'import functools',
  'import functools as ft',
  'from functools import lru_cache as memo, cache',
  'from functools import wraps',
  'lazy = lazy_import("functools.lru_cache")',
  '',
  'class A:',
  '    @memo(maxsize=None)',
  '    def a(self, x): ...',
  '',
  'class B:',
  '    @property',
  '    @ft.cache',
  '    def b(self): ...',
  '',
  'class C:',
  '    @lazy',
  '    def c(self): ...',
  '',
  'class D:',
  '    @functools.lru_cache',
  '    def d(self, *args): ...',
  '    @staticmethod',
  '    @cache',
  '    def s(x): ...',
  '',
  'class Plain:',
  '    @property',
  '    def p(self): ...',
  '    @wraps(len)',
  '    def w(self): ...',
  '',
].join('\n');

function fixtureTexts(): string[] {
  const texts: string[] = [];
  for (const rule of [
    'cache-on-method',
    'cache-unbounded',
    'cache-unhashable-argument',
    'slots-undeclared-attribute',
    'slots-duplicate-in-subclass',
    'slots-candidate',
  ]) {
    const dir = path.join(FIXTURES, 'rules', rule);
    for (const file of readdirSync(dir)) if (file.endsWith('.py')) texts.push(readFileSync(path.join(dir, file), 'utf8'));
  }
  return texts;
}

describe('class rules read their class body in the check', () => {
  it('asks for a cache decorator in every class whose decorated method the old pattern found with one, and in no class that spells none', async function () {
    const engine = await getEngine();
    const texts = [SPELLED, ...fixtureTexts(), stdlibSourceOrSkip(this, 'functools.py'), stdlibSourceOrSkip(this, 'typing.py')];
    const old = new Query(engine.parser.language, OLD_CACHE_ON_METHOD);
    let cached = 0;
    let quiet = 0;
    try {
      for (const text of texts) {
        const tree = engine.parse(text);
        try {
          const facts: FileFacts = engine.lintRaw(tree, text, {}).facts;
          const withCache = new Set<number>();
          for (const m of old.matches(tree.rootNode)) {
            const decorator = m.captures.find((c) => c.name === 'decorator')!.node;
            const cls = m.captures.find((c) => c.name === 'class')!.node;
            const expr = decorator.namedChild(0);
            const name = expr ? facts.qualifiedName(decoratorCallee(expr)) : null;
            if (!name || !CACHES.has(name)) continue;
            withCache.add(cls.startIndex);
            cached++;
            assert.ok(mayHoldCacheDecorator(facts, cls.startIndex, cls.endIndex), `class at ${cls.startIndex}: @${expr!.text}`);
          }
          if (text === SPELLED) {
            const plain = tree.rootNode.namedChildren.find((n) => n?.type === 'class_definition' && n.childForFieldName('name')!.text === 'Plain')!;
            assert.equal(mayHoldCacheDecorator(facts, plain.startIndex, plain.endIndex), false, 'a class whose decorators spell no cache word');
            quiet++;
            // Every class above Plain holds a cache decorator (the static method's too: the check, not this test, excludes it).
            assert.equal(withCache.size, 4);
          }
        } finally {
          tree.delete();
        }
      }
    } finally {
      old.delete();
    }
    assert.ok(cached >= 8 && quiet === 1, `${cached} cache decorators on methods`);
  });

  it('gives the slots rules their class exactly where the old pattern found a `__slots__` assignment the class index reads', async function () {
    const engine = await getEngine();
    const texts = [...fixtureTexts(), stdlibSourceOrSkip(this, 'typing.py'), stdlibSourceOrSkip(this, 'pathlib.py')];
    const old = new Query(engine.parser.language, OLD_SLOTS);
    const every = new Query(engine.parser.language, '(class_definition) @class');
    let slotted = 0;
    try {
      for (const text of texts) {
        const tree = engine.parse(text);
        try {
          const facts: FileFacts = engine.lintRaw(tree, text, {}).facts;
          const index = classIndex(facts);
          const matched = new Set(old.matches(tree.rootNode).map((m) => m.captures.find((c) => c.name === 'class')!.node.startIndex));
          for (const m of every.matches(tree.rootNode)) {
            const cls: Node = m.captures[0].node;
            // The checks go on only with names read from a `__slots__` value: then the old pattern found the class.
            if (!index.info(cls)?.slots?.names) continue;
            slotted++;
            assert.ok(matched.has(cls.startIndex), `class ${cls.childForFieldName('name')?.text} at ${cls.startIndex}`);
          }
        } finally {
          tree.delete();
        }
      }
    } finally {
      old.delete();
      every.delete();
    }
    assert.ok(slotted >= 20, `${slotted} slotted classes`);
  });
});
