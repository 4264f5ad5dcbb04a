// `npm run stress [-- --minutes N] [--protocol-minutes M] [--seed S] [--steps N]`: the long reliability run. Lints
// every file of the standard library, a 100k-line file, then — until the time is up — seeded random
// mutations of real files (engine invariants, no crash, no hang) and random edit sequences
// (incremental result vs full lint, and the idle-time correction). Then M minutes (default 5; 0: none)
// of the protocol fuzzer against the real server (protocolFuzz.ts). Prints the counts; exits 1 on any
// violation. `--minutes 0 --protocol-minutes M` runs the fuzzer alone; `--steps N` stops it after N operations
// (the first N operations of a run with the same seed, to replay a violation).
import { readFileSync, writeFileSync } from 'node:fs';
import { ALL_RULES } from '../../rules';
import { Engine } from '../../server/engine/engine';
import { decodeSource } from '../../server/project/sourceFile';
import { fixtureSources, hostileInputs, mutate, rng, stdlibFiles } from './corpus';
import { runIncremental } from './incrementalCheck';
import { formatReport, fuzzProtocol } from './protocolFuzz';

const argv = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const minutes = arg('--minutes', 10);
const protocolMinutes = arg('--protocol-minutes', 5);
const seed = arg('--seed', Date.now() % 100000);
/** The protocol fuzzer stops after this many operations (replaying a run's start); default: when its minutes are up. */
const steps = arg('--steps', Infinity);
const DIST = process.env.PERFLENS_DIST!;
/** Where run.mjs reads what the run was doing if it has to stop a hung run (null: not told). */
const STATUS_FILE = process.env.PERFLENS_STRESS_STATUS ?? null;
const doing = (what: string) => {
  if (STATUS_FILE) writeFileSync(STATUS_FILE, `${what} (seed ${seed})\n`);
};

interface Counts {
  [k: string]: number;
}

/** PERFLENS_FUZZ_TIMES=1: every answered request of the protocol fuzzer, with its step and time (to see what waited on what). */
const onAnswer = process.env.PERFLENS_FUZZ_TIMES
  ? (step: number, label: string, ms: number) => console.log(`  step ${step}: ${ms.toFixed(0).padStart(6)} ms ${label}`)
  : undefined;

async function main(): Promise<void> {
  // The seed first: a run that hangs never gets to print its summary.
  console.log(`stress run: seed ${seed}, ${minutes} + ${protocolMinutes} (protocol) minutes (the same run again: --seed ${seed})`);
  const engine = await Engine.create(ALL_RULES, DIST);
  if (minutes > 0) await engineRun(engine);
  if (protocolMinutes > 0) {
    doing(`fuzzing the protocol for ${protocolMinutes} minutes`);
    const report = await fuzzProtocol({ seed, durationMs: protocolMinutes * 60_000, engine, hugeEvery: 150, maxSteps: steps, onAnswer });
    console.log(`\n${formatReport(report)}`);
    if (report.violations.length > 0) process.exitCode = 1;
  }
  engine.dispose();
}

