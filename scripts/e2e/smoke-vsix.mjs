// DOM-level smoke test of the INSTALLED extension (the .vsix users get) through the real workbench UI, the way a
// user meets it: open files from the Explorer, see squiggles, hover one, read the Problems panel, apply a quick fix
// from the light-bulb menu, open the guide and search it, and run and cancel Scan Workspace from the Command Palette.
// Screenshots go to docs/screenshots/ (the README shows them).
//
//   npm run test:e2e:vsix    (= npm run package, then with-code-server.sh --install-vsix perflens.vsix node …)
//
// What the UI shows is checked against `perflens check` on the same files: each finding is one Problems row with
// its exact message, source, rule id and position.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { codeServerUrl, openBrowser } from './browser.mjs';
import { ROOT } from './tools.mjs';
import { exampleWorkspace } from './workspace.mjs';

const SHOTS = path.join(ROOT, 'docs', 'screenshots');
// Generous: the CI machine may be shared, and a loaded one makes the workbench slow to start.
const WAIT = { timeout: 60000 };
/** Generated files in the workspace's bulk/ folder, for the Scan Workspace step. */
const BULK_FILES = 1500;

/** `perflens check` on a file, as the Problems panel prints each row (innerText of the row). */
/** The Problems rows perflens check's findings make; hints are left out, as VS Code's Problems panel leaves them out. */
function expectedRows(file) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', '--format', 'sarif', file], { encoding: 'utf8' });
  assert.equal(r.status, 1, `perflens check should report problems in ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout)
    .runs[0].results.filter((f) => f.properties.severity !== 'hint')
    .map((f) => {
      const { startLine, startColumn } = f.locations[0].physicalLocation.region;
      return `${f.message.text}\nperflens\n${f.ruleId}\n[Ln ${startLine}, Col ${startColumn}]`;
    });
}

function ruleInfo(id) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'rules', '--format', 'json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).find((rule) => rule.id === id);
}

/** Runs one step and names it in the error: playwright's own timeouts don't say what we were waiting for. */
async function step(name, action) {
  const started = Date.now();
  try {
    await action();
    console.log(`  ✔ ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    throw new Error(`${name}: ${error.message.split('\n')[0]}`, { cause: error });
  }
}

