// Hover over LSP: a finding's explanation (why, instead, fix safety, evidence, links; the finding's own
// message only in editors that do not show it above the hover), and short notes on constructs the guide covers where nothing is reported (perflens.constructHovers).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import MarkdownIt from 'markdown-it';
import { ALL_RULES } from '../../rules';
import { BENCH_RESULTS, BENEFITS } from '../../server/docs/evidence';
import { TestClient } from './lspClient';
import { constructNoteAt } from '../../server/lsp/hover';
import { getEngine } from '../helpers/engine';

interface HoverResult {
  contents: { kind: string; value: string };
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

let docCount = 0;
/** Opens `lines` as a new document and returns a hover function taking the position of a marker text. */
async function openDoc(client: TestClient, lines: string[]) {
  const uri = `file:///tmp/perflens-hover/doc${++docCount}.py`;
  await client.open(uri, lines.join('\n'));
  const hoverAt = async (line: number, needle: string, delta = 1) => {
    const character = lines[line].indexOf(needle);
    assert.ok(character >= 0, `${needle} not on line ${line}: ${lines[line]}`);
    return client.request<HoverResult | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: character + delta } });
  };
  return { uri, hoverAt };
}

const SLEEP = ['import time', 'import asyncio', '', 'async def poll(client):', '    time.sleep(1)', '    return sum([x for x in client.values])', ''];

