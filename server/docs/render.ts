// Rule metadata rendered for people: hover Markdown, the CLI's `rule` explanation, guide links.
// One source of truth for the server, the CLI and the README generator.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { guideSection } from '../../common/guide';
import type { FixForm, PeerChecks, RuleDefinition } from '../engine/rule';
import { evidenceFor } from './evidence';
import { messageMarkdown } from './markdownText';
import type { Finding, FixSafety } from '../../common/types';

/** The guide folder shipped beside the bundles (dist/../guide). */
export function defaultGuideDir(): string {
  return path.resolve(__dirname, '..', 'guide');
}

/** A link to the rule's guide section: a file URL to the bundled Markdown, with its anchor. */
export function guideUrl(rule: RuleDefinition, guideDir: string = defaultGuideDir()): string {
  return guideFileUrl(rule.guide, guideDir);
}

/** A file URL to a guide section, `slug` or `slug#anchor`. */
export function guideFileUrl(target: string, guideDir: string = defaultGuideDir()): string {
  const [slug, anchor] = target.split('#');
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

/** The longest a fix's title may be as a menu entry, the `(unsafe)` mark included (test/unit/fixTitles.test.ts). */
export const MAX_FIX_TITLE = 60;

/**
 * A fix's title as the light bulb and SARIF show it: what it does, marked `(unsafe)` when it can change
 * behaviour. Why it can is too long for a menu: the hover and `perflens rule` say it (fixLine, fixSafetyLines).
 */
export function fixMenuTitle(fix: { title: string; safety: FixSafety }): string {
  return fix.safety === 'unsafe' ? `${fix.title} (unsafe)` : fix.title;
}

export interface HoverLinks {
  /** URI opening the guide section (a command: URI in VS Code, a file URL elsewhere). */
  guide: string;
  /** URI that disables the rule, when the client can run it. */
  disable?: string;
}

/**
 * The fix line: its title, its safety in words, and for an unsafe fix the reason. Title and reason may
 * quote the user's code (a rule's report sets them), so they go through messageMarkdown.
 */
function fixLine(fix: { title: string; safety: FixSafety; reason?: string }): string {
  const title = messageMarkdown(fix.title.replace(/\.$/, ''));
  const reason = fix.reason ? messageMarkdown(fix.reason.replace(/\.$/, '')) : undefined;
  switch (fix.safety) {
    case 'safe':
      return `**Fix (safe):** ${title}. Keeps behaviour; applied by fix-all and \`--fix\`.`;
    case 'unsafe':
      return `**Fix (unsafe):** ${title}. Review it: ${reason ?? 'it can change behaviour'}. Applied only on request.`;
    default:
      return `**Suggestion:** ${title}${reason ? ` (${reason})` : ''}. Shown only, never applied automatically.`;
  }
}

/** A fix form in a sentence: "Unsafe when the file imports no async framework: <reason>." */
function formSentence(form: FixForm): string {
  const label = form.safety === 'display-only' ? 'Shown only' : form.safety === 'safe' ? 'Safe' : 'Unsafe';
  return `${label} ${form.when.replace(/\.$/, '')}${form.reason ? `: ${form.reason.replace(/\.$/, '')}` : ''}.`;
}

/** The forms a finding of this rule may get besides the one shown (for the hover). */
function otherForms(rule: RuleDefinition, shown: FixSafety | undefined): FixForm[] {
  const fix = rule.fix;
  if (!fix?.forms?.length) return [];
  const all: FixForm[] = [{ safety: fix.safety, when: 'otherwise', reason: fix.reason }, ...fix.forms];
  return all.filter((f) => f.safety !== shown);
}

function linkTitle(text: string): string {
  return text.replace(/[`"\\]/g, '');
}

export interface FindingHoverOptions {
  /**
   * The editor shows the diagnostic (its message and rule id) right above the hover, as VS Code does: the
   * hover then starts with what the message does not say. Other editors show the hover alone and get the message first.
   */
  messageShownAbove?: boolean;
}

/**
 * Hover Markdown for one finding, from the rule's metadata (the same the CLI prints): what the message does
 * not say (why it matters, what to write instead, the fix and its safety, the measured effect or the kind of
 * benefit), then the rule and links to the guide and to disable it. The finding's message, which names the
 * actual code, leads only where the editor does not already show it.
 */
export function renderFindingHover(rule: RuleDefinition, finding: Finding, links: HoverLinks, options: FindingHoverOptions = {}): string {
  const parts: string[] = [];
  // The message quotes the user's code: rendered as text whatever it holds (markdownText.ts).
  if (!options.messageShownAbove) parts.push(messageMarkdown(finding.message), '');
  parts.push(`**Why:** ${rule.docs.why}`, '', `**Instead:** ${rule.docs.instead}`);
  if (finding.fix) {
    parts.push('', fixLine(finding.fix));
    const others = otherForms(rule, finding.fix.safety);
    if (others.length) parts.push('', `**Other findings of this rule:** ${others.map(formSentence).join(' ')}`);
  }
  const evidence = evidenceFor(rule.id);
  if (evidence) parts.push('', `**${evidence.label}:** ${evidence.text}`);
  // Why this finding weighs what it does, after the advice: the hover starts with what the message does not say.
  const ranking = impactLine(finding);
  if (ranking) parts.push('', ranking);
  // A user who also runs Ruff, Pylint or Bandit may already have a suppression of the same check to write or keep.
  const peers = peersLine(rule);
  if (peers) parts.push('', peers);
  const section = guideSection(rule.guide);
  const footer = [`${rule.title} · \`${rule.id}\` (perflens)`, `[Open guide section](${links.guide} "${linkTitle(section?.title ?? rule.guide)}")`];
  if (links.disable) footer.push(`[Disable this rule](${links.disable} "Add ${rule.id} to perflens.ignore")`);
  parts.push('', footer.join(' · '));
  return parts.join('\n');
}

/** Said of a finding of a rule in preview, made a hint. */
const PREVIEW_NOTE = '(a hint: `perflens.preview` set to `true`, or `preview = true` in [tool.perflens], shows it at full severity)';

/** Said of a finding impact ranking made a hint. */
const HINT_NOTE = '(a hint: `perflens.impact` set to `all` shows it at full severity)';

/** "**Ranked low:** in a test file." — why the finding has the weight (and, in auto mode, the severity) it has. */
export function impactLine(finding: Finding): string | null {
  const impact = finding.impact;
  if (!impact) return null;
  if (impact.preview) {
    const ranking = impact.reasons.length > 0 ? `**Ranked ${impact.level}:** ${impact.reasons.join('; ')}.\n\n` : '';
    return `${ranking}**In preview:** ${impact.preview} ${PREVIEW_NOTE}.`;
  }
  // A finding that matters only in hot code, demoted where nothing shows the code hot: say so, or the hint looks arbitrary.
  if (impact.reasons.length === 0 && impact.demotedFrom && finding.severity === 'hint') {
    return `**Ranked ${impact.level}:** nothing shows this code running often (a loop over data, a request handler, a training step, a caller's loop), and this advice pays off only there ${HINT_NOTE}.`;
  }
  if (impact.reasons.length === 0) return null;
  // Ranked low, or normal for advice that pays off only in hot code: either way impact ranking made it a hint.
  const demoted = finding.severity === 'hint' && (impact.level === 'low' || impact.demotedFrom !== undefined);
  const hint = demoted ? ` ${HINT_NOTE}` : '';
  return `**Ranked ${impact.level}:** ${impact.reasons.join('; ')}.${hint}`;
}

/**
 * The severities the rule's findings get, in words: "warning; hint when CPython can …". The severity a
 * finding shows (editor, CLI, SARIF) is one of these unless the user set the rule's severity.
 */
export function severityInContext(rule: RuleDefinition): string {
  return [rule.severity, ...(rule.severityForms ?? []).map((f) => `${f.severity} ${f.when.replace(/\.$/, '')}`)].join('; ');
}

/** The default fix, its safety and reason, then every other form a finding may get. */
function fixSafetyLines(rule: RuleDefinition): string[] {
  const fix = rule.fix;
  if (!fix) return ['No automatic fix.'];
  const reason = fix.reason ? ` ${fix.reason.charAt(0).toUpperCase()}${fix.reason.slice(1).replace(/\.$/, '')}.` : '';
  const first = `${fix.title}: ${safetyText(fix.safety)}.${reason}`;
  if (!fix.forms?.length) return [first];
  return [first, '', 'Some findings get another form of the fix:', '', ...fix.forms.map((f) => `- ${formSentence(f)}`)];
}

/** Each peer linter by name, and how its suppression of one check is written. */
const PEER_LINTERS: Record<keyof PeerChecks, { name: string; comment: (code: string) => string }> = {
  ruff: { name: 'Ruff', comment: (code) => `# noqa: ${code}` },
  pylint: { name: 'Pylint', comment: (code) => `# pylint: disable=${code}` },
  bandit: { name: 'Bandit', comment: (code) => `# nosec ${code}` },
};

/** The rule's declared peers, tool by tool, with at least one check each. */
function declaredPeers(rule: RuleDefinition): [keyof PeerChecks, readonly string[]][] {
  return (Object.entries(rule.peers ?? {}) as [keyof PeerChecks, readonly string[]][]).filter(([, codes]) => codes.length > 0);
}

/** One linter's checks: "Pylint `missing-timeout` / `W3101`". */
function toolChecks(tool: keyof PeerChecks, codes: readonly string[]): string {
  return `${PEER_LINTERS[tool].name} ${codes.map((c) => `\`${c}\``).join(' / ')}`;
}

/**
 * The other linters' checks whose suppression silences the rule too (RuleDefinition.peers), in a sentence: "Ruff
 * `SIM115` (`# noqa: SIM115`); Pylint `consider-using-with` / `R1732` (`# pylint: disable=consider-using-with`)". Null
 * when it declares none.
 */
export function peersText(rule: RuleDefinition): string | null {
  const parts = declaredPeers(rule).map(([tool, codes]) => {
    const bare = tool === 'bandit' ? ', or a bare `# nosec`' : '';
    return `${toolChecks(tool, codes)} (\`${PEER_LINTERS[tool].comment(codes[0])}\`${bare})`;
  });
  return parts.length > 0 ? parts.join('; ') : null;
}

/**
 * The hover's line naming the same checks, without the comments (the README's "Also silenced by" column): "**Also silenced
 * by:** Ruff `S113`; Pylint `missing-timeout` / `W3101`". Null when the rule declares no peers.
 */
export function peersLine(rule: RuleDefinition): string | null {
  const parts = declaredPeers(rule).map(([tool, codes]) => toolChecks(tool, codes));
  return parts.length > 0 ? `**Also silenced by:** ${parts.join('; ')}` : null;
}

/** A full explanation of a rule, in Markdown (CLI `perflens rule <id>`, README). */
export function renderRuleDoc(rule: RuleDefinition): string {
  const lines = [`# ${rule.id}`, '', `**${rule.title}**`, ''];
  lines.push(
    `Category: ${rule.category} · severity: ${severityInContext(rule)} · ${rule.enabledByDefault ? 'on by default' : 'off by default (opt in with select)'}` +
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
  lines.push('', '## Fix safety', '', ...fixSafetyLines(rule));
  const peers = peersText(rule);
  if (peers) {
    lines.push(
      '',
      '## Other linters',
      '',
      `The same check in other linters: ${peers}. Their suppression of it on the finding's line (a Pylint \`disable=\` on a line of its own: the rest of its block; a file-level \`# ruff: noqa\` or \`# pylint: skip-file\`: the file) silences this rule too.`,
    );
  }
  const evidence = evidenceFor(rule.id);
  if (evidence)
    lines.push(
      '',
      evidence.label === 'Measured' ? '## Measured' : '## Benefit',
      '',
      evidence.label === 'Measured' ? `${evidence.text} Program: \`guide/bench/${rule.id}.py\`.` : evidence.text,
    );
  const section = guideSection(rule.guide);
  lines.push('', `Guide: ${section?.title ?? rule.guide} (\`guide/${rule.guide.split('#')[0]}.md\`)`);
  return lines.join('\n');
}
