// Every rule's documented example (docs.example, shown in hovers, the README and the guide) is right:
// `before` is valid Python that the rule flags, `after` is valid Python that it leaves alone.
// The examples are fragments, as a reader sees them: the imports a user's file would have (for `np.`,
// `@lru_cache`, `asyncio.`, and the module the rule's `requires` gate asks for) are added when the example
// leaves them out. Anything else a rule needs to know (that `df` is a DataFrame, that `fetch` is an
// `async def`) the example must show, or it teaches a pattern the rule does not flag: fix the example.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALL_RULES } from '../../rules';
import type { RuleDefinition } from '../../server/engine/rule';
import { getEngine } from '../helpers/engine';

/**
 * The imports a user's file has for the names the examples use without importing them (an example is a
 * fragment: `@lru_cache`, `DataLoader(...)`, `np.`). Modules used by name (`asyncio.`, `requests.`) are
 * imported as themselves.
 */
const USERS_IMPORTS: Record<string, string> = {
  np: 'import numpy as np',
  pd: 'import pandas as pd',
  tf: 'import tensorflow as tf',
  nn: 'import torch.nn as nn',
  dist: 'import torch.distributed as dist',
  keras: 'from tensorflow import keras',
  lru_cache: 'from functools import lru_cache',
  cache: 'from functools import cache',
  wraps: 'from functools import wraps',
  dataclass: 'from dataclasses import dataclass',
  field: 'from dataclasses import field',
  ABC: 'from abc import ABC',
  abstractmethod: 'from abc import abstractmethod',
  Protocol: 'from typing import Protocol',
  runtime_checkable: 'from typing import runtime_checkable',
  contextmanager: 'from contextlib import contextmanager',
  ThreadPoolExecutor: 'from concurrent.futures import ThreadPoolExecutor',
  ProcessPoolExecutor: 'from concurrent.futures import ProcessPoolExecutor',
  Pool: 'from multiprocessing import Pool',
  ThreadPool: 'from multiprocessing.pool import ThreadPool',
  njit: 'from numba import njit',
  jit: 'from numba import jit',
  prange: 'from numba import prange',
  cuda: 'from numba import cuda',
  as_strided: 'from numpy.lib.stride_tricks import as_strided',
  DataLoader: 'from torch.utils.data import DataLoader',
  ImageFolder: 'from torchvision.datasets import ImageFolder',
  Dataset: 'from torch.utils.data import Dataset',
  DistributedSampler: 'from torch.utils.data import DistributedSampler',
  DistributedDataParallel: 'from torch.nn.parallel import DistributedDataParallel',
  DDP: 'from torch.nn.parallel import DistributedDataParallel as DDP',
};

/** Modules an example may use by name (`asyncio.run(...)`), imported plainly. */
const MODULES = [
  'aiohttp',
  'asyncio',
  'contextlib',
  'functools',
  'httpx',
  'json',
  'logging',
  'math',
  'multiprocessing',
  'numba',
  'operator',
  'os',
  'pickle',
  'random',
  're',
  'requests',
  'scipy',
  'sqlite3',
  'sys',
  'tempfile',
  'threading',
  'time',
  'torch',
  'warnings',
  'weakref',
  'yaml',
];

/** How a user's file imports a module a rule requires. */
const CONVENTIONAL_IMPORTS: Record<string, string> = { numpy: USERS_IMPORTS.np, pandas: USERS_IMPORTS.pd, tensorflow: USERS_IMPORTS.tf };

function importsModule(source: string, module: string): boolean {
  const name = module.replace(/\./g, '\\.');
  return new RegExp(`^\\s*(import\\s+[^\\n]*\\b${name}\\b|from\\s+${name}(\\.|\\s))`, 'm').test(source);
}

/** True when the example uses `name` (not as an attribute) without defining or importing it. */
function usesUnbound(source: string, name: string): boolean {
  if (!new RegExp(`(?<![.\\w])${name}\\b`).test(source)) return false;
  const binds = new RegExp(
    `^\\s*(def|class)\\s+${name}\\b|^\\s*${name}\\s*=[^=]|\\bimport\\b[^\\n]*\\b${name}\\b|^\\s*from\\s+${name}\\b|\\bfor\\s+${name}\\b|\\bas\\s+${name}\\b`,
    'm',
  );
  return !binds.test(source);
}

/** The example as it would sit in a user's file: with the imports its names and its rule's gate need. */
function inUsersFile(rule: RuleDefinition, source: string): string {
  const imports = new Set<string>();
  for (const [name, line] of Object.entries(USERS_IMPORTS)) if (usesUnbound(source, name)) imports.add(line);
  for (const module of MODULES) if (usesUnbound(source, module)) imports.add(`import ${module}`);
  const withImports = () => [...imports, source].join('\n');
  // The rule's gate: the example's file imports one of its modules, as a user's file using that library would. (With
  // requiresEither, spelling the gate's text also lets a file in; the example still shows the library's own case.)
  const requires = rule.requires ?? [];
  if (requires.length > 0 && !requires.some((m) => importsModule(withImports(), m))) {
    imports.add(CONVENTIONAL_IMPORTS[requires[0]] ?? `import ${requires[0]}`);
  }
  return imports.size > 0 ? `${[...imports].sort().join('\n')}\n\n${source}\n` : `${source}\n`;
}

