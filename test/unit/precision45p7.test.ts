// Round 45 (issue 26): findings a blind review of review13 judged noise or wrong outside the torch and TensorFlow
// specifics, each case modelled on the real shape, with the near misses that keep the old behaviour.
//   - rasbt's deeplearning-models is a collection of standalone notebooks (topic folders of demos, a few helper
//     modules, no package): its DataLoader advice (47 num_workers, 21 pin_memory findings) was judged noise.
//   - multiprocessing-main-guard in notebook cells: a kernel runs every cell as `__main__`, the guard changes nothing.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { notebookCollection } from '../../server/analysis/impact';
import type { FileProbe } from '../../server/analysis/codeContext';
import type { LintOptions } from '../../server/engine/options';
import { NODE_FILES } from '../../server/project/fileProbe';
import { getEngine, tempRepository } from '../helpers/engine';

const WORKERS = 'torch-dataloader-num-workers';
const PIN = 'torch-dataloader-pin-memory';
const GUARD = 'multiprocessing-main-guard';
const BREAKPOINT = 'leftover-breakpoint';

/** Notebooks by relative path, as the CLI would find them (their text is not read by the collection check). */
function notebooks(names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, '{"cells": [], "nbformat": 4, "nbformat_minor": 5}']));
}

/** Fourteen demo notebooks in four topic folders, as a collection of model implementations lays them out. */
const DEMOS = notebooks([
  'torch_nb/cnn/cnn-small-mnist.ipynb',
  'torch_nb/cnn/cnn-deep-cifar10.ipynb',
  'torch_nb/cnn/cnn-wide-faces.ipynb',
  'torch_nb/cnn/cnn-residual-mnist.ipynb',
  'torch_nb/gan/gan-basic.ipynb',
  'torch_nb/gan/gan-conv-faces.ipynb',
  'torch_nb/gan/gan-wasserstein.ipynb',
  'torch_nb/mlp/mlp-basic.ipynb',
  'torch_nb/mlp/mlp-dropout.ipynb',
  'torch_nb/mlp/mlp-batchnorm.ipynb',
  'torch_nb/autoencoder/ae-basic.ipynb',
  'torch_nb/autoencoder/ae-conv.ipynb',
  'torch_nb/autoencoder/ae-variational.ipynb',
  'torch_nb/autoencoder/ae-conditional.ipynb',
]);
const HELPERS = { 'torch_nb/helper_data.py': 'def load():\n    return None\n', 'torch_nb/helper_train.py': 'def fit():\n    return None\n' };
const COLLECTION_README = '# Model Zoo\n\nA set of model implementations, each in Jupyter notebooks, for learning and reference.\n';
const PACKAGE_README = '# fastproj\n\nA library for fast training loops.\n';

/** A notebook's training cell: a loader over per-sample image reads, trained on a GPU, with no pinned memory. */
const loader = (options: string) => `import torch
from torchvision import datasets, transforms

train_data = datasets.ImageFolder("faces/train", transform=transforms.Compose([transforms.Resize(128), transforms.ToTensor()]))
train_loader = torch.utils.data.DataLoader(train_data, batch_size=128, shuffle=True${options})
device = torch.device("cuda")
for epoch in range(20):
    for features, targets in train_loader:
        features, targets = features.to(device), targets.to(device)
        loss = criterion(model(features), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
`;

async function ranked(ruleId: string, source: string, filePath: string, options: LintOptions = {}) {
  const engine = await getEngine();
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'auto', keepHints: true, ...options }).findings.filter((f) => f.ruleId === ruleId);
}

