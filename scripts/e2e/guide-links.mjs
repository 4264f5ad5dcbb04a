// DOM-level check of the guide view in the real workbench, the way a user reaches it: clicking the rule id of a
// diagnostic in the Problems panel and in the editor hover opens that rule's guide section in the perflens guide
// webview; the webview's search finds a rule by id and its links move between sections.
//
//   node esbuild.mjs && bash scripts/e2e/with-code-server.sh node scripts/e2e/guide-links.mjs
//
// The extension is loaded from this checkout (the workbench's extensionDevelopmentPath payload, as
// run-suite.mjs does, without a test runner). Screenshots go to $PERFLENS_E2E_SHOTS (default: a temp folder).
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { codeServerUrl, deadline, openBrowser } from './browser.mjs';
import { ROOT } from './tools.mjs';
import { exampleWorkspace } from './workspace.mjs';

const WAIT = { timeout: 30000 };
const SHOTS = process.env.PERFLENS_E2E_SHOTS ?? mkdtempSync(path.join(tmpdir(), 'perflens-guide-shots-'));
const SECTION = 'Never block the event loop; offloading CPU work';

async function step(name, action) {
  const started = Date.now();
  try {
    await action();
    console.log(`  ✔ ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    throw new Error(`${name}: ${error.message.split('\n')[0]}`, { cause: error });
  }
}

function workbenchUrl(server, folder) {
  const payload = [['extensionDevelopmentPath', `vscode-remote://${server.host}${ROOT}`]];
  return `${server.origin}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

async function main() {
  mkdirSync(SHOTS, { recursive: true });
  const workspace = exampleWorkspace();
  const browser = await openBrowser({ width: 1440, height: 1000 });
  const { page } = browser;
  const timeout = deadline(300000, 'the guide-link check did not finish');
  /** The guide webview's document: the webview element's iframe, then its active frame. */
  const guide = () => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const guideTab = (title) => page.locator('.tabs-container .tab.active', { hasText: `Guide: ${title}` });
  const closeEditors = async () => {
    await page.keyboard.press('Control+k');
    await page.keyboard.press('Control+w');
    await page
      .locator('.tabs-container .tab')
      .first()
      .waitFor({ state: 'detached', timeout: 10000 })
      .catch(() => {});
  };
  try {
    const run = (async () => {
      console.log('guide links in code-server (extension loaded from the checkout):');
      await step('the workbench opens service.py and perflens reports async-time-sleep', async () => {
        await page.goto(workbenchUrl(codeServerUrl(), workspace.dir));
        await page.locator('.explorer-folders-view .monaco-list-row[aria-label^="service.py"]').waitFor(WAIT);
        await page.locator('.explorer-folders-view .monaco-list-row[aria-label^="service.py"]').dblclick();
        await page.locator('.monaco-editor .squiggly-warning').first().waitFor(WAIT);
      });

      await step('clicking the rule id in the Problems panel opens its section in the guide view', async () => {
        await page.keyboard.press('Control+Shift+M');
        const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'async-time-sleep' }).first();
        await row.waitFor(WAIT);
        const link = row.locator('.code-link a.monaco-link, a.monaco-link').first();
        const href = await link.getAttribute('href');
        assert.match(href ?? '', /^[a-z-]+:\/\/perflens\.perflens\/guide\/asyncio-pitfalls$/, `code link href: ${href}`);
        await link.click();
        await guideTab(SECTION).waitFor(WAIT);
        await guide().locator('h1', { hasText: 'Never block the event loop' }).waitFor(WAIT);
        await page.screenshot({ path: path.join(SHOTS, 'guide-from-problems.png') });
      });

      await step("the guide view's search finds a rule by id, and the result opens its section at the rule list", async () => {
        await guide().locator('#search').fill('pandas-iterrows');
        const result = guide().locator('#results a.result.rule', { hasText: 'pandas-iterrows' }).first();
        await result.waitFor(WAIT);
        await page.screenshot({ path: path.join(SHOTS, 'guide-search.png') });
        await result.click();
        await guideTab('Vectorized pandas').waitFor(WAIT);
        await guide().locator('h2#rules').waitFor(WAIT);
      });

      await step('a link between sections moves the view; the table of contents marks the section', async () => {
        await guide().locator('.content a[data-section="numba"]').first().click();
        await guideTab('Numba').waitFor(WAIT);
        await guide().locator('.sidebar a.active[data-section="numba"]').waitFor(WAIT);
        await page.screenshot({ path: path.join(SHOTS, 'guide-section.png') });
      });

      await step("clicking the rule id in the editor hover's diagnostic part opens the same section", async () => {
        await closeEditors();
        await page.keyboard.press('Control+Shift+M');
        await page.locator('.explorer-folders-view .monaco-list-row[aria-label^="service.py"]').dblclick();
        await page.locator('.monaco-editor .squiggly-warning').first().waitFor(WAIT);
        await page.keyboard.press('Control+g');
        await page.keyboard.type('18:12');
        await page.keyboard.press('Enter');
        await page.keyboard.press('Control+k');
        await page.keyboard.press('Control+i');
        const link = page.locator('.monaco-hover:not(.hidden) a.code-link', { hasText: 'async-time-sleep' }).first();
        await link.waitFor(WAIT);
        await page.screenshot({ path: path.join(SHOTS, 'hover.png') });
        await link.click();
        await guideTab(SECTION).waitFor(WAIT);
      });
      console.log(`guide links: OK; screenshots in ${SHOTS}`);
    })();
    await Promise.race([run, timeout.promise]);
    return 0;
  } catch (error) {
    const shot = path.join(SHOTS, 'failure.png');
    await page.screenshot({ path: shot }).catch(() => {});
    console.error(`guide links: FAILED: ${error.message}\n  screenshot: ${shot}`);
    return 1;
  } finally {
    timeout.cancel();
    await browser.close();
    workspace.remove();
  }
}

main().then((code) => process.exit(code));