const RULES_WITH_EXAMPLES = ALL_RULES.filter((rule) => rule.docs.example);

/** How each peer linter suppresses one check on a line. */
const PEER_COMMENT: Record<string, (code: string) => string> = {
  ruff: (code) => `# noqa: ${code}`,
  pylint: (code) => `# pylint: disable=${code}`,
  bandit: (code) => `# nosec ${code}`,
};

/** A check of each peer linter that no rule declares: its suppression must leave the rule's findings alone. */
const OTHER_CHECK: Record<string, string> = { ruff: 'E501', pylint: 'line-too-long', bandit: 'B105' };

/** The 0-based line of offset in text. */
function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length - 1;
}

/** How many lines inUsersFile puts above the example. */
function headerLines(rule: RuleDefinition, source: string): number {
  return inUsersFile(rule, source).split('\n').length - `${source}\n`.split('\n').length;
}

describe('documented rule examples', () => {
  let scratch = '';
  /** Where the examples are linted: a script, except for rules about package code (a module beside an `__init__.py`). */
  const locations = { script: '', packageModule: '' };
  const PACKAGE_RULES = new Set(['print-debugging-in-library']);

  before(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'perflens-examples-'));
    locations.script = path.join(scratch, 'train_model.py');
    mkdirSync(path.join(scratch, 'shop'));
    writeFileSync(path.join(scratch, 'shop', '__init__.py'), '');
    locations.packageModule = path.join(scratch, 'shop', 'orders.py');
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));

  async function findings(rule: RuleDefinition, source: string) {
    const engine = await getEngine();
    const filePath = PACKAGE_RULES.has(rule.id) ? locations.packageModule : locations.script;
    // Rules a suppression comment names run too: unused-suppression judges only comments for active rules.
    const suppressed = [...source.matchAll(/perflens: ignore\[([^\]]*)\]/g)].flatMap((m) => m[1].split(',').map((r) => r.trim()));
    const lint = () => engine.lintText(inUsersFile(rule, source), { select: [rule.id, ...suppressed], filePath });
    let result = lint();
    // The time budget is wall-clock: a stall of the machine (a CI run once stopped list-of-numbers-storage on its
    // three-line example) can stop a rule once. A rule that is really slow on the example is stopped again.
    if (result.failures.length > 0 && result.failures.every((f) => /checks took longer than/.test(f.error))) result = lint();
    assert.deepEqual(result.failures, []);
    return result.findings.filter((f) => f.ruleId === rule.id);
  }

  it('most rules document an example', () => {
    assert.ok(RULES_WITH_EXAMPLES.length > ALL_RULES.length / 2, `only ${RULES_WITH_EXAMPLES.length} of ${ALL_RULES.length} rules have an example`);
  });

  for (const rule of RULES_WITH_EXAMPLES) {
    const example = rule.docs.example!;
    describe(rule.id, () => {
      it('before and after parse without errors', async () => {
        const engine = await getEngine();
        for (const [name, source] of Object.entries(example)) {
          const tree = engine.parse(source);
          try {
            assert.ok(!tree.rootNode.hasError, `${rule.id}: docs.example.${name} does not parse:\n${source}`);
          } finally {
            tree.delete();
          }
        }
      });

      it('before is flagged', async () => {
        const got = await findings(rule, example.before);
        assert.ok(got.length > 0, `${rule.id} does not flag its own docs.example.before:\n${inUsersFile(rule, example.before)}`);
      });

      if (rule.peers) {
        // Each peer linter's suppression of its check, written on the flagged line, silences the rule too
        // (RuleDefinition.peers); the same linter's comment for another check does not.
        it("a peer linter's suppression of the same check silences it; another check's does not", async () => {
          const got = await findings(rule, example.before);
          const lines = example.before.split('\n');
          const startLines = new Set(got.map((f) => lineOf(inUsersFile(rule, example.before), f.start) - headerLines(rule, example.before)));
          const commented = (comment: string) => lines.map((l, i) => (startLines.has(i) ? `${l}  ${comment}` : l)).join('\n');
          for (const [tool, codes] of Object.entries(rule.peers!) as [string, string[]][]) {
            const silenced = await findings(rule, commented(PEER_COMMENT[tool](codes[0])));
            assert.deepEqual(silenced, [], `${rule.id}: ${tool} ${codes[0]} on the flagged line`);
            const other = await findings(rule, commented(PEER_COMMENT[tool](OTHER_CHECK[tool])));
            assert.equal(other.length, got.length, `${rule.id}: ${tool} ${OTHER_CHECK[tool]} is another check`);
          }
        });
      }

      it('after is not flagged', async () => {
        const got = await findings(rule, example.after);
        assert.deepEqual(
          got.map((f) => f.message),
          [],
          `${rule.id} flags its own docs.example.after:\n${inUsersFile(rule, example.after)}`,
        );
      });
    });
  }
});
