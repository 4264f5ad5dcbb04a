// Issue 26, after a blind review of repositories never linted before: a concatenation that copies all gathered so
// far matters only where the loop's pass count grows with the data, and advice that saves a constant per item
// matters only where the items are many and nothing far heavier runs beside them. Elsewhere the findings are hints,
// and the hover says why.
import * as assert from 'node:assert/strict';
import { ALL_RULES } from '../../rules';
import { renderFindingHover } from '../../server/docs/render';
import type { LintOptions } from '../../server/engine/options';
import { getEngine } from '../helpers/engine';

async function found(ruleId: string, source: string, options: LintOptions = {}) {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath: '/proj/pkg/mod.py', impact: 'auto', ...options }).findings.filter((f) => f.ruleId === ruleId);
}

/** The severity of the one finding of ruleId in source, in the default (auto) ranking. */
async function severityOf(ruleId: string, source: string): Promise<string | undefined> {
  const findings = await found(ruleId, source);
  assert.ok(findings.length <= 1, `one finding expected, got ${findings.length}`);
  return findings[0]?.severity;
}

const CONCAT = 'concat-in-loop';
const STRING = 'string-concat-in-loop';
const APPEND = 'append-loop-to-comprehension';

/** A function growing `idx` with np.concatenate over `header`, whose loop body is `body`. */
function concatOver(header: string, params = 'X, y', before = ''): string {
  return (
    `import itertools\nimport numpy as np\nimport pandas as pd\n\ndef resample(self, ${params}):\n${before}    idx = np.empty((0,), dtype=int)\n` +
    `    ${header}:\n        idx = np.concatenate((idx, np.flatnonzero(y == c)))\n    return idx\n`
  );
}

