// The guide webview's pure parts (no vscode import, unit-tested in test/unit/guideView.test.ts): the page
// shell with its Content-Security-Policy, each section's HTML, search by rule id or keyword, and the links
// that open a section from a diagnostic (`codeDescription.href`) or from a hover.
import { GUIDE_SECTIONS, guideSection, type GuideSection } from '../common/guide';
import { decodeComponent, escapeAttr, parseGuide, renderGuideSection, type GuideHeading, type GuideRuleEntry } from './guideMarkdown';

export const GUIDE_VIEW_TYPE = 'perflens.guide';

const SLUGS: ReadonlySet<string> = new Set(GUIDE_SECTIONS.map((s) => s.slug));

/** `command:` URI that opens a guide target (`slug` or `slug#anchor`): the fallback for plain link clicks. */
export function openGuideCommandUri(target: string): string {
  return `command:perflens.openGuide?${encodeURIComponent(JSON.stringify([target]))}`;
}

/** Splits and validates `slug#anchor`; unknown slugs open the table of contents (slug `index`). */
export function parseGuideTarget(target: string | undefined): { slug: string; anchor?: string } {
  if (!target) return { slug: 'index' };
  const hash = target.indexOf('#');
  const slug = (hash >= 0 ? target.slice(0, hash) : target).trim();
  const anchor = hash >= 0 ? decodeComponent(target.slice(hash + 1)) || undefined : undefined;
  if (slug === 'index' || !SLUGS.has(slug)) return { slug: 'index', anchor: slug === 'index' ? anchor : undefined };
  return { slug, anchor };
}

// ---- diagnostic links --------------------------------------------------------------------------------------

/**
 * The guide target a diagnostic's `codeDescription.href` points at: the server links to the bundled
 * `guide/<slug>.md` (a file URL on the desktop, an https URL of the extension on the web), with an optional
 * `#anchor`. Returns `slug` / `slug#anchor`, or undefined for any other link.
 */
