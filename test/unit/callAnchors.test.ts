// Call-anchored and text-gated rules (rule.calls, rule.requiresText): the engine runs their queries only on calls of the declared
// names. That is only right if the declaration is: every match of the plain query must be found
// the anchored way and nothing else. This test compares both on every rule fixture and a slice
// of the stdlib, so a rule whose query changes without its anchor fails here.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../../rules';
import { Engine, newProfile } from '../../server/engine/engine';
import { anchorDepths, anchorProblem, anchorRoot, CALL_PATTERN, CallAnchorIndex, matchesRootedAt } from '../../server/engine/callAnchors';
import { Query, type QueryMatch, type Tree } from '../../server/syntax/parser';
import type { RuleDefinition } from '../../server/engine/rule';
import { cachedDefNames } from '../../server/analysis';
import { cachedDefStatementReads } from '../../server/analysis/caching';
import { DIST, FIXTURES, getEngine, pythonFiles, stdlibSlice, stdlibSourceOrSkip } from '../helpers/engine';

/** A match as comparable text: pattern index and every capture's name and extent. */
function signature(m: QueryMatch): string {
  const caps = m.captures.map((c) => `${c.name}@${c.node.startIndex}-${c.node.endIndex}`).sort();
  return `${m.patternIndex}|${caps.join(',')}`;
}

/** The matches found the anchored way: from each call of a declared name (or of a name in `perFile`, calls.namesIn's answer). */
function anchoredSignatures(rule: RuleDefinition, query: Query, calls: Query, tree: Tree, perFile?: ReadonlySet<string>): Set<string> {
  const index = new CallAnchorIndex([rule]);
  const out = new Set<string>();
  for (const call of calls.matches(tree.rootNode)) {
    const callee = call.captures.find((c) => c.name === 'callee')!.node;
    if (index.rulesFor(callee.text).length === 0 && !perFile?.has(callee.text)) continue;
    for (const depth of anchorDepths(rule)) {
      const root = anchorRoot(call.captures.find((c) => c.name === 'call')!.node, depth);
      if (root) for (const m of matchesRootedAt(query, root)) out.add(signature(m));
    }
  }
  return out;
}

/** The callee name of a match's `@call` (a bare name, or the last part of a dotted one), or null. */
function calleeOfMatch(m: QueryMatch): string | null {
  const fn = m.captures.find((c) => c.name === 'call')?.node.childForFieldName('function');
  if (fn?.type === 'identifier') return fn.text;
  return fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? null) : null;
}

