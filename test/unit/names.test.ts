// server/analysis/names.ts: reads, stores and what a statement leaves behind in a name.
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/engine/engine';
import { FileFacts } from '../../server/analysis/facts';
import {
  attributesOfName,
  bindingOf,
  callsOfNameIn,
  definitionsNamed,
  inNestedScope,
  localOccurrences,
  methodCallsIn,
  nestedScopeOf,
  readsAfter,
  statementsByKeyword,
} from '../../server/analysis/names';
import type { Node, Tree } from '../../server/syntax/parser';
import { defineRule } from '../../server/engine/rule';
import { DIST, stdlibSourceOrSkip } from '../helpers/engine';

/** Parses `source`, runs `fn` on its tree and frees the tree and the engine, whatever `fn` does. */
async function withParsed<T>(source: string, fn: (tree: Tree) => T): Promise<T> {
  const engine = await Engine.create([], DIST);
  const tree = engine.parse(source);
  try {
    return fn(tree);
  } finally {
    tree.delete();
    engine.dispose();
  }
}

/** For every `for` loop whose target is `x`, the lines of reads of `x` that can see its value afterwards. */
async function readsAfterLoops(source: string): Promise<number[][]> {
  const out: number[][] = [];
  const rule = defineRule({
    id: 'names-probe',
    title: 'names probe',
    category: 'loops',
    severity: 'info',
    enabledByDefault: true,
    confidence: 'high',
    guide: 'comprehensions-and-loops',
    message: 'names probe message',
    docs: { why: 'x'.repeat(50), instead: 'y'.repeat(20) },
    query: '(for_statement left: (identifier) @x (#eq? @x "x")) @loop',
    check(m) {
      out.push(readsAfter(m.need('loop'), 'x').map((id) => id.startPosition.row));
    },
  });
  const engine = await Engine.create([rule], DIST);
  try {
    engine.lintText(source);
    return out;
  } finally {
    engine.dispose();
  }
}

describe('names.readsAfter', () => {
  it('sees plain reads after the loop, but not after a rebinding', async () => {
    assert.deepEqual(
      await readsAfterLoops(`
def f(xs):
    for x in xs:
        pass
    print(x)
    x = 0
    print(x)
`),
      [[4]],
    );
  });

  it('ignores reads inside a later for loop over the same name, and comprehension variables', async () => {
    assert.deepEqual(
      await readsAfterLoops(`
def f(xs):
    for x in xs:
        pass
    ys = [x for x in xs]
    for x in ys:
        print(x)
`),
      [[], []],
    );
  });

  it('counts closures and the next iteration of an enclosing loop', async () => {
    assert.deepEqual(
      await readsAfterLoops(`
def f(rows):
    def show():
        return x
    while rows:
        print(x)
        for x in rows.pop():
            pass
    def own(x):
        return x
`),
      [[3, 5]],
    );
  });
});

describe('names.bindingOf', () => {
  it('tells stores from reads', async () => {
    const kinds: string[] = [];
    const rule = defineRule({
      id: 'binding-probe',
      title: 'binding probe',
      category: 'loops',
      severity: 'info',
      enabledByDefault: true,
      confidence: 'high',
      guide: 'comprehensions-and-loops',
      message: 'binding probe message',
      docs: { why: 'x'.repeat(50), instead: 'y'.repeat(20) },
      query: '((identifier) @id (#eq? @id "v"))',
      check(m) {
        kinds.push(bindingOf(m.need('id'))?.type ?? 'read');
      },
    });
    const engine = await Engine.create([rule], DIST);
    try {
      engine.lintText('v = 1\nv += 1\nprint(v)\nfor v, w in z: pass\nwith a as v: pass\n(v := 2)\nobj.v = 3\nd[v] = 4\n');
    } finally {
      engine.dispose();
    }
    assert.deepEqual(kinds, ['assignment', 'read', 'read', 'for_statement', 'as_pattern', 'named_expression', 'read', 'read']);
  });
});

describe('callsOfNameIn', () => {
  it('finds the same calls as filtering every call by its callee, from the spellings of the name', async () => {
    const source = [
      'def f(n):',
      '    a = f(n - 1) + f (n - 2)',
      '    b = f(\n        f(n))  # nested',
      '    c = obj.f(n) + f',
      '    d = "f(n)"  # f(n) in a comment',
      '    e = f \\',
      '        (n)',
      '    g = (lambda: f(0))()',
      '    return f',
      '',
    ].join('\n');
    await withParsed(source, (tree) => {
      const body = tree.rootNode.child(0)!.childForFieldName('body')!;
      const rows = (calls: (Node | null)[]) => calls.map((c) => `${c!.startPosition.row}:${c!.startPosition.column}`);
      const walked = body.descendantsOfType('call').filter((c) => c?.childForFieldName('function')?.text === 'f');
      assert.deepEqual(rows(callsOfNameIn(body, 'f')), rows(walked));
      assert.equal(walked.length, 6, 'two on line 1, two on line 2, one after a line continuation, one in the lambda');
    });
  });
});

