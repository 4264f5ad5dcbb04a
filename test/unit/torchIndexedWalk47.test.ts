// Round 47 (issue 24, recall): `.item()` on each element of a tensor taken by a range index (`ks[g].item()` in a
// per-box loop of a detector's target assignment) or on each unpacked row of a `.nonzero()` index tensor (a graph
// built edge by edge). Repeated inside another loop it is a warning; a single walk stays a hint.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const SYNC = 'torch-sync-in-training-loop';

describe('torch-sync-in-training-loop: indexed and unpacked element walks', () => {
  const lint = async (source: string) => {
    const engine = await getEngine();
    const lineOf = (offset: number) => source.slice(0, offset).split('\n').length;
    return engine
      .lintText(source, { select: [SYNC], filePath: '/tmp/perflens-rc24/model.py', impact: 'all' })
      .findings.filter((f) => f.ruleId === SYNC)
      .map((f) => [lineOf(f.start), f.severity, /`ks\.tolist\(\)` before the loop and index the list|`edge_list\.tolist\(\)`/.test(f.message)]);
  };

  it('a per-box walk inside the per-image loop is a warning with the one-conversion advice', async () => {
    const source = `import torch


def assign(costs, tops):
    out = []
    for cost, top in zip(costs, tops):
        ks = torch.clamp(top.sum(1).int(), min=1)
        for g in range(cost.shape[0]):
            _, pos = torch.topk(cost[g], k=ks[g].item(), largest=False)
            out.append(pos)
    return out
`;
    assert.deepEqual(await lint(source), [[9, 'warning', true]]);
  });

  it('rows of a nonzero() index tensor unpacked in a loop per sample: a warning', async () => {
    const source = `import torch


def edges(samples, graph_of):
    for s in samples:
        g = graph_of(s)
        edge_list = (s.adj != 0).nonzero()
        for src, dst in edge_list:
            g.add_edges(src.item(), dst.item())
`;
    assert.deepEqual(await lint(source), [[9, 'warning', true]]);
  });

  it('near misses: one walk by index is a hint; an index that is not a range, or an unknown holder, is silent', async () => {
    const source = `import torch


def once(top):
    ks = torch.clamp(top, min=1)
    return [ks[g].item() for g in range(len(ks))]


def picked(order, top):
    ks = torch.clamp(top, min=1)
    return [ks[g].item() for g in order]


def unknown(ks):
    return [ks[g].item() for g in range(len(ks))]
`;
    assert.deepEqual(await lint(source), [[6, 'hint', true]]);
  });
});
