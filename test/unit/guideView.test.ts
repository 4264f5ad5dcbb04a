// The guide webview's pure parts: Markdown rendering and link tagging, the page's Content-Security-Policy,
// search, and the rewriting of diagnostics' code links to the guide view.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { classifyHref, githubSlug, parseGuide, renderGuideSection, Slugger } from '../../client/guideMarkdown';
import {
  buildSearchIndex,
  contentSecurityPolicy,
  guideLinkUri,
  guideShellHtml,
  guideTargetOfHref,
  guideTargetOfUri,
  openGuideCommandUri,
  parseGuideTarget,
  searchGuide,
  sectionMessage,
  tocHtml,
} from '../../client/guideRender';
import { GUIDE_SECTIONS } from '../../common/guide';
import { ROOT } from '../helpers/engine';

const read = (slug: string) => readFileSync(path.join(ROOT, 'guide', `${slug}.md`), 'utf8');
const SECTIONS = new Set(GUIDE_SECTIONS.map((s) => s.slug));
const render = (md: string) => renderGuideSection(md, { slug: 'caching', sections: SECTIONS, sectionHref: (s, a) => openGuideCommandUri(a ? `${s}#${a}` : s) });

describe('guide view: Markdown', () => {
  it('makes GitHub-style heading anchors', () => {
    assert.equal(githubSlug('Use `.to_numpy()`, not `.values`'), 'use-to_numpy-not-values');
    assert.equal(githubSlug('`__slots__`: savings, inheritance, weakrefs, pitfalls'), '__slots__-savings-inheritance-weakrefs-pitfalls');
    assert.equal(githubSlug('Threads vs processes vs asyncio: decision table'), 'threads-vs-processes-vs-asyncio-decision-table');
    assert.equal(githubSlug('`torch.compile`'), 'torchcompile');
    const s = new Slugger();
    assert.deepEqual([s.slug('Setup'), s.slug('Setup'), s.slug('Setup')], ['setup', 'setup-1', 'setup-2']);
  });

  it('classifies links: sections, anchors, files beside the guide, external', () => {
    assert.deepEqual(classifyHref('numba.md'), { kind: 'section', slug: 'numba', anchor: undefined });
    assert.deepEqual(classifyHref('./slots.md#weak-references'), { kind: 'section', slug: 'slots', anchor: 'weak-references' });
    assert.deepEqual(classifyHref('#rules'), { kind: 'anchor', anchor: 'rules' });
    assert.deepEqual(classifyHref('bench/pandas-iterrows.py'), { kind: 'file', path: 'bench/pandas-iterrows.py' });
    assert.deepEqual(classifyHref('https://docs.python.org/3/'), { kind: 'external', href: 'https://docs.python.org/3/' });
  });

  it('reads the Rules list, headings and code blocks of a section', () => {
    const doc = parseGuide(read('pandas-vectorization'));
    assert.ok(doc.rules!.includes('pandas-iterrows'));
    assert.ok(doc.headings.some((h) => h.slug === 'when-you-really-need-to-iterate'));
    assert.ok(doc.codeBlocks.some((b) => b.lang === 'python' && b.code.includes('itertuples')));
  });

  it('renders headings with ids and tags links for the webview script; raw HTML stays text', () => {
    const { html, title, headings } = render(
      [
        '# Caching',
        '',
        '## The standard tools',
        '',
        'See [Numba](numba.md#compilation-cost), [below](#the-standard-tools), [the program](bench/x.py) and [docs](https://docs.python.org/3/).',
        '',
        '<script>alert(1)</script> <img src=x onerror=alert(1)>',
        '',
        '<!-- evidence:start: generated -->',
        '```python',
        'x = 1',
        '```',
      ].join('\n'),
    );
    assert.equal(title, 'Caching');
    assert.deepEqual(
      headings.map((h) => h.slug),
      ['caching', 'the-standard-tools'],
    );
    assert.match(html, /<h2 id="the-standard-tools">/);
    assert.match(
      html,
      /<a href="command:perflens\.openGuide\?%5B%22numba%23compilation-cost%22%5D" data-section="numba" data-anchor="compilation-cost">Numba<\/a>/,
    );
    assert.match(html, /<a href="#the-standard-tools">below<\/a>/);
    assert.match(html, /<a href="#" data-file="bench\/x\.py" title="bench\/x\.py">the program<\/a>/);
    assert.match(html, /<a href="https:\/\/docs\.python\.org\/3\/" class="external" title="https:\/\/docs\.python\.org\/3\/">docs<\/a>/);
    assert.doesNotMatch(html, /<script|<img|evidence:start/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /<pre><code class="language-python">x = 1\n<\/code><\/pre>/);
  });

  it('renders every guide section, scrolled to a known anchor only, with previous/next', () => {
    for (const { slug } of GUIDE_SECTIONS) {
      const message = sectionMessage(slug, read(slug));
      assert.ok(message.html.includes('<h1 id='), slug);
    }
    const m = sectionMessage('slots', read('slots'), 'weak-references');
    assert.equal(m.anchor, 'weak-references');
    assert.equal(m.prev!.slug, 'descriptors');
    assert.equal(m.next!.slug, 'dataclasses-and-records');
    assert.equal(sectionMessage('slots', read('slots'), 'no-such-heading').anchor, undefined);
    const index = sectionMessage('index', read('index'));
    assert.equal(index.next!.slug, 'profiling');
    assert.match(index.html, /data-section="using-perflens"/);
  });
});

