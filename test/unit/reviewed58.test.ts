// Round 58 (issue 26): cases from the blind review of review34, each with the near miss that keeps its rank.
import * as assert from 'node:assert/strict';
import { rankedInRepository } from '../helpers/engine';

/** One rule's findings on `source` saved as `rel` in a checkout with `project` files, as the default output ranks them. */
function ranked(ruleId: string, source: string, project: Record<string, string> = {}, rel = 'pkg/features.py') {
  return rankedInRepository(ruleId, source, project, rel, 'perflens-r58-');
}

const reasons = (f: { impact?: { reasons: string[] } } | undefined) => f?.impact?.reasons.join('; ') ?? '';

describe('a function nothing calls, in a script no other file can import, is low impact', () => {
  // M5's "1-1. recursive_store_TRAIN.py" defines make_lag() and calls only make_lag_roll(): the review judged the
  // finding in make_lag noise, since the code never runs.
  const RULE = 'http-call-without-timeout';
  const script = (call: string) =>
    `import requests\n\n\ndef fetch(url):\n    return requests.get(url).json()\n\n\ndef fetch_all(urls):\n    return [requests.get(u, timeout=5).json() for u in urls]\n\n\n${call}\n`;

  it('never called: a hint that says so', async () => {
    const [f] = await ranked(RULE, script('print(fetch_all(["https://example.com/a"]))'), {}, 'train/1-1. recursive_store_TRAIN.py');
    assert.equal(f?.impact?.level, 'low', JSON.stringify(f?.impact));
    assert.match(reasons(f), /`fetch` is never called: nothing in this script names it/);
  });

  it('near misses: the function is called, or the module can be imported, or names are looked up with getattr', async () => {
    const [called] = await ranked(RULE, script('print(fetch("https://example.com/a"))'), {}, 'train/1-1. recursive_store_TRAIN.py');
    assert.doesNotMatch(reasons(called), /never called/);
    const [importable] = await ranked(RULE, script('print(fetch_all([]))'), {}, 'train/recursive_store.py');
    assert.doesNotMatch(reasons(importable), /never called/);
    const [looked] = await ranked(RULE, script('print(getattr(__import__("__main__"), "fetch"))'), {}, 'train/1-1. train.py');
    assert.doesNotMatch(reasons(looked), /never called/);
  });
});

describe("http-call-without-timeout: `timeout=None` written out is the code's choice", () => {
  const RULE = 'http-call-without-timeout';
  const client = (args: string) => `import requests\n\n\ndef table(season):\n    return requests.get(f"https://example.com/{season}"${args}).text\n`;

  it('a hint that says why; a missing timeout keeps its severity', async () => {
    // A library module of a published package: a request there is not a script's (STANDALONE_SCRIPT).
    const project = { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '' };
    const [none] = await ranked(RULE, client(', timeout=None'), project);
    assert.equal(none?.severity, 'hint', JSON.stringify(none));
    assert.match(reasons(none), /`timeout=None` is written out/);
    const [missing] = await ranked(RULE, client(''), project);
    assert.notEqual(missing?.severity, 'hint', JSON.stringify(missing));
  });
});

describe('pandas-chained-inplace: more code that cannot run beside a pandas with Copy-on-Write', () => {
  const RULE = 'pandas-chained-inplace';
  const gui = (line: string) =>
    `import pandas as pd\n\n\ndef combine(frames):\n    all_data = pd.DataFrame()\n    for df in frames:\n        ${line}\n    return all_data\n\n\n` +
    `def status(sales, path):\n    all_data = pd.merge(sales, pd.read_excel(path), how="left")\n    all_data["status"].fillna("bronze", inplace=True)\n    return all_data\n`;

  it('a name rebound to its own .append(...) (DataFrame.append, removed in pandas 2.0) is a hint', async () => {
    const [f] = await ranked(RULE, gui('all_data = all_data.append(df, ignore_index=True)'));
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
    assert.match(reasons(f), /DataFrame\.append/);
  });

  it('.cat.set_categories(..., inplace=True) (removed in pandas 2.0) is a hint', async () => {
    const [f] = await ranked(RULE, gui('all_data = pd.concat([all_data, df])\n    all_data["s"].cat.set_categories(["a", "b"], inplace=True)'));
    assert.equal(f?.severity, 'hint', JSON.stringify(f));
    assert.match(reasons(f), /cat\.set_categories/);
  });

  it('near misses: a list appended to, set_categories without inplace', async () => {
    const [list] = await ranked(RULE, gui('all_data = pd.concat([all_data, df])\n        names = []\n        names.append(df.shape)'));
    assert.equal(list?.severity, 'warning');
    const [cat] = await ranked(RULE, gui('all_data = pd.concat([all_data, df])\n    all_data["s"] = all_data["s"].cat.set_categories(["a", "b"])'));
    assert.equal(cat?.severity, 'warning');
  });
});

describe('pandas-groupby-apply-transform: a frame whose cells hold lists', () => {
  const RULE = 'pandas-groupby-apply-transform';
  const history = (agg: string) =>
    'import pandas as pd\n\n\ndef histories(clicks):\n' +
    `    daily = clicks.groupby(["user_id", "date"])["video_id"].${agg}.reset_index()\n` +
    '    daily["history"] = daily.groupby("user_id")["video_id"].transform(lambda s: s.cumsum())\n    return daily\n';

  it('built by .apply(list): silent (the lambda concatenates lists; GroupBy.cumsum raises on them)', async () => {
    assert.deepEqual(await ranked(RULE, history('apply(list)')), []);
    assert.deepEqual(await ranked(RULE, history('agg(lambda x: list(x))')), []);
  });

  it('near miss: built by a numeric aggregation, reported', async () => {
    const [f] = await ranked(RULE, history('count()'));
    assert.match(f?.message ?? '', /cumsum/);
  });
});

describe('a file written for Python 2 is low impact', () => {
  // Three findings in Python 2 scripts judged wrong (`time.perf_counter` and `with Pool(...)` do not exist there).
  const RULE = 'http-call-without-timeout';
  const project = { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '' };
  const fetch = (say: string) => `import requests\n\n\ndef quotes(url):\n    body = requests.get(url).text\n    ${say}\n    return body\n`;

  it('a print statement: a hint that says why', async () => {
    const [f] = await ranked(RULE, fetch('print "got", len(body)'), project);
    assert.equal(f?.impact?.level, 'low', JSON.stringify(f));
    assert.match(reasons(f), /Python 2 code/);
  });

  it('near miss: the print function', async () => {
    const [f] = await ranked(RULE, fetch('print("got", len(body))'), project);
    assert.notEqual(f?.impact?.level, 'low', JSON.stringify(f));
  });
});
