// Round 42 (issue 26): teaching material and tiny data, from a blind review of 22 more repositories (review10). Of 113
// shown findings, 92 were noise, most of them in a book's chapters, a course's exercise and solution notebooks, legacy
// tutorials and optuna's examples, or on data visibly too small for the advice (MNIST, 20-image batches, loops that stop
// after a few batches). Each case is modelled on those findings, with the near miss that keeps its rank: the same
// notebooks' findings the review judged worth it (evaluation without no_grad, an ImageFolder loader without workers),
// a project's own analysis notebooks, and GAN scripts training on MNIST on a GPU.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { LintOptions } from '../../server/engine/options';
import { teachingMaterial } from '../../server/analysis/impact';
import { getEngine } from '../helpers/engine';

/** One rule's findings, ranked as the default output ranks them (impact "auto") unless options say otherwise. */
async function ranked(ruleId: string, source: string, filePath: string, options: LintOptions = {}) {
  const engine = await getEngine();
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'auto', keepHints: true, ...options }).findings.filter((f) => f.ruleId === ruleId);
}

const SYNC = 'torch-sync-in-training-loop';
const WORKERS = 'torch-dataloader-num-workers';
const PIN = 'torch-dataloader-pin-memory';
const NO_GRAD = 'torch-eval-without-no-grad';

describe('teaching material: where it is', () => {
  const teaching = [
    '/proj/ch13/ch13_part3.ipynb',
    '/proj/ch04/ch04.py',
    '/proj/chapter_3/train.py',
    '/proj/Chapter 3 - CNNs/train.ipynb',
    '/proj/lesson-2/train.py',
    '/proj/exercises/mnist.py',
    '/proj/solutions/mnist.py',
    '/proj/legacy/1 - Simple Sentiment Analysis.ipynb',
    '/proj/cifar-cnn/cifar10_cnn_exercise.ipynb',
    '/proj/dcgan-svhn/DCGAN_Solution.ipynb',
    '/proj/intro/Part 5 - Inference and Validation (Solution).ipynb',
    '/proj/intro/Part 2 - Neural Networks in PyTorch (Exercises).ipynb',
    '/proj/Tutorial_1.ipynb',
  ];
  const own = [
    '/proj/analysis.ipynb',
    '/proj/notebooks/churn_model.ipynb',
    '/proj/checkpoints/train.py',
    '/proj/ch2o/train.py',
    '/proj/pkg/exercise_utils.py',
    '/proj/pkg/solution.py',
    '/proj/sensor_solutions_report.ipynb',
  ];

  it('book chapters, lessons, exercises and solutions, legacy folders and exercise notebooks are teaching material', () => {
    for (const file of teaching) assert.ok(teachingMaterial(file, { givenRoot: '/proj' }), file);
    assert.match(teachingMaterial('/proj/ch13/ch13_part3.ipynb', { givenRoot: '/proj' })!, /teaching material \(`ch13\/`\)/);
    assert.match(teachingMaterial('/proj/legacy/a.ipynb', { givenRoot: '/proj' })!, /legacy folder \(`legacy\/`\)/);
  });

  it("near misses: a project's own notebooks and modules, and folders that only start like a chapter", () => {
    for (const file of own) assert.equal(teachingMaterial(file, { givenRoot: '/proj' }), null, file);
  });

  it('a project whose own folder says it is a collection of examples, a book or a course; not a folder above it', () => {
    for (const root of [
      '/work/optuna-examples',
      '/work/python-machine-learning-book-3rd-edition',
      '/work/deep-learning-course',
      '/work/pytorch_tutorials',
      '/work/PythonDataScienceHandbook',
      '/work/PyTorchTutorials',
    ]) {
      assert.match(teachingMaterial(path.join(root, 'pytorch', 'simple.py'), { givenRoot: root }) ?? '', /collection of examples, a book or a course/, root);
    }
    for (const root of [
      '/work/bookkeeper',
      '/work/facebook-research',
      '/work/examplesearch',
      '/work/BookKeeper',
      '/work/ExampleSearch',
      '/work/HandbookViewer',
    ]) {
      assert.equal(teachingMaterial(path.join(root, 'pkg', 'simple.py'), { givenRoot: root }), null, root);
    }
    // The folder the project is kept in says nothing about the project.
    assert.equal(teachingMaterial('/home/me/examples/myproj/pkg/simple.py', { givenRoot: '/home/me/examples/myproj' }), null);
  });
});

