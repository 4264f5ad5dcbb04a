// Other linters' suppressions of a check a rule declares as its peer (RuleDefinition.peers) silence the rule: the
// grammar of each form (server/engine/suppressions.ts) and the index that applies them, each with its near misses.
import * as assert from 'node:assert/strict';
import { looksLikeSuppression, mayHoldSuppression, readPeerSuppressions } from '../../server/engine/suppressions';
import { defineRule, type RuleDefinition } from '../../server/engine/rule';
import { IncrementalLinter } from '../../server/engine/incremental';
import { ALL_RULES } from '../../rules';
import { renderFindingHover } from '../../server/docs/render';
import { getEngine } from '../helpers/engine';
import { applyEdit } from '../stress/incrementalCheck';

describe('peer suppression grammar', () => {
  it("reads Ruff's file exemption, Pylint's pragmas and Bandit's nosec", () => {
    assert.deepEqual(readPeerSuppressions('# ruff: noqa: SIM115, S113'), [{ tool: 'ruff', scope: 'file', codes: ['SIM115', 'S113'] }]);
    assert.deepEqual(readPeerSuppressions('# pylint: disable=consider-using-with,R1732'), [
      { tool: 'pylint', scope: 'line', codes: ['consider-using-with', 'R1732'] },
    ]);
    assert.deepEqual(readPeerSuppressions('#pylint:disable-next=missing-timeout  # reason'), [
      { tool: 'pylint', scope: 'next-line', codes: ['missing-timeout'] },
    ]);
    assert.deepEqual(readPeerSuppressions('# pylint: enable=consider-using-with'), [{ tool: 'pylint', scope: 'enable', codes: ['consider-using-with'] }]);
    assert.deepEqual(readPeerSuppressions('# nosec B113, B602'), [{ tool: 'bandit', scope: 'line', codes: ['B113', 'B602'] }]);
    assert.deepEqual(readPeerSuppressions('# nosec'), [{ tool: 'bandit', scope: 'line', codes: [] }]);
    // Two tools in one comment.
    assert.deepEqual(
      readPeerSuppressions('# nosec B113  # pylint: disable=missing-timeout').map((p) => p.tool),
      ['pylint', 'bandit'],
    );
  });

  it('near misses: a line noqa (the perflens grammar), prose after nosec, words that only contain the tool', () => {
    assert.deepEqual(readPeerSuppressions('# noqa: SIM115'), []);
    assert.deepEqual(readPeerSuppressions('# nosec reviewed by security'), []);
    assert.deepEqual(readPeerSuppressions('# see mypylint: disable=x'), []);
  });

  it("reads every check of a tool: a bare file-level `# ruff: noqa` / `# flake8: noqa`, Pylint's `all` and `skip-file`", () => {
    const file = (tool: 'ruff' | 'pylint') => [{ tool, scope: 'file', codes: [] }];
    assert.deepEqual(readPeerSuppressions('# ruff: noqa'), file('ruff'));
    assert.deepEqual(readPeerSuppressions('#ruff:NOQA'), file('ruff'));
    // Ruff reads flake8's file exemption as its own, and a reason after a blank (not a colon) keeps it bare.
    assert.deepEqual(readPeerSuppressions('# flake8: noqa'), file('ruff'));
    assert.deepEqual(readPeerSuppressions('# ruff: noqa generated code'), file('ruff'));
    assert.deepEqual(readPeerSuppressions('# flake8: noqa: SIM115'), [{ tool: 'ruff', scope: 'file', codes: ['SIM115'] }]);
    assert.deepEqual(readPeerSuppressions('# pylint: skip-file'), file('pylint'));
    assert.deepEqual(readPeerSuppressions('# pylint: disable-all'), file('pylint'));
    // `disable=` naming `all` makes Pylint skip the file (message_state_handler.process_tokens), wherever it stands.
    assert.deepEqual(readPeerSuppressions('# pylint: disable=all'), file('pylint'));
    assert.deepEqual(readPeerSuppressions('# pylint: disable=missing-timeout, all'), file('pylint'));
    assert.deepEqual(readPeerSuppressions('# pylint: disable-next=all'), [{ tool: 'pylint', scope: 'next-line', codes: [] }]);
    assert.deepEqual(readPeerSuppressions('# pylint: enable=all'), [{ tool: 'pylint', scope: 'enable', codes: [] }]);
  });

  it("near misses: Ruff's prefixes and empty lists (it warns and ignores them), another case of `ruff`, a pylint word containing all", () => {
    assert.deepEqual(readPeerSuppressions('# ruff: noqa: SIM'), []);
    assert.deepEqual(readPeerSuppressions('# ruff: noqa:'), []);
    assert.deepEqual(readPeerSuppressions('# Ruff: noqa'), []);
    assert.deepEqual(readPeerSuppressions('# pylint: disable=allow-something'), [{ tool: 'pylint', scope: 'line', codes: ['allow-something'] }]);
  });

  it('reads Bandit tests by name as well as by id', () => {
    assert.deepEqual(readPeerSuppressions('# nosec request_without_timeout'), [{ tool: 'bandit', scope: 'line', codes: ['request_without_timeout'] }]);
    assert.deepEqual(readPeerSuppressions('# nosec: B113, yaml_load'), [{ tool: 'bandit', scope: 'line', codes: ['B113', 'yaml_load'] }]);
  });

  it('the text pre-tests admit every form', () => {
    for (const comment of [
      '# pylint: disable=consider-using-with',
      '# nosec',
      '# ruff: noqa: SIM115',
      '# noqa: S113',
      '# flake8: noqa',
      '# pylint: skip-file',
    ]) {
      assert.ok(mayHoldSuppression(`x = f()  ${comment}\n`), comment);
      assert.ok(looksLikeSuppression(comment), comment);
    }
    assert.ok(!mayHoldSuppression('x = f()  # a comment\n'));
    assert.ok(!looksLikeSuppression('# a comment'));
  });

  it('defineRule refuses a code its linter does not spell that way, and Bandit peers outside security rules', () => {
    const rule = (peers: RuleDefinition['peers'], category: RuleDefinition['category'] = 'resources') => defineRule({ ...BASE, category, peers });
    assert.throws(() => rule({ ruff: ['sim115'] }), /not a ruff check code/);
    assert.throws(() => rule({ pylint: ['consider_using_with'] }), /not a pylint check code/);
    assert.throws(() => rule({ bandit: ['B113'] }), /only security rules/);
    assert.doesNotThrow(() => rule({ bandit: ['B113'] }, 'security'));
  });
});

