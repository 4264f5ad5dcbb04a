// Gated groups whose patterns all start at a class, def or decorated definition run on those nodes
// (collected by the base pass) instead of walking the whole tree again (compile.ts ROOT_FACTS).
// That is only right if it finds exactly what a whole-tree pass finds: this test compares both on
// every rule fixture and a slice of the stdlib, with every rule selected.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../../rules';
import { patternRootTypes } from '../../server/engine/compile';
import { Engine, newProfile } from '../../server/engine/engine';
import { DIST, FIXTURES, pythonFiles, stdlibSlice } from '../helpers/engine';

describe('patternRootTypes', () => {
  it('names the node type each top-level pattern starts at', () => {
    assert.deepEqual(patternRootTypes('(class_definition name: (identifier) @n) @c\n; a comment (call)\n(function_definition) @f'), [
      'class_definition',
      'function_definition',
    ]);
    assert.deepEqual(patternRootTypes('(function_definition name: (identifier) @n (#eq? @n "(call) [x]")) @fn'), ['function_definition']);
  });

  it('tells calls of a name or attribute (what the call fact collects) from any call', () => {
    assert.deepEqual(patternRootTypes('(call function: (identifier) @f) @c\n(call function: (attribute attribute: (identifier) @m)) @c'), ['call', 'call']);
    assert.deepEqual(patternRootTypes('(call) @c'), ['call:any']);
    assert.deepEqual(patternRootTypes('(call function: (subscript) @s) @c'), ['call:any']);
    assert.deepEqual(patternRootTypes('(call arguments: (argument_list) function: (identifier)) @c'), ['call:any']);
  });

  it('gives up on anything that may start elsewhere or at several nodes', () => {
    for (const query of [
      '[(class_definition) (function_definition)] @d', // alternation
      '(_ (identifier)) @x', // wildcard root
      '((identifier) @a . (identifier) @b)', // grouped sibling sequence
      '(comment)+ @c', // quantified
      '((identifier) @x (#eq? @x "y"))', // top-level predicate group
      '"async" @kw', // anonymous node
      '', // nothing
    ]) {
      assert.equal(patternRootTypes(query), null, query);
    }
  });
});

/**
 * Lints every fixture and a stdlib slice with every rule, once with a query-machinery shortcut on and once with
 * it switched off by `switchOff`, and asserts the same findings; `ranTheShortWay` picks the profile's group keys
 * that prove the shortcut was really taken (at least two), so the comparison is not vacuous.
 */
async function assertShortcutKeepsFindings(
  switchOff: (engine: Engine) => void,
  ranTheShortWay: (groupKey: string) => boolean,
  shortcut: string,
  minGroups = 2,
): Promise<void> {
  const withShortcut = await Engine.create(ALL_RULES, DIST);
  const without = await Engine.create(ALL_RULES, DIST);
  switchOff(without);
  const profile = newProfile();
  withShortcut.profile = profile;
  try {
    const files = [...pythonFiles(path.join(FIXTURES, 'rules')), ...stdlibSlice(15)];
    const options = { select: ['ALL'] };
    let total = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const fast = withShortcut.lintText(text, options).findings;
      const plain = without.lintText(text, options).findings;
      assert.deepEqual(fast, plain, file);
      total += plain.length;
    }
    const taken = [...profile.groups.keys()].filter(ranTheShortWay);
    assert.ok(taken.length >= minGroups, `only ${taken.join(', ')} ${shortcut}: the comparison proves little`);
    const passes = taken.reduce((n, key) => n + profile.groups.get(key)!.passes, 0);
    assert.ok(passes >= 5, `${shortcut} in ${passes} files only: the comparison proves little`);
    assert.ok(total > 200, `only ${total} findings`);
  } finally {
    withShortcut.dispose();
    without.dispose();
  }
}

describe('gated groups run on their root nodes', () => {
  it('find exactly the findings of whole-tree passes, on every fixture and a stdlib slice (every rule selected)', async function () {
    this.timeout(300000);
    await assertShortcutKeepsFindings(
      (engine) => (engine.rootedGroups = false),
      (key) => key.includes('(on '),
      'ran on root nodes',
    );
  });
});

describe('gated groups whose rules report only inside an async def', () => {
  it('run on the outermost async defs and find exactly what a whole-tree pass finds (fixtures and a stdlib slice, every rule selected)', async function () {
    this.timeout(300000);
    await assertShortcutKeepsFindings(
      (engine) => (engine.asyncScopedGroups = false),
      (key) => key.includes('(in async defs)'),
      'ran in async defs',
      1, // one such group today: `async`/`await` (async-blocking-call, async-sequential-awaits)
    );
  });
});

describe('whole-tree gated groups a file opens together', () => {
  it('run as one merged query that finds exactly what one pass per group finds (fixtures and a stdlib slice, every rule selected)', async function () {
    this.timeout(300000);
    await assertShortcutKeepsFindings(
      (engine) => (engine.mergedGroups = false),
      (key) => key.includes(' + '),
      'ran merged',
    );
  });

  it('are merged from the second file that opens the same set: a set opened once is not worth its compile', async () => {
    const engine = await Engine.create(ALL_RULES, DIST);
    try {
      const profile = newProfile();
      engine.profile = profile;
      const mergedPasses = () => [...profile.groups].filter(([key]) => key.includes(' + ')).reduce((n, [, g]) => n + g.passes, 0);
      // `threading` + `local` and `profile` open two whole-tree groups (the `async`/`await` group runs inside the async
      // defs; async-missing-await and async-create-task-dropped are call-anchored).
      const text = 'import threading\n\nstate = threading.local()\n\n@profile\ndef main():\n    return state\n';
      const lint = (source: string) => {
        const tree = engine.parse(source);
        try {
          return engine.lintRaw(tree, source, {}).openGroups.length;
        } finally {
          tree.delete();
        }
      };
      assert.ok(lint(text) >= 2, 'the sample opens two whole-tree groups');
      assert.equal(mergedPasses(), 0, 'first file with the set: one walk per group');
      lint(text + '\n# another file\n');
      assert.equal(mergedPasses(), 1, 'second file with the set: one merged walk');
    } finally {
      engine.dispose();
    }
  });

  it('leave out threading-local-inline in files that import threading but never spell `local` (its findings need threading.local)', async () => {
    const engine = await Engine.create(ALL_RULES, DIST);
    try {
      const opened = (text: string) => {
        const tree = engine.parse(text);
        try {
          return engine.lintRaw(tree, text, {}).openGroups.map((g) => g.key);
        } finally {
          tree.delete();
        }
      };
      const hasThreadingGroup = (keys: string[]) => keys.some((k) => k.includes('threading'));
      assert.equal(hasThreadingGroup(opened('import threading\nlock = threading.Lock()\n')), false);
      assert.equal(hasThreadingGroup(opened('import threading\ndef f():\n    threading.local().x = 1\n')), true);
      assert.equal(hasThreadingGroup(opened('from threading import local as L\n')), true);
    } finally {
      engine.dispose();
    }
  });
});
