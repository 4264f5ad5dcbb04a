// Hover explains a finding and links to the guide; the guide command and diagnostics' code links open that
// section in the guide webview.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { guideSection } from '../../../common/guide';
import { closeAllEditors, openCopy, ruleInfo, waitFor, waitForDiagnostics } from './helpers';

const markdownOf = (hover: vscode.Hover) => hover.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n');

/** The label of every open tab, with the active one first: what the user sees in the tab bar. */
function tabs(): { label: string; active: boolean; viewType?: string }[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .map((t) => ({
      label: t.label,
      active: t.isActive && t.group.isActive,
      viewType: t.input instanceof vscode.TabInputWebview ? t.input.viewType : undefined,
    }))
    .sort((a, b) => Number(b.active) - Number(a.active));
}

/** Waits for the perflens guide webview, showing `title`, to be the active tab. */
function waitForGuideView(title: string) {
  const label = `Guide: ${title.replace(/`/g, '')}`;
  return waitFor(
    `the perflens guide view showing "${label}" to be the active tab`,
    () => tabs().find((t) => t.active && t.label === label && /perflens\.guide$/.test(t.viewType ?? '')),
    { state: tabs },
  );
}

describe('hover and guide', () => {
  afterEach(closeAllEditors);

  it('hovering a finding explains the rule and links to its guide section', async () => {
    const { document } = await openCopy('service.py');
    await waitForDiagnostics(document.uri, 'async-time-sleep', (found) => found.includes('18:9 async-time-sleep'));
    const rule = await ruleInfo('async-time-sleep');

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(17, 12));
    const ours = hovers.map(markdownOf).find((text) => text.includes('(perflens)'));
    assert.ok(ours, `no perflens hover at 18:13; hovers: ${JSON.stringify(hovers.map(markdownOf))}`);
    // VS Code shows the diagnostic's message right above: the hover starts with what it does not say.
    assert.ok(ours.startsWith(`**Why:** ${rule.docs.why}`), `the hover does not start with the rule's explanation:\n${ours}`);
    assert.ok(ours.includes(`${rule.title} · \`async-time-sleep\` (perflens)`), ours);
    assert.ok(ours.includes(`**Instead:** ${rule.docs.instead}`), ours);
    const link = `[Open guide section](command:perflens.openGuide?${encodeURIComponent(JSON.stringify([rule.guide]))} "${guideSection(rule.guide)!.title.replace(/[`"\\]/g, '')}")`;
    assert.ok(ours.includes(link), `the hover lacks the guide link ${link}:\n${ours}`);
    assert.match(ours, /\[Disable this rule\]\(command:perflens\.disableRule\?/);

    // Following the link runs the same command with the same argument: the section opens in the guide view.
    const [, command, args] = /\(command:([\w.]+)\?([^)\s]+)/.exec(ours)!;
    await vscode.commands.executeCommand(command, ...(JSON.parse(decodeURIComponent(args)) as unknown[]));
    await waitForGuideView(guideSection(rule.guide)!.title);
  });

  it("a diagnostic's code link (Problems panel, hover, peek) opens the same section through the extension's URI", async () => {
    const { document } = await openCopy('service.py');
    const diagnostics = await waitForDiagnostics(document.uri, 'async-time-sleep', (found) => found.includes('18:9 async-time-sleep'));
    const sleep = diagnostics.find((d) => typeof d.code === 'object' && d.code.value === 'async-time-sleep')!;
    const code = sleep.code as { value: string; target: vscode.Uri };
    assert.equal(code.target.toString(true), `${vscode.env.uriScheme}://perflens.perflens/guide/asyncio-pitfalls`);
    // The workbench opens code links with its opener service, as vscode.open does: the URI reaches the
    // extension's UriHandler, which shows the section.
    await vscode.commands.executeCommand('vscode.open', code.target);
    await waitForGuideView(guideSection('asyncio-pitfalls')!.title);
  });

  it('perflens.openGuide opens the requested section in the guide view, and the table of contents without one', async () => {
    await vscode.commands.executeCommand('perflens.openGuide', 'pandas-vectorization');
    await waitForGuideView(guideSection('pandas-vectorization')!.title);
    await vscode.commands.executeCommand('perflens.openGuide', 'slots#weak-references');
    await waitForGuideView(guideSection('slots')!.title);
    await vscode.commands.executeCommand('perflens.openGuide');
    await waitFor('the guide contents', () => tabs().find((t) => t.active && t.label === 'perflens guide'), { state: tabs });
    assert.equal(tabs().filter((t) => /perflens\.guide$/.test(t.viewType ?? '')).length, 1, 'one guide view, reused');
  });
});