const BASE: RuleDefinition = {
  id: 'some-rule',
  title: 't',
  category: 'resources',
  severity: 'warning',
  enabledByDefault: true,
  confidence: 'high',
  guide: 'x',
  message: 'a message long enough',
  docs: { why: 'w', instead: 'i' },
  query: '',
  check: () => undefined,
};

/** The 1-based lines open-without-with (peers Ruff SIM115, Pylint consider-using-with / R1732) flags in source. */
async function openLines(source: string): Promise<number[]> {
  const engine = await getEngine();
  const result = engine.lintText(source, { select: ['open-without-with', 'unused-suppression'] });
  assert.deepEqual(
    result.findings.filter((f) => f.ruleId === 'unused-suppression'),
    [],
    "another linter's comment is never an unused suppression",
  );
  return result.findings.filter((f) => f.ruleId === 'open-without-with').map((f) => result.lines.positionAt(f.start).line + 1);
}

const OPEN = 'open(p).read()';

describe('peer suppressions silence the rule that declares the check', () => {
  it("Ruff's noqa on the line, and its file exemption", async () => {
    assert.deepEqual(await openLines(`def f(p):\n    a = ${OPEN}  # noqa: SIM115\n    b = ${OPEN}  # noqa: E501, SIM115\n    return a, b\n`), []);
    // Ruff also reads codes separated by blanks.
    assert.deepEqual(await openLines(`def f(p):\n    a = ${OPEN}  # noqa: E501 SIM115\n    return a\n`), []);
    assert.deepEqual(await openLines(`# ruff: noqa: SIM115\n\n\ndef f(p):\n    return ${OPEN}\n`), []);
  });

  it("near misses: another linter's code, another rule's peer code, the comment on another line, a trailing file exemption", async () => {
    assert.deepEqual(await openLines(`def f(p):\n    a = ${OPEN}  # noqa: E501\n    return a\n`), [2]);
    assert.deepEqual(await openLines(`def f(p):\n    a = ${OPEN}  # noqa: S113\n    return a\n`), [2]);
    assert.deepEqual(await openLines(`def f(p):\n    a = ${OPEN}  # noqa: SIM1150\n    return a\n`), [2]);
    assert.deepEqual(await openLines(`def f(p):\n    x = 1  # noqa: SIM115\n    a = ${OPEN}\n    return a, x\n`), [3]);
    assert.deepEqual(await openLines(`def f(p):\n    # noqa: SIM115\n    a = ${OPEN}\n    return a\n`), [3]);
    assert.deepEqual(await openLines(`x = 1  # ruff: noqa: SIM115\n\n\ndef f(p):\n    return ${OPEN}\n`), [5]);
  });

  it("Pylint's disable on the line (by name or id), disable-next, and an own-line disable for the rest of its block", async () => {
    assert.deepEqual(await openLines(`def f(p):\n    a = ${OPEN}  # pylint: disable=consider-using-with\n    return a\n`), []);
    assert.deepEqual(await openLines(`def f(p):\n    a = ${OPEN}  # pylint: disable=R1732\n    return a\n`), []);
    assert.deepEqual(await openLines(`def f(p):\n    # pylint: disable-next=consider-using-with\n    a = ${OPEN}\n    return a\n`), []);
    assert.deepEqual(await openLines(`def f(p):\n    # pylint: disable=consider-using-with\n    x = 1\n    a = ${OPEN}\n    return a, x\n`), []);
  });

  it('near misses: another check, disable-next two lines up, a block that ended, an enable, a pylint enable on the line', async () => {
    assert.deepEqual(await openLines(`def f(p):\n    a = ${OPEN}  # pylint: disable=line-too-long\n    return a\n`), [2]);
    assert.deepEqual(await openLines(`def f(p):\n    # pylint: disable-next=consider-using-with\n    x = 1\n    a = ${OPEN}\n    return a, x\n`), [4]);
    const blocks = `def f(p):\n    # pylint: disable=consider-using-with\n    a = ${OPEN}\n    return a\n\n\ndef g(p):\n    b = ${OPEN}\n    return b\n`;
    assert.deepEqual(await openLines(blocks), [8]);
    const enabled = `def f(p):\n    # pylint: disable=consider-using-with\n    a = ${OPEN}\n    # pylint: enable=consider-using-with\n    b = ${OPEN}\n    return a, b\n`;
    assert.deepEqual(await openLines(enabled), [5]);
    assert.deepEqual(await openLines(`def f(p):\n    a = ${OPEN}  # pylint: enable=consider-using-with\n    return a\n`), [2]);
  });

  it('a module-level own-line disable covers the rest of the file, not the lines above it', async () => {
    const source = `def f(p):\n    return ${OPEN}\n\n\n# pylint: disable=consider-using-with\ndef g(p):\n    return ${OPEN}\n`;
    assert.deepEqual(await openLines(source), [2]);
  });

  it("a trailing Pylint disable on a class header covers the class (the line is the class's when no base starts on it)", async () => {
    const cls = (header: string, comment = '# pylint: disable=consider-using-with') =>
      `${header}  ${comment}\n    def f(self, p):\n        return ${OPEN}\n\n    def g(self, p):\n        return ${OPEN}\n`;
    assert.deepEqual(await openLines(cls('class A:')), []);
    assert.deepEqual(await openLines(cls('class A:', '# pylint: disable=R1732')), []);
    // The base on the next line leaves the header line to the class.
    assert.deepEqual(await openLines(`class A(  # pylint: disable=consider-using-with\n    object,\n):\n    def f(self, p):\n        return ${OPEN}\n`), []);
  });

  it('near misses: a base on the header line, a def/for/with/if header (Pylint keeps those to the line), after the class, an enable', async () => {
    const cls = (header: string) => `${header}  # pylint: disable=consider-using-with\n    def f(self, p):\n        return ${OPEN}\n`;
    assert.deepEqual(await openLines(cls('class A(object):')), [3]);
    assert.deepEqual(await openLines(cls('class A[T]:')), [3]);
    assert.deepEqual(await openLines(cls('class A:').replace('consider-using-with', 'line-too-long')), [3]);
    for (const header of ['def f(p):', 'for p in ps:', 'with lock:', 'if p:', 'while p:']) {
      const source = `def outer(ps, lock):\n    ${header}  # pylint: disable=consider-using-with\n        a = ${OPEN}\n    return a\n`;
      assert.deepEqual(await openLines(source), [3], header);
    }
    const after = `${cls('class A:')}\n\ndef g(p):\n    return ${OPEN}\n`;
    assert.deepEqual(await openLines(after), [7]);
    const enabled = `class A:  # pylint: disable=consider-using-with\n    a = ${OPEN}\n    # pylint: enable=consider-using-with\n    b = ${OPEN}\n`;
    assert.deepEqual(await openLines(enabled), [4]);
  });

  it("Pylint's skip-file and disable=all silence the file wherever they stand; disable-next=all the next line", async () => {
    const body = `def f(p):\n    return ${OPEN}\n`;
    assert.deepEqual(await openLines(`${body}\n\n# pylint: skip-file\n`), []);
    assert.deepEqual(await openLines(`${body}X = 1  # pylint: disable=all\n`), []);
    assert.deepEqual(await openLines(`def f(p):\n    # pylint: disable-next=all\n    a = ${OPEN}\n    b = ${OPEN}\n    return a, b\n`), [4]);
    // `enable=all` ends a block disable of the check.
    const enabled = `def f(p):\n    # pylint: disable=consider-using-with\n    a = ${OPEN}\n    # pylint: enable=all\n    b = ${OPEN}\n    return a, b\n`;
    assert.deepEqual(await openLines(enabled), [5]);
  });

  it('a bare file-level `# ruff: noqa` or `# flake8: noqa` on a line of its own, and `# flake8: noqa: CODE` as Ruff reads it', async () => {
    for (const comment of ['# ruff: noqa', '# flake8: noqa', '# flake8: noqa: SIM115', '#ruff:noqa  # generated']) {
      assert.deepEqual(await openLines(`${comment}\n\n\ndef f(p):\n    return ${OPEN}\n`), [], comment);
    }
  });

  it("near misses: a trailing file exemption, another code, a code prefix (Ruff reads whole codes only), the noqa's own prefix", async () => {
    assert.deepEqual(await openLines(`x = 1  # ruff: noqa\n\n\ndef f(p):\n    return ${OPEN}\n`), [5]);
    assert.deepEqual(await openLines(`# ruff: noqa: E501\n\n\ndef f(p):\n    return ${OPEN}\n`), [5]);
    assert.deepEqual(await openLines(`# ruff: noqa: SIM\n\n\ndef f(p):\n    return ${OPEN}\n`), [5]);
    assert.deepEqual(await openLines(`def f(p):\n    a = ${OPEN}  # noqa: SIM\n    return a\n`), [2]);
    assert.deepEqual(await openLines(`def f(p):\n    a = ${OPEN}  # noqa: SIM1\n    return a\n`), [2]);
  });

  it('every check of one tool silences only the rules that declare a check of that tool', async () => {
    const engine = await getEngine();
    const source = (comment: string) =>
      `${comment}\nimport yaml\n\n\ndef f(s, start):\n    queue = [start]\n    while queue:\n        print(queue.pop(0))\n    return yaml.load(s)\n`;
    const ids = (comment: string) => engine.lintText(source(comment), { select: ['yaml-unsafe-load', 'list-pop-front'] }).findings.map((f) => f.ruleId);
    assert.deepEqual(ids(''), ['list-pop-front', 'yaml-unsafe-load']);
    // yaml-unsafe-load has a Ruff peer (S506), list-pop-front none; neither has a Pylint peer.
    assert.deepEqual(ids('# ruff: noqa'), ['list-pop-front']);
    assert.deepEqual(ids('# pylint: skip-file'), ['list-pop-front', 'yaml-unsafe-load']);
  });

  it("Bandit's nosec only for rules with a Bandit peer (security rules)", async () => {
    assert.deepEqual(await openLines(`def f(p):\n    a = ${OPEN}  # nosec\n    return a\n`), [2]);
    const engine = await getEngine();
    const loads = (comment: string) =>
      engine.lintText(`import yaml\n\n\ndef f(s):\n    return yaml.load(s)  ${comment}\n`, { select: ['yaml-unsafe-load'] }).findings.length;
    assert.equal(loads(''), 1);
    assert.equal(loads('# nosec'), 0);
    assert.equal(loads('# nosec B506'), 0);
    assert.equal(loads('# nosec: B506'), 0);
    assert.equal(loads('# nosec B113'), 1, "another Bandit test's id");
    assert.equal(loads('# nosec reviewed'), 1, 'prose is not a bare nosec');
    // Bandit reads a test's name as its id.
    assert.equal(loads('# nosec yaml_load'), 0);
    assert.equal(loads('# nosec B113, yaml_load'), 0);
    assert.equal(loads('# nosec assert_used'), 1, "another Bandit test's name");
    assert.equal(loads('# noqa: S506'), 0);
  });

  it('eval-exec-untrusted declares no peers: a `# noqa: S307` only makes its finding a hint (outside input still warns)', async () => {
    const engine = await getEngine();
    const [finding] = engine.lintText('def f(s):\n    return eval(s)  # noqa: S307\n', { select: ['eval-exec-untrusted'] }).findings;
    assert.equal(finding?.severity, 'hint');
  });

  it("a peer reported on another line of the construct: Ruff's PERF401 on the append inside the loop", async () => {
    const engine = await getEngine();
    const loop = (comment: string, at: 'for' | 'append') =>
      engine.lintText(
        `def f(xs):\n    out = []\n    for x in xs:${at === 'for' ? comment : ''}\n        out.append(x * 2)${at === 'append' ? comment : ''}\n    return out\n`,
        { select: ['append-loop-to-comprehension'] },
      ).findings.length;
    assert.equal(loop('  # noqa: PERF401', 'append'), 0);
    assert.equal(loop('  # noqa: PERF401', 'for'), 0);
    assert.equal(loop('  # noqa: PERF203', 'append'), 1, "another Ruff check's code");
    // The same comment after the loop is outside the construct.
    const after = engine.lintText(`def f(xs):\n    out = []\n    for x in xs:\n        out.append(x * 2)\n    y = 1  # noqa: PERF401\n    return out, y\n`, {
      select: ['append-loop-to-comprehension'],
    });
    assert.equal(after.findings.length, 1);
  });

  it('a multi-line call: the comment on its closing line', async () => {
    assert.deepEqual(await openLines(`def f(p):\n    a = open(\n        p,\n    ).read()  # noqa: SIM115\n    return a\n`), []);
  });
});

