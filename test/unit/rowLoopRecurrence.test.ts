// pandas-row-loop-indexing tells a recurrence (each row reads an earlier row, or a value an earlier pass left) to index
// arrays or use Numba, and a plain row loop to use whole columns. Its claim that the loop "reads earlier rows" must hold:
// a one-time setup flag (`if first_row: ...; first_row = False`) and a comprehension's own variable
// (`[bp for bp in breaks if bp <= i]`, whose element is written before the variable it reads) carry no earlier row.
import * as assert from 'node:assert/strict';
import { getEngine } from '../helpers/engine';

const RULE = 'pandas-row-loop-indexing';

async function message(src: string): Promise<string | undefined> {
  const engine = await getEngine();
  const found = engine.lintText(src, { select: [RULE], filePath: '/proj/pkg/frames.py', impact: 'all', keepHints: true }).findings;
  return found.find((f) => f.ruleId === RULE)?.message;
}

const head = 'import pandas as pd\n\n\n';

describe('pandas-row-loop-indexing: what reads an earlier row', () => {
  it('does not call a loop with a one-time setup flag a recurrence', async () => {
    const src = `${head}def window_rows(table, lo, hi):
    out = pd.DataFrame()
    first_row = True
    names = []
    for i in range(len(table)):
        if lo <= table["day"][i] <= hi:
            if first_row:
                names = list(table.columns)
                out = pd.DataFrame(columns=names)
                first_row = False
            row = pd.DataFrame([list(table.iloc[i])], columns=names)
            out = pd.concat([out, row], axis=0)
    return out
`;
    const m = await message(src);
    assert.ok(m, 'the row loop is still reported');
    assert.doesNotMatch(m, /earlier rows/);
    assert.match(m, /operate on `table` as a whole/);
  });

  it('does not call a comprehension over other data a read of earlier rows', async () => {
    const src = `${head}def since_break(features, breaks, n):
    for i in range(len(features)):
        past = [bp for bp in breaks if bp <= i]
        if past:
            features.iloc[i, 0] = i - max(past)
    return features
`;
    const m = await message(src);
    assert.ok(m);
    assert.doesNotMatch(m, /earlier rows/);
  });

  it('still sees a read of the previous row of the written column', async () => {
    const src = `${head}def grow(df, x):
    for i in range(1, len(df)):
        df.loc[i, "c"] = df.loc[i - 1, "c"] * x
    return df
`;
    assert.match((await message(src)) ?? '', /reads earlier rows/);
  });

  it('still sees a shift-like read of the input one row back', async () => {
    const src = `${head}def steps(s: pd.Series):
    out = []
    for i in range(1, len(s)):
        out.append(s.iloc[i] - s.iloc[i - 1])
    return out
`;
    assert.match((await message(src)) ?? '', /reads earlier rows/);
  });

  it('still sees a row carried to the next pass (prev = row)', async () => {
    const src = `${head}def gaps(df):
    gaps = []
    prev = None
    for i in range(len(df)):
        row = df.iloc[i]
        if prev is not None:
            gaps.append(row["t"] - prev["t"])
        prev = row
    return gaps
`;
    assert.match((await message(src)) ?? '', /reads earlier rows/);
  });

  it('still sees a state the rows switch on and off (near miss of the setup flag)', async () => {
    const src = `${head}def trades(df):
    in_trade = False
    for i in range(len(df)):
        if not in_trade and df.loc[i, "signal"] > 0:
            in_trade = True
        elif in_trade and df.loc[i, "signal"] < 0:
            in_trade = False
        df.loc[i, "held"] = in_trade
    return df
`;
    assert.match((await message(src)) ?? '', /reads earlier rows/);
  });

  it('still sees a carried value read inside a comprehension (near miss of the comprehension variable)', async () => {
    const src = `${head}def smooth(df, w):
    last = 0.0
    for i in range(len(df)):
        parts = [last * k for k in w]
        last = sum(parts) + df.loc[i, "x"]
        df.loc[i, "y"] = last
    return df
`;
    assert.match((await message(src)) ?? '', /reads earlier rows/);
  });

  it('does not call a collection the loop only grows a recurrence', async () => {
    const src = `${head}def gather(table, lo):
    out = pd.DataFrame()
    for i in range(len(table)):
        if table.loc[i, "day"] > lo:
            out = pd.concat([out, table.iloc[i].to_frame().T])
    return out
`;
    const m = await message(src);
    assert.ok(m);
    assert.doesNotMatch(m, /earlier rows/);
  });

  it('does not call a running total spelled out (acc = acc + x) a recurrence, as acc += x is not', async () => {
    const src = `${head}def total(table):
    acc = 0.0
    for i in range(len(table)):
        acc = acc + table.loc[i, "x"]
    return acc
`;
    const m = await message(src);
    assert.ok(m);
    assert.doesNotMatch(m, /earlier rows/);
  });

  it('still sees a smoothing filter (the carried value is scaled, not summed)', async () => {
    const src = `${head}def ema(df, a):
    level = 0.0
    for i in range(len(df)):
        level = a * df.loc[i, "x"] + (1 - a) * level
        df.loc[i, "ema"] = level
    return df
`;
    assert.match((await message(src)) ?? '', /reads earlier rows/);
  });

  it('still sees a total that each row reads back (near miss of the running total)', async () => {
    const src = `${head}def capped(df, cap):
    acc = 0.0
    for i in range(len(df)):
        if acc < cap:
            df.loc[i, "take"] = 1
        acc = acc + df.loc[i, "x"]
    return df
`;
    assert.match((await message(src)) ?? '', /reads earlier rows/);
  });
});