async function main() {
  const workspace = exampleWorkspace();
  const browser = await openBrowser();
  const { page } = browser;
  const editorLine = (text) => page.locator('.monaco-editor .view-line', { hasText: text });
  /** Moves the cursor like a user would, with Go to Line (Ctrl+G, "line:column"). */
  const goTo = async (line, column) => {
    await page.keyboard.press('Control+g');
    await page.keyboard.type(`${line}:${column}`);
    await page.keyboard.press('Enter');
    await page.locator('.statusbar', { hasText: `Ln ${line}, Col ${column}` }).waitFor(WAIT);
  };
  /**
   * Runs a command the way a user does: F1, its title, a click on its row. Fails if the palette does not list it.
   * The palette closes when something else takes focus (a webview that finishes loading after Enter in the guide's
   * search did, on a CI machine), so a palette that went away is opened again, up to three times.
   */
  const runFromPalette = async (title) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await page.keyboard.press('F1');
        await page.locator('.quick-input-widget input').fill(`>${title}`, { timeout: 10_000 });
        // Clicked, not Enter: the list may still show the recently used commands first while it filters.
        await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().click({ timeout: 10_000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
        console.log(`    (the Command Palette went away before "${title}" ran: ${error.message.split('\n')[0]}; opening it again)`);
        await page.keyboard.press('Escape');
      }
    }
  };
  /** The guide webview's document (a webview is an iframe holding the page's own iframe). */
  const guideFrame = () => page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  mkdirSync(SHOTS, { recursive: true });
  try {
    const expected = {
      'service.py': expectedRows(path.join(workspace.dir, 'service.py')),
      'features.py': expectedRows(path.join(workspace.dir, 'features.py')),
    };
    console.log('smoke test of the installed perflens.vsix in code-server:');

    await step('the workbench loads the examples folder', async () => {
      await page.goto(`${codeServerUrl().origin}/?folder=${encodeURIComponent(workspace.dir)}`);
      await page.locator('.explorer-folders-view .monaco-list-row[aria-label^="service.py"]').waitFor(WAIT);
    });
    await step('double-clicking service.py in the Explorer opens it, and perflens squiggles appear', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row[aria-label^="service.py"]').dblclick();
      await page.locator('.tabs-container .tab.active[aria-label^="service.py"]').waitFor(WAIT);
      await page.locator('.monaco-editor .squiggly-warning').first().waitFor(WAIT);
    });
    await step('Show Hover (Ctrl+K Ctrl+I) on time.sleep() explains the rule and links the guide', async () => {
      // A hover is at most a quarter of the editor's height (or 250 px) tall; a tall window lets the whole
      // explanation, guide link included, fit in the screenshot without a scrollbar.
      await page.setViewportSize({ width: 1440, height: 1600 });
      await goTo(18, 10);
      await page.keyboard.press('Control+k');
      await page.keyboard.press('Control+i');
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Open guide section' }).first();
      await hover.waitFor(WAIT);
      const text = await hover.innerText();
      // Rendered Markdown: code spans lose their backticks. The first sentence of the rule's "why" is enough.
      const rule = ruleInfo('async-time-sleep');
      const why = rule.docs.why.replace(/`/g, '').split('. ')[0];
      for (const want of [rule.title, 'async-time-sleep', why, 'Instead:', 'Open guide section', 'Disable this rule']) {
        assert.ok(text.includes(want), `the hover lacks ${JSON.stringify(want)}:\n${text}`);
      }
      await page.screenshot({ path: path.join(SHOTS, 'hover.png'), clip: { x: 0, y: 0, width: 1440, height: 900 } });
      await page.keyboard.press('Escape');
      await page.setViewportSize({ width: 1440, height: 900 });
    });
    await step('with features.py open too, the Problems panel (Ctrl+Shift+M) lists exactly what perflens check reports above hint level', async () => {
      await page.locator('.explorer-folders-view .monaco-list-row[aria-label^="features.py"]').dblclick();
      await page.locator('.tabs-container .tab.active[aria-label^="features.py"]').waitFor(WAIT);
      await page.keyboard.press('Control+Shift+M');
      const rows = page.locator('.markers-panel .monaco-list-row');
      // Rows arrive as each file is linted: wait for the full count (two file headers + one row per finding).
      const total = 2 + expected['service.py'].length + expected['features.py'].length;
      await page
        .waitForFunction((n) => document.querySelectorAll('.markers-panel .monaco-list-row').length === n, total, WAIT)
        .catch(async () => {
          throw new Error(`expected ${total} Problems rows, got: ${JSON.stringify(await rows.allInnerTexts(), null, 2)}`);
        });
      const shown = await rows.allInnerTexts();
      for (const [file, want] of Object.entries(expected)) {
        assert.ok(shown.includes(`${file}\n${want.length}`), `no "${file} (${want.length})" header in ${JSON.stringify(shown)}`);
        for (const row of want) assert.ok(shown.includes(row), `no Problems row ${JSON.stringify(row)} in ${JSON.stringify(shown, null, 2)}`);
      }
      await page.screenshot({ path: path.join(SHOTS, 'problems-panel.png') });
    });
    await step('the light-bulb menu (Ctrl+.) on time.sleep() applies "Replace with await asyncio.sleep()"', async () => {
      await page.locator('.tabs-container .tab[aria-label^="service.py"]').click();
      const fix = page.locator('.action-widget .monaco-list-row.action', { hasText: 'Replace with await asyncio.sleep()' });
      // Ctrl+. pressed while the editor is still taking focus back from the Problems panel can be
      // swallowed (the light bulb shows, no menu opens: seen once in CI): try it up to three times.
      for (let attempt = 1; ; attempt++) {
        await goTo(18, 10);
        await page.keyboard.press('Control+.');
        try {
          await fix.waitFor({ timeout: 10000 });
          break;
        } catch (error) {
          if (attempt === 3) throw error;
          await page.keyboard.press('Escape');
        }
      }
      await page.screenshot({ path: path.join(SHOTS, 'quick-fix.png') });
      await fix.click();
      await editorLine('await asyncio.sleep(interval)').waitFor(WAIT);
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'async-time-sleep' });
      await row.waitFor({ state: 'detached', ...WAIT });
    });
    await step('perflens: Open Guide from the Command Palette; the sidebar numbers sections through the guide like its index page', async () => {
      // The guide gets the whole editor area: the Problems panel is hidden (Ctrl+J toggles it).
      await page.keyboard.press('Control+j');
      await page.locator('.part.panel').waitFor({ state: 'hidden', ...WAIT });
      await runFromPalette('perflens: Open Guide');
      await page.locator('.tabs-container .tab.active[aria-label^="perflens guide"]').waitFor(WAIT);
      const guide = guideFrame();
      await guide.locator('#content h1', { hasText: 'perflens guide' }).waitFor(WAIT);
      const starts = await guide.locator('ol.toc-list').evaluateAll((lists) => lists.map((l) => l.start));
      const counts = await guide.locator('ol.toc-list').evaluateAll((lists) => lists.map((l) => l.children.length));
      const expected = counts.map((_, i) => 1 + counts.slice(0, i).reduce((a, b) => a + b, 0));
      assert.deepEqual(starts, expected, 'each part of the sidebar continues the numbering of the one before');
    });
    await step('searching the guide for "iterrows" shows the rule and its section once each; Enter opens the explanation', async () => {
      const guide = guideFrame();
      await guide.locator('#search').fill('iterrows');
      const results = guide.locator('#results a.result');
      await results.first().waitFor(WAIT);
      const shown = await results.allInnerTexts();
      const section = 'Vectorized pandas: .str/.dt, avoiding iterrows and apply';
      assert.equal(shown.join('\n').split(section).length - 1, 1, `the section title is shown once: ${JSON.stringify(shown)}`);
      await page.screenshot({ path: path.join(SHOTS, 'guide-search.png') });
      await guide.locator('#search').press('Enter');
      await page.locator('.tabs-container .tab.active', { hasText: 'Guide: Vectorized pandas' }).waitFor(WAIT);
      // The explanation, not the Rules list at the end: the section's title is in view at the top.
      const title = guide.locator('#content h1', { hasText: 'Vectorized pandas' });
      await title.waitFor(WAIT);
      const box = await title.boundingBox();
      assert.ok(box && box.y >= 0 && box.y < 200, `the section's title is at the top of the view: ${JSON.stringify(box)}`);
      await page.screenshot({ path: path.join(SHOTS, 'guide.png') });
    });
    await step('perflens: Scan Workspace is in the Command Palette of this browser workbench; its notification counts files and Cancel stops it', async () => {
      // Enough Python files for a scan that takes long enough to cancel once the notification shows its counts
      // (written only now, so the earlier screenshots show the plain examples folder). The headless workbench has
      // no window focus, so notifications go to the Notifications center instead of popping up.
      const bulk = path.join(workspace.dir, 'bulk');
      mkdirSync(bulk);
      const slow = 'def total(xs):\n    return sum([x * 2 for x in xs])\n\n'.repeat(30);
      for (let i = 0; i < BULK_FILES; i++) writeFileSync(path.join(bulk, `m${String(i).padStart(4, '0')}.py`), slow);
      await runFromPalette('perflens: Scan Workspace');
      await runFromPalette('Notifications: Show Notifications');
      const center = page.locator('.notifications-center');
      const scanning = center.locator('.notification-list-item', { hasText: /perflens: scanning workspace: [1-9]\d*\/\d+ files · \d+ findings?/ });
      await scanning.waitFor(WAIT);
      await page.screenshot({ path: path.join(SHOTS, 'scan-progress.png') });
      await scanning.getByRole('button', { name: 'Cancel' }).click();
      await runFromPalette('Notifications: Show Notifications');
      const done = center.locator('.notification-list-item', { hasText: /perflens: scan cancelled after \d+ problems? in \d+ files?/ });
      await done.waitFor(WAIT);
      const scanned = Number(/in (\d+) file/.exec(await done.innerText())[1]);
      assert.ok(scanned < BULK_FILES, `Cancel stopped the scan early, after ${scanned} files`);
    });
    await step('perflens: Show Output shows the log: version and start, config file and active rules, the cancelled scan', async () => {
      await runFromPalette('perflens: Show Output');
      // Long lines wrap in the Output view: each check is a phrase that fits on one (\s: the editor renders
      // spaces as no-break spaces).
      const log = page.locator('.part.panel .monaco-editor .view-lines');
      for (const line of [/server\sstarted\sfor\scode-server/, /\d+\srules\sactive/, /workspace\sscan\scancelled\safter/]) {
        await log.filter({ hasText: line }).waitFor(WAIT);
      }
    });
    console.log(
      `smoke: OK; screenshots: ${['hover.png', 'problems-panel.png', 'quick-fix.png', 'guide-search.png', 'guide.png', 'scan-progress.png'].map((f) => path.relative(ROOT, path.join(SHOTS, f))).join(', ')}`,
    );
    return 0;
  } catch (error) {
    // Not into docs/: a failure's screenshot is for the person debugging, not for the README.
    const shot = path.join(tmpdir(), 'perflens-e2e-smoke-failure.png');
    await page.screenshot({ path: shot }).catch(() => {});
    console.error(`smoke: FAILED: ${error.message}\n  screenshot of that moment: ${shot}`);
    return 1;
  } finally {
    await browser.close();
    workspace.remove();
  }
}

process.exit(await main());