describe('methodCallsIn', () => {
  it('finds the calls of a method on any receiver, not the bare function, the attribute read or the text in strings', async () => {
    const source = [
      'def train(opt, sched, loader):',
      '    for x in loader:',
      '        opt.step()',
      '        sched . step (1)',
      '        self.scaler.step(opt)',
      '        step(x)',
      '        f = opt.step',
      '        s = "opt.step()"  # opt.step() in a comment',
      '        h = (lambda: opt.step())()',
      '',
    ].join('\n');
    await withParsed(source, (tree) => {
      const body = tree.rootNode.child(0)!.childForFieldName('body')!;
      const rows = (calls: (Node | null)[]) => calls.map((c) => `${c!.startPosition.row}:${c!.startPosition.column}`);
      const walked = body
        .descendantsOfType('call')
        .filter(
          (c) => c?.childForFieldName('function')?.type === 'attribute' && c.childForFieldName('function')!.childForFieldName('attribute')?.text === 'step',
        );
      assert.deepEqual(rows(methodCallsIn(body, 'step')), rows(walked));
      assert.equal(walked.length, 4, 'opt, sched (spaced), self.scaler, and the one in the lambda');
    });
  });
});

describe('statementsByKeyword and attributesOfName', () => {
  const rows = (nodes: (Node | null)[]) => nodes.map((n) => `${n!.startIndex}-${n!.endIndex}`);
  const source = [
    'def f(n, memo, t):',
    '    for i in range(n):  # for',
    '        while t.x:',
    '            async_ = [j for j in t]',
    '    async for k in t . y: pass',
    '    s = "for while return t.x"  # return t.z',
    '    u = (t',
    '         .w) + (t  # c',
    '         ).v + t\\',
    '        .q + t[0].r + (t).s + obj.t.u + tt.x',
    '    def g(t): return t.a',
    '    return (n)',
    '    return',
    '',
  ].join('\n');

  it('finds the statements of a keyword and the attributes of a name that the walks over their node types find', async () => {
    await withParsed(source, (tree) => {
      const body = tree.rootNode.child(0)!.childForFieldName('body')!;
      for (const [keyword, type] of [
        ['for', 'for_statement'],
        ['while', 'while_statement'],
        ['return', 'return_statement'],
      ]) {
        assert.deepEqual(rows(statementsByKeyword(body, keyword, new Set([type]))), rows(body.descendantsOfType(type)), keyword);
      }
      for (const name of ['t', 'n', 'obj', 'tt', 'memo']) {
        const walked = body.descendantsOfType('attribute').filter((a) => a?.childForFieldName('object')?.text === name);
        assert.deepEqual(rows(attributesOfName(body, name)), rows(walked), name);
      }
      assert.equal(attributesOfName(body, 't').length, 5, 't.x, t . y, t and .w on two lines, t\\ .q, t.a in the nested def');
    });
  });

  it('agrees with the walks on every def of a standard-library module', async function () {
    const text = stdlibSourceOrSkip(this, 'typing.py');
    await withParsed(text, (tree) => {
      let compared = 0;
      for (const def of tree.rootNode.descendantsOfType('function_definition')) {
        const body = def!.childForFieldName('body')!;
        for (const [keyword, type] of [
          ['for', 'for_statement'],
          ['while', 'while_statement'],
          ['return', 'return_statement'],
        ]) {
          assert.deepEqual(
            rows(statementsByKeyword(body, keyword, new Set([type]))),
            rows(body.descendantsOfType(type)),
            `${keyword} in ${def!.text.slice(0, 60)}`,
          );
        }
        const names = new Set(body.descendantsOfType('identifier').map((id) => id!.text));
        for (const name of names) {
          const walked = body.descendantsOfType('attribute').filter((a) => a?.childForFieldName('object')?.text === name);
          assert.deepEqual(rows(attributesOfName(body, name)), rows(walked), `${name} in ${def!.text.slice(0, 60)}`);
          compared++;
        }
      }
      assert.ok(compared > 1000, `${compared} names compared`);
    });
  });
});