export function guideTargetOfHref(href: string): string | undefined {
  const m = /\/guide\/([a-z0-9-]+)\.md(?:#(.*))?$/.exec(href);
  if (!m || !SLUGS.has(m[1])) return undefined;
  return m[2] ? `${m[1]}#${decodeComponent(m[2])}` : m[1];
}

/**
 * The URI a diagnostic's code link gets in VS Code: `<uriScheme>://<publisher.name>/guide/<slug>#<anchor>`,
 * handled by the extension's UriHandler. VS Code opens `command:` links only from the Problems panel
 * (`allowCommands`); the editor hover's and the peek view's code links drop them, while the product's
 * own URI scheme is routed to the extension from all three.
 */
export function guideLinkUri(uriScheme: string, extensionId: string, target: string): string {
  const { slug, anchor } = parseGuideTarget(target);
  return `${uriScheme}://${extensionId.toLowerCase()}/guide/${slug}${anchor ? `#${encodeURIComponent(anchor)}` : ''}`;
}

/** The guide target of a URI the UriHandler received (`/guide/<slug>` plus fragment), or undefined. */
export function guideTargetOfUri(uri: { path: string; fragment: string }): string | undefined {
  const m = /^\/guide\/([a-z0-9-]+)\/?$/.exec(uri.path);
  if (!m) return undefined;
  return uri.fragment ? `${m[1]}#${uri.fragment}` : m[1];
}

// ---- the page -------------------------------------------------------------------------------------------

export interface ShellOptions {
  /** webview.cspSource: the origin the webview serves extension resources from. */
  cspSource: string;
  /** A fresh random nonce for this page's script. */
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline Markdown of a title (only code spans) as HTML. */
function titleHtml(title: string): string {
  return escapeHtml(title).replace(/`([^`]+)`/g, '<code>$1</code>');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `style-src ${cspSource}`, `script-src 'nonce-${nonce}'`, `img-src ${cspSource}`, `font-src ${cspSource}`].join('; ');
}

/**
 * The table of contents, grouped by part, as links the webview script turns into navigation. Sections are
 * numbered through the whole guide, as the guide's index page numbers them: each part's list starts where the
 * previous one stopped.
 */
export function tocHtml(sections: readonly GuideSection[] = GUIDE_SECTIONS): string {
  const parts: string[] = [];
  let part = '';
  for (const [i, s] of sections.entries()) {
    if (s.part !== part) {
      if (part) parts.push('</ol>');
      part = s.part;
      parts.push(`<h2 class="toc-part">${escapeHtml(part)}</h2>`, `<ol class="toc-list" start="${i + 1}">`);
    }
    parts.push(`<li><a href="${escapeAttr(openGuideCommandUri(s.slug))}" data-section="${s.slug}">${titleHtml(s.title)}</a></li>`);
  }
  if (part) parts.push('</ol>');
  return parts.join('\n');
}

/**
 * The webview page: a sidebar with search and the table of contents, and the section content, which the
 * script fills from messages. The Content-Security-Policy allows nothing but the extension's own stylesheet
 * and this page's nonce-tagged script: no inline styles or handlers, no remote loads.
 */
export function guideShellHtml(options: ShellOptions): string {
  const { cspSource, nonce, scriptUri, styleUri } = options;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(styleUri)}">
<title>perflens guide</title>
</head>
<body>
<nav class="sidebar" aria-label="perflens guide">
  <div class="search">
    <input id="search" type="search" placeholder="Search rule id or keyword" aria-label="Search the guide by rule id or keyword" autocomplete="off" spellcheck="false">
    <ol id="results" class="results" hidden></ol>
  </div>
  <a class="toc-home" href="${escapeAttr(openGuideCommandUri('index'))}" data-section="index">perflens guide</a>
  ${tocHtml()}
</nav>
<main id="content" class="content" tabindex="-1"><p class="loading">Loading…</p></main>
<script nonce="${escapeAttr(nonce)}" src="${escapeAttr(scriptUri)}"></script>
</body>
</html>`;
}

// ---- sections -------------------------------------------------------------------------------------------

/** What the extension posts to the webview to show a section. */
export interface SectionMessage {
  type: 'show';
  slug: string;
  anchor?: string;
  title: string;
  html: string;
  prev?: { slug: string; title: string };
  next?: { slug: string; title: string };
}

export function sectionMessage(slug: string, markdown: string, anchor?: string): SectionMessage {
  const rendered = renderGuideSection(markdown, { slug, sections: SLUGS, sectionHref: (s, a) => openGuideCommandUri(a ? `${s}#${a}` : s) });
  const index = GUIDE_SECTIONS.findIndex((s) => s.slug === slug);
  const neighbour = (i: number) => (i >= 0 && i < GUIDE_SECTIONS.length ? { slug: GUIDE_SECTIONS[i].slug, title: GUIDE_SECTIONS[i].title } : undefined);
  return {
    type: 'show',
    slug,
    anchor: anchor && rendered.headings.some((h) => h.slug === anchor) ? anchor : undefined,
    title: rendered.title || guideSection(slug)?.title || slug,
    html: rendered.html,
    prev: slug === 'index' ? undefined : neighbour(index - 1),
    next: slug === 'index' ? neighbour(0) : neighbour(index + 1),
  };
}

// ---- search ---------------------------------------------------------------------------------------------

export interface SearchEntry {
  slug: string;
  title: string;
  headings: GuideHeading[];
  /** The rules listed under the section's `## Rules`, with the heading that explains each. */
  rules: GuideRuleEntry[];
  /** Lines of prose, for matching and snippets. */
  lines: string[];
}

export function buildSearchIndex(sections: readonly { slug: string; markdown: string }[]): SearchEntry[] {
  return sections.map(({ slug, markdown }) => {
    const doc = parseGuide(markdown);
    return { slug, title: doc.title, headings: doc.headings, rules: doc.ruleEntries, lines: doc.plainText.split('\n').filter((l) => l.trim()) };
  });
}

export interface SearchResult {
  slug: string;
  /** The heading to open at; undefined: the section's top. */
  anchor?: string;
  /** A rule's id, or the section title. */
  title: string;
  /** Why it matched, never the title again: what the rule flags, the matching heading, or a snippet of text. */
  detail: string;
  kind: 'rule' | 'section';
}

function snippet(line: string, at: number, length: number): string {
  const start = Math.max(0, at - 40);
  const end = Math.min(line.length, at + length + 60);
  return `${start > 0 ? '…' : ''}${line.slice(start, end).trim()}${end < line.length ? '…' : ''}`;
}

/**
 * Rule ids first (an exact or partial id match opens the explanation of the rule: the heading its Rules-list
 * entry links, else the top of its section; the same target as the rule's diagnostics and hovers), then
 * sections whose title, headings or text contain every word of the query, ranked by where the words appear.
 * Each result names its section once: a rule's detail is what the rule flags, a section's the heading or the
 * text that matched.
 */
export function searchGuide(index: readonly SearchEntry[], query: string, limit = 20): SearchResult[] {
  const q = query.trim().toLowerCase();
  if (q.length < 2) return [];
  const results: SearchResult[] = [];
  for (const entry of index) {
    for (const rule of entry.rules) {
      if (rule.id.includes(q)) results.push({ slug: entry.slug, anchor: rule.anchor, title: rule.id, detail: rule.summary, kind: 'rule' });
    }
  }
  results.sort((a, b) => Number(b.title === q) - Number(a.title === q) || a.title.localeCompare(b.title));
  const words = q.split(/\s+/).filter(Boolean);
  const scored: { score: number; result: SearchResult }[] = [];
  for (const entry of index) {
    const title = entry.title.toLowerCase();
    const text = entry.lines.join('\n').toLowerCase();
    if (!words.every((w) => title.includes(w) || text.includes(w))) continue;
    let score = words.reduce((n, w) => n + (title.includes(w) ? 10 : 0) + Math.min(5, text.split(w).length - 1), 0);
    const heading = entry.headings.find((h) => h.level === 2 && words.every((w) => h.text.toLowerCase().includes(w)));
    if (heading) score += 5;
    scored.push({
      score,
      result: { slug: entry.slug, anchor: heading?.slug, title: entry.title, detail: heading ? heading.text : textSnippet(entry, words[0]), kind: 'section' },
    });
  }
  scored.sort((a, b) => b.score - a.score);
  return [...results, ...scored.map((s) => s.result)].slice(0, limit);
}

/** The first line of the section's text, its title left out, that spells `word`, cut around it; '' if none does. */
function textSnippet(entry: SearchEntry, word: string): string {
  const line = entry.lines.find((l) => l !== entry.title && l.toLowerCase().includes(word));
  return line ? snippet(line, line.toLowerCase().indexOf(word), word.length) : '';
}