describe('findings ranked by how many passes their loop makes (issue 26)', () => {
  describe('concat-in-loop', () => {
    it('is a hint over a few things: class labels, features, configuration entries, tasks', async () => {
      for (const header of [
        'for c in np.unique(y)',
        'for c, n in self.sampling_strategy_.items()',
        'for c in features',
        'for c in sorted(self.classes_)',
        'for c in range(len(self.classes_))',
        'for c in grouped_tasks',
      ]) {
        const [f] = await found(CONCAT, concatOver(header, 'X, y, features=(), grouped_tasks=()'));
        assert.equal(f?.severity, 'hint', header);
        assert.equal(f.impact?.level, 'low', header);
        assert.match(f.impact!.reasons[0], /runs over a few items/, header);
        // Only the ranking: every finding keeps its full severity with impact "all".
        const [all] = await found(CONCAT, concatOver(header, 'X, y, features=(), grouped_tasks=()'), { impact: 'all' });
        assert.equal(all?.severity, 'warning', header);
      }
    });

    it('keeps its warning where the loop runs over data: rows, a Series, a file', async () => {
      for (const [header, params] of [
        ['for c in rows', 'rows, y'],
        ['for sym, c in positions.iteritems()', 'positions, y'],
        ['for c in open(path)', 'path, y'],
      ]) {
        assert.equal(await severityOf(CONCAT, concatOver(header, params)), 'warning', header);
      }
    });

    it('is a hint where the passes may grow with the data but nothing shows they do (issue 26: 17 of 19 judged noise)', async () => {
      for (const [header, params, before] of [
        ['for c in range(len(X))', 'X, y', ''],
        ['for c in range(X.shape[0])', 'X, y', ''],
        ['for key, c in frame.groupby("k")', 'frame, y', ''],
        // The optuna fANOVA loop: a product of split points, per tree and feature (judged useful in an earlier review).
        ['for c, s in zip(points, sizes)', 'a, b, y', '    points = itertools.product(*a)\n    sizes = itertools.product(*b)\n'],
        ['while c < len(y)', 'X, y', '    c = 0\n'],
      ]) {
        const src = concatOver(header, params, before);
        assert.equal(await severityOf(CONCAT, src), 'hint', header);
        // Called once per item of a loop over data, the same function is hot: the warning is back.
        const called = `${src}\n\ndef run(self, batches, y):\n    for batch in batches:\n        resample(self, batch, batch, y)\n`;
        assert.equal(await severityOf(CONCAT, called), 'warning', header);
      }
    });

    it('is no "few items" hint where the code does not show the pass count: range(m) with m computed (Riskfolio-Lib block_vec_pq, judged useful)', async () => {
      const blockVec =
        'import numpy as np\n\ndef block_vec_pq(A, p, q):\n    mp, nq = A.shape\n    m = int(mp / p)\n    n = int(nq / q)\n' +
        '    out = np.empty((0, p * q))\n    for j in range(n):\n        for i in range(m):\n            out = np.vstack([out, A[i, j]])\n    return out\n';
      const [f] = await found(CONCAT, blockVec);
      // Quiet outside hot code, as a loop over data is, but not ranked low with a reason the code does not show.
      assert.equal(f?.severity, 'hint');
      assert.equal(f.impact?.level, 'normal');
      assert.match(f.impact!.reasons[0], /the code does not show how many passes its loop \(`for j in range\(n\)`\) makes/);
      const rule = ALL_RULES.find((r) => r.id === CONCAT)!;
      assert.doesNotMatch(renderFindingHover(rule, f, { guide: 'https://example.invalid/guide' }), /few items/);
      // Called once per item of a loop over data, it is hot: the warning is back (a "few items" reason used to keep it a hint).
      const called = `${blockVec}\n\ndef run(batches):\n    for batch in batches:\n        block_vec_pq(batch, 2, 2)\n`;
      assert.equal(await severityOf(CONCAT, called), 'warning');
      // A parameter bound, or an unknown collection, shows no small domain either.
      for (const header of ['for c in range(self.k)', 'for c in range(2, k + 1)', 'for c in self.members']) {
        const [g] = await found(CONCAT, concatOver(header, 'X, y, k=3, items=()'));
        assert.equal(g?.impact?.level, 'normal', header);
        assert.match(g.impact!.reasons[0], /does not show how many passes/, header);
      }
      // Near misses: a literal bound or the length of a few things is evidence of few passes (a short literal is silent).
      for (const header of ['for c in range(100)', 'for c in range(len(features))', 'for c in zip(features, y)']) {
        const [g] = await found(CONCAT, concatOver(header, 'X, y, features=()'));
        assert.equal(g?.impact?.level, 'low', header);
        assert.match(g.impact!.reasons[0], /runs over a few items/, header);
      }
    });

    it("shap's teacher forcing (a while loop over all inputs) is a hint on its own, pyfolio's per-position append keeps its warning", async () => {
      const batches =
        'import numpy as np\n\ndef score(self, X):\n    out = None\n    start, end = 0, len(X)\n    while start < end:\n' +
        '        part = self.logodds(X[start : start + self.batch_size])\n        if out is None:\n            out = part\n        else:\n' +
        '            out = np.concatenate((out, part))\n        start += self.batch_size\n    return out\n';
      assert.equal(await severityOf(CONCAT, batches), 'hint');
      const positions =
        'import pandas as pd\n\ndef close(path, open_pos):\n    closed = pd.read_csv(path)[["a"]]\n    for sym, val in open_pos.iteritems():\n' +
        '        closed = closed.append(pd.DataFrame({"a": [val]}))\n    return closed\n';
      assert.equal(await severityOf(CONCAT, positions), 'warning');
    });

    it('keeps its warning where the loop makes a pass per record the code shows (review48 recall: matminer, kaggle-HomeDepot, Dispa-SET, satpy)', async () => {
      for (const [header, params, before] of [
        ['for c in tqdm(hits)', 'X, y, hits', '    from tqdm import tqdm\n'],
        ['for c in sorted(os.listdir(folder))', 'X, y, folder', '    import os\n'],
        ['for c in glob.glob(pattern)', 'X, y, pattern', '    import glob\n'],
      ]) {
        const [f] = await found(CONCAT, concatOver(header, params, before));
        assert.equal(f?.severity, 'warning', header);
        assert.equal(f.impact?.level, 'high', header);
      }
      const rows =
        'import pandas as pd\n\ndef table(plants, data, idx):\n    out = pd.DataFrame(index=idx)\n    for j in plants.index:\n' +
        '        out = pd.concat([out, data[plants.loc[j, "Unit"]]], axis=1)\n    return out\n';
      const [r] = await found(CONCAT, rows);
      assert.equal(r?.severity, 'warning');
      assert.match(r.impact!.reasons[0], /makes a pass per row of `plants`/);
      const stream =
        'import numpy as np\n\ndef values(path, read):\n    attr = np.array([])\n    with open(path, "rb") as fh:\n        while True:\n' +
        '            msg = read(fh)\n            if msg is None:\n                break\n            attr = np.append(attr, msg)\n    return attr\n';
      const [w] = await found(CONCAT, stream);
      assert.equal(w?.severity, 'warning');
      assert.match(w.impact!.reasons[0], /reads one record of `fh` per pass/);
      // Near misses: a progress bar over a few things, an index whose rows the body does not read, a while loop over no
      // file, the groups of a groupby (their keys may be few): hints, as before.
      const [few] = await found(CONCAT, concatOver('for c in tqdm(np.unique(y))', 'X, y', '    from tqdm import tqdm\n'));
      assert.equal(few?.impact?.level, 'low');
      assert.equal(await severityOf(CONCAT, rows.replace('plants.loc[j, "Unit"]', 'j')), 'hint');
      assert.equal(await severityOf(CONCAT, stream.replace('read(fh)', 'read(path)')), 'hint');
      assert.equal(await severityOf(CONCAT, stream.replace('if msg is None:', 'if msg is None or done():')), 'hint');
    });

    it('says in the hover why a few-pass concatenation is a hint', async () => {
      const [f] = await found(CONCAT, concatOver('for c in np.unique(y)'));
      const rule = ALL_RULES.find((r) => r.id === CONCAT)!;
      const hover = renderFindingHover(rule, f, { guide: 'https://example.invalid/guide' });
      assert.match(hover, /\*\*Ranked low:\*\* its loop \(`for c in np\.unique\(y\)`\) runs over a few items.*\(a hint/);
    });
  });

  describe('string-concat-in-loop', () => {
    it('is a hint for a few large pieces: a handful of responses, a file in a few big chunks, a configuration tree', async () => {
      const responses =
        'def parse(outputs):\n    res = []\n    for out in outputs:\n        tmp = [c["text"] for c in out["choices"]]\n        res = res + tmp\n    return res\n';
      const chunks =
        'def receive(comm):\n    num_chunks = comm.bcast(None)\n    data = bytes()\n    for _ in range(num_chunks):\n        data += comm.bcast(None)\n    return data\n';
      const tree =
        'def flat(self):\n    params = []\n    data = self.config["anyOf"]\n    for i, p in enumerate(data):\n        params = params + self.child(p).flat()\n    return params\n';
      const [f] = await found(STRING, tree);
      assert.equal(f?.severity, 'hint');
      assert.match(f.impact!.reasons[0], /runs over a few items/);
      // A count or a collection the code does not show (a parameter, a broadcast count) is no evidence of few pieces:
      // still a hint outside hot code, saying what is not known.
      for (const src of [responses, chunks]) {
        const [g] = await found(STRING, src);
        assert.equal(g?.severity, 'hint', src);
        assert.equal(g.impact?.level, 'normal', src);
        assert.match(g.impact!.reasons[0], /the code does not show how many passes/, src);
      }
    });

    it("is a hint where each read asks for all that is missing (numpy's _read_bytes), a warning for a read loop in fixed chunks", async () => {
      const remainder =
        'def read_exactly(fp, size):\n    data = bytes()\n    while True:\n        r = fp.read(size - len(data))\n        data += r\n' +
        '        if len(r) == 0 or len(data) == size:\n            break\n    return data\n';
      const [f] = await found(STRING, remainder);
      assert.equal(f?.severity, 'hint');
      assert.match(f.impact!.reasons[0], /asks for everything still missing from `data`/);
      const fixed =
        'def read_all(sock):\n    data = b""\n    while True:\n        chunk = sock.recv(4096)\n        if not chunk:\n            break\n        data += chunk\n    return data\n';
      assert.equal(await severityOf(STRING, fixed), 'warning');
    });

    it('keeps its warning for many small pieces: a line per row, a piece per file', async () => {
      const perRow = 'def render(rows):\n    out = b""\n    for row in rows:\n        out += b",".join(row) + b"\\n"\n    return out\n';
      assert.equal(await severityOf(STRING, perRow), 'warning');
      const perLine = 'csv = ""\nfor line in open("data.txt"):\n    csv += line.upper()\n';
      assert.equal(await severityOf(STRING, perLine), 'warning');
      const perCharacter =
        'def bits(message: bytes) -> bytes:\n    out = b""\n    for char in message:\n        out += format(char, "08b").encode()\n    return out\n';
      assert.equal(await severityOf(STRING, perCharacter), 'warning');
    });
  });

  describe('advice that saves a constant per item (append-loop-to-comprehension, readlines-iteration, ...)', () => {
    const appendIn = (outer: string, params: string, extra = '') =>
      `def f(${params}):\n${outer}\n${extra}        out = []\n        for x in inner:\n            out.append(x * 2)\n        use(out)\n`;

    it('nested loops with no data in sight are not hot: a small grid', async () => {
      const grid = appendIn('    for depth in depths:\n      for lam in lambdas:\n        inner = grid_for(depth, lam)', 'depths, lambdas');
      const [f] = await found(APPEND, grid);
      assert.equal(f?.severity, 'hint');
      assert.deepEqual(f.impact, { level: 'normal', reasons: ['in nested loops, none of them over data: the passes stay few'], demotedFrom: 'info' });
      const rule = ALL_RULES.find((r) => r.id === APPEND)!;
      assert.match(renderFindingHover(rule, f, { guide: 'https://example.invalid/guide' }), /\*\*Ranked normal:\*\* in nested loops, none.*\(a hint/);
      // Near miss: one of the loops runs over data.
      const overRows = appendIn('    for depth in depths:\n      for row in rows:\n        inner = grid_for(depth, row)', 'depths, rows');
      assert.equal(await severityOf(APPEND, overRows), 'info');
    });

    it('a loop over data that calls a model, a fit or a request on every pass makes the per-item saving noise', async () => {
      for (const call of [
        'self.model.generate(batch)',
        'self._model_multimodal_generate(batch)',
        'model(batch)',
        'est.fit(batch)',
        'requests.get(batch)',
        'subprocess.run(batch)',
      ]) {
        const src = `import requests\nimport subprocess\n\n${appendIn('    for batch in batches:\n      if batch:', 'batches, model, est', `        inner = ${call}\n`)}`;
        const [f] = await found(APPEND, src);
        assert.equal(f?.severity, 'hint', call);
        assert.match(f.impact!.reasons[0], /each pass of its loop over data calls `.+`, far heavier than the per-item saving/, call);
      }
      // Near miss: the same loop over data doing light work on each pass stays hot.
      const light = appendIn('    for batch in batches:\n      if batch:', 'batches', '        inner = batch.split()\n');
      assert.equal(await severityOf(APPEND, light), 'info');
    });

    it('a function called from a loop that fits a model or fans out to a pool on each call is not hot for it', async () => {
      const tune =
        'def tune(X, depths):\n    combos = []\n    for d in depths:\n        combos.append({"d": d})\n    with Pool() as pool:\n' +
        '        return pool.map(fit_one, combos)\n\ndef run(samples, X):\n    for t in samples:\n        tune(X, [t])\n';
      const [f] = await found(APPEND, tune);
      assert.equal(f?.severity, 'hint');
      assert.match(f.impact!.reasons[0], /`tune` runs often, but each run calls `pool\.map`/);
      // Near miss: the same function without the pool call stays hot (called from a loop).
      const light = tune.replace('    with Pool() as pool:\n        return pool.map(fit_one, combos)\n', '    return combos\n');
      assert.equal(await severityOf(APPEND, light), 'info');
    });

    it('readlines-iteration in nested loops over a few subjects is not hot', async () => {
      const src =
        'def gen(langs, subjects):\n    for lang in langs:\n        for sbj in subjects:\n            with open(sbj) as f:\n' +
        '                for line in f.readlines():\n                    print(line)\n';
      const [f] = await found('readlines-iteration', src);
      assert.equal(f?.severity, 'hint');
    });
  });
});