describe('peer suppressions in the editor: an incremental lint finishes as a full one', () => {
  // Typing another linter's comment re-lints only the edited statement; the suppression must apply to the findings
  // kept from the last lint, as in a full lint of the same text (the comment filter admits pylint: and nosec).
  const SOURCE = `LIMIT = 1\n\n\ndef f(p):\n    x = 1\n    a = ${OPEN}\n    return a, x\n`;

  for (const [what, at, comment] of [
    ["Pylint's own-line disable above the statement", 'x = 1', '# pylint: disable=consider-using-with\n    '],
    ["Ruff's noqa on the line", '\n    return a', '  # noqa: SIM115'],
    ["Pylint's disable-next", 'a = open', '# pylint: disable-next=R1732\n    '],
  ] as const) {
    it(what, async () => {
      const engine = await getEngine();
      const linter = new IncrementalLinter(engine, true);
      const options = { select: ['open-without-with'] };
      let tree = engine.parse(SOURCE);
      try {
        assert.equal(linter.lint(tree, SOURCE, options, null).findings.length, 1);
        const offset = SOURCE.indexOf(at);
        const edited = applyEdit(engine, tree, SOURCE, { start: offset, end: offset, newText: comment });
        tree = edited.tree;
        const result = linter.lint(tree, edited.text, options, [edited.change], edited.changedRanges);
        assert.deepEqual(result.findings, engine.lintText(edited.text, options).findings, edited.text);
        assert.deepEqual(result.findings, [], edited.text);
        // An edit elsewhere keeps the finding silenced.
        const again = applyEdit(engine, tree, edited.text, { start: 8, end: 9, newText: '2' });
        tree = again.tree;
        assert.deepEqual(linter.lint(tree, again.text, options, [again.change], again.changedRanges).findings, [], again.text);
      } finally {
        tree.delete();
      }
    });
  }
});