describe('teaching material: advice that pays off only at scale is low there', () => {
  const TRAIN = `import torch

device = torch.device("cuda")
total = 0
for x, y in loader:
    x = x.to(device)
    loss = model(x).sum()
    loss.backward()
    opt.step()
    total += loss.item()
`;

  it('a sync per step in a course notebook, a chapter or a legacy tutorial is left out; in a hover-able all mode it says why', async () => {
    for (const file of ['/proj/cifar-cnn/cifar10_cnn_exercise.ipynb', '/proj/ch13/train.ipynb', '/proj/legacy/2 - Upgraded.ipynb']) {
      assert.deepEqual(await ranked(SYNC, TRAIN, file, { projectRoot: '/proj' }), [], file);
    }
    const [all] = await ranked(SYNC, TRAIN, '/proj/ch13/train.ipynb', { projectRoot: '/proj', impact: 'all' });
    assert.equal(all?.impact?.level, 'low');
    assert.match(all!.impact!.reasons[0], /teaching material \(`ch13\/`\).*pays off only at scale/);
  });

  it("near miss: the project's own notebook keeps it", async () => {
    const [f] = await ranked(SYNC, TRAIN, '/proj/train_resnet.ipynb', { projectRoot: '/proj' });
    assert.equal(f?.severity, 'warning');
  });

  it('near miss: advice that holds at any scale keeps its rank in the same course notebook (evaluation without no_grad)', async () => {
    const src = `import torch

for t in range(500):
    pred = net(x)
    loss = loss_func(pred, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    if t % 10 == 0:
        net.eval()
        val_pred = net(val_x)
        print(loss_func(val_pred, val_y).item())
        net.train()
`;
    const own = await ranked(NO_GRAD, src, '/proj/char_rnn.ipynb', { projectRoot: '/proj' });
    const course = await ranked(NO_GRAD, src, '/proj/char-rnn/Character_Level_RNN_Exercise.ipynb', { projectRoot: '/proj' });
    assert.equal(own.length, 1);
    assert.deepEqual(
      course.map((f) => [f.severity, f.impact?.level]),
      own.map((f) => [f.severity, f.impact?.level]),
    );
  });

  it("a pandas apply in a book chapter works over demo data: low, where the project's own notebook is high", async () => {
    // A row-wise apply: pandas-apply-simple-lambda is a hint outside hot code wherever it stands (issue 24).
    const src = 'import pandas as pd\n\ndf = pd.read_csv("a.csv")\ndf["b"] = df.apply(lambda r: r["a"] + 1, axis=1)\n';
    const [chapter] = await ranked('pandas-apply-axis1', src, '/proj/ch04/ch04.py', { projectRoot: '/proj', impact: 'all' });
    assert.equal(chapter?.impact?.level, 'low');
    assert.match(chapter!.impact!.reasons[0], /teaching material \(`ch04\/`\)/);
    const [own] = await ranked('pandas-apply-axis1', src, '/proj/analysis.ipynb', { projectRoot: '/proj', impact: 'all' });
    assert.equal(own?.impact?.level, 'high');
  });
});

