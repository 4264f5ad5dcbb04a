// Jupyter notebooks through the CLI (issue 27): code cells linted as one module with IPython syntax
// masked, findings by cell in every format, --fix written back into the notebook JSON touching only
// the changed cells' sources, and malformed input refused with exit 2.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { project, run, SLOW } from '../helpers/cli';

interface Cell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  execution_count?: number | null;
  outputs?: unknown[];
  metadata?: Record<string, unknown>;
}

/** Splits like Jupyter (each line keeps its end). */
const lines = (source: string) => source.split(/(?<=\n)/).filter(Boolean);

const code = (source: string | string[], extra: Partial<Cell> = {}): Cell => ({
  cell_type: 'code',
  execution_count: null,
  metadata: {},
  outputs: [],
  source: typeof source === 'string' ? lines(source) : source,
  ...extra,
});
const markdown = (source: string): Cell => ({ cell_type: 'markdown', metadata: {}, source: lines(source) });

/** A notebook as Jupyter writes it (one-space indent, trailing newline) unless told otherwise. */
function notebook(cells: Cell[], indent: number | string = 1): string {
  const nb = { cells, metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } }, nbformat: 4, nbformat_minor: 5 };
  return JSON.stringify(nb, null, indent) + '\n';
}

/** The notebook as Python's json module reads it (the fix must leave a file Jupyter can load). */
function loadWithPython(file: string): { cells: Cell[]; nbformat: number; metadata: unknown } {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import json, sys; print(json.dumps(json.load(open(sys.argv[1], encoding="utf-8"))))', file], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { cells: Cell[]; nbformat: number; metadata: unknown };
}

