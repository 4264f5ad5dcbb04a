// server/analysis/names.ts: localDefinition and fileFunctionDef read the module's defs and assignments once per tree
// (asked for every call a rule resolves, each ask once read every top-level statement and scanned the whole text).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Engine } from '../../server/engine/engine';
import { fileFunctionDef, localDefinition, plainAssignments } from '../../server/analysis/names';
import { enclosingDef, parameterNames } from '../../server/analysis/scopes';
import type { Node } from '../../server/syntax/parser';
import { DIST } from '../helpers/engine';

/** The module's undecorated defs of a name, read from its statements as the lookups did before the memo. */
function defsReadAgain(root: Node, name: string): Node[] {
  return root.namedChildren.filter((s): s is Node => s?.type === 'function_definition' && s.childForFieldName('name')?.text === name);
}

/** fileFunctionDef as it was written before the memo: the reference the memoised one must equal. */
function fileFunctionDefReadAgain(name: Node, at: Node): Node | null {
  const owner = enclosingDef(at);
  const rebound = owner !== null && (parameterNames(owner).includes(name.text) || plainAssignments(owner, name.text).length > 0);
  const local = localDefinitionReadAgain(name, at);
  if (local) return rebound && local.parent?.type === 'module' ? null : local;
  if (!owner || rebound) return null;
  const root = at.tree.rootNode;
  const defs = defsReadAgain(root, name.text);
  return defs.length === 1 && plainAssignments(root, name.text).length === 0 ? defs[0] : null;
}

function localDefinitionReadAgain(callable: Node, at: Node): Node | null {
  let scope: Node | null = at.parent;
  while (scope && scope.type !== 'function_definition' && scope.type !== 'module') scope = scope.parent;
  for (const owner of [scope, at.tree.rootNode]) {
    const body = owner?.type === 'function_definition' ? owner.childForFieldName('body') : owner;
    if (!owner || !body) continue;
    const defs = body.namedChildren.filter((s) => s?.type === 'function_definition' && s.childForFieldName('name')?.text === callable.text);
    if (defs.length > 1) return null;
    if (defs.length === 1) return plainAssignments(owner, callable.text).length === 0 && defs[0]!.startIndex < at.startIndex ? defs[0] : null;
  }
  return null;
}

const at = (n: Node | null) => (n ? n.startIndex : null);

describe('module defs read once per tree', () => {
  let engine: Engine;
  before(async () => {
    engine = await Engine.create([], DIST);
  });

  /** Each call of a bare name in the text: what the memoised lookups give, and what reading the module again gives. */
  function compareCalls(text: string): number {
    const tree = engine.parse(text);
    try {
      let asked = 0;
      for (const call of tree.rootNode.descendantsOfType('call')) {
        const fn = call!.childForFieldName('function');
        if (fn?.type !== 'identifier') continue;
        assert.equal(at(fileFunctionDef(fn, call!)), at(fileFunctionDefReadAgain(fn, call!)), `fileFunctionDef(${fn.text}) at ${call!.startIndex}`);
        assert.equal(at(localDefinition(fn, call!)), at(localDefinitionReadAgain(fn, call!)), `localDefinition(${fn.text}) at ${call!.startIndex}`);
        asked++;
      }
      return asked;
    } finally {
      tree.delete();
    }
  }

  it('answers as reading the module again does, for every call of the standard library modules read', function () {
    const texts = ['argparse.py', 'typing.py', 'functools.py', 'inspect.py'].flatMap((f) => {
      try {
        return [readFileSync(`/usr/lib/python3.11/${f}`, 'utf8')];
      } catch {
        return [];
      }
    });
    if (texts.length === 0) this.skip();
    const asked = texts.reduce((n, text) => n + compareCalls(text), 0);
    assert.ok(asked > 1000, `${asked} calls`);
  });

  it('keeps the cases apart: one def, two defs, a def also assigned, a def below its use, another tree', () => {
    const source = [
      'def once(x):',
      '    return x',
      '',
      'def twice(x):',
      '    return x',
      '',
      'def twice(x):',
      '    return x + 1',
      '',
      'def bound(x):',
      '    return x',
      '',
      'bound = print',
      '',
      'def user():',
      '    return once(1) + twice(2) + bound(3) + later(4)',
      '',
      'once(5)',
      'later(6)',
      '',
      'def later(x):',
      '    return x',
      '',
    ].join('\n');
    assert.ok(compareCalls(source) >= 6);
    const tree = engine.parse(source);
    try {
      const calls = tree.rootNode.descendantsOfType('call').map((c) => c!);
      const named = (name: string, index = 0) => calls.filter((c) => c.childForFieldName('function')!.text === name)[index];
      const defName = (n: Node | null) => (n ? `${n.childForFieldName('name')!.text}@${n.startPosition.row}` : null);
      const ask = (call: Node) => defName(fileFunctionDef(call.childForFieldName('function')!, call));
      assert.equal(ask(named('once')), 'once@0');
      assert.equal(ask(named('twice')), null, 'two defs of the name');
      assert.equal(ask(named('bound')), null, 'the module assigns the name too');
      assert.equal(ask(named('later')), 'later@20', 'a def further down, used from a function');
      assert.equal(ask(named('later', 1)), null, 'module-level code before the def runs before it exists');
    } finally {
      tree.delete();
    }
    // Another text with the same names: its own defs (the memo is the tree's, not the names').
    const other = 'def twice(x):\n    return x\n\ndef user():\n    return twice(1)\n';
    const second = engine.parse(other);
    try {
      const call = second.rootNode.descendantsOfType('call')[0]!;
      assert.equal(at(fileFunctionDef(call.childForFieldName('function')!, call)), 0);
    } finally {
      second.delete();
    }
  });
});