describe('a class-header Pylint disable in the editor: an incremental lint finishes as a full one', () => {
  it('typing it after the header silences the findings in the class kept from the last lint', async () => {
    const engine = await getEngine();
    const linter = new IncrementalLinter(engine, true);
    const options = { select: ['open-without-with'] };
    const source = `LIMIT = 1\n\n\nclass Loader:\n    def f(self, p):\n        return ${OPEN}\n\n    def g(self, p):\n        return ${OPEN}\n`;
    let tree = engine.parse(source);
    try {
      assert.equal(linter.lint(tree, source, options, null).findings.length, 2);
      const offset = source.indexOf('class Loader:') + 'class Loader:'.length;
      const edited = applyEdit(engine, tree, source, { start: offset, end: offset, newText: '  # pylint: disable=consider-using-with' });
      tree = edited.tree;
      const result = linter.lint(tree, edited.text, options, [edited.change], edited.changedRanges);
      assert.deepEqual(result.findings, engine.lintText(edited.text, options).findings, edited.text);
      assert.deepEqual(result.findings, [], edited.text);
    } finally {
      tree.delete();
    }
  });
});

describe("leftover-breakpoint: a noqa is the engine's to honour, through the declared T100 peer", () => {
  const lint = async (source: string) => {
    const engine = await getEngine();
    return engine.lintText(source, { select: ['leftover-breakpoint'] }).findings;
  };
  const stop = (comment: string) => `def f():\n    breakpoint()${comment}\n`;

  it('a bare noqa or one naming T100 silences it; another code, or a T10x code Ruff does not have, does not', async () => {
    assert.equal((await lint(stop(''))).length, 1);
    assert.equal((await lint(stop('  # noqa'))).length, 0);
    assert.equal((await lint(stop('  # noqa: T100'))).length, 0);
    assert.equal((await lint(stop('  # noqa: E501, T100'))).length, 0);
    assert.equal((await lint(stop('  # pylint: disable=forgotten-debug-statement'))).length, 0);
    assert.equal((await lint(stop('  # noqa: E501'))).length, 1);
    assert.equal((await lint(stop('  # noqa: T101'))).length, 1, 'Ruff has no T101 (flake8-debugger: T100 only)');
  });

  it('the fix keeps `import pdb` while a silenced breakpoint still uses it', async () => {
    const source = 'import pdb\n\n\ndef f():\n    pdb.set_trace()\n\n\ndef g():\n    pdb.set_trace()  # noqa: T100\n';
    const [finding, ...rest] = await lint(source);
    assert.deepEqual(rest, []);
    const edits = finding.fix?.edits ?? [];
    assert.ok(edits.length > 0);
    assert.ok(
      edits.every((e) => e.start >= source.indexOf('def f')),
      JSON.stringify(edits),
    );
  });
});

describe('the hover names the other linters whose suppression silences the rule', () => {
  const hover = (id: string) => {
    const rule = ALL_RULES.find((r) => r.id === id)!;
    return renderFindingHover(rule, { ruleId: id, start: 0, end: 1, severity: 'warning', message: 'm' }, { guide: 'g' });
  };

  it('one line, tool by tool, as the README\'s "Also silenced by" column', () => {
    const text = hover('http-call-without-timeout');
    assert.match(text, /^\*\*Also silenced by:\*\* Ruff `S113`; Pylint `missing-timeout` \/ `W3101`; Bandit `B113` \/ `request_without_timeout`$/m);
    assert.match(hover('open-without-with'), /^\*\*Also silenced by:\*\* Ruff `SIM115`; Pylint `consider-using-with` \/ `R1732`$/m);
  });

  it('nothing for a rule without peers', () => {
    assert.doesNotMatch(hover('list-pop-front'), /Also silenced by/);
  });
});
