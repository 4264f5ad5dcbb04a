// Where a fix's import goes (server/fixes/imports.ts): groups, merging, headers, guards, spacing, line breaks.
import * as assert from 'node:assert/strict';
import { applyFixes } from '../../server/fixes/apply';
import { addImportStatement, ensureImport, insertAfterImports } from '../../server/fixes/imports';
import type { FileFacts } from '../../server/analysis/facts';
import { applyEdits } from '../../server/syntax/text';
import type { Finding, TextEdit } from '../../common/types';
import { getEngine } from '../helpers/engine';
import { probe } from '../helpers/probe';

/** The text after `edit(facts)` on source. */
async function after(source: string, edit: (facts: FileFacts) => TextEdit[]): Promise<string> {
  let out = '';
  await probe(source, '(module) @m', (_m, ctx) => {
    out = applyEdits(ctx.text, edit(ctx.facts));
  });
  return out;
}

const ensure = (module: string, name?: string) => (facts: FileFacts) => ensureImport(facts, module, name).edits;
const statement = (text: string) => (facts: FileFacts) => addImportStatement(facts, text);

describe('import insertion', () => {
  it('puts a standard-library import in the stdlib group, at its sorted place, before third-party imports', async () => {
    assert.equal(
      await after('import os\nimport sys\n\nimport numpy as np\n', ensure('collections')),
      'import collections\nimport os\nimport sys\n\nimport numpy as np\n',
    );
    assert.equal(
      await after('import sys\nimport os\n\nimport numpy as np\n', ensure('collections')),
      'import sys\nimport os\nimport collections\n\nimport numpy as np\n',
    );
    // No stdlib group yet: a new one, before the third-party group.
    assert.equal(await after('import numpy as np\n\nx = 1\n', ensure('functools')), 'import functools\n\nimport numpy as np\n\nx = 1\n');
    // A third-party import after the stdlib group, in a group of its own.
    assert.equal(await after('import os\n\nx = 1\n', ensure('numpy')), 'import os\n\nimport numpy\n\nx = 1\n');
    // ...and before relative imports.
    assert.equal(await after('import os\n\nfrom . import util\n', ensure('torch')), 'import os\n\nimport torch\n\nfrom . import util\n');
  });

  it('keeps `from __future__` first and goes after the docstring and header comments', async () => {
    assert.equal(
      await after('#!/usr/bin/env python\n# Copyright 2026\n# Licensed under MIT\n\n"""Doc."""\nfrom __future__ import annotations\n\nx = 1\n', ensure('os')),
      '#!/usr/bin/env python\n# Copyright 2026\n# Licensed under MIT\n\n"""Doc."""\nfrom __future__ import annotations\n\nimport os\n\nx = 1\n',
    );
    // A licence block with no docstring and no import: after it, not between it and the code.
    assert.equal(
      await after('# Copyright 2026\n# Licensed under MIT\n\nx = 1\n', ensure('os')),
      '# Copyright 2026\n# Licensed under MIT\n\nimport os\n\nx = 1\n',
    );
    // A comment touching the code belongs to the code: the import goes above it.
    assert.equal(await after('# the answer\nx = 42\n', ensure('os')), 'import os\n\n# the answer\nx = 42\n');
  });

  it('joins an existing `from m import ...` in its order and layout, and never duplicates a name', async () => {
    assert.equal(
      await after('from collections import OrderedDict\n\nx = 1\n', ensure('collections', 'deque')),
      'from collections import OrderedDict, deque\n\nx = 1\n',
    );
    assert.equal(
      await after('from collections import Counter, OrderedDict\n', ensure('collections', 'defaultdict')),
      'from collections import Counter, OrderedDict, defaultdict\n',
    );
    assert.equal(
      await after('from collections import (\n    OrderedDict,\n    deque,\n)\n', ensure('collections', 'Counter')),
      'from collections import (\n    Counter,\n    OrderedDict,\n    deque,\n)\n',
    );
    assert.equal(
      await after('from collections import (\n    OrderedDict,\n    Counter,\n)\n', ensure('collections', 'deque')),
      'from collections import (\n    OrderedDict,\n    Counter,\n    deque,\n)\n',
    );
    assert.equal(await after('from time import sleep\n', statement('from time import perf_counter')), 'from time import perf_counter, sleep\n');
    assert.equal(await after('from time import perf_counter\n', statement('from time import perf_counter')), 'from time import perf_counter\n');
    // An aliased name: present only under that alias; otherwise joined with its alias.
    assert.equal(
      await after('from torch.nn.parallel import DistributedDataParallel as DDP\n', statement('from torch.nn.parallel import DistributedDataParallel as DDP')),
      'from torch.nn.parallel import DistributedDataParallel as DDP\n',
    );
    assert.equal(await after('from numpy import array\n', statement('from numpy import ndarray as NDArray')), 'from numpy import array, ndarray as NDArray\n');
    // The name is already used for something else: no merge, the module-qualified form instead.
    let ref = '';
    await probe('from collections import OrderedDict\ndeque = []\n', '(module) @m', (_m, ctx) => {
      ref = ensureImport(ctx.facts, 'collections', 'deque').ref;
    });
    assert.equal(ref, 'collections.deque');
  });

  it('never adds to `if TYPE_CHECKING:` or `try: ... except ImportError:`, and does not count imports there as available', async () => {
    const guarded =
      'from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import numpy\ntry:\n    import ujson as json\nexcept ImportError:\n    import json\n\nx = 1\n';
    assert.equal(
      await after(guarded, ensure('numpy')),
      'from typing import TYPE_CHECKING\n\nimport numpy\nif TYPE_CHECKING:\n    import numpy\ntry:\n    import ujson as json\nexcept ImportError:\n    import json\n\nx = 1\n',
    );
    assert.equal(await after(guarded, ensure('json')), guarded.replace('from typing', 'import json\nfrom typing'));
  });

  it('leaves two blank lines before a def or class right below, one before other code', async () => {
    assert.equal(await after('import os\ndef f():\n    pass\n', ensure('sys')), 'import os\nimport sys\n\n\ndef f():\n    pass\n');
    assert.equal(await after('"""Doc."""\n@dataclass\nclass A:\n    pass\n', ensure('os')), '"""Doc."""\n\nimport os\n\n\n@dataclass\nclass A:\n    pass\n');
    assert.equal(await after('"""Doc."""\n\n\ndef f():\n    pass\n', ensure('os')), '"""Doc."""\n\nimport os\n\n\ndef f():\n    pass\n');
    assert.equal(await after('def f():\n    pass\n', ensure('os')), 'import os\n\n\ndef f():\n    pass\n');
    assert.equal(await after('import os\n\n\n# helper\ndef f():\n    pass\n', ensure('sys')), 'import os\nimport sys\n\n\n# helper\ndef f():\n    pass\n');
  });

  it('writes the line break of the neighbouring lines', async () => {
    assert.equal(
      await after('"""Doc."""\r\nimport os\r\n\r\n\r\ndef f():\r\n    pass\r\n', ensure('sys')),
      '"""Doc."""\r\nimport os\r\nimport sys\r\n\r\n\r\ndef f():\r\n    pass\r\n',
    );
    assert.equal(await after('import os\rx = 1\r', ensure('sys')), 'import os\rimport sys\rx = 1\r');
    assert.equal(await after('"""Doc."""\r\nx = 1\r\n', ensure('os')), '"""Doc."""\r\n\r\nimport os\r\n\r\nx = 1\r\n');
  });

  it('puts a module-level statement after the whole import block', async () => {
    assert.equal(
      await after('import os\ntry:\n    import torch\nexcept ImportError:\n    torch = None\ndef f():\n    pass\n', (facts) => [
        insertAfterImports(facts, 'local = 1', true),
      ]),
      'import os\ntry:\n    import torch\nexcept ImportError:\n    torch = None\n\nlocal = 1\n\n\ndef f():\n    pass\n',
    );
  });

  it('adds an import two fixes need once in a fix-all, and merges into one from-import', async () => {
    const engine = await getEngine();
    const source = 'from collections import OrderedDict\n\n\ndef f(q):\n    return q.pop(0)\n\n\ndef g(q):\n    return q.pop(0)\n';
    const edits: TextEdit[][] = [];
    await probe(source, '(module) @m', (_m, ctx) => {
      edits.push(ensureImport(ctx.facts, 'collections', 'deque').edits, ensureImport(ctx.facts, 'collections', 'deque').edits);
    });
    const finding = (start: number, fixEdits: TextEdit[]): Finding => ({
      ruleId: 'r',
      start,
      end: start + 1,
      message: 'm',
      severity: 'info',
      fix: { title: 't', safety: 'safe', edits: fixEdits },
    });
    const fixed = applyFixes(source, [finding(40, edits[0]), finding(80, edits[1])]);
    assert.equal(fixed.applied.length, 2);
    assert.equal(fixed.text.split('\n')[0], 'from collections import OrderedDict, deque');
    assert.equal(engine.lintText(fixed.text).hasSyntaxErrors, false);
  });
});
