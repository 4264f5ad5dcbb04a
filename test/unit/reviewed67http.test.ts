// Round 67 (issue 26): http-call-without-timeout in a program kept inside a package, which no other file of the project
// imports (a module with a `__main__` block that only a person runs), with the near misses that keep their rank.
import * as assert from 'node:assert/strict';
import { NO_FILE_SYSTEM, type FileProbe } from '../../server/analysis/codeContext';
import { spelledOnlyHere } from '../../server/analysis/projectWords';
import { rankedInRepository } from '../helpers/engine';

const RULE = 'http-call-without-timeout';

/** The rule's findings on `source` saved as `rel` in a published package's checkout, as the default output ranks them. */
function ranked(source: string, rel: string, project: Record<string, string> = {}) {
  const published = { 'pyproject.toml': '[project]\nname = "pkg"\n', 'pkg/__init__.py': '', 'pkg/tools/__init__.py': '', ...project };
  return rankedInRepository(RULE, source, published, rel, 'perflens-r67-');
}

const reasons = (f: { impact?: { reasons: string[] } } | undefined) => f?.impact?.reasons.join('; ') ?? '';

// openelections' pull_ocd_fips.py, cognita's qdrant migration, LLaVA's eval/run_llava.py, jcvi's taxonomy lookup: 11
// findings in such modules judged noise in review36-40, none useful.
const PULL =
  'import requests\n\n\ndef pull(url):\n    return requests.get(url).json()\n\n\n' +
  'def main():\n    print(pull("https://example.com/fips.json"))\n\n\nif __name__ == "__main__":\n    main()\n';

describe('http-call-without-timeout: a program kept inside a package that nothing imports', () => {
  it('is a hint that says why', async () => {
    for (const rel of ['pkg/tools/pull_fips.py', 'pkg/tools/galcon-server.py']) {
      const [f] = await ranked(PULL, rel, { 'pkg/core.py': 'import json\n\n\ndef pull_fips_like():\n    return json\n' });
      assert.equal(f?.severity, 'hint', `${rel}: ${JSON.stringify(f)}`);
      assert.match(reasons(f), /`__main__` block and no other file of the project imports it/);
    }
  });

  it('near misses: a module another file imports, a notebook, an entry point or a bin/ script names keeps its rank', async () => {
    for (const [name, project] of [
      ['a module', { 'pkg/app.py': 'from pkg.tools import pull_fips\n' }],
      ['a notebook', { 'notebooks/run.ipynb': '{"cells": [{"source": ["from pkg.tools.pull_fips import pull"]}]}' }],
      ['an entry point', { 'pyproject.toml': '[project]\nname = "pkg"\n[project.scripts]\npull = "pkg.tools.pull_fips:main"\n' }],
      ['a scripts/ program', { 'scripts/pkg-pull': '#!/usr/bin/env python\nimport pkg.tools.pull_fips\n' }],
      // Tested code is library code: counting only non-test importers would have hidden two useful findings of review36-40.
      ['a test', { 'tests/test_pull.py': 'from pkg.tools.pull_fips import pull\n' }],
    ] as const) {
      const [f] = await ranked(PULL, 'pkg/tools/pull_fips.py', project);
      assert.ok(f, name);
      assert.notEqual(f.severity, 'hint', `${name}: ${JSON.stringify(f)}`);
    }
  });

  it('near misses: a module without a __main__ block, and a worker a web framework serves, keep their rank', async () => {
    const library = PULL.slice(0, PULL.indexOf('\n\n\nif __name__'));
    const worker = `from fastapi import FastAPI\n${PULL}`;
    for (const [name, source] of [
      ['no __main__ block', library],
      ['a fastapi worker', worker],
    ] as const) {
      const [f] = await ranked(source, 'pkg/tools/pull_fips.py');
      assert.ok(f, name);
      assert.notEqual(f.severity, 'hint', `${name}: ${JSON.stringify(f)}`);
      assert.match(reasons(f), /package module|fastapi/);
    }
  });
});

/** A probe over an in-memory project (absolute paths to texts) that counts the texts read. */
function memoryProject(texts: Record<string, string>): FileProbe & { readCount: number } {
  const probe = {
    readCount: 0,
    exists: (p: string) => p in texts,
    fileSize: (p: string) => (p in texts ? texts[p].length : null),
    readText: (p: string) => {
      probe.readCount++;
      return texts[p] ?? null;
    },
    list: (dir: string) => {
      const names = new Set<string>();
      for (const p of Object.keys(texts)) {
        if (!p.startsWith(`${dir}/`)) continue;
        const [first, ...rest] = p.slice(dir.length + 1).split('/');
        names.add(rest.length > 0 ? `${first}/` : first);
      }
      return [...names].sort();
    },
  };
  return probe;
}

describe('spelledOnlyHere', () => {
  it('knows nothing without a way to list and read files (the browser)', () => {
    assert.equal(spelledOnlyHere('/proj/pkg/tool.py', 'tool', NO_FILE_SYSTEM, '/proj'), null);
  });

  it('reads whole words only: a longer name that contains the module name is not an import of it', () => {
    const files = memoryProject({ '/p1/pkg/tool.py': 'import tool\n', '/p1/pkg/a.py': 'import toolkit\nmy_tool = 1\n' });
    assert.equal(spelledOnlyHere('/p1/pkg/tool.py', 'tool', files, '/p1'), true);
    const other = memoryProject({ '/p2/pkg/tool.py': '', '/p2/pkg/a.py': 'from pkg import (tool)\n' });
    assert.equal(spelledOnlyHere('/p2/pkg/tool.py', 'tool', other, '/p2'), false);
  });

  it('stops at the first other file that spells the word, and keeps the answer', () => {
    const texts: Record<string, string> = { '/p3/pkg/tool.py': '' };
    for (let i = 0; i < 50; i++) texts[`/p3/pkg/m${String(i).padStart(2, '0')}.py`] = i === 0 ? 'import tool\n' : 'x = 1\n';
    const files = memoryProject(texts);
    assert.equal(spelledOnlyHere('/p3/pkg/tool.py', 'tool', files, '/p3'), false);
    assert.equal(files.readCount, 1);
    assert.equal(spelledOnlyHere('/p3/pkg/tool.py', 'tool', files, '/p3'), false);
    assert.equal(files.readCount, 1);
  });

  it('does not know when the project holds more text than one answer may search (the editor asks during a lint)', () => {
    const texts: Record<string, string> = { '/p4/pkg/tool.py': '' };
    const big = 'x = 1\n'.repeat(300_000); // 1.8 MB: seven such files are over the bound, six are not
    for (let i = 0; i < 7; i++) texts[`/p4/pkg/m${i}.py`] = big;
    assert.equal(spelledOnlyHere('/p4/pkg/tool.py', 'tool', memoryProject(texts), '/p4'), null);
    delete texts['/p4/pkg/m6.py'];
    assert.equal(spelledOnlyHere('/p4/pkg/tool.py', 'tool', memoryProject(texts), '/p4'), true);
  });
});
