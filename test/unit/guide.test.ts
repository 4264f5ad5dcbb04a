// The guide (guide/*.md) checked against the rules and against itself: every rule's section and anchor
// exist, each section's `## Rules` list names exactly the rules that link there, links and anchors resolve,
// every Python example parses, and no section is empty.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { classifyHref, parseGuide, type GuideDoc } from '../../client/guideMarkdown';
import { ALL_RULES } from '../../rules';
import { CONSTRUCT_DOCS } from '../../server/docs/constructDocs';
import { GUIDE_SECTIONS, GUIDE_SLUGS } from '../../common/guide';
import { getEngine, ROOT } from '../helpers/engine';

const GUIDE = path.join(ROOT, 'guide');
const docs = new Map<string, GuideDoc>();
function doc(slug: string): GuideDoc {
  let d = docs.get(slug);
  if (!d) {
    d = parseGuide(readFileSync(path.join(GUIDE, `${slug}.md`), 'utf8'));
    docs.set(slug, d);
  }
  return d;
}

/** Rule ids a section may list: catalog rules (implemented or not yet) and the rules that exist in code. */
const KNOWN_IDS = new Set(ALL_RULES.map((r) => r.id));

describe('guide', () => {
  it('has one file per section of GUIDE_SECTIONS, and no stray files', () => {
    const files = readdirSync(GUIDE)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -3));
    assert.deepEqual(
      files.filter((f) => f !== 'index' && !GUIDE_SLUGS.has(f)),
      [],
      'files in guide/ that are not sections',
    );
    assert.deepEqual(
      GUIDE_SECTIONS.filter((s) => !files.includes(s.slug)).map((s) => s.slug),
      [],
      'sections without a file',
    );
  });

  it('index.md lists every section, in order, under its part', () => {
    const index = doc('index');
    const listed = index.links.map((l) => classifyHref(l.href)).flatMap((t) => (t.kind === 'section' ? [t.slug] : []));
    assert.deepEqual(
      listed,
      GUIDE_SECTIONS.map((s) => s.slug),
    );
    const parts = index.headings.filter((h) => h.level === 2).map((h) => h.text);
    assert.deepEqual(parts, [...new Set(GUIDE_SECTIONS.map((s) => s.part))]);
  });

  it("every rule's guide slug (and anchor) resolves to a section heading", () => {
    const problems: string[] = [];
    for (const rule of ALL_RULES) {
      const [slug, anchor] = rule.guide.split('#');
      if (!GUIDE_SLUGS.has(slug) || !existsSync(path.join(GUIDE, `${slug}.md`))) {
        problems.push(`${rule.id}: guide/${slug}.md does not exist`);
        continue;
      }
      if (anchor && !doc(slug).headings.some((h) => h.slug === anchor)) problems.push(`${rule.id}: no heading with anchor #${anchor} in guide/${slug}.md`);
    }
    assert.deepEqual(problems, []);
  });

  it("every construct hover note's guide link resolves to a heading", () => {
    const problems: string[] = [];
    for (const note of CONSTRUCT_DOCS) {
      const [slug, anchor] = note.guide.split('#');
      if (!GUIDE_SLUGS.has(slug)) problems.push(`${note.id}: no section ${slug}`);
      else if (anchor && !doc(slug).headings.some((h) => h.slug === anchor)) problems.push(`${note.id}: no heading #${anchor} in ${slug}.md`);
    }
    assert.deepEqual(problems, []);
  });

  it("each section's `## Rules` list names exactly the rules whose metadata links there", () => {
    const problems: string[] = [];
    const listedIn = new Map<string, string[]>();
    for (const section of GUIDE_SECTIONS) {
      const rules = doc(section.slug).rules;
      if (rules === null) {
        problems.push(`${section.slug}.md has no "## Rules" heading`);
        continue;
      }
      const seen = new Set<string>();
      for (const id of rules) {
        if (seen.has(id)) problems.push(`${section.slug}.md lists ${id} twice`);
        seen.add(id);
        listedIn.set(id, [...(listedIn.get(id) ?? []), section.slug]);
        if (!KNOWN_IDS.has(id)) problems.push(`${section.slug}.md lists ${id}, which is not a rule in rules/`);
      }
      for (const rule of ALL_RULES) {
        const target = rule.guide.split('#')[0];
        if (target === section.slug && !seen.has(rule.id)) problems.push(`${section.slug}.md does not list ${rule.id}, whose guide link points there`);
        if (target !== section.slug && seen.has(rule.id))
          problems.push(`${section.slug}.md lists ${rule.id}, but the rule links to ${target}.md: move the entry there`);
      }
    }
    for (const [id, sections] of listedIn)
      if (sections.length > 1) problems.push(`${id} is listed in ${sections.join(', ')}: list it only in the section its metadata links to`);
    // Every catalog rule has a home, so a rule engineer knows which section to link (and the evidence block where to go).
    for (const id of KNOWN_IDS) if (!listedIn.has(id)) problems.push(`rule ${id} is not listed in any section's "## Rules"`);
    assert.deepEqual(problems, []);
  });

  it("a Rules-list entry links the heading its rule's metadata names, and only that one", () => {
    // The guide view's search opens a rule at that link (client/guideRender.ts); diagnostics and hovers use the metadata.
    const problems: string[] = [];
    for (const section of GUIDE_SECTIONS) {
      for (const entry of doc(section.slug).ruleEntries) {
        const rule = ALL_RULES.find((r) => r.id === entry.id);
        if (!rule) continue;
        const anchor = rule.guide.split('#')[1];
        if (entry.anchor !== anchor)
          problems.push(`${section.slug}.md: ${entry.id} links #${entry.anchor ?? '(none)'}, its guide metadata #${anchor ?? '(none)'}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('every relative link and anchor resolves', () => {
    const problems: string[] = [];
    for (const slug of ['index', ...GUIDE_SECTIONS.map((s) => s.slug)]) {
      const here = doc(slug);
      for (const link of here.links) {
        const target = classifyHref(link.href);
        const at = `${slug}.md:${link.line} (${link.href})`;
        if (target.kind === 'anchor') {
          if (!here.headings.some((h) => h.slug === target.anchor)) problems.push(`${at}: no heading #${target.anchor} here`);
        } else if (target.kind === 'section') {
          if (!GUIDE_SLUGS.has(target.slug)) problems.push(`${at}: ${target.slug}.md is not a guide section`);
          else if (target.anchor && !doc(target.slug).headings.some((h) => h.slug === target.anchor))
            problems.push(`${at}: no heading #${target.anchor} in ${target.slug}.md`);
        } else if (target.kind === 'file') {
          if (!existsSync(path.join(GUIDE, target.path))) problems.push(`${at}: ${target.path} does not exist`);
        } else if (!/^https:\/\//.test(target.href)) {
          problems.push(`${at}: external links must be https`);
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('every ```python block parses without syntax errors', async () => {
    const engine = await getEngine();
    const problems: string[] = [];
    let blocks = 0;
    for (const section of GUIDE_SECTIONS) {
      for (const block of doc(section.slug).codeBlocks) {
        if (block.lang !== 'python') continue;
        blocks++;
        const tree = engine.parse(block.code);
        try {
          if (tree.rootNode.hasError) {
            const bad = firstError(tree.rootNode);
            problems.push(
              `${section.slug}.md:${block.line}: ${bad ? `${bad.type} at code line ${bad.startPosition.row + 1}: ${JSON.stringify(bad.text.slice(0, 60))}` : 'syntax error'}`,
            );
          }
        } finally {
          tree.delete();
        }
      }
    }
    assert.ok(blocks > 100, `only ${blocks} python blocks found: is the parser reading fences?`);
    assert.deepEqual(problems, []);
  });

  it('no section is empty: a title, prose, and at least one subsection before the rules', () => {
    const problems: string[] = [];
    for (const section of GUIDE_SECTIONS) {
      const d = doc(section.slug);
      if (!d.title) problems.push(`${section.slug}.md has no # title`);
      const subsections = d.headings.filter((h) => h.level === 2 && !['Rules', 'References', 'Measured evidence'].includes(h.text));
      if (subsections.length === 0) problems.push(`${section.slug}.md has no ## subsection besides Rules/References`);
      if (d.plainText.length < 800) problems.push(`${section.slug}.md has only ${d.plainText.length} characters of prose`);
    }
    assert.deepEqual(problems, []);
  });
});

type SyntaxNode = { type: string; isMissing: boolean; hasError: boolean; text: string; startPosition: { row: number }; children: (SyntaxNode | null)[] };
function firstError(node: SyntaxNode): SyntaxNode | null {
  if (node.type === 'ERROR' || node.isMissing) return node;
  for (const child of node.children) {
    if (child?.hasError || child?.isMissing) {
      const found = firstError(child);
      if (found) return found;
    }
  }
  return null;
}
