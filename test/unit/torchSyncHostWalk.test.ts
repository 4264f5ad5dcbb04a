// torch-sync-in-training-loop (issue 24, review68): `.item()` on each element of a tensor in host memory waits for no
// device. kraken logs 16 training samples picked by `enumerate(torch.randint(...))`, and mmaction's roi2bbox walks
// `torch.unique(rois[:, 0].cpu())`; one reviewer judged each finding wrong for claiming a device wait. Walks of host
// tensors now say they cost a torch call per element and rank low; a walk of a tensor that may be on a device keeps
// the device wait in its message.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'torch-sync-in-training-loop';

async function found(source: string, impact: 'all' | 'auto' = 'all'): Promise<string[]> {
  const engine = await getEngine();
  const { findings } = engine.lintText(source, { select: [RULE], filePath: '/proj/pkg/boxes.py', impact, keepHints: true, preview: true });
  return findings.filter((f) => f.ruleId === RULE).map((f) => f.message);
}

const WALK = (iterable: string) => `import torch


def roi2bbox(rois):
    bbox_list = []
    img_ids = ${iterable}
    for img_id in img_ids:
        inds = rois[:, 0] == img_id.item()
        bbox_list.append(rois[inds, 1:])
    return bbox_list
`;

describe('torch-sync-in-training-loop: element walks of host tensors', () => {
  it('says a walk of torch.unique(x.cpu()) waits for no device, and ranks it low', async () => {
    const [message] = await found(WALK('torch.unique(rois[:, 0].cpu(), sorted=True)'));
    assert.ok(message, 'still reported');
    assert.match(message, /in host memory, so no device wait/);
    assert.doesNotMatch(message, /on a GPU a wait/);
    // Ranked low: the default ranking leaves it out, where the walk of a tensor that may be on a device stays.
    assert.deepEqual(await found(WALK('torch.unique(rois[:, 0].cpu(), sorted=True)'), 'auto'), []);
    assert.equal((await found(WALK('torch.unique(rois[:, 0], sorted=True)'), 'auto')).length, 1);
  });

  it('says the same of enumerate over a host factory', async () => {
    const source = `import torch


def log_samples(train_set, logger):
    for i, idx in enumerate(torch.randint(len(train_set), (16,))):
        sample = train_set[idx.item()]
        logger.add_image(str(i), sample)
`;
    const [message] = await found(source);
    assert.ok(message, 'still reported');
    assert.match(message, /no device wait/);
  });

  it('keeps the device wait for a tensor that may be on a device', async () => {
    const [message] = await found(WALK('torch.unique(rois[:, 0], sorted=True)'));
    assert.ok(message, 'reported');
    assert.match(message, /on a GPU a wait for the device/);
  });
});
