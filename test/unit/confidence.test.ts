// Where a rule cannot be sure, it drops to hint level or changes its advice (precision first).
// The fixtures check that these findings exist; here, their severity and wording.
import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { ruleFindings, tempRepository } from '../helpers/engine';

const findings = ruleFindings;

describe('rule confidence', () => {
  it('eval-exec-untrusted: an untraced string is a hint, a parameter a warning, the command line a hint', async () => {
    const source = [
      'import sys',
      'def from_loop(lines):',
      '    for line in lines:',
      '        exec(line)',
      'def apply(expr):',
      '    return eval(expr)',
      'def from_cli():',
      '    return eval(sys.argv[1])',
      'def typed(ts_type: "JitType", args: argparse.Namespace):',
      '    eval(ts_type.annotation_str, NS)',
      '    eval(args.formula)',
      '',
    ].join('\n');
    const found = await findings('eval-exec-untrusted', source);
    assert.deepEqual(
      found.map((f) => [source.slice(f.start, f.end), f.severity]),
      [
        ['exec(line)', 'hint'],
        ['eval(expr)', 'warning'],
        // The program's own command line: whoever sets it already runs code as this user (issue 26: backtrader's samples).
        ['eval(sys.argv[1])', 'hint'],
        // A field of a typed object is its own rendering, not input: a hint. A field of the parsed configuration passed
        // in (`args.formula`) is set by whoever runs the program: a hint too (issue 26 review: fairseq's model builders).
        ['eval(ts_type.annotation_str, NS)', 'hint'],
        ['eval(args.formula)', 'hint'],
      ],
    );
    assert.match(found[0].message, /could not trace/);
    assert.match(found[1].message, /a parameter of `apply`/);
  });

  it('list-pop-front: a private attribute is a warning, a public one (other code may use it as a list) a hint', async () => {
    const source = (name: string) =>
      [
        'class Q:',
        '    def __init__(self):',
        `        self.${name} = []`,
        '    def run(self):',
        `        while self.${name}:`,
        `            self.${name}.pop(0)`,
        '',
      ].join('\n');
    assert.deepEqual(
      (await findings('list-pop-front', source('_items'))).map((f) => f.severity),
      ['warning'],
    );
    assert.deepEqual(
      (await findings('list-pop-front', source('items'))).map((f) => f.severity),
      ['hint'],
    );
  });

  it('list-pop-front: a local list that is also sliced (no drop-in deque) is a hint', async () => {
    const source = [
      'def window(lines):',
      '    w = [""] * 32',
      '    for line in lines:',
      '        w.pop(0)',
      '        w.append(line)',
      '        print(w[-8:])',
      '',
    ].join('\n');
    assert.deepEqual(
      (await findings('list-pop-front', source)).map((f) => f.severity),
      ['hint'],
    );
  });

  it('cache-on-method: no cached_property advice for a class without __dict__', async () => {
    const method = ['    @functools.lru_cache()', '    def area(self):', '        return self.a * 2', ''];
    const slotted = ['import functools', 'class A:', '    __slots__ = ("a",)', ...method].join('\n');
    const plain = ['import functools', 'class A:', ...method].join('\n');
    const [inSlotted] = await findings('cache-on-method', slotted);
    const [inPlain] = await findings('cache-on-method', plain);
    assert.doesNotMatch(inSlotted.message, /cached_property/);
    assert.match(inSlotted.message, /`__slots__` and no `__dict__`/);
    assert.match(inPlain.message, /use `functools.cached_property`/);
  });

  it('lock-acquire-release: the try/finally form (already exception-safe) is a hint (shorter, not safer), the bare form a warning', async () => {
    const source = [
      'import threading',
      'lock = threading.Lock()',
      'def guarded(items, x):',
      '    lock.acquire()',
      '    try:',
      '        items.append(x)',
      '    finally:',
      '        lock.release()',
      'def bare(items, x):',
      '    lock.acquire()',
      '    items.append(x)',
      '    lock.release()',
      '',
    ].join('\n');
    const found = await findings('lock-acquire-release', source);
    assert.deepEqual(
      found.map((f) => f.severity),
      ['hint', 'warning'],
    );
    assert.match(found[0].message, /is correct/);
    assert.match(found[1].message, /always releases it/);
  });

  it('assert-for-runtime-validation: the message names the exception the fix raises', async () => {
    const source = ['def resize(size, mode):', '    assert isinstance(size, int)', '    assert mode in ("a", "b")', ''].join('\n');
    const found = await findings('assert-for-runtime-validation', source);
    assert.equal(found.length, 2);
    assert.match(found[0].message, /raise TypeError\(/);
    assert.match(found[1].message, /raise ValueError\(/);
  });
});

describe('fixes and optional dependencies', () => {
  /** numba-object-mode's findings on source as a file of a project that still supports numba 0.53 (a bare `@jit` may fall back there). */
  async function inOldNumbaProject(source: string) {
    const root = tempRepository({ 'requirements.txt': 'numba>=0.53\n', 'setup.py': '' });
    try {
      return await findings('numba-object-mode', source, path.join(root, 'agg.py'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  it('numba-object-mode: with numba imported inside the function, the fix reuses that binding and adds no module-level import', async () => {
    const source = [
      'def make_agg():',
      '    import numba',
      '',
      '    @numba.jit',
      '    def agg(table):',
      '        return table.sum()',
      '',
      '    return agg',
      '',
    ].join('\n');
    const [finding] = await inOldNumbaProject(source);
    const edits = finding.fix?.edits ?? [];
    assert.equal(edits.length, 1);
    assert.equal(source.slice(edits[0].start, edits[0].end), 'numba.jit');
    assert.equal(edits[0].newText, 'numba.njit');
  });

  it('numba-object-mode: a bare jit with numba only imported in a function gets no fix (it would need a module-level import)', async () => {
    const source = ['def make():', '    from numba import jit', '', '    @jit', '    def f(x):', '        return x', '', '    return f', ''].join('\n');
    const [finding] = await inOldNumbaProject(source);
    assert.ok(finding, 'still reported');
    assert.equal(finding.fix, undefined);
  });
  it('reduction-over-list-comprehension: any/all fixes are safe only when the skipped items cannot raise; sum/min/max are memory hints', async () => {
    const source = [
      'def check(config, keys, flags, pairs, rows, x, y):',
      '    a = all([flag for flag in (x, y, 0) if flag is not None])',
      '    b = all([config[k] for k in keys])',
      '    c = any([n / d > 2 for n, d in pairs])',
      '    d = any([r.ok for r in rows])',
      '    e = any([x for row in rows for x in row])',
      '    f = sum([n * n for n in keys])',
      '    g = all([flag for flag in flags])',
      '    return a, b, c, d, e, f, g',
      '',
    ].join('\n');
    const found = await findings('reduction-over-list-comprehension', source);
    assert.deepEqual(
      found.map((f) => [source.slice(f.start, f.end).split(' ')[0], f.fix?.safety, f.severity]),
      [
        ['[flag', 'safe', 'info'],
        ['[config[k]', 'unsafe', 'info'],
        ['[n', 'unsafe', 'info'],
        ['[r.ok', 'unsafe', 'info'],
        ['[x', 'unsafe', 'info'],
        ['[n', 'safe', 'hint'],
        ['[flag', 'unsafe', 'info'],
      ],
    );
    assert.match(found[5].message, /memory/);
  });
  it('string-concat-in-loop: a warning where CPython copies the string each time, a hint where it grows a local in place', async () => {
    const source = [
      'import sys',
      'def local(rows):',
      '    out = ""',
      '    for r in rows:',
      '        out += r',
      '    return out',
      'def chained(rows):',
      '    out = ""',
      '    for r in rows:',
      '        out = out + r + ","',
      '    return out',
      'def kept(rows, seen):',
      '    out = ""',
      '    for r in rows:',
      '        out += r',
      '        seen = out',
      '    return out',
      'def captured(rows):',
      '    out = ""',
      '    for r in rows:',
      '        out += r',
      '    return lambda: out',
      'def raw(rows):',
      '    out = b""',
      '    for r in rows:',
      '        out += r',
      '    return out',
      'text = ""',
      'for line in sys.stdin:',
      '    text += line',
      '',
    ].join('\n');
    const found = await findings('string-concat-in-loop', source);
    assert.deepEqual(
      found.map((f) => [source.slice(0, f.start).split('\n').length, f.severity]),
      [
        [5, 'hint'],
        [10, 'warning'],
        [15, 'warning'],
        [21, 'warning'],
        [26, 'warning'],
        [30, 'warning'],
      ],
    );
    assert.match(found[0].message, /CPython extends a local string in place/);
    assert.match(found[1].message, /quadratic/);
    assert.match(found[5].message, /not a function local/);
  });

  it('string-concat-in-loop: the fix is safe only when every piece is certainly a plain str', async () => {
    const source = (piece: string) =>
      ['def render(items):', '    html = ""', '    for it in items:', `        html += ${piece}`, '    return html', ''].join('\n');
    const safety = async (piece: string) => (await findings('string-concat-in-loop', source(piece))).map((f) => f.fix?.safety);
    assert.deepEqual(await safety('"<li>" + str(it) + "</li>"'), ['safe']);
    assert.deepEqual(await safety('",".join(it) + "\\n"'), ['safe']);
    assert.deepEqual(await safety('Markup("<li>{}</li>").format(it)'), ['unsafe']);
    assert.deepEqual(await safety('it'), ['unsafe']);
  });
});

describe('fix safety', () => {
  it('descriptor-get-missing-none-check: returning the descriptor on class access is unsafe (hasattr on the class flips)', async () => {
    const source = ['class Field:', '    def __get__(self, obj, owner):', '        return obj.__dict__["x"]', ''].join('\n');
    const [finding] = await findings('descriptor-get-missing-none-check', source);
    assert.equal(finding.fix?.safety, 'unsafe');
    assert.match(finding.fix?.reason ?? '', /AttributeError/);
  });

  it('yaml-unsafe-load: FullLoader is described as PyYAML 5.4+ has it, not as arbitrary code', async () => {
    const source = [
      'import yaml',
      'a = yaml.load(f, Loader=yaml.FullLoader)',
      'b = yaml.full_load(f)',
      'c = yaml.load(f, Loader=yaml.CFullLoader)',
      'd = yaml.load(f, Loader=yaml.Loader)',
      'e = yaml.unsafe_load(f)',
    ].join('\n');
    const messages = (await findings('yaml-unsafe-load', source)).map((f) => f.message);
    assert.equal(messages.length, 5);
    for (const m of messages.slice(0, 3)) assert.match(m, /resolves Python-specific tags .*arbitrary code before PyYAML 5\.4/, m);
    for (const m of messages.slice(3)) assert.match(m, /can construct arbitrary Python objects/, m);
  });
});
