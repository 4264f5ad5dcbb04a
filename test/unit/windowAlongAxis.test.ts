// numpy-python-loop's moving-window advice for windows along one axis of an N-D array, reduced along that axis
// (dl-4-tsc's per-series moving average, darts' look-ahead score means): the view must be taken along the same axis,
// and a loop whose last windows run past the end is told that the view holds full windows only.
import * as assert from 'node:assert/strict';
import { ruleFindings } from '../helpers/engine';

const SOURCE = [
  'import numpy as np',
  '',
  '',
  'def per_series(data_x, w):',
  '    n_out = data_x.shape[1] - w + 1',
  '    out = np.zeros((data_x.shape[0], n_out, data_x.shape[2]))',
  '    for i in range(n_out):',
  '        out[:, i] = np.mean(data_x[:, i : i + w], axis=1)',
  '    return out',
  '',
  '',
  'def look_ahead(vals, w):',
  '    out = np.empty(vals.shape)',
  '    for k in range(len(vals)):',
  '        out[k] = vals[k : k + w].mean(axis=0)',
  '    return out',
  '',
  '',
  'def trailing(x, w):',
  '    out = np.zeros(len(x))',
  '    for t in range(w, len(x)):',
  '        out[t] = np.std(x[t - w : t], ddof=1)',
  '    return out',
  '',
].join('\n');

describe('numpy-python-loop: moving windows along an axis', () => {
  it('takes the view along the window axis and reduces its last axis', async () => {
    const [series, ahead, trailing, ...rest] = await ruleFindings('numpy-python-loop', SOURCE);
    assert.equal(rest.length, 0);
    assert.match(series.message, /sliding_window_view\(data_x, w, axis=1\)`/);
    assert.match(series.message, /`np\.mean\(windows, axis=-1\)`/);
    assert.match(series.message, /into `out\[:, i\]`/);
    assert.doesNotMatch(series.message, /past the end/);
    assert.match(ahead.message, /sliding_window_view\(vals, w, axis=0\)`/);
    assert.match(ahead.message, /`windows\.mean\(axis=-1\)`/);
    assert.match(ahead.message, /run past the end of `vals`/);
    // A whole-window reduction of a 1-D array keeps its advice, and its keyword.
    assert.match(trailing.message, /sliding_window_view\(x, w\)`/);
    assert.match(trailing.message, /`np\.std\(windows, axis=-1, ddof=1\)`/);
    assert.doesNotMatch(trailing.message, /past the end/);
  });
});