describe('guide view: page and security', () => {
  const html = guideShellHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'abc123',
    scriptUri: 'https://x/media/guide.js',
    styleUri: 'https://x/media/guide.css',
  });

  it("has a strict Content-Security-Policy: nothing but the extension's stylesheet and the nonce'd script", () => {
    const csp = contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'abc123');
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|https?:\/\/(?!file\+\.vscode-resource)/);
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${csp.replace(/'/g, "'")}">`));
    assert.match(html, /<script nonce="abc123" src="https:\/\/x\/media\/guide\.js"><\/script>/);
  });

  it('has no inline scripts, inline styles or inline event handlers', () => {
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    assert.doesNotMatch(html, /\sstyle=|<style/);
  });

  it('numbers the table of contents through the whole guide, as the index page does', () => {
    // The index page's ordered lists, `N. [title](slug.md)`, give each section its number.
    const numbered = new Map([...read('index').matchAll(/^(\d+)\. \[.*\]\(([a-z0-9-]+)\.md\)$/gm)].map((m) => [m[2], Number(m[1])]));
    assert.equal(numbered.size, GUIDE_SECTIONS.length);
    const toc = tocHtml();
    const shown = new Map<string, number>();
    for (const list of toc.matchAll(/<ol class="toc-list"(?: start="(\d+)")?>([\s\S]*?)<\/ol>/g)) {
      let n = Number(list[1] ?? 1);
      for (const item of list[2].matchAll(/data-section="([a-z0-9-]+)"/g)) shown.set(item[1], n++);
    }
    assert.deepEqual(Object.fromEntries(shown), Object.fromEntries(numbered));
  });

  it('has a table of contents with every section, grouped by part, and a search box', () => {
    for (const s of GUIDE_SECTIONS) assert.ok(html.includes(`data-section="${s.slug}"`), s.slug);
    assert.equal((html.match(/class="toc-part"/g) ?? []).length, new Set(GUIDE_SECTIONS.map((s) => s.part)).size);
    assert.match(html, /<input id="search" type="search"/);
  });

  it('ships a script and stylesheet that load nothing remote and never evaluate strings', () => {
    const script = readFileSync(path.join(ROOT, 'media', 'guide.js'), 'utf8');
    const style = readFileSync(path.join(ROOT, 'media', 'guide.css'), 'utf8');
    assert.doesNotMatch(script, /\beval\(|new Function|https?:\/\/|document\.write/);
    assert.doesNotMatch(style, /url\(|@import/);
    // Search results are built with textContent, never innerHTML.
    assert.equal((script.match(/innerHTML/g) ?? []).length, 1, 'only the extension-rendered section HTML is assigned as HTML');
    assert.match(style, /var\(--vscode-editor-background\)/);
  });
});

describe('guide view: search', () => {
  const index = buildSearchIndex(GUIDE_SECTIONS.map((s) => ({ slug: s.slug, markdown: read(s.slug) })));

  it('finds a rule by its id, pointing at its explanation (not the Rules list at the end) and saying what it flags', () => {
    const [first] = searchGuide(index, 'pandas-iterrows');
    assert.deepEqual(
      { slug: first.slug, anchor: first.anchor, kind: first.kind, title: first.title },
      { slug: 'pandas-vectorization', anchor: undefined, kind: 'rule', title: 'pandas-iterrows' },
    );
    assert.match(first.detail, /^DataFrame\.iterrows\(\) builds a Series per row/);
    // A rule explained under a subsection: its Rules-list entry links the heading, and search opens it.
    const [unbounded] = searchGuide(index, 'cache-unbounded');
    assert.deepEqual([unbounded.slug, unbounded.anchor], ['caching', 'bound-caches-whose-inputs-are-open-ended']);
    assert.ok(
      searchGuide(index, 'slots-')
        .filter((r) => r.kind === 'rule')
        .every((r) => r.slug === 'slots'),
    );
  });

  it('names each section once: no result repeats its section title as its detail, nor a rule its section', () => {
    for (const query of ['iterrows', 'slots', 'profile', 'pandas', 'dataloader', 'lru_cache', 'Vectorized pandas']) {
      const results = searchGuide(index, query);
      assert.ok(results.length > 0, query);
      const titles = new Set(GUIDE_SECTIONS.map((s) => s.title));
      for (const r of results) {
        assert.notEqual(r.detail, r.title, `${query}: ${JSON.stringify(r)}`);
        assert.ok(!titles.has(r.detail), `${query}: the detail repeats a section title: ${JSON.stringify(r)}`);
      }
    }
  });

  it('finds sections by keywords, best matches first, with the matching heading', () => {
    const results = searchGuide(index, 'pinned memory');
    assert.ok(
      results.slice(0, 3).some((r) => r.slug === 'pytorch-data-loading'),
      JSON.stringify(results.slice(0, 3)),
    );
    const prefetch = searchGuide(index, 'prefetch');
    assert.equal(prefetch[0].slug, 'tf-data-pipelines');
    assert.deepEqual(searchGuide(index, 'x'), []);
    assert.deepEqual(searchGuide(index, 'zzzz-no-such-thing'), []);
  });
});

describe('guide view: links from diagnostics and hovers', () => {
  it("reads the guide target of the server's codeDescription.href (desktop file URL, web URL)", () => {
    assert.equal(guideTargetOfHref('file:///home/u/.vscode/extensions/perflens.perflens-0.1.0/guide/asyncio-pitfalls.md'), 'asyncio-pitfalls');
    assert.equal(guideTargetOfHref('file:///c%3A/ext/guide/slots.md#weak-references'), 'slots#weak-references');
    assert.equal(guideTargetOfHref('https://example.vscode-cdn.net/ext/perflens/guide/numba.md'), 'numba');
    assert.equal(guideTargetOfHref('https://docs.astral.sh/ruff/rules/'), undefined);
    assert.equal(guideTargetOfHref('file:///x/guide/not-a-section.md'), undefined);
  });

  it('rewrites them to the extension URI its UriHandler opens, and reads that URI back', () => {
    const uri = guideLinkUri('vscode', 'perflens.perflens', 'slots#weak-references');
    assert.equal(uri, 'vscode://perflens.perflens/guide/slots#weak-references');
    assert.equal(guideLinkUri('code-oss', 'Perflens.perflens', 'numba'), 'code-oss://perflens.perflens/guide/numba');
    const parsed = new URL(uri);
    assert.equal(guideTargetOfUri({ path: parsed.pathname, fragment: parsed.hash.slice(1) }), 'slots#weak-references');
    assert.equal(guideTargetOfUri({ path: '/guide/numba', fragment: '' }), 'numba');
    assert.equal(guideTargetOfUri({ path: '/other', fragment: '' }), undefined);
  });

  it('validates targets: unknown sections open the table of contents', () => {
    assert.deepEqual(parseGuideTarget('caching#the-standard-tools'), { slug: 'caching', anchor: 'the-standard-tools' });
    assert.deepEqual(parseGuideTarget(undefined), { slug: 'index' });
    assert.deepEqual(parseGuideTarget('../etc/passwd'), { slug: 'index', anchor: undefined });
    assert.equal(openGuideCommandUri('numba'), 'command:perflens.openGuide?%5B%22numba%22%5D');
  });

  it('keeps a malformed % escape as written instead of throwing (issue 23)', () => {
    assert.deepEqual(parseGuideTarget('caching#100%'), { slug: 'caching', anchor: '100%' });
    assert.deepEqual(parseGuideTarget('caching#%E0%A4%A'), { slug: 'caching', anchor: '%E0%A4%A' });
    assert.deepEqual(parseGuideTarget('caching#a%20b'), { slug: 'caching', anchor: 'a b' }, 'a valid escape is still decoded');
    assert.equal(guideTargetOfHref('file:///x/guide/slots.md#%zz'), 'slots#%zz');
    assert.deepEqual(classifyHref('#%'), { kind: 'anchor', anchor: '%' });
    assert.deepEqual(classifyHref('slots.md#%G0'), { kind: 'section', slug: 'slots', anchor: '%G0' });
    assert.equal(guideLinkUri('vscode', 'perflens.perflens', 'slots#50%'), 'vscode://perflens.perflens/guide/slots#50%25');
  });
});
