// The guide's Markdown, read with markdown-it: headings and their GitHub-style anchors, links, code
// blocks, the `## Rules` list, and rendering to HTML for the guide webview. Pure (no vscode import), so
// the guide checks (test/unit/guide.test.ts) and the webview renderer read the files the same way.
import MarkdownIt from 'markdown-it';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

/**
 * GitHub's heading anchor: lower-case, punctuation removed (letters, digits, marks, `_`, `-` and spaces
 * kept), spaces become hyphens. `## Use \`.to_numpy()\`, not \`.values\`` → `use-to_numpy-not-values`.
 */
export function githubSlug(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Numbers repeated anchors the way GitHub does: `setup`, `setup-1`, `setup-2`. */
export class Slugger {
  private readonly seen = new Map<string, number>();

  slug(text: string): string {
    const base = githubSlug(text);
    let slug = base;
    let n = this.seen.get(base) ?? 0;
    while (this.seen.has(slug)) slug = `${base}-${++n}`;
    this.seen.set(base, n);
    this.seen.set(slug, 0);
    return slug;
  }
}

export interface GuideHeading {
  level: number;
  /** Plain text (code spans without their backticks). */
  text: string;
  slug: string;
  /** 1-based line. */
  line: number;
}

export interface GuideLink {
  href: string;
  text: string;
  line: number;
}

export interface GuideCodeBlock {
  lang: string;
  code: string;
  /** 1-based line of the opening fence. */
  line: number;
}

/**
 * One item of a section's `## Rules` list: ``- `rule-id`: what it flags; what to do instead.`` A rule explained
 * under a subsection links its id there, ``- [`rule-id`](#heading-anchor): ...``, the same anchor as the rule's
 * `guide` metadata (test/unit/guide.test.ts), so the guide's search opens the explanation, not the list.
 */
export interface GuideRuleEntry {
  id: string;
  /** The heading in this section that explains the rule; undefined: the section's top. */
  anchor?: string;
  /** The item's text after the rule id. */
  summary: string;
}

export interface GuideDoc {
  /** The `#` heading's text. */
  title: string;
  headings: GuideHeading[];
  links: GuideLink[];
  codeBlocks: GuideCodeBlock[];
  /** Rule ids listed under `## Rules` (the first code span of each top-level item); null without that heading. */
  rules: string[] | null;
  /** The same items in full: where each rule is explained and what the item says about it. */
  ruleEntries: GuideRuleEntry[];
  /** Paragraph text (for search and the "no empty section" check), without code blocks. */
  plainText: string;
}

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** The HTML comments the bench script uses as markers (`<!-- evidence:start -->`), removed before rendering. */
export function stripMarkerComments(markdown: string): string {
  return markdown.replace(/^[ \t]*<!--[\s\S]*?-->[ \t]*\r?\n?/gm, '');
}

function inlineText(token: Token | undefined): string {
  if (!token?.children) return token?.content ?? '';
  return childrenText(token.children);
}

function childrenText(children: Token[]): string {
  return children
    .map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.type === 'softbreak' || c.type === 'hardbreak' ? ' ' : ''))
    .join('');
}

export function parseGuide(markdown: string): GuideDoc {
  const tokens = md.parse(stripMarkerComments(markdown), {});
  const slugger = new Slugger();
  const doc: GuideDoc = { title: '', headings: [], links: [], codeBlocks: [], rules: null, ruleEntries: [], plainText: '' };
  const text: string[] = [];
  let inRules = false;
  let listDepth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const line = (t.map?.[0] ?? 0) + 1;
    if (t.type === 'heading_open') {
      const level = Number(t.tag.slice(1));
      const headingText = inlineText(tokens[i + 1]);
      doc.headings.push({ level, text: headingText, slug: slugger.slug(headingText), line });
      if (level === 1 && !doc.title) doc.title = headingText;
      if (level <= 2) inRules = level === 2 && headingText.trim() === 'Rules';
      if (inRules && level === 2) doc.rules = [];
      text.push(headingText);
    } else if (t.type === 'bullet_list_open' || t.type === 'ordered_list_open') {
      listDepth++;
    } else if (t.type === 'bullet_list_close' || t.type === 'ordered_list_close') {
      listDepth--;
    } else if (t.type === 'fence' || t.type === 'code_block') {
      doc.codeBlocks.push({ lang: t.info.trim().split(/\s+/)[0] ?? '', code: t.content, line });
    } else if (t.type === 'inline') {
      text.push(inlineText(t));
      const children = t.children ?? [];
      for (let j = 0; j < children.length; j++) {
        const c = children[j];
        if (c.type !== 'link_open') continue;
        let label = '';
        for (let k = j + 1; k < children.length && children[k].type !== 'link_close'; k++) label += children[k].content;
        doc.links.push({ href: String(c.attrGet('href') ?? ''), text: label, line });
      }
      // A top-level item of the Rules list: its first code span is the rule id.
      if (inRules && listDepth === 1 && tokens[i - 1]?.type === 'paragraph_open' && tokens[i - 2]?.type === 'list_item_open') {
        const entry = ruleEntry(children);
        if (entry) {
          doc.rules!.push(entry.id);
          doc.ruleEntries.push(entry);
        }
      }
    }
  }
  doc.plainText = text.join('\n');
  return doc;
}

