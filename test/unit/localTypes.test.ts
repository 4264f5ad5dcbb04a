// server/analysis/localTypes.ts: what a name holds (ndarray / DataFrame / Series), or unknown.
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/engine/engine';
import { localTypes } from '../../server/analysis/localTypes';
import { defineRule } from '../../server/engine/rule';
import { DIST } from '../helpers/engine';

/** Every `T(expr)` in source, in order: the inferred kind (with `/ndim` when known) or 'unknown'. */
async function typesIn(source: string): Promise<string[]> {
  const rule = defineRule({
    id: 'types-probe',
    title: 'types probe',
    category: 'numpy',
    severity: 'info',
    enabledByDefault: true,
    confidence: 'high',
    guide: 'numpy-vectorization',
    message: 'types probe message',
    docs: { why: 'x'.repeat(50), instead: 'y'.repeat(20) },
    query: '(call function: (identifier) @f arguments: (argument_list . (_) @arg .) (#eq? @f "T"))',
    check(m, ctx) {
      const t = localTypes(ctx.facts).typeOf(m.need('arg'));
      ctx.report({ node: m.need('arg'), message: t ? (t.ndim !== undefined ? `${t.kind}/${t.ndim}` : t.kind) : 'unknown' });
    },
  });
  const engine = await Engine.create([rule], DIST);
  try {
    const { findings, failures } = engine.lintText(source);
    assert.deepEqual(failures, []);
    return findings.map((f) => f.message);
  } finally {
    engine.dispose();
  }
}

describe('localTypes', () => {
  it('knows numpy constructors through aliases, with obvious dimensions', async () => {
    const got = await typesIn(`
import numpy as np
import numpy
from numpy import zeros as z
a = np.zeros((3, 4))
b = numpy.arange(10)
c = z(5)
d = np.random.rand(3)
e = np.random.normal(0, 1, size=(2, 2))
f = np.random.normal(0, 1)
g = np.array([1, 2, 3])
T(a); T(b); T(c); T(d); T(e); T(f); T(g)
`);
    assert.deepEqual(got, ['ndarray/2', 'ndarray/1', 'ndarray/1', 'ndarray/1', 'ndarray/2', 'unknown', 'ndarray/1']);
  });

  it('knows np.load of a .npy path as an ndarray; an .npz archive or an unknown path stays unknown', async () => {
    const got = await typesIn(`
import os
import numpy as np
def f(i, d, path):
    a = np.load("idx_" + str(i) + ".npy")
    b = np.load(f"{d}/idx_{i}.npy")
    c = np.load(os.path.join(d, "x.npy"), mmap_mode="r")
    e = np.load("arrays.npz")
    g = np.load(path)
    T(a); T(b); T(c); T(e); T(g)
`);
    assert.deepEqual(got, ['ndarray', 'ndarray', 'ndarray', 'unknown', 'unknown']);
  });

  it('types each name of a tuple assignment by the value at its place, unless a value names a target', async () => {
    const got = await typesIn(`
import numpy as np
import pandas as pd
def f(series, other):
    p, pp = np.empty_like(series), np.zeros(3)
    (q, frame) = (np.arange(4), pd.read_csv("x.csv"))
    a, b = np.zeros(2), other
    c, d = np.zeros(2), c
    e, g = np.zeros(2)
    h, *rest = np.zeros(2), np.ones(2), np.ones(2)
    T(p); T(pp); T(q); T(frame); T(a); T(b); T(c); T(d); T(e); T(g); T(h)
`);
    assert.deepEqual(got, ['ndarray', 'ndarray/1', 'ndarray/1', 'dataframe', 'ndarray/1', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('knows pandas readers, column selection and attribute columns', async () => {
    const got = await typesIn(`
import pandas as pd
df = pd.read_csv("x.csv")
chunks = pd.read_csv("x.csv", chunksize=10)
s = df["price"]
sub = df[["a", "b"]]
masked = df[df["a"] > 0]
col = df.price
shape = df.shape
T(df); T(chunks); T(s); T(sub); T(masked); T(col); T(shape); T(df.head()); T(s.str.upper())
`);
    assert.deepEqual(got, ['dataframe', 'unknown', 'series', 'dataframe', 'dataframe', 'series', 'unknown', 'dataframe', 'series']);
  });

  it('reads annotations on parameters, including string and NDArray forms', async () => {
    const got = await typesIn(`
import numpy as np
import numpy.typing as npt
import pandas as pd
def f(a: np.ndarray, b: npt.NDArray[np.float32], c: "pd.DataFrame", d: pd.Series, e: list, g):
    T(a); T(b); T(c); T(d); T(e); T(g)
`);
    assert.deepEqual(got, ['ndarray', 'ndarray', 'dataframe', 'series', 'unknown', 'unknown']);
  });

  it('propagates through arithmetic with known arrays and number literals only', async () => {
    const got = await typesIn(`
import numpy as np
a = np.ones(4)
b = a * 2 + 1
c = a + other
d = -a
e = np.sqrt(a)
T(b); T(c); T(d); T(e); T(a > 0)
`);
    assert.deepEqual(got, ['ndarray/1', 'unknown', 'ndarray/1', 'ndarray/1', 'ndarray/1']);
  });

  it('goes unknown when a reassignment to something unknown can reach the use', async () => {
    const got = await typesIn(`
import numpy as np
def f(flag, data):
    x = np.zeros(3)
    T(x)
    if flag:
        x = list(data)
    T(x)
    y = list(data)
    y = np.asarray(y)
    T(y)
    for i in range(3):
        T(y)
        y = data[i]
    z = np.zeros(2)
    for z in data:
        T(z)
`);
    assert.deepEqual(got, ['ndarray/1', 'unknown', 'ndarray', 'unknown', 'unknown']);
  });

  it('resolves closures and module names, and respects global, shadowing and class bodies', async () => {
    const got = await typesIn(`
import numpy as np
W = np.eye(3)
def outer():
    v = np.ones(3)
    def inner():
        T(v); T(W)
    return inner
def g():
    global W
    T(W)
def h(W):
    T(W)
class K:
    W = [1]
    T(W)
squares = [T(W) for W in range(3)]
f = lambda W: T(W)
`);
    assert.deepEqual(got, ['ndarray/1', 'ndarray/2', 'unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('caches per file and stays silent on imported names', async () => {
    const got = await typesIn(`
import numpy as np
from data import arr
T(arr); T(np)
`);
    assert.deepEqual(got, ['unknown', 'unknown']);
  });
});