describe('hover: findings', function () {
  let client: TestClient;
  before(async () => {
    client = new TestClient();
    await client.initialize({ pull: true, initializationOptions: { clientCommands: true } });
  });
  after(() => client.shutdown());

  it("explains a finding with why, the fix's safety, the benefit and both links", async () => {
    const { hoverAt } = await openDoc(client, SLEEP);
    const hover = (await hoverAt(4, 'time.sleep'))!;
    const text = hover.contents.value;
    const rule = ALL_RULES.find((r) => r.id === 'async-time-sleep')!;
    assert.ok(text.includes(`**Why:** ${rule.docs.why}`), text);
    assert.ok(text.includes(`**Instead:** ${rule.docs.instead}`), text);
    assert.match(text, /\*\*Fix \(unsafe\):\*\* Replace with await asyncio\.sleep\(\)\. Review it: the coroutine now suspends here.*Applied only on request\./);
    // The measured figure comes from results.json, never from the rule file.
    const measured = BENCH_RESULTS['async-time-sleep'];
    if (measured?.status === 'measured') assert.ok(text.includes(`**Measured:** ${measured.summary} for ${measured.size}`), text);
    assert.match(text, /\[Open guide section\]\(command:perflens\.openGuide\?%5B%22asyncio-pitfalls%22%5D "[^"]+"\)/);
    assert.match(text, /\[Disable this rule\]\(command:perflens\.disableRule\?%5B%22async-time-sleep%22%5D "[^"]+"\)/);
    assert.ok(text.includes(`${rule.title} · \`async-time-sleep\` (perflens) · [Open guide section]`), 'the rule is named beside the links');
    assert.deepEqual(hover.range, { start: { line: 4, character: 4 }, end: { line: 4, character: 17 } });
  });

  it('starts with what the message above it does not say, and never repeats the message (issue 28, item 4)', async () => {
    const { uri, hoverAt } = await openDoc(client, ['def total(items):', '    return sum([item.price for item in items])', '']);
    const [diag] = await client.pull(uri);
    const text = (await hoverAt(1, '[item'))!.contents.value;
    const rule = ALL_RULES.find((r) => r.id === 'reduction-over-list-comprehension')!;
    assert.ok(text.startsWith(`**Why:** ${rule.docs.why}`), text);
    assert.ok(!text.includes(diag.message), 'VS Code shows the message right above the hover');
    assert.ok(!text.includes(`**${rule.title}**`), 'nor the rule title as a heading');
  });

  it("says why a finding is ranked as it is: kept in a package module, a hint in a package's datasets module (issue 26)", async () => {
    const top = mkdtempSync(path.join(tmpdir(), 'perflens-hover-rank-'));
    try {
      for (const dir of ['pkg', 'pkg/datasets']) {
        mkdirSync(path.join(top, dir), { recursive: true });
        writeFileSync(path.join(top, dir, '__init__.py'), '');
      }
      const lines = ['import requests', '', '', 'def fetch(url):', '    return requests.get(url).json()', ''];
      const hoverIn = async (rel: string) => {
        const uri = pathToFileURL(path.join(top, rel)).toString();
        await client.open(uri, lines.join('\n'));
        const position = { line: 4, character: lines[4].indexOf('requests.get') + 1 };
        return (await client.request<HoverResult | null>('textDocument/hover', { textDocument: { uri }, position }))!.contents.value;
      };
      assert.match(await hoverIn('pkg/client.py'), /\*\*Ranked normal:\*\* in a package module that other code imports and calls, unattended/);
      const hint = await hoverIn('pkg/datasets/iris.py');
      assert.match(hint, /\*\*Ranked low:\*\* in a package's `datasets` module: .*\(a hint: `perflens\.impact` set to `all`/);
      assert.doesNotMatch(hint, /in a package module that other code imports/);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  it('says "benefit: correctness" instead of a number for rules that are not about speed', async () => {
    assert.equal(BENEFITS['open-without-with'].benefit, 'reliability');
    const { hoverAt } = await openDoc(client, ['def read(path):', '    f = open(path)', '    return f.read()', '']);
    const text = (await hoverAt(1, 'open('))!.contents.value;
    assert.match(text, /`open-without-with`/);
    assert.match(text, /\*\*Benefit:\*\* reliability, not speed\. The file is closed at a known point/);
    assert.doesNotMatch(text, /\*\*Measured:\*\*/);
  });
});

describe('hover: other editors', function () {
  let client: TestClient;
  before(async () => {
    client = new TestClient();
    await client.initialize({ pull: true });
  });
  after(() => client.shutdown());

  it("starts with the finding's message, which names the actual code (the hover is shown alone)", async () => {
    const { uri, hoverAt } = await openDoc(client, ['def total(items):', '    return sum([item.price for item in items])', '']);
    const [diag] = await client.pull(uri);
    const text = (await hoverAt(1, '[item'))!.contents.value;
    assert.match(diag.message, /^`sum\(\)` receives a list comprehension/);
    assert.match(text.split('\n')[0], /^`sum\(\)` receives a list comprehension/, 'the first paragraph is the message');
    assert.match(text.split('\n')[2], /^\*\*Why:\*\* /);
  });

  it('links the guide section as a file URL and offers no command links', async () => {
    const { hoverAt } = await openDoc(client, SLEEP);
    const text = (await hoverAt(4, 'time.sleep'))!.contents.value;
    assert.match(text, /\[Open guide section\]\(file:\/\/\/[^)\s]+\/guide\/asyncio-pitfalls\.md "/);
    assert.doesNotMatch(text, /command:|Disable this rule/);
    const { hoverAt: at2 } = await openDoc(client, ['import functools', '', '@functools.cache', 'def f(n):', '    return n', '']);
    assert.match((await at2(2, 'cache', 2))!.contents.value, /\(file:\/\/\/[^)\s]+\/guide\/caching\.md#bound-caches-whose-inputs-are-open-ended[ )]/);
  });
});

describe('hover: constructs without a finding', function () {
  let client: TestClient;
  /** Library and construct rules off, so notes show whatever rules exist; tests that need a rule turn it back on. */
  const QUIET = { ignore: ['caching', 'classes', 'resources', 'generators', 'numba', 'tensorflow', 'pytorch', 'pandas', 'concurrency'] };
  async function settings(value: Record<string, unknown>) {
    client.settings = value;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  }
  before(async () => {
    client = new TestClient();
    await client.initialize({ pull: true, configuration: true, initializationOptions: { clientCommands: true } });
    await settings(QUIET);
  });
  after(() => client.shutdown());

  const note = (h: HoverResult | null) => h?.contents.value ?? '';

  it('documents functools decorators resolved through imports, and not a local function of the same name', async () => {
    const { hoverAt } = await openDoc(client, [
      'import functools as ft',
      'from functools import cache',
      '',
      '@cache',
      'def fib(n):',
      '    return n if n < 2 else fib(n - 1) + fib(n - 2)',
      '',
      '@ft.lru_cache(maxsize=256)',
      'def area(w, h):',
      '    return w * h',
      '',
    ]);
    const cached = note(await hoverAt(3, 'cache'));
    assert.match(cached, /^\*\*`@functools\.cache`\*\* \(perflens\)/);
    assert.match(cached, /lru_cache\(maxsize=None\)/);
    assert.match(cached, /\[Guide: Memoization[^\]]*\]\(command:perflens\.openGuide\?%5B%22caching%23bound-caches-whose-inputs-are-open-ended%22%5D\)/);
    assert.ok(cached.split('\n').filter(Boolean).length <= 4, 'short');
    assert.match(note(await hoverAt(7, 'lru_cache')), /`@functools\.lru_cache`[\s\S]*128 by default/);

    const own = await openDoc(client, ['def cache(f):', '    return f', '', '@cache', 'def g():', '    return 1', '']);
    assert.equal(await own.hoverAt(3, 'cache'), null, "a user's own `cache` is not functools.cache");
  });

  it('documents @dataclass(slots=True) but not a plain @dataclass', async () => {
    const { hoverAt } = await openDoc(client, [
      'from dataclasses import dataclass',
      '',
      '@dataclass(slots=True)',
      'class Point:',
      '    x: float',
      '',
      '@dataclass',
      'class Plain:',
      '    y: float',
      '',
    ]);
    assert.match(note(await hoverAt(2, 'dataclass')), /`@dataclass\(slots=True\)`[\s\S]*weakref_slot=True/);
    assert.equal(await hoverAt(6, 'dataclass'), null);
  });

  it('documents library decorators and calls only where the library is imported', async () => {
    const { hoverAt } = await openDoc(client, [
      'import asyncio',
      'import numba',
      'import pandas as pd',
      'import tensorflow as tf',
      'import torch',
      'from numba import njit',
      'from torch.utils.data import DataLoader',
      '',
      '@njit(cache=True)',
      'def kernel(a):',
      '    return a.sum()',
      '',
      '@numba.jit',
      'def other(a):',
      '    return a',
      '',
      '@tf.function',
      'def step(x):',
      '    return x * 2',
      '',
      'def pipeline(df, dataset, model, urls):',
      '    for _, row in df.iterrows():',
      '        pass',
      '    df.apply(len)',
      '    loader = DataLoader(dataset, batch_size=32, num_workers=4)',
      '    fast = torch.compile(model)',
      '    return loader, fast',
      '',
      'async def fetch_all(fetch, urls):',
      '    return await asyncio.gather(*(fetch(u) for u in urls))',
      '',
    ]);
    assert.match(note(await hoverAt(8, 'njit')), /`@njit \/ @numba\.jit`[\s\S]*first call[\s\S]*numba%23nopython-mode-use-njit/);
    assert.match(note(await hoverAt(12, 'jit')), /`@njit \/ @numba\.jit`/);
    assert.match(note(await hoverAt(16, 'function')), /`@tf\.function`[\s\S]*tf\.print/);
    assert.match(note(await hoverAt(21, 'iterrows')), /`DataFrame\.iterrows\(\)`[\s\S]*itertuples/);
    assert.match(note(await hoverAt(23, 'apply')), /`\.apply\(\.\.\.\) \(pandas\)`/);
    const loader = await hoverAt(24, 'DataLoader');
    assert.match(note(loader), /`DataLoader\(\.\.\.\)`[\s\S]*num_workers=0/);
    assert.deepEqual(loader!.range, { start: { line: 24, character: 13 }, end: { line: 24, character: 23 } });
    assert.equal(await hoverAt(24, 'dataset'), null, 'no note inside the call arguments');
    assert.match(note(await hoverAt(25, 'compile')), /`torch\.compile\(\.\.\.\)`[\s\S]*TorchInductor/);
    assert.match(note(await hoverAt(29, 'gather')), /`asyncio\.gather\(\.\.\.\)`[\s\S]*argument order/);

    const plain = await openDoc(client, ['def f(df, DataLoader):', '    df.apply(len)', '    return DataLoader(df)', '']);
    assert.equal(await plain.hoverAt(1, 'apply'), null, '.apply without pandas imported');
    assert.equal(await plain.hoverAt(2, 'DataLoader'), null, 'a DataLoader that is not torch.utils.data.DataLoader');
  });

  it('documents __slots__, async def, yield, with and async with', async () => {
    const { hoverAt } = await openDoc(client, [
      'class Point:',
      '    __slots__ = ("x", "y")',
      '',
      'async def main(session_factory):',
      '    async with session_factory() as session:',
      '        return session',
      '',
      'def lines(path):',
      '    with open(path) as f:',
      '        for line in f:',
      '            yield line',
      '',
      '__slots__ = ()',
      '',
    ]);
    assert.match(note(await hoverAt(1, '__slots__')), /`__slots__`[\s\S]*10-30%/);
    assert.match(note(await hoverAt(3, 'async')), /`async def`[\s\S]*coroutine/);
    assert.match(note(await hoverAt(3, 'def')), /`async def`/);
    assert.match(note(await hoverAt(4, 'async')), /`async with`[\s\S]*__aexit__/);
    assert.match(note(await hoverAt(8, 'with')), /^\*\*`with`\*\*[\s\S]*__exit__/);
    assert.match(note(await hoverAt(10, 'yield')), /`yield`[\s\S]*generator/);
    assert.equal(await hoverAt(7, 'def'), null, 'a plain def has no note');
    assert.equal(await hoverAt(12, '__slots__'), null, '__slots__ outside a class body');
  });

  it('a finding wins over the construct note; a suppressed finding leaves the note', async () => {
    // impact "all": in auto mode this row loop (ranked normal: nothing says it repeats) is a library hint, left out.
    await settings({ impact: 'all' });
    const { hoverAt } = await openDoc(client, [
      'import pandas as pd',
      '',
      'def total(df):',
      '    for _, row in df.iterrows():',
      '        pass',
      '    for _, row in df.iterrows():  # perflens: ignore[pandas-iterrows]',
      '        pass',
      '',
    ]);
    assert.match(note(await hoverAt(3, 'iterrows')), /`pandas-iterrows` \(perflens\)/);
    assert.match(note(await hoverAt(5, 'iterrows')), /^\*\*`DataFrame\.iterrows\(\)`\*\* \(perflens\)/);
    await settings(QUIET);
  });

  it('perflens.constructHovers turns the notes off; perflens.hover only affects findings', async () => {
    const lines = [
      'import functools',
      '',
      '@functools.lru_cache(maxsize=64)',
      'def f(n):',
      '    return n',
      '',
      'import time',
      'async def g():',
      '    time.sleep(1)',
      '',
    ];
    await settings({ constructHovers: false, ignore: ['caching'] });
    const off = await openDoc(client, lines);
    assert.equal(await off.hoverAt(2, 'lru_cache'), null);
    assert.match(note(await off.hoverAt(8, 'time.sleep')), /async-time-sleep/);

    await settings({ hover: false, ignore: ['caching'] });
    const onlyNotes = await openDoc(client, lines);
    assert.match(note(await onlyNotes.hoverAt(2, 'lru_cache')), /lru_cache/);
    assert.equal(await onlyNotes.hoverAt(8, 'time.sleep'), null);
    await settings(QUIET);
  });
});

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

/** Every link, image and raw HTML the hover Markdown renders to (markdown-it with GFM-style autolinks, like VS Code's renderer). */
function renderedTargets(markdown: string): { links: string[]; images: string[]; html: string[] } {
  const out = { links: [] as string[], images: [] as string[], html: [] as string[] };
  const walk = (tokens: Token[]) => {
    for (const t of tokens) {
      if (t.type === 'link_open') out.links.push(String(t.attrGet('href') ?? ''));
      if (t.type === 'image') out.images.push(String(t.attrGet('src') ?? ''));
      if (t.type === 'html_inline' || t.type === 'html_block') out.html.push(t.content);
      if (t.children) walk(t.children);
    }
  };
  walk(new MarkdownIt({ html: true, linkify: true }).parse(markdown, {}));
  return out;
}

describe('hover: hostile code in messages (issue 23)', function () {
  let client: TestClient;
  before(async () => {
    client = new TestClient();
    await client.initialize({ pull: true, initializationOptions: { clientCommands: true } });
  });
  after(() => client.shutdown());

  // Each line makes a rule quote user code (a subscript or a literal) that tries to leave its code span.
  const HOSTILE = [
    'def f(d, x):',
    '    for line in d["`[x](command:perflens.disableRule?%5B%22ALL%22%5D)`"].readlines():',
    '        pass',
    '    for line in d["`![](https://example.invalid/pixel.png)`"].readlines():',
    '        pass',
    '    for line in d["""``\n\n[y](command:perflens.disableRule?%5B%22ALL%22%5D) <img src=x> https://example.invalid/z"""].readlines():',
    '        pass',
    '    if x is "`<b>`[z](command:q)": pass',
    '    for line in d["*a* _b_ \\\\`[w](http://example.invalid)`"].readlines():',
    '        pass',
    '',
  ];

  it("renders user code as text: no link, image or HTML but perflens's own guide and disable links", async () => {
    const uri = 'file:///tmp/perflens-hover/hostile.py';
    const text = HOSTILE.join('\n');
    await client.open(uri, text);
    const diags = await client.pull(uri);
    assert.deepEqual(
      diags.map((d) => d.code),
      ['readlines-iteration', 'readlines-iteration', 'readlines-iteration', 'is-literal-comparison', 'readlines-iteration'],
    );
    for (const d of diags) {
      const hover = await client.request<HoverResult>('textDocument/hover', { textDocument: { uri }, position: d.range.start });
      const { links, images, html } = renderedTargets(hover.contents.value);
      const own = [
        `command:perflens.openGuide?${encodeURIComponent(JSON.stringify([ALL_RULES.find((r) => r.id === d.code)!.guide]))}`,
        `command:perflens.disableRule?${encodeURIComponent(JSON.stringify([d.code]))}`,
      ];
      assert.deepEqual(links, own, `${d.code} at line ${d.range.start.line}: only perflens's links\n${hover.contents.value}`);
      assert.deepEqual(images, [], `no image\n${hover.contents.value}`);
      assert.deepEqual(html, [], `no HTML\n${hover.contents.value}`);
      assert.match(hover.contents.value, /readlines|compares identity/, 'the message is still shown');
    }
  });
});

describe('hover: constructs in pathological code', () => {
  it('answers at once inside an expression 20,000 levels deep (each step up the tree costs a walk from the root)', async () => {
    const engine = await getEngine();
    const text = `import functools\nx = ${Array.from({ length: 20_000 }, (_, i) => `a${i}`).join(' + ')}\n`;
    const tree = engine.parse(text);
    try {
      const started = performance.now();
      assert.equal(constructNoteAt(tree, text, text.indexOf('a10000')), null);
      const ms = performance.now() - started;
      assert.ok(ms < 1000, `${ms.toFixed(0)} ms for one construct note`);
    } finally {
      tree.delete();
    }
  });
});
