// torch-eval-without-no-grad (issue 24, review68): NeuralRecon's main.py decorates `test_sample` with `@make_nograd_func`,
// which its utils.py defines as a wrapper that runs the function inside `with torch.no_grad():`. Both of the review's
// findings there (`test`, which calls `test_sample` per batch, and `test_sample` itself) were wrong. A decorator of the
// same name that does not enter a gradient context keeps the findings.
import * as assert from 'node:assert/strict';
import { messagesInRepository } from '../helpers/engine';

const RULE = 'torch-eval-without-no-grad';

const UTILS = (body: string) => `import torch


def make_nograd_func(func):
    def wrapper(*f_args, **f_kwargs):
${body}
        return ret

    return wrapper
`;
const GUARDED = '        with torch.no_grad():\n            ret = func(*f_args, **f_kwargs)';
const UNGUARDED = '        ret = func(*f_args, **f_kwargs)';

const MAIN = `import torch
from torch.utils.data import DataLoader
from utils import make_nograd_func

model = build_model()


def test(loader):
    for batch_idx, sample in enumerate(loader):
        loss, outputs = test_sample(sample)
        print(batch_idx, loss)


@make_nograd_func
def test_sample(sample):
    model.eval()
    outputs, loss_dict = model(sample)
    return float(loss_dict["total_loss"]), outputs


if __name__ == "__main__":
    test(DataLoader(dataset(), batch_size=1))
`;

/** The rule's messages on main.py of a repository whose utils.py is `utils`. */
function messages(utils: string): Promise<string[]> {
  return messagesInRepository(RULE, { 'utils.py': utils, 'main.py': MAIN }, 'main.py');
}

describe('torch-eval-without-no-grad: a gradient-context decorator imported from the workspace', () => {
  it('is silent when the imported decorator runs the function under torch.no_grad()', async () => {
    assert.deepEqual(await messages(UTILS(GUARDED)), []);
  });

  it('still reports when the decorator of that name does not touch the gradient mode', async () => {
    assert.equal((await messages(UTILS(UNGUARDED))).length, 2);
  });
});
