// What the default output (impact = "auto") shows of the general rules, after the issue-26 review of 19 public
// repositories: vendored code and example-scale loops are low impact, style-only and report-only forms are hints, and
// follow-up work after a context manager's `yield` is not flagged.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { LintOptions } from '../../server/engine/options';
import { getEngine } from '../helpers/engine';

async function found(ruleId: string, source: string, filePath = '/proj/pkg/mod.py', options: LintOptions = {}) {
  const engine = await getEngine();
  return engine.lintText(source, { select: [ruleId], filePath, impact: 'auto', ...options }).findings.filter((f) => f.ruleId === ruleId);
}

describe('default output of the general rules (issue 26 review)', () => {
  it('ranks findings in vendored third-party folders low (externals/, vendor/, third_party/), wherever they run', async () => {
    const hot = 'def fit(rows):\n    for row in rows:\n        if all([x > 0 for x in row.samples]):\n            return row\n';
    const [inPackage] = await found('reduction-over-list-comprehension', hot);
    assert.equal(inPackage?.impact?.level, 'high');
    assert.equal(inPackage.severity, 'info');
    for (const folder of ['externals', 'vendor', '_vendor', 'third_party']) {
      const filePath = `/proj/pkg/${folder}/adjust.py`;
      assert.deepEqual(await found('reduction-over-list-comprehension', hot, filePath), [], folder);
      const [all] = await found('reduction-over-list-comprehension', hot, filePath, { impact: 'all' });
      assert.deepEqual(all.impact, { level: 'low', reasons: ['in vendored third-party code: a change belongs upstream'] }, folder);
    }
    // Near miss: a folder whose name only starts like one (the project's own external_api/) is the project's code.
    const [own] = await found('reduction-over-list-comprehension', hot, '/proj/pkg/external_api/adjust.py');
    assert.equal(own?.impact?.level, 'high');
  });

  it('ranks findings in archive folders (archive/, deprecated/, attic/) low, but not in folders only named like one', async () => {
    const hot = 'def fit(rows):\n    for row in rows:\n        if all([x > 0 for x in row.samples]):\n            return row\n';
    for (const folder of ['archive', 'archived', 'deprecated', 'attic']) {
      const filePath = `/proj/pkg/${folder}/agent.py`;
      assert.deepEqual(await found('reduction-over-list-comprehension', hot, filePath), [], folder);
      const [all] = await found('reduction-over-list-comprehension', hot, filePath, { impact: 'all' });
      assert.equal(all?.impact?.level, 'low', folder);
      assert.match(all!.impact!.reasons.join('; '), /archive folder/, folder);
    }
    for (const folder of ['archives_api', 'archiver']) {
      const [kept] = await found('reduction-over-list-comprehension', hot, `/proj/pkg/${folder}/agent.py`);
      assert.equal(kept?.impact?.level, 'high', folder);
    }
  });

  it('ranks a request without timeout low in a standalone script, but not in a package module or a service script', async () => {
    const top = mkdtempSync(path.join(tmpdir(), 'perflens-http-'));
    try {
      const fetcher = 'import requests\n\n\ndef fetch(url):\n    return requests.get(url).text\n';
      const levelAt = async (rel: string, source = fetcher) => {
        const file = path.join(top, rel);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, source);
        return (await found('http-call-without-timeout', source, file, { impact: 'all' }))[0]?.impact;
      };
      writeFileSync(path.join(top, '.git'), '');
      const script = await levelAt('fetchers/download.py');
      assert.equal(script?.level, 'low');
      assert.match(script!.reasons.join('; '), /standalone script/);
      mkdirSync(path.join(top, 'pkg'), { recursive: true });
      writeFileSync(path.join(top, 'pkg', '__init__.py'), '');
      assert.notEqual((await levelAt('pkg/client.py'))?.level, 'low');
      assert.notEqual((await levelAt('service/app.py', `from flask import Flask\n${fetcher}`))?.level, 'low');
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  it('per-item advice in a loop over the lines of a small text file shipped beside the code is a hint; a large or unknown file keeps it', async () => {
    const top = mkdtempSync(path.join(tmpdir(), 'perflens-lines-'));
    try {
      writeFileSync(path.join(top, '.git'), '');
      writeFileSync(path.join(top, 'small.txt'), '1\t2\t3\n'.repeat(300));
      writeFileSync(path.join(top, 'large.txt'), '1\t2\t3\n'.repeat(5000));
      const parser = (file: string) =>
        `def parse(path):\n    fr = open(${file})\n    rows = []\n    for line in fr.readlines():\n        cur = line.strip().split("\\t")\n` +
        '        vals = []\n        for i in range(len(cur) - 1):\n            vals.append(float(cur[i]))\n        rows.append(vals)\n    return rows\n';
      const shown = async (file: string) => (await found('append-loop-to-comprehension', parser(file), path.join(top, 'parse.py'))).map((f) => f.severity);
      assert.deepEqual(await shown('"small.txt"'), ['hint']);
      assert.deepEqual(await shown('"large.txt"'), ['info']);
      assert.deepEqual(await shown('path'), ['info']);
      assert.deepEqual(await shown('"small.txt", "rb"'), ['info']);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  it('samples/ folders are example code; benchmarks/, ci/ and dev/ only directly below the project top folder', async () => {
    const top = mkdtempSync(path.join(tmpdir(), 'perflens-default-'));
    // A temporary directory never removed: a general rule that keeps its severity in ordinary code.
    const leak = 'import tempfile\n\ndef load(p):\n    d = tempfile.mkdtemp()\n    p.save(d)\n';
    const levelAt = async (rel: string) => {
      const file = path.join(top, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      return (await found('mkdtemp-without-cleanup', leak, file))[0]?.impact?.level;
    };
    try {
      writeFileSync(path.join(top, 'pyproject.toml'), '');
      assert.equal(await levelAt('samples/sizer/sizer.py'), 'low');
      assert.equal(await levelAt('benchmarks/io.py'), 'low');
      assert.equal(await levelAt('ci/check.py'), 'low');
      // Near misses: a package's own benchmark module, and a tools/ folder (detectron2's training entry points).
      assert.equal(await levelAt('pkg/benchmark/metrics.py'), 'normal');
      assert.equal(await levelAt('tools/train_net.py'), 'normal');
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  it('concat-in-loop pays off at scale: quiet in an example or notebook folder, a warning in package code', async () => {
    const src =
      'import pandas as pd\n\ndef table(rows):\n    df = pd.DataFrame()\n    for x in rows:\n        df = pd.concat([df, pd.DataFrame([x])])\n    return df\n';
    const [pkg] = await found('concat-in-loop', src);
    assert.equal(pkg?.severity, 'warning');
    for (const filePath of ['/proj/examples/table.py', '/proj/notebooks/tree/table.py']) {
      // Quiet outside hot code since round 38 (issue 26): not shown by default, ranked low with `impact = "all"`.
      assert.deepEqual(await found('concat-in-loop', src, filePath), [], filePath);
      const [example] = await found('concat-in-loop', src, filePath, { impact: 'all' });
      assert.equal(example.impact?.level, 'low', filePath);
      assert.match(example.impact!.reasons[0], /its loops run over demo data/);
    }
  });

  it('concat-in-loop: a growth whose loop stops at a size it tests is a hint (a rejection sampler adds many rows a pass)', async () => {
    const src =
      'import numpy as np\n\ndef sample(k, draw):\n    s = np.empty((0, 2))\n    while len(s) < k:\n        s = np.vstack([s, draw()])\n    return s\n';
    assert.deepEqual(await found('concat-in-loop', src), []);
    const [all] = await found('concat-in-loop', src, '/proj/pkg/mod.py', { impact: 'all' });
    assert.equal(all?.impact?.level, 'low');
    assert.match(all!.impact!.reasons[0], /stops at a size it tests/);
  });

  it('advice that pays off at scale is low in a command-line module (cli.py, __main__.py); other advice keeps its rank there', async () => {
    const src =
      'def dump(records, header):\n    lines = []\n    for record in records:\n        row = []\n        for name in header:\n            row.append(str(record[name]))\n        lines.append(" ".join(row))\n    return lines\n';
    const [pkg] = await found('append-loop-to-comprehension', src, '/proj/pkg/table.py');
    assert.equal(pkg?.impact?.level, 'high');
    for (const filePath of ['/proj/pkg/cli.py', '/proj/pkg/__main__.py']) {
      assert.deepEqual(await found('append-loop-to-comprehension', src, filePath), [], filePath);
      const [all] = await found('append-loop-to-comprehension', src, filePath, { impact: 'all' });
      assert.match(all.impact!.reasons[0], /command-line module/, filePath);
    }
    // Near miss: a leak is not advice about scale; in a loop of a cli.py it stays high.
    const leak = 'import tempfile\n\ndef load(paths):\n    for p in paths:\n        d = tempfile.mkdtemp()\n        p.save(d)\n';
    const [held] = await found('mkdtemp-without-cleanup', leak, '/proj/pkg/cli.py');
    assert.equal(held?.impact?.level, 'high');
  });

  it('lock-acquire-release: a try/finally that already releases is a hint (shorter, not safer); a bare pair keeps its warning', async () => {
    const guarded =
      'import threading\nlock = threading.Lock()\n\ndef bump(d):\n    lock.acquire()\n    try:\n        d["n"] += 1\n    finally:\n        lock.release()\n';
    const [style] = await found('lock-acquire-release', guarded);
    assert.equal(style?.severity, 'hint');
    const bare = 'import threading\nlock = threading.Lock()\n\ndef bump(d):\n    lock.acquire()\n    d["n"] += 1\n    lock.release()\n';
    const [risk] = await found('lock-acquire-release', bare);
    assert.equal(risk?.severity, 'warning');
  });

  it('contextmanager-yield-without-finally: a hint when the code after yield only logs or times, a warning when it restores', async () => {
    const head = 'import contextlib\nimport time\n\n@contextlib.contextmanager\n';
    const timer = `${head}def timed(logs):\n    start = time.perf_counter()\n    yield\n    logs.append(time.perf_counter() - start)\n`;
    const [report] = await found('contextmanager-yield-without-finally', timer);
    assert.equal(report?.severity, 'hint');
    const restore = `${head}def quiet(obj):\n    old = obj.verbose\n    obj.verbose = False\n    yield\n    obj.verbose = old\n`;
    const [kept] = await found('contextmanager-yield-without-finally', restore);
    assert.equal(kept?.severity, 'warning');
    // An attribute set to a timer reading reports, it does not restore.
    const elapsed = `${head}def timed(self):\n    start = time.perf_counter()\n    yield\n    self.elapsed = time.perf_counter() - start\n`;
    assert.equal((await found('contextmanager-yield-without-finally', elapsed))[0]?.severity, 'hint');
    // Follow-up work on success (not a restore, not a report): silent.
    const followUp = `${head}def rebuilt(index):\n    yield\n    index.rebuild()\n`;
    assert.deepEqual(await found('contextmanager-yield-without-finally', followUp), []);
  });

  it('append-loop-to-comprehension: computing with an array per item dwarfs the append (hint); plain arithmetic does not', async () => {
    const src = (value: string) =>
      `import numpy as np\n\ndef scale(rows):\n    base = np.zeros(3)\n    for batch in rows:\n        out = []\n        for t in batch:\n            out.append(${value})\n        yield out\n`;
    const [array] = await found('append-loop-to-comprehension', src('t + base'));
    assert.equal(array?.severity, 'hint');
    const [plain] = await found('append-loop-to-comprehension', src('t + 1'));
    assert.equal(plain?.severity, 'info');
  });
});
