// Issue 28, item 9: a rule's guide link goes to the same place from every surface. The diagnostic's code link
// (codeDescription.href, desktop and browser servers), the hover's "Open guide section" link (VS Code command
// and plain URL) and the guide's own search for the rule id all open the rule's `guide` target, and the guide
// view finds that anchor in the section, so it scrolls to the explanation.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { buildSearchIndex, guideTargetOfHref, searchGuide, sectionMessage } from '../../client/guideRender';
import { GUIDE_SECTIONS } from '../../common/guide';
import { COMMANDS } from '../../common/protocol';
import { ALL_RULES } from '../../rules';
import { guideFileUrl, guideUrl } from '../../server/docs/render';
import { hoverAt } from '../../server/lsp/hover';
import { guideHrefBeside } from '../../server/lsp/platform';
import { ROOT } from '../helpers/engine';

const GUIDE = path.join(ROOT, 'guide');
const read = (slug: string) => readFileSync(path.join(GUIDE, `${slug}.md`), 'utf8');
const SEARCH = buildSearchIndex(GUIDE_SECTIONS.map((s) => ({ slug: s.slug, markdown: read(s.slug) })));
const RULES = new Map(ALL_RULES.map((r) => [r.id, r]));

/** The guide targets of the links a hover over one finding of the rule offers. */
async function hoverTargets(ruleId: string, clientCommands: boolean): Promise<string[]> {
  const document = TextDocument.create('file:///t.py', 'python', 1, 'x = 1\n');
  const hover = await hoverAt(0, {
    document,
    constructAt: () => null,
    findings: [{ ruleId, start: 0, end: 1, message: 'm', severity: 'warning' }],
    rulesById: RULES,
    explainFindings: true,
    constructHovers: false,
    clientCommands,
    // VS Code (client commands) shows the message above the hover; other editors show the hover alone.
    messageShownAbove: clientCommands,
    guideHref: (target) => guideFileUrl(target, GUIDE),
  });
  const markdown = (hover!.contents as { value: string }).value;
  const targets: string[] = [];
  for (const [, url] of markdown.matchAll(/\]\((\S+?)(?: "[^"]*")?\)/g)) {
    const command = `command:${COMMANDS.openGuide}?`;
    if (url.startsWith(command)) targets.push((JSON.parse(decodeURIComponent(url.slice(command.length))) as string[])[0]);
    else if (guideTargetOfHref(url)) targets.push(guideTargetOfHref(url)!);
  }
  return targets;
}

/** Where the guide view's search sends the user for the rule id (Enter opens the first result). */
function searchTarget(ruleId: string): string | undefined {
  const [first] = searchGuide(SEARCH, ruleId);
  if (first?.kind !== 'rule' || first.title !== ruleId) return undefined;
  return first.anchor ? `${first.slug}#${first.anchor}` : first.slug;
}

describe('guide anchors: one target per rule from every surface (issue 28, item 9)', () => {
  it('diagnostic code link, hover links and guide search all open the rule’s guide target, and that anchor exists', async () => {
    const problems: string[] = [];
    for (const rule of ALL_RULES) {
      const want = rule.guide;
      const surfaces: Record<string, unknown> = {
        'diagnostic href (desktop)': guideTargetOfHref(guideUrl(rule, GUIDE)),
        'diagnostic href (browser)': guideTargetOfHref(guideHrefBeside(rule.guide, 'https://cdn.example/ext/dist/web/server.js')),
        'hover links (VS Code)': (await hoverTargets(rule.id, true)).join(' '),
        'hover links (other editors)': (await hoverTargets(rule.id, false)).join(' '),
        'guide search': searchTarget(rule.id),
      };
      for (const [surface, got] of Object.entries(surfaces)) if (got !== want) problems.push(`${rule.id}: ${surface} opens ${String(got)}, not ${want}`);
      const [slug, anchor] = want.split('#');
      if (anchor && sectionMessage(slug, read(slug), anchor).anchor !== anchor)
        problems.push(`${rule.id}: the guide view has no heading #${anchor} in ${slug}`);
    }
    assert.deepEqual(problems, []);
  });
});
