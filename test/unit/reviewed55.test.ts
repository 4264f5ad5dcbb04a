// Round 55 (issues 24 and 26): cases from the blind review of review31, each with the near miss that keeps its rank.
import * as assert from 'node:assert/strict';
import type { LintOptions } from '../../server/engine/options';
import { getEngine } from '../helpers/engine';

/** One rule's findings, ranked as the default output ranks them (impact "auto"). */
async function ranked(ruleId: string, source: string, filePath: string, options: LintOptions = {}) {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'auto', ...options }).findings.filter((f) => f.ruleId === ruleId);
}

describe('http-call-without-timeout: a request in a loop behind a progress bar needs a timeout even in code run by hand', () => {
  const RULE = 'http-call-without-timeout';
  const scrape = (loop: string) =>
    `import requests\nfrom tqdm.auto import tqdm\n\ndef fetch_issues(num_pages, url):\n    batch = []\n    ${loop}\n        batch.extend(requests.get(f"{url}&page={page}").json())\n    return batch\n\n\nissues = fetch_issues(3, URL)\n`;

  it('in a notebook, a request per page of `for page in tqdm(...)` keeps its severity and says why', async () => {
    const [f] = await ranked(RULE, scrape('for page in tqdm(range(num_pages)):'), '/proj/course/section5.ipynb');
    assert.equal(f?.severity, 'info');
    assert.ok(
      f!.impact!.reasons.some((r) => /progress bar/.test(r)),
      f!.impact!.reasons.join('; '),
    );
  });

  it('a plain loop over the pages there stays a hint (run by hand, someone watches it)', async () => {
    const [f] = await ranked(RULE, scrape('for page in range(num_pages):'), '/proj/course/section5.ipynb');
    assert.equal(f?.severity, 'hint');
  });

  it('in an example folder the folder itself ranks it low, progress bar or not', async () => {
    const [f] = await ranked(RULE, scrape('for page in tqdm(range(num_pages)):'), '/proj/examples/scrape.py');
    assert.equal(f?.severity, 'hint');
  });

  it('a progress bar around the function that makes the request does not count: the loop must hold the request itself', async () => {
    const source = 'import requests\nfrom tqdm import tqdm\n\ndef fetch(url):\n    return requests.get(url).json()\n\nfor u in tqdm(["a", "b"]):\n    pass\n';
    const [f] = await ranked(RULE, source, '/proj/course/section5.ipynb');
    assert.equal(f?.severity, 'hint');
  });
});