describe('torch-dataloader-num-workers: small data', () => {
  const IMAGE_FOLDER = `import torch
from torchvision import datasets, transforms

train_data = datasets.ImageFolder("Cat_Dog_data/train", transform=transforms.Compose([transforms.RandomResizedCrop(224), transforms.ToTensor()]))
trainloader = torch.utils.data.DataLoader(train_data, batch_size=64, shuffle=True)
device = torch.device("cuda")
for epoch in range(3):
    for inputs, labels in trainloader:
        inputs, labels = inputs.to(device), labels.to(device)
        loss = criterion(model(inputs), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
`;
  const MNIST_CPU = `import torch
from torchvision import datasets, transforms

transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
trainset = datasets.FashionMNIST("~/.pytorch/F_MNIST_data/", download=True, train=True, transform=transform)
trainloader = torch.utils.data.DataLoader(trainset, batch_size=64, shuffle=True)
for e in range(5):
    for images, labels in trainloader:
        images = images.view(images.shape[0], -1)
        loss = criterion(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
`;

  it('an ImageFolder loader read by a training loop stays shown, in a solution notebook too', async () => {
    for (const file of ['/proj/intro/Part 8 - Transfer Learning (Solution).ipynb', '/proj/train.ipynb', '/proj/pkg/train.py']) {
      const [f] = await ranked(WORKERS, IMAGE_FOLDER, file, { projectRoot: '/proj' });
      assert.equal(f?.severity, 'info', file);
      assert.equal(f!.impact?.level, 'high', file);
    }
  });

  it('FashionMNIST with conversion-only transforms, trained on the CPU, is not reported (review29 judged all 13 noise)', async () => {
    assert.deepEqual(await ranked(WORKERS, MNIST_CPU, '/proj/train.ipynb', { projectRoot: '/proj' }), []);
    // Imported from its module (optuna's ignite example).
    const fromModule = MNIST_CPU.replace(
      'from torchvision import datasets, transforms',
      'from torchvision import transforms\nfrom torchvision.datasets.mnist import FashionMNIST',
    ).replace('datasets.FashionMNIST(', 'FashionMNIST(');
    assert.deepEqual(await ranked(WORKERS, fromModule, '/proj/train.ipynb', { projectRoot: '/proj' }), []);
  });

  it('near miss: resizing or augmenting each image is per-sample work, and stays shown', async () => {
    const src = MNIST_CPU.replace('transforms.Compose([transforms.ToTensor(),', 'transforms.Compose([transforms.Resize(32), transforms.ToTensor(),');
    const [f] = await ranked(WORKERS, src, '/proj/train.ipynb', { projectRoot: '/proj' });
    assert.equal(f?.severity, 'info');
  });

  it("near miss: MNIST in a GAN script's own training loop on a GPU stays shown (PyTorch-GAN), not in a book chapter", async () => {
    const gpu = MNIST_CPU.replace('images = images.view(images.shape[0], -1)', 'images = images.cuda()');
    const [own] = await ranked(WORKERS, gpu, '/proj/implementations/gan/gan.py', { projectRoot: '/proj' });
    assert.equal(own?.severity, 'info');
    assert.equal(own!.impact?.level, 'high');
    // In a book's chapter (teaching material), not reported.
    assert.deepEqual(await ranked(WORKERS, gpu, '/proj/ch13/ch13_part3.py', { projectRoot: '/proj' }), []);
    // A GPU the file names, but no training loop of the file reading the loader (an ignite engine trains on it).
    const engineDriven =
      gpu.slice(0, gpu.indexOf('for e in range(5):')) +
      'trainer = create_supervised_trainer(model, optimizer, loss, device="cuda")\ntrainer.run(trainloader)\n';
    assert.deepEqual(await ranked(WORKERS, engineDriven, '/proj/train.ipynb', { projectRoot: '/proj' }), []);
  });

  it('a loop that breaks after a few batches is a hint; one that breaks late, or only sometimes, is not', async () => {
    const early = IMAGE_FOLDER.replace('    for inputs, labels in trainloader:', '    for ii, (inputs, labels) in enumerate(trainloader):').replace(
      '        optimizer.step()\n',
      '        optimizer.step()\n        if ii == 3:\n            break\n',
    );
    const [f] = await ranked(WORKERS, early, '/proj/pkg/train.py', { projectRoot: '/proj' });
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact!.reasons[0], /its loop stops after 4 batches/);
    // optuna's `if batch_idx * BATCHSIZE >= N_TRAIN_EXAMPLES: break`, with module constants: 10 batches used, an 11th loaded.
    const constants = early
      .replace('import torch\n', 'import torch\n\nBATCHSIZE = 64\nN_TRAIN = BATCHSIZE * 10\n')
      .replace('if ii == 3:', 'if ii * BATCHSIZE >= N_TRAIN:');
    assert.match((await ranked(WORKERS, constants, '/proj/pkg/train.py', { projectRoot: '/proj' }))[0]?.impact?.reasons[0] ?? '', /stops after 11 batches/);
    for (const late of [
      early.replace('if ii == 3:', 'if ii == 300:'),
      early.replace('if ii == 3:', 'if ii == 3 or debug:'),
      early.replace('if ii == 3:', 'if debug:\n            pass\n        if ii == limit:'),
    ]) {
      assert.equal((await ranked(WORKERS, late, '/proj/pkg/train.py', { projectRoot: '/proj' }))[0]?.severity, 'info', late);
    }
  });

  it('a Subset of a few batches is a hint; a large one, or a batch size the caller chooses, is not', async () => {
    const subset = (indices: string, batch = 'batch_size=8') =>
      IMAGE_FOLDER.replace('DataLoader(train_data, batch_size=64,', `DataLoader(torch.utils.data.Subset(train_data, ${indices}), ${batch},`);
    const [f] = await ranked(WORKERS, subset('range(64)'), '/proj/pkg/train.py', { projectRoot: '/proj' });
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact!.reasons[0], /subset of 64 samples, 8 batches a pass/);
    assert.equal((await ranked(WORKERS, subset('list(range(32, 96))'), '/proj/pkg/train.py'))[0]?.severity, 'hint');
    assert.equal((await ranked(WORKERS, subset('range(5000)'), '/proj/pkg/train.py'))[0]?.severity, 'info');
    // A parameter named as a module constant is the caller's value, not the constant's.
    const param = `import torch
from torchvision import datasets

batch_size = 8


def make(batch_size, device):
    ds = datasets.ImageFolder("data")
    loader = torch.utils.data.DataLoader(torch.utils.data.Subset(ds, range(64)), batch_size=batch_size)
    for x, y in loader:
        loss = model(x.to(device)).sum()
        loss.backward()
        opt.step()
`;
    assert.equal((await ranked(WORKERS, param, '/proj/pkg/train.py'))[0]?.severity, 'info');
  });

  it('a loader only peeked at through an iterator (a notebook showing a batch) is not flagged; one read in a loop is', async () => {
    const peek = `import torch
from torchvision import datasets

test_data = datasets.ImageFolder("Cat_Dog_data/test")
testloader = torch.utils.data.DataLoader(test_data, batch_size=32)
data_iter = iter(testloader)
images, labels = next(data_iter)
show(images)
`;
    assert.deepEqual(await ranked(WORKERS, peek, '/proj/show.ipynb', { impact: 'all' }), []);
    const looped = peek.replace('images, labels = next(data_iter)\n', 'for step in range(1000):\n    images, labels = next(data_iter)\n');
    assert.equal((await ranked(WORKERS, looped, '/proj/show.ipynb', { impact: 'all' })).length, 1);
  });
});