/** The engine part: the stdlib, the 100k-line file and hostile inputs, then mutations and incremental edits until the deadline. */
async function engineRun(engine: Engine): Promise<void> {
  const counts: Counts = {};
  const bump = (k: string, n = 1) => (counts[k] = (counts[k] ?? 0) + n);
  const violations: string[] = [];
  const slowRules = new Map<string, number>();
  const started = performance.now();
  const deadline = started + minutes * 60_000;
  let slowest = { ms: 0, label: '' };

  const check = (text: string, label: string) => {
    const t0 = performance.now();
    let r;
    try {
      r = engine.lintText(text, { select: ['ALL'], maxFileSize: 10_000_000 });
    } catch (error) {
      violations.push(`${label}: engine threw ${String(error)}`);
      return;
    }
    const ms = performance.now() - t0;
    if (ms > slowest.ms) slowest = { ms, label };
    bump('lints');
    if (r.hasSyntaxErrors) bump('lints with syntax errors');
    bump('findings', r.findings.length);
    for (const f of r.failures) {
      if (/checks took longer than/.test(f.error)) slowRules.set(f.ruleId, (slowRules.get(f.ruleId) ?? 0) + 1);
      else violations.push(`${label}: rule ${f.ruleId} threw: ${f.error.split('\n')[0]}`);
    }
    for (const f of r.findings) {
      if (f.start < 0 || f.end < f.start || f.end > text.length) violations.push(`${label}: ${f.ruleId} range out of the text`);
      for (const e of f.fix?.edits ?? [])
        if (e.start < 0 || e.end < e.start || e.end > text.length) violations.push(`${label}: ${f.ruleId} fix edit out of the text`);
    }
  };

  // 1. Every stdlib file.
  doing('linting the standard library');
  const files = stdlibFiles();
  const texts: { name: string; text: string }[] = [];
  for (const file of files) {
    try {
      const text = decodeSource(readFileSync(file)).text;
      texts.push({ name: file, text });
      check(text, file);
      bump('stdlib files');
    } catch {
      bump('stdlib files unreadable (binary or undecodable, skipped as the CLI does)');
    }
  }
  console.log(`stdlib: ${counts['stdlib files']} files in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  // 2. A 100k-line file and the hostile inputs.
  let big = '';
  for (const t of texts) {
    if (big.split('\n').length > 100_000) break;
    big += t.text + '\n';
  }
  const t0 = performance.now();
  doing('linting the 100k-line file and the hostile inputs');
  check(big, '100k-line file');
  console.log(`100k-line file (${big.split('\n').length} lines): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const h of hostileInputs()) check(h.text, `hostile: ${h.name}`);
  bump('hostile inputs', hostileInputs().length);

  // 3. Until the deadline: mutations of real files, and incremental edit sequences.
  const next = rng(seed);
  const fixtures = fixtureSources();
  let round = 0;
  while (performance.now() < deadline) {
    round++;
    for (let i = 0; i < 50 && performance.now() < deadline; i++) {
      const pool = next() < 0.5 ? fixtures : texts;
      const source = pool[Math.floor(next() * pool.length)];
      const text = mutate(source.text, 1 + Math.floor(next() * 10), next);
      doing(`round ${round}: linting mutation ${i + 1} of ${source.name}`);
      check(text, `mutation of ${source.name} (seed ${seed}, round ${round})`);
      bump('mutated files');
    }
    if (performance.now() >= deadline) break;
    const pool = next() < 0.5 ? fixtures : texts.filter((t) => t.text.length < 200_000);
    const source = pool[Math.floor(next() * pool.length)];
    doing(`round ${round}: 30 incremental edits of ${source.name}`);
    const run = runIncremental(engine, source.text, 30, next, 0.7);
    bump('incremental edits', run.edits);
    bump('incremental lints', run.partial);
    bump('incremental results differing from a full lint (corrected by the idle-time check)', run.mismatches.length);
    if (run.uncorrected > 0) violations.push(`incremental: ${run.uncorrected} results not corrected by verify() on ${source.name} (seed ${seed})`);
  }

  const elapsed = (performance.now() - started) / 1000;
  console.log(`\nstress run: ${elapsed.toFixed(0)} s, seed ${seed}`);
  for (const [k, v] of Object.entries(counts)) console.log(`  ${k}: ${v.toLocaleString('en')}`);
  console.log(`  slowest lint: ${slowest.ms.toFixed(0)} ms (${slowest.label.slice(0, 100)})`);
  for (const [rule, n] of slowRules) console.log(`  rule stopped by the time budget: ${rule} (${n} files)`);
  if (violations.length) {
    console.log(`\n${violations.length} violations:`);
    for (const v of violations.slice(0, 50)) console.log(`  ${v}`);
    process.exitCode = 1;
  } else {
    console.log('  violations: 0');
  }
}

void main();
