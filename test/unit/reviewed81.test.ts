// Round 81 (issues 24 and 26): what review58's blind reviewers judged wrong or not worth a change, and what its recall
// hunt (and review57's) found missing, with the near misses that must stay silent or keep their rank.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURES, rankedFindings, ruleFindings } from '../helpers/engine';

const fixture = (rule: string, name: string) => readFileSync(path.join(FIXTURES, 'rules', rule, name), 'utf8');
/** The 1-based line a finding starts on. */
const lineOf = (source: string, offset: number) => source.slice(0, offset).split('\n').length;

describe('numba-cuda-missing-bounds-check: launches that start one thread per element (review58, numbapro-examples)', () => {
  it('is silent on `foo[1, out.size](inp, out)`, on blocks x threads sizing the data in a call, and through a timing helper', async () => {
    assert.deepEqual(await ruleFindings('numba-cuda-missing-bounds-check', fixture('numba-cuda-missing-bounds-check', 'negative_review58.py')), []);
  });

  it('still reports two blocks of out.size, the size of an array the launch does not pass, and a rounded-up grid (halved too)', async () => {
    const source = fixture('numba-cuda-missing-bounds-check', 'positive_review58.py');
    const found = await ruleFindings('numba-cuda-missing-bounds-check', source);
    assert.deepEqual(
      found.map((f) => lineOf(source, f.start)),
      [9, 15, 21, 27],
    );
  });
});

describe('torch-eval-without-no-grad: evaluation passes beside training (review57 hunt: S3Rec, Conv-TasNet)', () => {
  it("reports each eval-mode loop of a shared train/score function and a shared epoch function's validation call", async () => {
    const source = fixture('torch-eval-without-no-grad', 'positive_shared_epoch_review57.py');
    const found = await ruleFindings('torch-eval-without-no-grad', source);
    assert.deepEqual(
      found.map((f) => lineOf(source, f.start)),
      [34, 39, 60],
    );
    assert.match(found[0]!.message, /wrap the loop \(not `iteration`, which also trains\)/);
    assert.match(found[2]!.message, /`cross_valid=True`.*wrap this call in `with torch\.no_grad\(\):`/);
    assert.equal(found[2]!.fix, undefined);
  });

  it('stays silent under no_grad, when the pass feeds a backward, without eval mode, or when the callee decides the mode', async () => {
    assert.deepEqual(await ruleFindings('torch-eval-without-no-grad', fixture('torch-eval-without-no-grad', 'negative_shared_epoch_review57.py')), []);
  });
});

describe('torch-eval-without-no-grad: a model switched to eval mode and handed on (review57 hunt: pose estimator; review58: vq-vae-2)', () => {
  it('reports an inference helper called per pass of a loop, and a loop over data handed the model by the __main__ block', async () => {
    const helper = fixture('torch-eval-without-no-grad', 'positive_handed_eval_model_review57.py');
    const found = await ruleFindings('torch-eval-without-no-grad', helper);
    assert.deepEqual(
      found.map((f) => lineOf(helper, f.start)),
      [12, 22],
    );
    assert.match(found[0]!.message, /`infer` runs `net` with autograd recording, and `evaluate` calls it on every pass of a loop/);
    const extract = fixture('torch-eval-without-no-grad', 'positive_extract_codes_review58.py');
    const codes = await ruleFindings('torch-eval-without-no-grad', extract);
    assert.deepEqual(
      codes.map((f) => lineOf(extract, f.start)),
      [11],
    );
  });

  it('stays silent for a training caller, a gradient context, a saliency helper, one call, or another model', async () => {
    for (const name of ['negative_handed_eval_model_review57.py', 'negative_extract_codes_review58.py']) {
      assert.deepEqual(await ruleFindings('torch-eval-without-no-grad', fixture('torch-eval-without-no-grad', name)), [], name);
    }
  });
});

describe('torch-eval-without-no-grad: inference scripts and validation every few epochs (review57 hunt: PytorchOCR; review58: Medical-Transformer)', () => {
  it("reports the `main` of a script named for inference, and a validation pass after an epoch's training loop", async () => {
    const script = fixture('torch-eval-without-no-grad', 'positive_infer_script.py');
    const found = await ruleFindings('torch-eval-without-no-grad', script, '/proj/tools/infer_cls.py');
    assert.deepEqual(
      found.map((f) => lineOf(script, f.start)),
      [13],
    );
    const epochs = fixture('torch-eval-without-no-grad', 'positive_periodic_epochs_review58.py');
    const periodic = await ruleFindings('torch-eval-without-no-grad', epochs);
    assert.match(periodic[0]!.message, /every few epochs/);
  });

  it('is silent for the same `main` in a script not named for inference, and for guarded or training periodic passes', async () => {
    const script = fixture('torch-eval-without-no-grad', 'positive_infer_script.py');
    assert.deepEqual(await ruleFindings('torch-eval-without-no-grad', script, '/proj/tools/convert.py'), []);
    assert.deepEqual(await ruleFindings('torch-eval-without-no-grad', fixture('torch-eval-without-no-grad', 'negative_training_script.py')), []);
    assert.deepEqual(await ruleFindings('torch-eval-without-no-grad', fixture('torch-eval-without-no-grad', 'negative_periodic_epochs_review58.py')), []);
  });
});

describe('dated copies of code kept with results (review58, bayesProtQuant)', () => {
  const IS = 'def pick(mode):\n    return 1 if mode is "train" else 0\n';

  it('ranks findings in results/<date>_*/ low, not in results/ itself or a dated folder elsewhere', async () => {
    for (const rel of ['/proj/results/2019-06-26_loglogpq/parse.py', '/proj/outputs/20210105-ablation/parse.py']) {
      const [f] = await rankedFindings('is-literal-comparison', IS, rel);
      assert.equal(f?.severity, 'hint', rel);
      assert.match(f.impact?.reasons.join(' ') ?? '', /dated folder of results/, rel);
    }
    for (const rel of ['/proj/results/parse.py', '/proj/src/2019-06-26_loglogpq/parse.py', '/proj/src/parse.py']) {
      const [f] = await rankedFindings('is-literal-comparison', IS, rel);
      assert.doesNotMatch(f?.impact?.reasons.join(' ') ?? '', /dated folder/, rel);
    }
  });
});
