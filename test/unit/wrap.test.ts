// wrapLine lays out a fix's long lines as Black does: checked against Ruff's formatter (Black-compatible),
// run from the pinned devDependency, at several line lengths.
import * as assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { wrapLine, type LineStyle } from '../../server/fixes/wrap';

type Ruff = typeof import('@astral-sh/ruff-wasm-nodejs');
const ruff = createRequire(path.join(process.cwd(), 'package.json'))('@astral-sh/ruff-wasm-nodejs') as Ruff;

function ruffFormat(source: string, width: number): string {
  const workspace = new ruff.Workspace({ 'line-length': width }, ruff.PositionEncoding.Utf16);
  try {
    return workspace.format(source);
  } finally {
    workspace.free();
  }
}

const style = (width: number): LineStyle => ({ width, unit: '    ', eol: '\n' });

/** Lines a fix writes, each checked at widths where it fits, wraps once and wraps deeper. */
const LINES = [
  'out = [value * 2 for value in some_long_iterable_name if value > threshold_of_interest]',
  'out = [transform(value, scale=factor) for value in some_long_iterable_name if value is not None]',
  'total = sum(weight * price for weight, price in zip(all_the_weights, all_the_prices) if price)',
  'best = max(candidate_score for candidate_score in scores_by_candidate.values() if candidate_score)',
  'counts = collections.Counter(normalise(word) for line in lines for word in line.split())',
  'raise ValueError("expected the frame to have exactly ten feature columns but it has more")',
  'result = "".join(format_cell(cell, width=column_width, align=alignment) for cell in row_cells)',
  'raise TypeError(f"expected an int or a float for {name!r}, got {type(value).__name__} instead")',
  'items = [first_element_name, second_element_name, third_element_name, fourth_element]',
  'out = [a if condition_holds(a) else fallback_value_for(a) for a in candidates_to_consider_here]',
  'with open(os.path.join(base_directory, "subfolder", file_name), encoding="utf-8") as handle:',
  'parts = [piece for chunk in read_chunks(stream, size=chunk_size) for piece in chunk.split(sep)]',
  'tags = [f"{i}:{w.upper()}" if w else f"{i}:-" for i, w in enumerate(words_to_tag_in_order)]',
  'pairs = {key: value for key, value in zip(all_the_keys_in_order, all_the_values_in_the_same_order)}',
];

describe('wrapLine (Black layout of long generated lines)', () => {
  for (const line of LINES) {
    for (const width of [120, 88, 60, 40]) {
      it(`matches Ruff's formatter at ${width}: ${line.slice(0, 50)}`, () => {
        // A block header gets a body, so that the formatter accepts it.
        const body = line.endsWith(':') ? '\n    pass' : '';
        const expected = ruffFormat(line + body + '\n', width);
        assert.equal(wrapLine(line, '', style(width)) + body + '\n', expected);
      });
    }
  }

  it('keeps the indentation of the statement it replaces', () => {
    const line = 'out = [value * 2 for value in some_long_iterable_name if value > threshold]';
    const expected = ruffFormat(`def f():\n    ${line}\n`, 60);
    assert.equal(`def f():\n    ${wrapLine(line, '    ', style(60))}\n`, expected);
  });

  it("does not split a lambda's parameters", () => {
    const line = 'handler = registry.lookup(kind, default=lambda event, context: fallback(event))';
    assert.equal(wrapLine(line, '', style(60)), 'handler = registry.lookup(\n    kind, default=lambda event, context: fallback(event)\n)');
  });

  it('leaves a line it cannot wrap safely as it is', () => {
    for (const line of ['x = f(a, b)  # a comment that must stay where it is, on this very line ok', 'x = "unterminated']) {
      assert.equal(wrapLine(line, '', style(20)), line);
    }
  });
});