describe('a collection of standalone notebooks: advice that pays off only at scale is a hint there', () => {
  const made: string[] = [];
  after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const repo = (files: Record<string, string>) => {
    const top = tempRepository(files);
    made.push(top);
    return top;
  };

  it('many notebooks over several folders, a few helper modules and no package make a collection', () => {
    const top = repo({ ...DEMOS, ...HELPERS });
    const why = notebookCollection(path.join(top, 'torch_nb/gan/gan-basic.ipynb'), { files: NODE_FILES });
    assert.match(why ?? '', /collection of standalone notebooks .*14 notebooks, no package/);
  });

  it('a few notebooks whose README presents them as a collection of implementations make one too', () => {
    const top = repo({ 'README.md': COLLECTION_README, ...notebooks(['notebooks/linear.ipynb', 'notebooks/trees.ipynb', 'notebooks/kmeans.ipynb']) });
    assert.match(notebookCollection(path.join(top, 'notebooks/trees.ipynb'), { files: NODE_FILES }) ?? '', /collection of standalone notebooks/);
  });

  it('near misses: a package with its analysis notebooks, a lone notebook, few folders, many modules, a script, no listing', () => {
    // A project that publishes a package keeps its own notebooks' rank, however many.
    const packaged = repo({ ...DEMOS, 'setup.py': 'from setuptools import setup\nsetup(name="zoo")\n', 'README.md': COLLECTION_README });
    assert.equal(notebookCollection(path.join(packaged, 'torch_nb/gan/gan-basic.ipynb'), { files: NODE_FILES }), null);
    const withPackage = repo({ ...DEMOS, 'zoo/__init__.py': '', 'zoo/models.py': 'X = 1\n' });
    assert.equal(notebookCollection(path.join(withPackage, 'torch_nb/gan/gan-basic.ipynb'), { files: NODE_FILES }), null);
    // One notebook, even under a README that calls the project a collection of notebooks.
    const lone = repo({ 'README.md': COLLECTION_README, ...notebooks(['analysis.ipynb']) });
    assert.equal(notebookCollection(path.join(lone, 'analysis.ipynb'), { files: NODE_FILES }), null);
    // Fourteen notebooks in two folders, and a README that does not present them: an analysis project's own work.
    const twoFolders = repo({
      'README.md': PACKAGE_README,
      ...notebooks([...Array(7).keys()].flatMap((k) => [`eda/part${k}.ipynb`, `models/run${k}.ipynb`])),
    });
    assert.equal(notebookCollection(path.join(twoFolders, 'eda/part1.ipynb'), { files: NODE_FILES }), null);
    // Scripts outnumber the notebooks: the project's code is its modules.
    const scripts = Object.fromEntries([...Array(10).keys()].map((k) => [`tools/step${k}.py`, 'X = 1\n']));
    const scripted = repo({ ...DEMOS, ...scripts });
    assert.equal(notebookCollection(path.join(scripted, 'torch_nb/gan/gan-basic.ipynb'), { files: NODE_FILES }), null);
    // A module of the collection, and a host that cannot list folders (the browser).
    const top = repo({ ...DEMOS, ...HELPERS });
    assert.equal(notebookCollection(path.join(top, 'torch_nb/helper_train.py'), { files: NODE_FILES }), null);
    const noListing: FileProbe = { exists: NODE_FILES.exists, fileSize: NODE_FILES.fileSize, readText: NODE_FILES.readText };
    assert.equal(notebookCollection(path.join(top, 'torch_nb/gan/gan-basic.ipynb'), { files: noListing }), null);
  });

  it('a checkout without a marker is judged from the folder the CLI was given', () => {
    const top = repo({ ...DEMOS, ...HELPERS });
    rmSync(path.join(top, '.git'), { recursive: true });
    const file = path.join(top, 'torch_nb/gan/gan-basic.ipynb');
    assert.equal(notebookCollection(file, { files: NODE_FILES }), null);
    assert.match(notebookCollection(file, { files: NODE_FILES, givenRoot: top }) ?? '', /collection of standalone notebooks/);
  });

  it('pin_memory and num_workers findings in a collection notebook are hints, with the reason; in a package they stay shown', async () => {
    const zoo = repo({ ...DEMOS, ...HELPERS });
    const demo = path.join(zoo, 'torch_nb/cnn/cnn-wide-faces.ipynb');
    // pin_memory is judged for a loader with workers (without them the main process pins each batch itself).
    const sources: Record<string, string> = { [PIN]: loader(', num_workers=4'), [WORKERS]: loader('') };
    for (const rule of [PIN, WORKERS]) {
      const [low] = await ranked(rule, sources[rule], demo);
      assert.equal(low?.severity, 'hint', rule);
      assert.equal(low!.impact?.level, 'low', rule);
      assert.match(low!.impact!.reasons[0], /collection of standalone notebooks/, rule);
    }
    const packaged = repo({ ...DEMOS, 'zoo/__init__.py': '' });
    const own = path.join(packaged, 'torch_nb/cnn/cnn-wide-faces.ipynb');
    for (const rule of [PIN, WORKERS]) {
      assert.deepEqual(
        (await ranked(rule, sources[rule], own)).map((f) => f.severity),
        ['info'],
        rule,
      );
    }
  });
});

describe('multiprocessing-main-guard: silent in notebooks, where the kernel runs every cell as __main__', () => {
  const POOL = `from multiprocessing import Pool


def square(x):
    return x * x


with Pool(4) as pool:
    print(pool.map(square, range(10)))
`;
  const LOADER_LOOP = `import torch

loader = torch.utils.data.DataLoader(dataset, batch_size=32, num_workers=4)
for batch in loader:
    print(batch)
`;

  it('a pool or a worker DataLoader at the top of a notebook is not flagged', async () => {
    const engine = await getEngine();
    for (const source of [POOL, LOADER_LOOP]) {
      const found = engine.lintText(source, { select: [GUARD], filePath: '/proj/analysis/Run Pool.ipynb' }).findings;
      assert.deepEqual(found, []);
    }
  });

  it('near misses: the same code in a script, and in a script split into `# %%` cells, is flagged', async () => {
    const engine = await getEngine();
    for (const source of [POOL, `# %%\n${LOADER_LOOP}`]) {
      const found = engine.lintText(source, { select: [GUARD], filePath: '/proj/analysis/run_pool.py' }).findings;
      assert.equal(found.length, 1, source);
    }
  });
});

describe('leftover-breakpoint: a cheat-sheet of debugger commands is notes, not code that runs', () => {
  it('a breakpoint followed by debugger commands that do not parse is not flagged, in a notebook or a file', async () => {
    const engine = await getEngine();
    const notes = '# stop here\nimport pdb; pdb.set_trace()\n\n# run a script under the debugger\npython -m pdb job.py\n\n# step\ns[tep]\n';
    for (const filePath of ['/proj/python-basics/debugging.ipynb', '/proj/notes/debugging.py']) {
      assert.deepEqual(engine.lintText(notes, { select: [BREAKPOINT], filePath }).findings, [], filePath);
    }
  });

  it('near misses: a breakpoint before code that runs is flagged, even when a later line does not parse', async () => {
    const engine = await getEngine();
    const code = 'import pdb\n\nrows = load()\npdb.set_trace()\ntotal = sum(rows)\nb 16\n';
    assert.equal(engine.lintText(code, { select: [BREAKPOINT], filePath: '/proj/job.ipynb' }).findings.length, 1);
    const last = 'import pdb\n\nrows = load()\npdb.set_trace()\n';
    assert.equal(engine.lintText(last, { select: [BREAKPOINT], filePath: '/proj/job.ipynb' }).findings.length, 1);
  });
});