describe('call-anchored rules', () => {
  const anchored = ALL_RULES.filter((r) => r.calls);

  it('are declared on the rules whose call-name patterns cost the most', () => {
    assert.ok(anchored.length >= 10, `only ${anchored.length} anchored rules`);
    for (const rule of anchored) assert.equal(anchorProblem(rule), null, rule.id);
  });

  it('are picked by callee name, by names and patterns, the same the first time a name is asked and later', () => {
    const rule = (id: string, calls: RuleDefinition['calls']) => ({ ...anchored[0], id, calls }) as RuleDefinition;
    const named = rule('named', { names: ['open', 'Pool'] });
    const opener = rule('opener', { pattern: /open/ });
    const pool = rule('pool', { names: ['Pool'], pattern: /(Executor|Pool)$/ });
    const index = new CallAnchorIndex([named, opener, pool]);
    const expected: [string, RuleDefinition[]][] = [
      ['open', [named, opener]],
      ['urlopen', [opener]],
      ['Pool', [named, pool]],
      ['ThreadPoolExecutor', [pool]],
      ['close', []],
      ['opened', [opener]],
      ['Poolside', []],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [name, rules] of expected) assert.deepEqual(index.rulesFor(name), rules, `${name}, round ${round}`);
    }
  });

  it('find exactly the matches of the plain query, on every fixture', async function () {
    this.timeout(120000);
    const engine = await getEngine();
    const language = engine.parser.language;
    const calls = new Query(language, CALL_PATTERN);
    const files = pythonFiles(path.join(FIXTURES, 'rules'));
    assert.ok(files.length > 200);
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const trees = texts.map((t) => engine.parse(t));
    try {
      for (const rule of anchored) {
        const query = new Query(language, rule.query);
        let plainCount = 0;
        try {
          trees.forEach((tree, i) => {
            // A rule whose file decides its names (calls.namesIn) is anchored on those calls too: the plain query's matches
            // at calls of other names are the ones its check drops by name, and the anchored run must find all the others.
            const perFile = rule.calls!.namesIn?.(engine.lintRaw(tree, texts[i], {}).facts);
            const index = new CallAnchorIndex([rule]);
            const wanted = (m: QueryMatch) => {
              const name = calleeOfMatch(m);
              return !perFile || (name !== null && (perFile.has(name) || index.rulesFor(name).length > 0));
            };
            const plain = new Set(query.matches(tree.rootNode).filter(wanted).map(signature));
            plainCount += plain.size;
            const viaCalls = anchoredSignatures(rule, query, calls, tree, perFile);
            assert.deepEqual([...viaCalls].sort(), [...plain].sort(), `${rule.id} on ${path.relative(FIXTURES, files[i])}`);
          });
        } finally {
          query.delete();
        }
        assert.ok(plainCount > 0, `${rule.id}: no fixture has a match, so the comparison proves nothing`);
      }
    } finally {
      for (const t of trees) t.delete();
      calls.delete();
    }
  });

  it('with text gates, give the same findings as plain queries, on every fixture and a stdlib slice', async function () {
    this.timeout(180000);
    const engine = await getEngine();
    // The same rules without call anchors and text gates (library gates are part of a rule's meaning, and so is a
    // text gate that widens one: requiresEither runs a rule in files without the library too).
    const plainEngine = await Engine.create(
      ALL_RULES.map((r) => ({ ...r, calls: undefined, requiresText: r.requiresEither ? r.requiresText : undefined })),
      DIST,
    );
    try {
      const select = ALL_RULES.filter((r) => r.calls || r.requiresText).map((r) => r.id);
      assert.ok(select.length >= anchored.length + 5);
      const files = [...pythonFiles(path.join(FIXTURES, 'rules')), ...stdlibSlice(20)];
      let total = 0;
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        const fast = engine.lintText(text, { select }).findings;
        const plain = plainEngine.lintText(text, { select }).findings;
        assert.deepEqual(fast, plain, file);
        total += plain.length;
      }
      assert.ok(total > 50, `only ${total} findings: the comparison proves little`);
    } finally {
      plainEngine.dispose();
    }
  });
});

/** The rules whose check ran on `text` (the engine's profile records each). */
function rulesChecked(engine: Engine, text: string): string[] {
  const profile = newProfile();
  engine.profile = profile;
  engine.lintText(text);
  return [...profile.rules.keys()];
}

describe('text gates of call-anchored rules', () => {
  it('leave a rule unchecked in files without the word its findings need (Protocol, __slots__)', async () => {
    const engine = await Engine.create(ALL_RULES, DIST);
    try {
      const checked = (text: string) => rulesChecked(engine, text);
      const protocolRule = 'protocol-isinstance-not-runtime-checkable';
      const weakrefRule = 'slots-missing-weakref';
      assert.ok(!checked('class A:\n    pass\n\nisinstance(1, A)\n').includes(protocolRule));
      assert.ok(checked('from typing import Protocol\n\nclass A(Protocol):\n    pass\n\nisinstance(1, A)\n').includes(protocolRule));
      assert.ok(!checked('import weakref\n\nclass A:\n    pass\n\nweakref.ref(A())\n').includes(weakrefRule));
      assert.ok(checked('import weakref\n\nclass A:\n    __slots__ = ("x",)\n\nweakref.ref(A())\n').includes(weakrefRule));
      // Not call-anchored, text-gated the same way: a subclass of a slotted class needs `__slots__` in the file.
      assert.ok(!checked('class A:\n    pass\n\nclass B(A):\n    pass\n').includes('slots-subclass-missing-slots'));
      assert.ok(checked('class A:\n    __slots__ = ("x",)\n\nclass B(A):\n    pass\n').includes('slots-subclass-missing-slots'));
    } finally {
      engine.dispose();
    }
  });
});