const joined = (cell: Cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

const OUTPUTS = [
  { output_type: 'stream', name: 'stdout', text: ['6\n'] },
  { output_type: 'execute_result', execution_count: 2, metadata: {}, data: { 'text/plain': ['array([1., 2.])'], 'image/png': 'iVBORw0KGgo=' } },
];

describe('cli: Jupyter notebooks', () => {
  it('walks folders for notebooks, lints code cells as one module and names the cell (markdown ignored, imports count across cells)', () => {
    const nb = notebook([
      markdown('# Timing\nsum([x for x in xs]) in prose is not code\n'),
      code('import time\nimport asyncio'),
      code('async def fetch():\n    return 1'),
      markdown('text'),
      code('async def main():\n    fetch()\n    time.sleep(1)\n'),
    ]);
    const dir = project({ 'sub/explore.ipynb': nb, 'slow.py': SLOW });
    const r = run(['check', '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      r.stdout.split('\n').filter((l) => l.includes('.ipynb')),
      [
        // A def in cell 3 called in cell 5; `time` imported in cell 2.
        'sub/explore.ipynb:cell 5:2:5: warning: async-missing-await [*] `fetch()` is a coroutine and is never awaited, so it never runs; add `await`',
        'sub/explore.ipynb:cell 5:3:5: warning: async-time-sleep `time.sleep()` blocks the event loop inside `async def`; use `await asyncio.sleep()`',
      ],
    );
    assert.match(r.stdout, /^slow\.py:2:16: hint: reduction-over-list-comprehension/m);
    assert.match(r.stdout, /^Found 3 problems/m);
  });

  it('masks IPython magics, shell escapes and help, never parsing them as Python; a non-Python cell magic hides its cell', () => {
    const nb = notebook([
      code('%matplotlib inline\n!pip install numpy\nfiles = !ls\nlen?\n?len\n%load_ext autoreload'),
      // Would be a finding if %%bash cells were read as Python.
      code('%%bash\npython -c "print(sum([x for x in range(3)]))"\n'),
      // %%time runs Python: its body is linted.
      code('%%time\ntotal = sum([x * 2 for x in range(10)])\n'),
      // A magic alone in an indented block, and `%` as modulo on a continuation line.
      code('for i in range(3):\n    %time str(i)\nrest = (10\n        % 3)\n'),
      // A line magic goes on while its brackets are open (IPython reads one logical line).
      code('%timeit sorted((x for x in range(9)),\n                key=abs)\n'),
      code('def f(xs):\n    return sum([x for x in xs])  # perflens: ignore[reduction-over-list-comprehension]\n'),
    ]);
    const r = run(['check', '--format', 'json', 'nb.ipynb'], project({ 'nb.ipynb': nb }));
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const found = JSON.parse(r.stdout) as { cell: number; code: string; location: { row: number; column: number } }[];
    assert.deepEqual(
      found.map((d) => `${d.cell}:${d.location.row}:${d.location.column}:${d.code}`),
      ['3:2:13:reduction-over-list-comprehension'],
    );
    // The masked module parses: the safe fix is offered (not refused for syntax errors).
    const text = run(['check', 'nb.ipynb'], project({ 'nb.ipynb': nb }));
    assert.match(text.stdout, /^nb\.ipynb:cell 3:2:13: hint: reduction-over-list-comprehension \[\*\]/m);
    assert.doesNotMatch(text.stdout, /syntax errors/);
  });

  it("--format json follows Ruff's notebook shape: `cell`, rows within the cell, noqa_row in the module", () => {
    const nb = notebook([markdown('# t'), code('import numpy as np\n\n'), code('x = 1\ndef total(xs):\n    return sum([x * 2 for x in xs])')]);
    const r = run(['check', '--format', 'json', '.'], project({ 'nb.ipynb': nb }));
    const [d] = JSON.parse(r.stdout) as {
      cell: number;
      location: { row: number; column: number };
      end_location: { row: number; column: number };
      noqa_row: number;
      filename: string;
      fix: { edits: { location: { row: number; column: number } }[] };
    }[];
    assert.equal(d.cell, 3);
    assert.deepEqual(d.location, { row: 3, column: 16 });
    assert.deepEqual(d.end_location, { row: 3, column: 35 });
    // Cell 2 takes module rows 1-2 (its source ends with a newline), so cell 3's third row is module row 5.
    assert.equal(d.noqa_row, 5);
    assert.deepEqual(d.fix.edits[0].location, { row: 3, column: 16 });
    assert.match(d.filename, /nb\.ipynb$/);
  });

  it('--format sarif points at the notebook with the cell in a property', () => {
    const nb = notebook([markdown('# t'), code('def total(xs):\n    return sum([x * 2 for x in xs])')]);
    const r = run(['check', '--format', 'sarif', '.'], project({ 'nb.ipynb': nb }));
    const log = JSON.parse(r.stdout) as {
      runs: {
        results: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; properties: { cell: number } }[] }[];
      }[];
    };
    const [location] = log.runs[0].results[0].locations;
    assert.equal(location.physicalLocation.artifactLocation.uri, 'nb.ipynb');
    assert.equal(location.physicalLocation.region.startLine, 2);
    assert.deepEqual(location.properties, { cell: 2 });
  });

  describe('--fix writes back into the notebook JSON', () => {
    it('changes only the fixed cell, byte for byte elsewhere (outputs, execution counts, metadata, key order, indentation)', () => {
      const cells = [
        markdown('# Report\n'),
        code('import numpy as np\nprint(6)', { execution_count: 1, outputs: OUTPUTS, metadata: { tags: ['keep'], collapsed: false } }),
        code('def total(xs):\n    return sum([x * 2 for x in xs])\n\ntotal([1, 2])', { execution_count: 2, outputs: OUTPUTS }),
      ];
      const before = notebook(cells);
      const dir = project({ 'nb.ipynb': before });
      const r = run(['check', '--fix', 'nb.ipynb'], dir);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^Fixed 1 problem\.$/m);
      const after = readFileSync(path.join(dir, 'nb.ipynb'), 'utf8');
      // The same file with the one changed source line: nothing else moved.
      assert.equal(after, before.replace('"    return sum([x * 2 for x in xs])\\n"', '"    return sum(x * 2 for x in xs)\\n"'));
      const loaded = loadWithPython(path.join(dir, 'nb.ipynb'));
      assert.equal(loaded.nbformat, 4);
      assert.deepEqual(loaded.cells[1].outputs, OUTPUTS);
      assert.equal(loaded.cells[2].execution_count, 2);
      assert.equal(joined(loaded.cells[2]), 'def total(xs):\n    return sum(x * 2 for x in xs)\n\ntotal([1, 2])');
      assert.match(run(['check', 'nb.ipynb'], dir).stdout, /All checks passed!/);
    });

    it('reads and fixes an nbformat 3 notebook (IPython 2): cells of its worksheet, code in `input`', () => {
      // As IPython 2 wrote it: a heading cell, code cells with `input`, `language` and `prompt_number`, outputs with `text`.
      const v3 = {
        metadata: { name: '' },
        nbformat: 3,
        nbformat_minor: 0,
        worksheets: [
          {
            cells: [
              { cell_type: 'heading', level: 1, metadata: {}, source: ['Totals'] },
              { cell_type: 'code', collapsed: false, input: ['import numpy as np'], language: 'python', metadata: {}, outputs: [], prompt_number: 1 },
              {
                cell_type: 'code',
                collapsed: false,
                input: ['def total(xs):\n', '    return sum([x * 2 for x in xs])\n', '\n', 'print(total([1, 2]))'],
                language: 'python',
                metadata: {},
                outputs: [{ output_type: 'stream', stream: 'stdout', text: ['6\n'] }],
                prompt_number: 2,
              },
            ],
            metadata: {},
          },
        ],
      };
      const before = JSON.stringify(v3, null, 1) + '\n';
      const dir = project({ 'old.ipynb': before });
      const check = run(['check', 'old.ipynb'], dir);
      assert.match(check.stdout, /^old\.ipynb:cell 3:2:16: hint: reduction-over-list-comprehension/m);
      const r = run(['check', '--fix', 'old.ipynb'], dir);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const after = readFileSync(path.join(dir, 'old.ipynb'), 'utf8');
      assert.equal(after, before.replace('"    return sum([x * 2 for x in xs])\\n"', '"    return sum(x * 2 for x in xs)\\n"'));
      const py = spawnSync(
        '/usr/bin/python3',
        [
          '-c',
          'import json, sys; nb = json.load(open(sys.argv[1])); print(nb["nbformat"], "".join(nb["worksheets"][0]["cells"][2]["input"]))',
          path.join(dir, 'old.ipynb'),
        ],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(py.stdout, '3 def total(xs):\n    return sum(x * 2 for x in xs)\n\nprint(total([1, 2]))\n');
      // Two worksheets have no one numbering of cells: refused, saying how to convert.
      const two = JSON.stringify({ ...v3, worksheets: [v3.worksheets[0], v3.worksheets[0]] });
      assert.match(run(['check', 'two.ipynb'], project({ 'two.ipynb': two })).stdout, /more than one worksheet are not supported/);
    });

    it('keeps a one-string source a string, CRLF line ends, two-space indentation and a missing final newline', () => {
      const cells = [
        code('import json\r\nprint(1)\r\n', { outputs: OUTPUTS }),
        { ...code(''), source: 'def total(xs):\r\n    return sum([x * 2 for x in xs])\r\n' },
        code(['def mean(xs):\r\n', '    return sum([x for x in xs]) / len(xs)']),
      ];
      const before = notebook(cells, 2).trimEnd();
      const dir = project({ 'nb.ipynb': before });
      assert.equal(run(['check', '--fix', '.'], dir).code, 0);
      const after = readFileSync(path.join(dir, 'nb.ipynb'), 'utf8');
      const expected = before
        .replace('"def total(xs):\\r\\n    return sum([x * 2 for x in xs])\\r\\n"', '"def total(xs):\\r\\n    return sum(x * 2 for x in xs)\\r\\n"')
        .replace('"    return sum([x for x in xs]) / len(xs)"', '"    return sum(x for x in xs) / len(xs)"');
      assert.equal(after, expected);
      const loaded = loadWithPython(path.join(dir, 'nb.ipynb'));
      assert.equal(typeof loaded.cells[1].source, 'string');
      assert.deepEqual(loaded.cells[0].outputs, OUTPUTS);
    });

    it('applies a fix that spans cells as one change: the import lands in the first code cell', () => {
      const before = notebook([
        markdown('# t'),
        code('import os'),
        code('def timed(func):\n    def wrapper(*a):\n        return func(*a)\n    return wrapper'),
      ]);
      const dir = project({ 'nb.ipynb': before });
      const r = run(['check', '--fix', '--unsafe-fixes', 'nb.ipynb'], dir);
      assert.equal(r.code, 0, r.stdout);
      const loaded = loadWithPython(path.join(dir, 'nb.ipynb'));
      // The import goes to its sorted place in the first code cell's import block.
      assert.equal(joined(loaded.cells[1]), 'import functools\nimport os');
      assert.equal(joined(loaded.cells[2]), 'def timed(func):\n    @functools.wraps(func)\n    def wrapper(*a):\n        return func(*a)\n    return wrapper');
      // And a source that was one line stays a list of lines.
      assert.deepEqual(loaded.cells[1].source, ['import functools\n', 'import os']);
    });

    it('an empty source list is filled with the layout of its key', () => {
      // The fix adds `import functools` to the first code cell, which is empty.
      const before = notebook([code([]), code('def timed(func):\n    def wrapper(*a):\n        return func(*a)\n    return wrapper')]);
      const dir = project({ 'nb.ipynb': before });
      run(['check', '--fix', '--unsafe-fixes', 'nb.ipynb'], dir);
      const after = readFileSync(path.join(dir, 'nb.ipynb'), 'utf8');
      assert.equal(loadWithPython(path.join(dir, 'nb.ipynb')).cells.length, 2);
      assert.ok(after.includes('   "source": [\n    "import functools'), after);
    });

    it('never writes a notebook with syntax errors, and says why', () => {
      const before = notebook([code('def total(xs):\n    return sum([x * 2 for x in xs])'), code('def broken(:\n    pass')]);
      const dir = project({ 'nb.ipynb': before });
      const r = run(['check', '--fix', 'nb.ipynb'], dir);
      assert.match(r.stdout, /^nb\.ipynb: not fixed: the notebook has syntax errors$/m);
      assert.equal(readFileSync(path.join(dir, 'nb.ipynb'), 'utf8'), before);
    });
  });

  describe('malformed input is a clear error, never "All checks passed!"', () => {
    const cases: [string, string, RegExp][] = [
      ['empty file', '', /not a valid notebook: the file is empty/],
      ['bad JSON', '{"cells": [', /not a valid notebook: invalid JSON/],
      ['nbformat 2', JSON.stringify({ nbformat: 2, worksheets: [] }), /nbformat 2 notebooks are not supported/],
      ['nbformat 3 without worksheets', JSON.stringify({ nbformat: 3, cells: [] }), /not a valid notebook: nbformat 3 without a `worksheets` list/],
      ['no cells', JSON.stringify({ nbformat: 4, metadata: {} }), /not a valid notebook: no `cells` list/],
      ['a cell without source', JSON.stringify({ nbformat: 4, cells: [{ cell_type: 'code' }] }), /cell 1 has no `source`/],
    ];
    for (const [what, content, message] of cases) {
      it(what, () => {
        const dir = project({ 'bad.ipynb': content, 'ok.py': 'x = 1\n' });
        // Named on the command line: a usage error. Found in a folder: an unreadable file, which --exit-zero lets pass.
        for (const [args, code] of [
          [['bad.ipynb'], 2],
          [['.'], 1],
          [['--exit-zero', '.'], 0],
        ] as const) {
          const r = run(['check', ...args], dir);
          assert.match(r.stdout, message);
          assert.doesNotMatch(r.stdout, /All checks passed/);
          assert.equal(r.code, code, `${args.join(' ')}: ${r.stdout}`);
        }
        // JSON has no place for it: stderr says why the run exited 1 with no findings.
        const json = run(['check', '--format', 'json', '.'], dir);
        assert.deepEqual(JSON.parse(json.stdout), []);
        assert.match(json.stderr, /^perflens: bad\.ipynb: error: not a valid notebook|^perflens: bad\.ipynb: error: nbformat 2/m);
        assert.equal(json.code, 1);
      });
    }

    it('a file named explicitly that is not Python, or cannot be decoded', () => {
      const dir = project({
        'README.md': '# Title\n',
        'latin.py': Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]),
        tool: '#!/usr/bin/env python3\n' + SLOW,
      });
      const md = run(['check', 'README.md'], dir);
      assert.match(md.stdout, /^README\.md: error: not a Python file or notebook/m);
      assert.equal(md.code, 2);
      assert.equal(run(['check', 'latin.py'], dir).code, 2);
      // A script with a python #! line is Python, whatever its name.
      assert.match(run(['check', 'tool'], dir).stdout, /^tool:3:16: hint: reduction-over-list-comprehension/m);
    });

    it('a notebook in another language is skipped, saying so', () => {
      const nb = JSON.stringify({ nbformat: 4, metadata: { kernelspec: { language: 'R', name: 'ir' } }, cells: [code('x <- c(1, 2)')] });
      const r = run(['check', '.'], project({ 'r.ipynb': nb }));
      assert.match(r.stdout, /^r\.ipynb: skipped: a r notebook, not Python$/m);
      assert.equal(r.code, 0);
    });
  });

  describe('configuration: extend-include and exclude, as in Ruff', () => {
    it('extend-include adds files to folder walks; exclude = ["*.ipynb"] leaves notebooks out', () => {
      const nb = notebook([code(SLOW)]);
      const files = { 'nb.ipynb': nb, 'scripts/job.ipy': SLOW, 'sub/deep.ipynb': nb };
      const included = run(['check', '.'], project({ ...files, 'pyproject.toml': '[tool.perflens]\nextend-include = ["*.ipy"]\n' }));
      assert.match(included.stdout, /^scripts\/job\.ipy:2:16:/m);
      assert.match(included.stdout, /^sub\/deep\.ipynb:cell 1:2:16:/m);
      const excluded = run(['check', '.'], project({ ...files, 'pyproject.toml': '[tool.perflens]\nexclude = ["*.ipynb"]\n' }));
      assert.doesNotMatch(excluded.stdout, /ipynb|job\.ipy/);
      assert.match(excluded.stdout, /All checks passed!/);
    });

    it('bad values are errors naming the file and the key', () => {
      for (const [value, message] of [
        ['"*.ipy"', /`extend-include` must be a list of strings/],
        ['[""]', /`extend-include` patterns must not be empty/],
      ] as const) {
        const r = run(['check', '.'], project({ 'perflens.toml': `extend-include = ${value}\n`, 'a.py': 'x = 1\n' }));
        assert.equal(r.code, 2);
        assert.match(r.stderr, /perflens\.toml/);
        assert.match(r.stderr, message);
      }
    });
  });
});
