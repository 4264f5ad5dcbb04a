// torch-eval-without-no-grad (issue 24, blind review30): kohya-ss' finetune/prepare_buckets_latents.py switches `vae` to
// eval mode, but its loop never runs it; a nested `process_batch()` hands it to `train_util.cache_batch_latents(vae, ...)`,
// a function of the project's `library/` that encodes under `torch.no_grad()`. The rule follows the hand-off into that
// module. Each case has its near miss, where the finding must stay.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'torch-eval-without-no-grad';

const LIBRARY = `import torch


def cache_batch_latents(vae, cache_to_disk, image_infos, flip_aug):
    images = torch.stack([info.image for info in image_infos]).to(device=vae.device, dtype=vae.dtype)
    with torch.no_grad():
        latents = vae.encode(images).latent_dist.sample().to("cpu")
    if flip_aug:
        with torch.no_grad():
            flipped = vae.encode(torch.flip(images, dims=[3])).latent_dist.sample().to("cpu")
    for info, latent in zip(image_infos, latents):
        info.latents = latent
    clean_memory_on_device(vae.device)


@torch.no_grad()
def encode_decorated(images, vae=None):
    return vae.encode(images).latent_dist.sample()


def encode_unguarded(vae, images):
    return vae.encode(images).latent_dist.sample()


def encode_then_decode(vae, images):
    with torch.no_grad():
        latents = vae.encode(images).latent_dist.sample()
    return vae.decode(latents)
`;

/** kohya's shape: `handOff` is the closure's call that receives the model; `extra` goes in the loop. */
const SCRIPT = (handOff: string, extra = '') => `import torch
from torch.utils.data import DataLoader
import library.train_util as train_util


def main(args, dataset):
    vae = load_vae(args.model)
    vae.eval()
    vae.to("cuda")
    bucket = []

    def process_batch(is_last):
        if (is_last and len(bucket) > 0) or len(bucket) >= args.batch_size:
            ${handOff}
            bucket.clear()

    for image, key in DataLoader(dataset, batch_size=1):
        bucket.append(make_info(image, key))${extra}
        process_batch(False)
    process_batch(True)
`;

const LOOP_LINE = 17;

async function lines(source: string): Promise<number[]> {
  const engine = await getEngine();
  const files: Record<string, string> = { '/proj/library/__init__.py': '', '/proj/library/train_util.py': LIBRARY, '/proj/finetune/prepare.py': source };
  const before = engine.files;
  engine.files = { exists: (p) => p in files, fileSize: (p) => (p in files ? files[p].length : null), readText: (p) => files[p] ?? null };
  try {
    return engine
      .lintText(source, { select: [RULE], filePath: '/proj/finetune/prepare.py', projectRoot: '/proj', impact: 'all', preview: true })
      .findings.filter((f) => f.ruleId === RULE)
      .map((f) => source.slice(0, f.start).split('\n').length);
  } finally {
    engine.files = before;
  }
}

describe('torch-eval-without-no-grad: the model handed to a workspace function', () => {
  it('stays silent when the function runs that parameter only under no_grad (kohya-ss cache_batch_latents)', async () => {
    assert.deepEqual(await lines(SCRIPT('train_util.cache_batch_latents(vae, True, bucket, args.flip_aug)')), []);
    assert.deepEqual(await lines(SCRIPT('train_util.cache_batch_latents(vae, True, image_infos=bucket, flip_aug=False)')), []);
  });

  it('stays silent when the function is decorated with a gradient context, the model passed by keyword', async () => {
    assert.deepEqual(await lines(SCRIPT('store(train_util.encode_decorated(bucket, vae=vae))')), []);
  });

  it('keeps the finding when the function runs the model with autograd, once or always', async () => {
    assert.deepEqual(await lines(SCRIPT('store(train_util.encode_unguarded(vae, bucket))')), [LOOP_LINE]);
    assert.deepEqual(await lines(SCRIPT('store(train_util.encode_then_decode(vae, bucket))')), [LOOP_LINE]);
  });

  it('keeps the finding when the model goes to a parameter the function does not guard', async () => {
    // `cache_batch_latents(bucket, True, vae, ...)`: the model lands in `image_infos`, which runs nothing under no_grad.
    assert.deepEqual(await lines(SCRIPT('train_util.cache_batch_latents(bucket, True, vae, args.flip_aug)')), [LOOP_LINE]);
  });

  it('keeps the finding when the loop also runs the model itself', async () => {
    const direct = SCRIPT('train_util.cache_batch_latents(vae, True, bucket, args.flip_aug)', '\n        store(vae.decode(image))');
    assert.deepEqual(await lines(direct), [LOOP_LINE]);
  });

  it('keeps the finding when the module is not in the workspace', async () => {
    const elsewhere = SCRIPT('train_util.cache_batch_latents(vae, True, bucket, args.flip_aug)').replace(
      'import library.train_util',
      'import vendor.train_util',
    );
    assert.deepEqual(await lines(elsewhere), [LOOP_LINE]);
  });
});