describe('torch-dataloader-pin-memory: copies too small, or too few, to matter', () => {
  const OWN = '/proj/train_flowers.ipynb';
  const LOADER = `import torch
from torchvision import datasets, transforms

train_data = datasets.ImageFolder("flowers/train", transform=transforms.Compose([transforms.RandomResizedCrop(224), transforms.ToTensor()]))
train_loader = torch.utils.data.DataLoader(train_data, batch_size=64, num_workers=4, shuffle=True)
device = torch.device("cuda")
for epoch in range(30):
    for data, target in train_loader:
        data, target = data.to(device), target.to(device)
        loss = criterion(model(data), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
`;

  it("a loader with workers and large batches stays shown in a project's own notebook", async () => {
    const [f] = await ranked(PIN, LOADER, OWN);
    assert.equal(f?.severity, 'info');
  });

  it('without worker processes the main process pins each batch itself: a hint, unless the copies overlap (non_blocking)', async () => {
    for (const src of [
      LOADER.replace('num_workers=4, ', ''),
      LOADER.replace('num_workers=4', 'num_workers=num_workers').replace('import torch\n', 'import torch\n\nnum_workers = 0\n'),
    ]) {
      const [f] = await ranked(PIN, src, OWN);
      assert.equal(f?.severity, 'hint', src);
      assert.match(f!.impact!.reasons[0], /no worker processes, so the main process pins each batch itself/);
    }
    const overlapped = LOADER.replace('num_workers=4, ', '').replace('data.to(device)', 'data.to(device, non_blocking=True)');
    assert.equal((await ranked(PIN, overlapped, OWN))[0]?.severity, 'info');
  });

  it('CIFAR-10 and SVHN batches of 32x32 images are a hint; resized to 224 they are not', async () => {
    const cifar = LOADER.replace(
      'datasets.ImageFolder("flowers/train", transform=transforms.Compose([transforms.RandomResizedCrop(224), transforms.ToTensor()]))',
      'datasets.CIFAR10("data", train=True, transform=transforms.Compose([transforms.RandomCrop(32, padding=4), transforms.ToTensor()]))',
    );
    const [f] = await ranked(PIN, cifar, OWN);
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact!.reasons[0], /`CIFAR10` batches are of 32x32 images/);
    const resized = cifar.replace('transforms.RandomCrop(32, padding=4)', 'transforms.Resize(224)');
    assert.equal((await ranked(PIN, resized, OWN))[0]?.severity, 'info');
  });

  it('batches of 20 samples are a hint; of 64 they are not', async () => {
    const [f] = await ranked(PIN, LOADER.replace('batch_size=64', 'batch_size=20'), OWN);
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact!.reasons[0], /batches of 20 samples/);
  });

  it('a loader read by one pass that trains nothing (an evaluation) is a hint; the same pass with a backward is not (review61)', async () => {
    const evaluation = `import torch
from torchvision import datasets, transforms


def evaluate(model):
    test_data = datasets.ImageFolder("flowers/test", transform=transforms.Compose([transforms.Resize(224), transforms.ToTensor()]))
    loader = torch.utils.data.DataLoader(test_data, batch_size=64, num_workers=4)
    outputs = []
    for data, target in loader:
        data = data.to("cuda")
        outputs.append(model(data).cpu())
    return outputs


predictions = evaluate(torch.load("model.pt"))
`;
    const [f] = await ranked(PIN, evaluation, OWN);
    assert.equal(f?.severity, 'hint');
    assert.match(f!.impact!.reasons[0], /one pass that trains nothing/);
    const trained = evaluation.replace('outputs.append(model(data).cpu())', 'model(data).sum().backward()');
    assert.equal((await ranked(PIN, trained, OWN))[0]?.severity, 'info');
    const perEpoch = evaluation
      .replace('    for data, target in loader:\n', '    for epoch in range(10):\n      for data, target in loader:\n')
      .replace(
        '        data = data.to("cuda")\n        outputs.append(model(data).cpu())\n',
        '          data = data.to("cuda")\n          outputs.append(model(data).cpu())\n',
      );
    assert.equal((await ranked(PIN, perEpoch, OWN))[0]?.severity, 'info');
  });

  it('a module constant read inside a function counts as the batch size (BATCH = 20; a loader built in main())', async () => {
    // Before t78 a module-level name was looked up in no scope at all, so a function's `batch_size=BATCH` was unknown.
    const inMain = (size: number) =>
      `import torch\nfrom torchvision import datasets, transforms\n\nBATCH = ${size}\n\n\ndef main():\n` +
      LOADER.split('\n')
        .slice(3)
        .map((line) => (line ? `    ${line}` : line))
        .join('\n')
        .replace('batch_size=64', 'batch_size=BATCH') +
      '\nmain()\n';
    const [small] = await ranked(PIN, inMain(20), OWN);
    assert.equal(small?.severity, 'hint');
    assert.match(small!.impact!.reasons[0], /batches of 20 samples/);
    const [large] = await ranked(PIN, inMain(64), OWN);
    assert.equal(large?.severity, 'info');
  });

  it('pays off only at scale: a hint in an example folder and a course notebook, with the reason', async () => {
    const [example] = await ranked(PIN, LOADER, '/proj/examples/train.py', { projectRoot: '/proj' });
    assert.equal(example?.severity, 'hint');
    assert.match(example!.impact!.reasons[0], /pays off only at scale/);
    const [course] = await ranked(PIN, LOADER, '/proj/transfer-learning/Transfer_Learning_Solution.ipynb', { projectRoot: '/proj' });
    assert.equal(course?.severity, 'hint');
    assert.match(course!.impact!.reasons[0], /exercise, solution or tutorial notebook.*pays off only at scale/);
    const [own] = await ranked(PIN, LOADER, '/proj/train_flowers.ipynb', { projectRoot: '/proj' });
    assert.equal(own?.severity, 'info');
  });
});
