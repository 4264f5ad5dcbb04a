// Rule metadata rendered for people: hover Markdown, the CLI's `rule` explanation, guide links.
// One source of truth for the server, the CLI and the README generator.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { guideSection } from './guide';
import type { RuleDefinition } from './rule';
import type { Finding, FixSafety } from './types';

/** The guide folder shipped beside the bundles (dist/../guide). */
export function defaultGuideDir(): string {
  return path.resolve(__dirname, '..', 'guide');
}

/** A link to the rule's guide section: a file URL to the bundled Markdown, with its anchor. */
export function guideUrl(rule: RuleDefinition, guideDir: string = defaultGuideDir()): string {
  const [slug, anchor] = rule.guide.split('#');
  const url = pathToFileURL(path.join(guideDir, `${slug}.md`)).href;
  return anchor ? `${url}#${anchor}` : url;
}

const SAFETY_TEXT: Record<FixSafety, string> = {
  safe: 'safe: keeps behaviour, applied by fix-all and `--fix`',
  unsafe: 'unsafe: review it; applied only on request',
  'display-only': 'shown as a suggestion only, never applied automatically',
};

export function safetyText(safety: FixSafety): string {
  return SAFETY_TEXT[safety];
}

export interface HoverLinks {
  /** URI opening the guide section (a command: URI in VS Code, a file URL elsewhere). */
  guide: string;
  /** URI that disables the rule, when the client can run it. */
  disable?: string;
}

/** Hover Markdown for one finding: what is wrong here, why it matters, the fix and its safety, links. */
export function renderFindingHover(rule: RuleDefinition, finding: Finding, links: HoverLinks): string {
  const parts = [`**${rule.title}** · \`${rule.id}\` (perflens)`, '', finding.message, '', rule.docs.why, '', `**Instead:** ${rule.docs.instead}`];
  if (finding.fix) {
    parts.push('', `**Fix:** ${finding.fix.title} (${safetyText(finding.fix.safety)})${finding.fix.reason ? `. ${finding.fix.reason}` : ''}`);
  }
  const section = guideSection(rule.guide);
  const linkLine = [`[Open guide: ${section?.title ?? rule.guide}](${links.guide})`];
  if (links.disable) linkLine.push(`[Disable this rule](${links.disable})`);
  parts.push('', linkLine.join(' · '));
  return parts.join('\n');
}

/** A full explanation of a rule, in Markdown (CLI `perflens rule <id>`, README). */
export function renderRuleDoc(rule: RuleDefinition): string {
  const lines = [`# ${rule.id}`, '', `**${rule.title}**`, ''];
  lines.push(
    `Category: ${rule.category} · default severity: ${rule.severity} · ${rule.enabledByDefault ? 'on by default' : 'off by default (opt in with select)'}` +
      (rule.requires ? ` · runs when the file imports ${rule.requires.join(' or ')}` : ''),
    '',
    '## Why is this bad?',
    '',
    rule.docs.why,
    '',
    '## Use instead',
    '',
    rule.docs.instead,
  );
  if (rule.docs.example) {
    lines.push('', '## Example', '', '```python', rule.docs.example.before, '```', '', 'Use instead:', '', '```python', rule.docs.example.after, '```');
  }
  lines.push('', '## Fix safety', '', rule.fix ? `${rule.fix.title}: ${safetyText(rule.fix.safety)}.${rule.fix.reason ? ` ${rule.fix.reason}` : ''}` : 'No automatic fix.');
  const section = guideSection(rule.guide);
  lines.push('', `Guide: ${section?.title ?? rule.guide} (\`guide/${rule.guide.split('#')[0]}.md\`)`);
  return lines.join('\n');
}