/** A Rules-list item's rule: its leading code span, possibly linked to the heading that explains it. */
function ruleEntry(children: Token[]): GuideRuleEntry | undefined {
  const linked = children[0]?.type === 'link_open' && children[1]?.type === 'code_inline' && children[2]?.type === 'link_close';
  const code = linked ? children[1] : children[0];
  if (code?.type !== 'code_inline') return undefined;
  const href = linked ? String(children[0].attrGet('href') ?? '') : '';
  const anchor = href.startsWith('#') ? decodeComponent(href.slice(1)) : undefined;
  const rest = children.slice(linked ? 3 : 1);
  const summary = childrenText(rest)
    .replace(/^\s*:\s*/, '')
    .trim();
  return { id: code.content, anchor, summary };
}

/** Where a link in the guide points. */
export type GuideTarget =
  | { kind: 'section'; slug: string; anchor?: string }
  | { kind: 'anchor'; anchor: string }
  | { kind: 'external'; href: string }
  /** A file beside the guide (e.g. `bench/pandas-iterrows.py`), relative to the guide folder. */
  | { kind: 'file'; path: string };

/**
 * A percent-decoded URI component, or the text as written when its escapes are malformed (`100%`,
 * `%E0%A4%A`): links come from files and other extensions, and a bad one must open the section, not throw.
 */
export function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Classifies an href found in guide/<slug>.md. Links to `other.md` are sections; `#x` anchors in this one. */
export function classifyHref(href: string): GuideTarget {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return { kind: 'external', href };
  if (href.startsWith('#')) return { kind: 'anchor', anchor: decodeComponent(href.slice(1)) };
  const [pathPart, fragment] = href.split('#', 2);
  const clean = pathPart.replace(/^\.\//, '');
  const m = /^([a-z0-9-]+)\.md$/.exec(clean);
  if (m) return { kind: 'section', slug: m[1], anchor: fragment ? decodeComponent(fragment) : undefined };
  return { kind: 'file', path: clean };
}

function escapeAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface RenderOptions {
  /** The section being rendered (for links to its own anchors). */
  slug: string;
  /** Known section slugs; links to other `.md` files render as plain text. */
  sections: ReadonlySet<string>;
  /** URI that opens a section from a plain link click (the webview's fallback): `command:perflens.openGuide?…`. */
  sectionHref(slug: string, anchor?: string): string;
}

export interface RenderedSection {
  html: string;
  title: string;
  headings: GuideHeading[];
}

/**
 * Renders a guide section to HTML for the webview: raw HTML in the Markdown is escaped (markdown-it
 * `html: false`), headings get GitHub-style ids, and links are tagged for the webview script:
 * `data-section`/`data-anchor` for other sections, `data-file` for files beside the guide, external
 * links keep their href (VS Code opens them outside the webview).
 */
export function renderGuideSection(markdown: string, options: RenderOptions): RenderedSection {
  const env = {};
  const tokens = md.parse(stripMarkerComments(markdown), env);
  const slugger = new Slugger();
  const headings: GuideHeading[] = [];
  let title = '';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === 'heading_open') {
      const text = inlineText(tokens[i + 1]);
      const slug = slugger.slug(text);
      const level = Number(t.tag.slice(1));
      if (level === 1 && !title) title = text;
      headings.push({ level, text, slug, line: (t.map?.[0] ?? 0) + 1 });
      t.attrSet('id', slug);
    }
    for (const c of t.children ?? []) {
      if (c.type !== 'link_open') continue;
      const href = String(c.attrGet('href') ?? '');
      const target = classifyHref(href);
      switch (target.kind) {
        case 'external':
          c.attrSet('class', 'external');
          c.attrSet('title', href);
          break;
        case 'anchor':
          c.attrSet('href', `#${encodeURIComponent(target.anchor)}`);
          break;
        case 'section':
          if (options.sections.has(target.slug)) {
            c.attrSet('href', options.sectionHref(target.slug, target.anchor));
            c.attrSet('data-section', target.slug);
            if (target.anchor) c.attrSet('data-anchor', target.anchor);
          } else {
            c.attrSet('href', '#');
          }
          break;
        case 'file':
          c.attrSet('href', '#');
          c.attrSet('data-file', target.path);
          c.attrSet('title', target.path);
          break;
      }
    }
  }
  // Fenced code: a language class for styling only; no highlighting library, nothing executed.
  const html = md.renderer.render(tokens, md.options, env);
  return { html, title, headings };
}

export { escapeAttr };
