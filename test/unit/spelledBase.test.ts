// The base pass by spelling (engine/spelledBase.ts): a whole-file lint of an error-free tree whose base rules all declare
// keywords finds the facts and the rules' candidates where the text spells them, instead of walking the tree, and reads
// the calls only when a call-anchored rule's gate opens. That is only right if it finds what the walk finds: this test
// compares the two on every rule fixture and a slice of the stdlib, and checks that the rules still fire.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../../rules';
import { Engine, newProfile, type EngineProfile } from '../../server/engine/engine';
import { FACT_PATTERNS, patternRootTypes } from '../../server/engine/compile';
import { keywordExpression, spelledFacts, spelledRuleMatches } from '../../server/engine/spelledBase';
import { Query, type Node, type QueryMatch } from '../../server/syntax/parser';
import type { LintOptions } from '../../server/engine/options';
import { DIST, FIXTURES, getEngine, pythonFiles, stdlibSlice } from '../helpers/engine';

function readable(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

const extents = (nodes: readonly Node[]) => nodes.map((n) => `${n.startIndex}-${n.endIndex}`);

/** A match as comparable text: pattern index and every capture's name and extent. */
function signature(m: QueryMatch): string {
  return `${m.patternIndex}|${m.captures.map((c) => `${c.name}@${c.node.startIndex}-${c.node.endIndex}`).join(',')}`;
}

/** The CLI's default JSON output: the proven rules only (engine.ts withoutUnseenRules). */
const CLI_DEFAULT: LintOptions = { impact: 'auto', preview: false, hintsUnseen: true };
/** The rules that lint runs, shown whatever their ranking. */
const CLI_RULES: LintOptions = { select: ['is-literal-comparison', 'http-call-without-timeout', 'torch-sampler-set-epoch'], impact: 'all' };

function profiled(engine: Engine, text: string, options: LintOptions): { profile: EngineProfile; ids: string[] } {
  const profile = newProfile();
  engine.profile = profile;
  try {
    const ids = engine.lintText(text, options).findings.map((f) => `${f.ruleId}@${f.start}`);
    return { profile, ids };
  } finally {
    engine.profile = undefined;
  }
}

describe('the base pass by spelling', () => {
  const corpus = () => [...pythonFiles(path.join(FIXTURES, 'rules')), ...stdlibSlice(10)];

  it('finds the imports, comments and defs the base query finds, on every fixture and a stdlib slice', async function () {
    this.timeout(180000);
    const engine = await getEngine();
    const facts = new Query(engine.parser.language, FACT_PATTERNS.map((f) => f.source).join('\n'));
    let files = 0;
    let comments = 0;
    try {
      for (const file of corpus()) {
        const text = readable(file);
        if (text === null) continue;
        const tree = engine.parse(text);
        try {
          if (tree.rootNode.hasError) continue;
          const want: Record<string, Node[]> = { import: [], comment: [], function: [] };
          for (const m of facts.matches(tree.rootNode)) want[FACT_PATTERNS[m.patternIndex].fact]?.push(m.captures[0].node);
          const got = spelledFacts(tree, text);
          assert.deepEqual(extents(got.imports), extents(want.import), `imports of ${file}`);
          assert.deepEqual(extents(got.comments), extents(want.comment), `comments of ${file}`);
          assert.deepEqual(extents(got.functions), extents(want.function), `defs of ${file}`);
          files++;
          comments += got.comments.length;
        } finally {
          tree.delete();
        }
      }
    } finally {
      facts.delete();
    }
    assert.ok(files > 200 && comments > 1000, `only ${files} files and ${comments} comments compared`);
  });

  it('finds in text that spells the words elsewhere only the statements, comments and defs', async () => {
    const engine = await getEngine();
    const text = [
      'from __future__ import annotations',
      '"""import os; def f(): pass  # not a comment"""',
      "s = '# no comment' + f'{x:#x}'  # a comment # with a hash",
      'import os  # import',
      'async def fetch():  # def',
      '    from a import (b,  # in the import',
      '        c)',
      '    def inner(): return x is 1',
      'y = (a is b) is not c',
      '',
    ].join('\n');
    const tree = engine.parse(text);
    try {
      assert.equal(tree.rootNode.hasError, false);
      const got = spelledFacts(tree, text);
      const at = (nodes: readonly Node[]) => nodes.map((n) => text.slice(n.startIndex, n.endIndex).split('\n')[0]);
      assert.deepEqual(at(got.imports), ['import os', 'from a import (b,  # in the import']);
      assert.deepEqual(at(got.functions), ['async def fetch():  # def', 'def inner(): return x is 1']);
      assert.deepEqual(at(got.comments), ['# a comment # with a hash', '# import', '# def', '# in the import']);
      const rule = ALL_RULES.find((r) => r.id === 'is-literal-comparison')!;
      const query = new Query(engine.parser.language, rule.query);
      try {
        const spelled = spelledRuleMatches(
          {
            keywords: keywordExpression(rule.keywords!),
            rootTypes: new Set(patternRootTypes(rule.query)),
            group: () => ({ key: '', source: rule.query, query, patterns: [] }),
          },
          tree,
          text,
        );
        // Each comparison once, `is not` too; the order may differ from a walk's (spelledRuleMatches).
        assert.deepEqual(spelled!.matches.map(signature).sort(), query.matches(tree.rootNode).map(signature).sort());
        assert.equal(spelled!.matches.length, 3);
      } finally {
        query.delete();
      }
    } finally {
      tree.delete();
    }
  });

  it('finds exactly the plain query matches of each rule declaring keywords, on every fixture and a stdlib slice', async function () {
    this.timeout(180000);
    const engine = await getEngine();
    const declaring = ALL_RULES.filter((r) => r.keywords);
    assert.ok(declaring.some((r) => r.id === 'is-literal-comparison'));
    const files = corpus();
    for (const rule of declaring) {
      const query = new Query(engine.parser.language, rule.query);
      const rootTypes = new Set(patternRootTypes(rule.query)!.map((t) => (t === 'call:any' ? 'call' : t)));
      const spelled = { keywords: keywordExpression(rule.keywords!), rootTypes, group: () => ({ key: '', source: rule.query, query, patterns: [] }) };
      let total = 0;
      try {
        for (const file of files) {
          const text = readable(file);
          if (text === null) continue;
          const tree = engine.parse(text);
          try {
            if (tree.rootNode.hasError) continue;
            const plain = query.matches(tree.rootNode).map(signature).sort();
            assert.deepEqual(spelledRuleMatches(spelled, tree, text)!.matches.map(signature).sort(), plain, `${rule.id} on ${file}`);
            total += plain.length;
          } finally {
            tree.delete();
          }
        }
      } finally {
        query.delete();
      }
      assert.ok(total > 20, `${rule.id}: only ${total} matches compared`);
    }
  });

  it('gives the lint of a walk, findings and facts, with the CLI default rules, on every fixture and a stdlib slice', async function () {
    this.timeout(300000);
    const engine = await getEngine();
    const walking = await Engine.create(ALL_RULES, DIST);
    walking.files = engine.files;
    walking.spelledBase = false;
    try {
      let spelledFiles = 0;
      let findings = 0;
      for (const file of corpus()) {
        const text = readable(file);
        if (text === null) continue;
        for (const options of [CLI_DEFAULT, CLI_RULES]) {
          const withPath = { ...options, filePath: file };
          const fast = profiled(engine, text, withPath);
          const slow = profiled(walking, text, withPath);
          assert.deepEqual(fast.ids, slow.ids, `${file} ${JSON.stringify(options)}`);
          assert.deepEqual(engine.lintText(text, withPath), walking.lintText(text, withPath), file);
          assert.equal(slow.profile.groups.has('(base, by spelling)'), false);
          if (fast.profile.groups.has('(base, by spelling)')) spelledFiles++;
          findings += fast.ids.length;
        }
        const tree = engine.parse(text);
        try {
          const a = engine.lintRaw(tree, text, CLI_DEFAULT).captures;
          const b = walking.lintRaw(tree, text, CLI_DEFAULT).captures;
          for (const kind of ['imports', 'comments', 'functions'] as const) assert.deepEqual(extents(a[kind]), extents(b[kind]), `${kind} of ${file}`);
        } finally {
          tree.delete();
        }
      }
      assert.ok(spelledFiles > 400, `only ${spelledFiles} lints by spelling`);
      assert.ok(findings > 50, `only ${findings} findings: the comparison proves little`);
    } finally {
      walking.dispose();
    }
  });

  it('still reports the base rule, and reads the calls only when a call-anchored rule opens', async () => {
    const engine = await getEngine();
    const literal = 'def check(code):\n    return code is 200  # a literal\n';
    // is-literal-comparison is in preview since review51: selected, as `--select` and `--preview` would.
    const run = profiled(engine, literal, { ...CLI_DEFAULT, select: ['is-literal-comparison', 'http-call-without-timeout'], preview: true });
    assert.deepEqual(
      run.ids.map((id) => id.split('@')[0]),
      ['is-literal-comparison'],
    );
    assert.ok(run.profile.groups.has('(base, by spelling)'));
    // No HTTP library imported: nothing reads the calls, so no walk for them.
    assert.equal(run.profile.groups.has('(calls)'), false);

    const request = 'import requests\n\ndef fetch(url):\n    return requests.get(url)\n';
    const fetched = profiled(engine, request, CLI_DEFAULT);
    assert.deepEqual(
      fetched.ids.map((id) => id.split('@')[0]),
      ['http-call-without-timeout'],
    );
    assert.ok(fetched.profile.groups.has('(base, by spelling)'));
    assert.ok(fetched.profile.groups.has('(calls)'));
    // A file with a syntax error walks the tree, as before (its ERROR nodes are facts too).
    const broken = profiled(engine, request + 'def (:\n', CLI_DEFAULT);
    assert.equal(broken.profile.groups.has('(base, by spelling)'), false);
    // So does a rule set whose base holds a rule without keywords (the editor's default set).
    assert.equal(profiled(engine, literal, {}).profile.groups.has('(base, by spelling)'), false);
  });
});