describe('cache-unhashable-argument, anchored on the names of cached defs (calls.namesIn)', () => {
  it('names every module-level def a cache decorator may cache, however the decorator is spelled', async () => {
    const engine = await getEngine();
    const text = [
      'import functools as ft',
      'from functools import lru_cache as memo, cache',
      'cached = lazy_import("functools.cache")',
      '@memo',
      'def a(x): ...',
      '@ft.lru_cache(',
      '    maxsize=None)',
      'def b(x): ...',
      '@cached',
      'def c(x): ...',
      '@cache',
      'async def d(x): ...',
      '@other',
      'def plain(x): ...',
      'class K:',
      '    @cache',
      '    def method(self, x): ...',
      'def outer():',
      '    @cache',
      '    def inner(x): ...',
      '@cache',
      'class NotADef: ...',
      '@ft.\\',
      '    lru_cache',
      'def e(x): ...',
      'y = cache(1)',
      'def f(x):',
      '    return cache(x)',
      '',
    ].join('\n');
    const tree = engine.parse(text);
    try {
      const names = cachedDefNames(engine.lintRaw(tree, text, {}).facts);
      assert.deepEqual([...names].sort(), ['a', 'b', 'c', 'd', 'e']);
    } finally {
      tree.delete();
    }
  });

  it('looks up each top-level statement once, however often it spells the words, with the same names as per spelling', async function () {
    const engine = await getEngine();
    const functools = stdlibSourceOrSkip(this, 'functools.py');
    const spelled = [
      '@lru_cache',
      'def a(x):',
      '    """lru_cache lru_cache"""',
      '    return lru_cache(cache(x)) or cache',
      '# cache',
      '@cache',
      '@lru_cache(maxsize=cache)',
      'def b(x): ...',
      'def plain(cache, lru_cache): return cache',
      '',
    ].join('\n');
    for (const text of [spelled, functools]) {
      const tree = engine.parse(text);
      try {
        const facts = engine.lintRaw(tree, text, {}).facts;
        const before = cachedDefStatementReads.count;
        const names = cachedDefNames(facts);
        const reads = cachedDefStatementReads.count - before;
        // The reference: each spelling's statement found on its own (as the lookup did before it kept the last one).
        const expected = new Set<string>();
        for (const word of ['lru_cache', 'cache']) {
          for (const at of facts.wordOffsets(word)) {
            const statement = tree.rootNode.firstChildForIndex(at);
            if (statement?.type !== 'decorated_definition' || statement.startIndex > at) continue;
            const def = statement.childForFieldName('definition');
            if (def?.type === 'function_definition' && at < def.startIndex) expected.add(def.childForFieldName('name')!.text);
          }
        }
        assert.deepEqual([...names].sort(), [...expected].sort());
        // functools's `__all__` ends a string with `cache`, so its name is looked for too (a soft import's test): counted
        // exactly on the text without one.
        if (text === spelled) {
          const statements = new Set(
            ['lru_cache', 'cache'].map((w) => facts.wordOffsets(w).map((at) => `${w}:${tree.rootNode.firstChildForIndex(at)?.startIndex}`)).flat(),
          );
          assert.equal(reads, statements.size, 'one look-up per statement and word');
        }
        assert.ok(reads < ['lru_cache', 'cache'].reduce((n, w) => n + facts.wordOffsets(w).length, 0));
      } finally {
        tree.delete();
      }
    }
  });

  it('leaves calls of other names with a literal argument unchecked', async () => {
    const engine = await Engine.create(ALL_RULES, DIST);
    try {
      const checked = (text: string) => rulesChecked(engine, text);
      const rule = 'cache-unhashable-argument';
      assert.ok(!checked('import functools\n\ndef f(x):\n    return x\n\nf([1, 2])\n').includes(rule));
      assert.ok(checked('import functools\n\n@functools.cache\ndef f(x):\n    return x\n\nf([1, 2])\n').includes(rule));
    } finally {
      engine.dispose();
    }
  });
});
