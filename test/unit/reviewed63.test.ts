// Round 63 (issues 24 and 26): what review39's blind reviewers judged wrong or noise in the default output, each change
// with the near miss that keeps the finding as it was.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

const MOVED = 'torch-tensor-created-then-moved';

/** A rule's findings on `source` saved in a published package, ranked as the default output ranks them (hints kept). */
function ranked(rule: string, source: string, extra: Record<string, string> = {}) {
  const published = { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '', ...extra };
  return rankedInRepository(rule, source, published, 'pkg/model.py', 'perflens-r63-');
}

/** A module whose forward runs `line` (indented into the method), then returns x. */
const forward = (line: string) =>
  `import torch\n\n\nclass Head(torch.nn.Module):\n    def forward(self, x, index):\n${line
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n')}\n        return x\n`;

describe('torch-tensor-created-then-moved: a legacy constructor filled before the move', () => {
  // OpenPCDet's focal loss: `torch.Tensor(index.size()).fill_(1).to(index.device)` was offered `torch.zeros(...)`, which
  // would zero a one-hot target (judged wrong).
  it('offers the factory of the value the chain fills it with', async () => {
    for (const [chain, advice] of [
      ['fill_(1)', 'torch.ones(..., device=index.device)'],
      ['fill_(1.0)', 'torch.ones(..., device=index.device)'],
      ['fill_(0)', 'torch.zeros(..., device=index.device)'],
      ['zero_()', 'torch.zeros(..., device=index.device)'],
      ['fill_(0.5)', 'torch.full((...), 0.5, device=index.device)'],
      ['float().fill_(-1)', 'torch.full((...), -1, device=index.device)'],
    ]) {
      const [f] = await ranked(MOVED, forward(`ones = torch.Tensor(index.size(0), 4).${chain}.to(index.device)\nx = x * ones`));
      assert.ok(f, chain);
      assert.ok(f.message.includes(`\`${advice}\``), `${chain}: ${f.message}`);
    }
  });

  it('near miss: an unfilled legacy tensor is still offered torch.zeros', async () => {
    const [f] = await ranked(MOVED, forward('buf = torch.Tensor(index.size(0), 4).to(index.device)\nx = x * buf'));
    assert.ok(f?.message.includes('`torch.zeros(..., device=index.device)`'), f?.message);
  });
});

describe('torch-tensor-created-then-moved: the fallback branch for NaN or infinite values', () => {
  const reasons = (f: { impact?: { reasons: string[] } } | undefined) => f?.impact?.reasons.join('; ') ?? '';
  // PyPOTS's Koopa: an identity matrix replaces a least-squares solution that came out NaN (four findings judged noise).
  const koopa = (test: string) => forward(`k = torch.linalg.lstsq(x, index).solution\nif ${test}:\n    k = torch.eye(k.shape[1]).to(k.device)\nx = x @ k`);

  it('low impact, with the reason, for isnan/isinf tests and `not isfinite`', async () => {
    for (const test of ['torch.isnan(k).any()', 'k.isnan().any()', 'np.isinf(k).any()', 'not torch.isfinite(k).all()']) {
      const [f] = await ranked(MOVED, koopa(test));
      assert.equal(f?.impact?.level, 'low', `${test}: ${JSON.stringify(f?.impact)}`);
      assert.match(reasons(f), /branch for NaN or infinite values/);
    }
  });

  it('near misses: the finite branch, a negated NaN test, and a NaN test joined with another condition keep their rank', async () => {
    for (const test of ['torch.isfinite(k).all()', 'not torch.isnan(k).any()', 'k is None or torch.isnan(k).any()']) {
      const [f] = await ranked(MOVED, koopa(test));
      assert.ok(f, `${test}: expected a finding`);
      assert.notEqual(f.impact?.level, 'low', `${test}: ${JSON.stringify(f.impact)}`);
    }
  });
});

