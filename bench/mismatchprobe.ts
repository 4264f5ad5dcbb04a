// How often an incremental lint differs from a full lint of the same text before the idle-time
// check corrects it, over seeded random edits (mostly one-character typing, some hostile
// mutations) of large stdlib modules and of the file of every rule's positive fixture:
//   node <out>/bench/mismatchprobe.js [edits per stdlib module=120] [edits per fixture seed=100] [nostd]
// PERFLENS_MISMATCH_SEEDS=<n,n,…> runs other seeds (default 11,12,13): the fixture file with each, and each stdlib module
// with each added to its usual seed.
// With PERFLENS_MISMATCH_REPLAY=<seed>, replays the fixture run of that seed up to its first
// difference and prints the edit, what differed and the region that was re-linted. Rules run
// without their time budget; a difference where a rule failed anyway is printed and passed over.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ALL_RULES } from '../rules';
import { Engine } from '../server/engine/engine';
import { IncrementalLinter } from '../server/engine/incremental';
import type { Tree } from '../server/syntax/parser';
import { fixtureFile, rng } from '../test/stress/corpus';
import { applyEdit, randomTyping, runIncremental, summary } from '../test/stress/incrementalCheck';
import { stdlibDir } from './corpus';

const MODULES = [
  'argparse.py',
  'typing.py',
  'dataclasses.py',
  'inspect.py',
  'subprocess.py',
  'tarfile.py',
  'threading.py',
  'asyncio/base_events.py',
  'logging/__init__.py',
  'functools.py',
];

async function rates(engine: Engine): Promise<void> {
  const moduleEdits = Number(process.argv[2] ?? 120);
  const fixtureEdits = Number(process.argv[3] ?? 100);
  const show = (label: string, run: ReturnType<typeof runIncremental>) => {
    console.log(`${label.padEnd(26)} ${run.edits} edits, ${run.partial} incremental, ${run.mismatches.length} differed, ${run.uncorrected} not corrected`);
    for (const m of run.mismatches.slice(0, 2)) {
      console.log(`    edit ${JSON.stringify(m.change)}: ${JSON.stringify(m.text.slice(m.change.start - 60, m.change.start + m.change.newText.length + 30))}`);
      console.log(`      only incremental: ${JSON.stringify(m.incremental.filter((x) => !m.full.includes(x)).map((x) => x.slice(0, 90)))}`);
      console.log(`      only full:        ${JSON.stringify(m.full.filter((x) => !m.incremental.includes(x)).map((x) => x.slice(0, 90)))}`);
      if (m.failed.length > 0) console.log(`      stopped rules:    ${JSON.stringify(m.failed)}`);
    }
  };
  let edits = 0;
  let differed = 0;
  const seeds = (process.env.PERFLENS_MISMATCH_SEEDS ?? '11,12,13').split(',').map(Number);
  for (const name of process.argv[4] === 'nostd' ? [] : MODULES) {
    // The usual run adds nothing to the module's seed.
    for (const seed of process.env.PERFLENS_MISMATCH_SEEDS ? seeds : [0]) {
      const text = readFileSync(path.join(stdlibDir(), name), 'utf8');
      const run = runIncremental(engine, text, moduleEdits, rng(name.length * 7919 + seed), 0.9);
      show(seed === 0 ? name : `${name}, seed ${seed}`, run);
      edits += run.edits;
      differed += run.mismatches.length;
    }
  }
  for (const seed of seeds) {
    const run = runIncremental(engine, fixtureFile(), fixtureEdits, rng(seed));
    show(`fixtures, seed ${seed}`, run);
    edits += run.edits;
    differed += run.mismatches.length;
  }
  console.log(`${differed} of ${edits} incremental results differed from a full lint`);
}

/** The same edits as runIncremental's fixture run, stopping at the first difference. */
async function replay(engine: Engine, seed: number): Promise<void> {
  let text = fixtureFile();
  const next = rng(seed);
  const linter = new IncrementalLinter(engine, true);
  const options = { select: ['ALL'], impact: (process.env.PERFLENS_IMPACT ?? 'all') as 'auto' | 'all' };
  let tree: Tree = engine.parse(text);
  linter.lint(tree, text, options, null);
  for (let i = 0; i < 1000; i++) {
    const edit = randomTyping(text, next, 0.8); // runIncremental's default share
    const edited = applyEdit(engine, tree, text, edit);
    tree = edited.tree;
    text = edited.text;
    const incrementalLint = linter.lint(tree, text, options, [edited.change], edited.changedRanges);
    const fullLint = engine.lint(tree, text, options);
    const incremental = summary(incrementalLint);
    const full = summary(fullLint);
    if (incremental.join('\n') === full.join('\n')) continue;
    // A rule that failed (threw) is dropped from that lint: its findings are missing there, not a difference of the region.
    const stopped = [...incrementalLint.failures, ...fullLint.failures].map((f) => `${f.ruleId}: ${f.error.split('\n')[0]}`);
    if (stopped.length > 0) {
      console.log(`edit ${i}: differed with rules stopped (${stopped.join('; ')}); going on`);
      continue;
    }
    console.log(`edit ${i}: ${JSON.stringify(edit)} in ${JSON.stringify(text.slice(edit.start - 80, edit.start + edit.newText.length + 40))}`);
    console.log(`  only incremental: ${JSON.stringify(incremental.filter((x) => !full.includes(x)))}`);
    console.log(`  only full:        ${JSON.stringify(full.filter((x) => !incremental.includes(x)))}`);
    console.log(`  re-linted ${JSON.stringify(linter.stats.lastRanges)}; syntax errors: ${tree.rootNode.hasError}`);
    break;
  }
  tree.delete();
}

async function main(): Promise<void> {
  const engine = await Engine.create(ALL_RULES, process.env.PERFLENS_DIST ?? __dirname);
  // No time budget per rule: on a busy machine a rule's checks on the 200k-character fixture file ran over it (3 s) in
  // one lint and not the other, and the rule's findings went missing there (round 59: every difference of a replay at
  // load 16-19). What the probe measures is the region, not the machine.
  engine.ruleBudgetMs = { base: 0, perChar: 0 };
  const seed = process.env.PERFLENS_MISMATCH_REPLAY;
  if (seed) await replay(engine, Number(seed));
  else await rates(engine);
  engine.dispose();
}
void main();
