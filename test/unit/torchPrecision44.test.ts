// Round 44 (issue 24): torch findings the blind review of review12 judged wrong, each case modelled on them, with the
// near miss that keeps its rank. pytorch-classification (PyTorch 0.3 era) evaluates with `Variable(x, volatile=True)`.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const NO_GRAD = 'torch-eval-without-no-grad';

async function findings(source: string, rule: string, filePath = '/proj/pkg/train.py') {
  const engine = await getEngine();
  // keepHints: the library hints auto mode does not report stay, so the ranking a profile can undo is tested.
  return engine.lintText(source, { select: [rule], filePath, impact: 'auto', keepHints: true }).findings.filter((f) => f.ruleId === rule);
}

const EVAL =
  'import torch\nfrom torch.autograd import Variable\n\n\n' +
  'def validate(val_loader, model, criterion):\n    model.eval()\n    total = 0\n    for inputs, targets in val_loader:\n' +
  '        inputs = Variable(inputs.cuda(), volatile=True)\n        outputs = model(inputs)\n        total += criterion(outputs, targets).data[0]\n' +
  '    return total\n';

describe('torch-eval-without-no-grad on code written for PyTorch <= 0.3 (issue 24, round 44)', () => {
  it('says what holds on both PyTorch generations for inputs marked volatile=True, as a hint without a fix', async () => {
    const [f, ...rest] = await findings(EVAL, NO_GRAD);
    assert.equal(rest.length, 0);
    assert.equal(f.severity, 'hint');
    assert.match(f.message, /`volatile=True`, which only PyTorch 0\.3 and older honour: from 0\.4 on it is ignored/);
    assert.equal(f.fix, undefined);
  });

  it('keeps the full finding and its fix when nothing is volatile (near miss)', async () => {
    const [f, ...rest] = await findings(EVAL.replace(', volatile=True', ''), NO_GRAD);
    assert.equal(rest.length, 0);
    assert.notEqual(f.severity, 'hint');
    assert.match(f.message, /runs the model on every batch with autograd recording/);
    assert.ok(f.fix);
  });
});

const DATA_PARALLEL = 'torch-dataparallel';

const LEGACY_SCRIPT =
  'import torch\nfrom torch.autograd import Variable\n\n\n' +
  'def main(model, train_loader, criterion, optimizer):\n    model = torch.nn.DataParallel(model).cuda()\n' +
  '    for inputs, targets in train_loader:\n        inputs, targets = inputs.cuda(), targets.cuda(async=True)\n' +
  '        loss = criterion(model(Variable(inputs)), Variable(targets))\n        optimizer.zero_grad()\n        loss.backward()\n        optimizer.step()\n';

describe('torch-dataparallel in code written for PyTorch <= 0.3 (issue 24, round 44)', () => {
  it('is a hint that says why when the file uses a 0.3-only spelling (async=True, volatile=True)', async () => {
    const [f] = await findings(LEGACY_SCRIPT, DATA_PARALLEL);
    assert.equal(f.severity, 'hint');
    assert.match(f.impact?.reasons.join(' ') ?? '', /written for PyTorch 0\.3 \(`async=True`\)/);
    const [g] = await findings(LEGACY_SCRIPT.replace('targets.cuda(async=True)', 'Variable(targets.cuda(), volatile=True)'), DATA_PARALLEL);
    assert.equal(g.severity, 'hint');
  });

  it('keeps its rank in current code (near miss: non_blocking=True)', async () => {
    const [f] = await findings(LEGACY_SCRIPT.replace('async=True', 'non_blocking=True'), DATA_PARALLEL);
    assert.equal(f.severity, 'warning');
  });
});

const PER_SAMPLE = 'torch-per-sample-forward';

const COMPARE =
  'import torch\n\n\n' +
  'def match_counts(unique_labels, reference_labels, label_comparison_fn):\n    counts = []\n' +
  '    for i in range(len(unique_labels)):\n        counts.append(torch.sum(label_comparison_fn(unique_labels[i : i + 1], reference_labels)))\n' +
  '    return counts\n';

describe('torch-per-sample-forward on a callee not known to be a model (issue 24, round 44)', () => {
  it("is a hint that says so for a bare name the file does not show to be a model (pytorch-metric-learning's label_comparison_fn)", async () => {
    const [f] = await findings(COMPARE, PER_SAMPLE);
    assert.equal(f.severity, 'hint');
    assert.match(f.impact?.reasons.join(' ') ?? '', /`label_comparison_fn` is not known to be a model/);
  });

  it('keeps its rank when the name says model, or a model factory builds the value (near misses)', async () => {
    const [byName] = await findings(COMPARE.replace(/label_comparison_fn/g, 'model'), PER_SAMPLE);
    assert.notEqual(byName.severity, 'hint');
    const built = COMPARE.replace('    counts = []\n', '    scorer = torchvision.models.resnet18()\n    counts = []\n').replace(
      /label_comparison_fn\(/,
      'scorer(',
    );
    const [byValue] = await findings(built, PER_SAMPLE);
    assert.notEqual(byValue.severity, 'hint');
  });
});