describe('http-call-without-timeout: one-time downloads nobody leaves unattended', () => {
  const HTTP = 'http-call-without-timeout';
  const reasons = (f: { impact?: { reasons: string[] } } | undefined) => f?.impact?.reasons.join('; ') ?? '';
  // torchvision's Drive helper as copied into ddim, CRSLab and mmf: ten findings judged noise, none worth a timeout.
  const drive = (name: string, url: string) =>
    `import requests\n\n\ndef ${name}(file_id, destination):\n    session = requests.Session()\n` +
    `    response = session.get(${url}, params={"id": file_id}, stream=True)\n    with open(destination, "wb") as f:\n` +
    `        for chunk in response.iter_content(32768):\n            f.write(chunk)\n`;

  it('a Google Drive download is a hint, named by its function or by a Drive URL in it', async () => {
    for (const [name, url] of [
      ['download_file_from_google_drive', 'URL'],
      ['fetch', '"https://docs.google.com/uc?export=download"'],
      ['fetch', '"https://drive.google.com/uc"'],
    ]) {
      const [f] = await ranked(HTTP, drive(name, url));
      assert.equal(f?.severity, 'hint', `${name} ${url}: ${JSON.stringify(f)}`);
      assert.match(reasons(f), /Google Drive download/);
    }
  });

  it('near misses: a Sheets export and an API call keep their rank', async () => {
    for (const url of ['"https://docs.google.com/spreadsheets/d/x/export?format=csv"', '"https://www.googleapis.com/drive/v3/files"']) {
      const [f] = await ranked(HTTP, drive('fetch', url));
      assert.ok(f, url);
      assert.notEqual(f.severity, 'hint', `${url}: ${JSON.stringify(f)}`);
    }
  });

  it("setuptools' bootstrap scripts (ez_setup.py, distribute_setup.py) are hints; another setup helper is not", async () => {
    const bootstrap = 'import urllib.request\n\n\ndef download_file_insecure(url, target):\n    src = urllib.request.urlopen(url)\n    return src.read()\n';
    for (const rel of ['ez_setup.py', 'distribute_setup.py']) {
      const [f] = await rankedInRepository(HTTP, bootstrap, { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '' }, rel, 'perflens-r63-');
      assert.equal(f?.severity, 'hint', `${rel}: ${JSON.stringify(f)}`);
      assert.match(reasons(f), /bootstrap script/);
    }
    // The near miss is not named for downloading, which is a hint of its own (round 72).
    const [f] = await ranked(HTTP, bootstrap.replace('download_file_insecure', 'fetch_file_insecure'));
    assert.ok(f);
    assert.notEqual(f.severity, 'hint', JSON.stringify(f));
  });
});

describe('torch-tensor-created-then-moved: a block that fills a cache of attributes when one is unset', () => {
  // mmf's KRISP: `if self.node_features is None or ...:` fills several cached tensors; each is made once per batch size.
  const cache = (test: string, target = 'self.edge_type') =>
    forward(`if ${test}:\n    self.node_features = torch.zeros(x.size(0), 8).to(x.device)\n    ${target} = torch.zeros(x.size(0)).to(x.device)\nx = x + 1`);

  it('silent for every attribute such a block stores, the tested one and the others', async () => {
    const found = await ranked(MOVED, cache('self.node_features is None or self.bs != x.size(0)'));
    assert.deepEqual(found, [], JSON.stringify(found));
  });

  it('a local made in a block that stores the attribute it tests is made once too (review72: TPLinker), but an attribute stored under a test of a local is still reported', async () => {
    assert.equal((await ranked(MOVED, cache('self.node_features is None', 'edge_type'))).length, 0);
    const local = forward('if mask is None:\n    self.edge_type = torch.zeros(x.size(0)).to(x.device)\nx = x + 1').replace('x, index', 'x, index, mask=None');
    assert.equal((await ranked(MOVED, local)).length, 1);
  });
});