describe('definitionsNamed', () => {
  it('finds the defs and classes a name is defined by, where the text spells the keyword before it', async () => {
    const source = [
      'class Box:  # a class',
      '    def Box(self): ...',
      'class \\',
      '        Box(Base): ...',
      'async def Box(): ...',
      'Box()',
      'x = "class Box"',
      'def Boxes(): ...',
      '',
    ].join('\n');
    await withParsed(source, (tree) => {
      const rows = (type: 'function_definition' | 'class_definition') =>
        definitionsNamed(new FileFacts(tree, source, { imports: [], comments: [], functions: [] }), type, 'Box').map((n) => n.startPosition.row);
      assert.deepEqual(rows('class_definition'), [0, 2], 'both classes, one after a line continuation; not the string');
      assert.deepEqual(rows('function_definition'), [1, 4], 'the method and the async def; not the call or Boxes');
    });
  });

  it('finds every def and class of typing.py by its name as a walk over the definitions does', async function () {
    const text = stdlibSourceOrSkip(this, 'typing.py');
    await withParsed(text, (tree) => {
      const facts = new FileFacts(tree, text, { imports: [], comments: [], functions: [] });
      for (const type of ['function_definition', 'class_definition'] as const) {
        const all = tree.rootNode.descendantsOfType(type).map((d) => d!);
        const names = new Set(all.map((d) => d.childForFieldName('name')!.text));
        for (const name of names) {
          const walked = all.filter((d) => d.childForFieldName('name')!.text === name).map((d) => d.startIndex);
          assert.deepEqual(
            definitionsNamed(facts, type, name).map((d) => d.startIndex),
            walked,
            `${type} ${name}`,
          );
        }
        assert.ok(names.size > 40, `${names.size} ${type} names`);
      }
    });
  });
});

describe('inNestedScope', () => {
  /** For each scope (the module, every def, lambda and class), the identifiers inNestedScope and nestedScopeOf each place in a nested one. */
  function compare(source: string): { scopes: number; nested: number } {
    return withTree(source, (root) => {
      let nested = 0;
      const scopes = [root, ...root.descendantsOfType(['function_definition', 'lambda', 'class_definition', 'block'])].filter((n): n is Node => n !== null);
      const ids = root.descendantsOfType('identifier').filter((n): n is Node => n !== null);
      for (const scope of scopes) {
        const test = inNestedScope(scope);
        for (const id of ids) {
          if (id.startIndex < scope.startIndex || id.endIndex > scope.endIndex) continue;
          const walked = nestedScopeOf(id, scope) !== null;
          assert.equal(test(id), walked, `${id.text} at row ${id.startPosition.row} in the ${scope.type} at row ${scope.startPosition.row}`);
          if (walked) nested++;
        }
      }
      return { scopes: scopes.length, nested };
    });
  }

  function withTree<T>(source: string, fn: (root: Node) => T): T {
    const engine = engineFor;
    const tree = engine!.parse(source);
    try {
      return fn(tree.rootNode);
    } finally {
      tree.delete();
    }
  }

  let engineFor: Engine | undefined;
  before(async () => {
    engineFor = await Engine.create([], DIST);
  });
  after(() => engineFor?.dispose());

  it('agrees with the walk up from each identifier: defs, async defs, lambdas, classes, nested ones, keywords in strings and comments', () => {
    const source = [
      'def outer(a, b=lambda q: q + a):',
      '    x = "def not_a_def(): class lambda"  # def in a comment, lambda too',
      '    async def inner(y):',
      '        class Local:',
      '            z = x',
      '            def method(self): return x + y',
      '        return (lambda w: w + x)(y)',
      '    k = [lambda: x for x in b]',
      '    return x + a',
      'class Top(Base):',
      '    def m(self, x): return x',
      '    x = 1',
      'x = outer',
      '',
    ].join('\n');
    const { scopes, nested } = compare(source);
    assert.ok(scopes >= 8 && nested >= 10, `${scopes} scopes, ${nested} identifiers in nested scopes`);
  });

  it('agrees in code with a syntax error (it walks up there)', () => {
    const { nested } = compare('def f(x):\n    def g(:\n        return x\n    return x\n');
    assert.ok(nested >= 0);
  });

  it('keeps localOccurrences to the scope itself', () => {
    const rows = withTree('def f(x):\n    g = lambda: x\n    def h():\n        return x\n    return x\n', (root) =>
      localOccurrences(root.descendantsOfType('function_definition')[0]!, 'x').map((id) => id.startPosition.row),
    );
    assert.deepEqual(rows, [0, 4]);
  });
});
