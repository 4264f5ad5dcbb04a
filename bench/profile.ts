// Where linting time goes, per phase and per rule, on the stdlib (single thread):
//   node <out>/bench/profile.js [limit]
//   PERFLENS_CPU_CLOCK=1 node <out>/bench/profile.js [limit]   # every figure, "wall" too, in this process's CPU time
//   PERFLENS_PROFILE_PATHS=1 node <out>/bench/profile.js [limit]   # each file linted with its path, as the CLI does (rules
//     that skip test files then skip the stdlib's tests; without it every file is linted as an unnamed buffer)
//   PERFLENS_PROFILE_CLI=1 node <out>/bench/profile.js [limit]   # with the CLI's default JSON options and paths: the
//     proven rules only (engine.ts withoutUnseenRules), what the throughput figure runs; without it the editor's rule set
//   PERFLENS_PROFILE_WALK=1 ...   # the base pass walks the tree even where the text could find its captures (spelledBase.ts)
// On a shared machine the wall clock counts the time other processes hold the cores: at a load of 12-34
// on 2 cores, phases took 4x their CPU time and two runs of the same build differed by 20 %. The CPU
// clock (getrusage, about 1 us a reading, two per rule check) keeps runs of two builds comparable.
if (process.env.PERFLENS_CPU_CLOCK) {
  performance.now = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
}

/**
 * What one reading of the clock costs (ms), measured here: getrusage took 2-3 us a reading on the 2-core machine, against
 * 0.15 for the wall clock. A rule check is timed between two readings, so each figure counts about one reading's cost
 * per match: for recursion-without-memoization's 12,924 matches on every 4th stdlib file that was most of its figure.
 */
function clockReadingMs(): number {
  const rounds = 20_000;
  // Timed with the clock itself, so the figure is in the profile's own units (CPU time with PERFLENS_CPU_CLOCK).
  const started = performance.now();
  for (let i = 0; i < rounds; i++) performance.now();
  return (performance.now() - started) / rounds;
}
import { readFileSync } from 'node:fs';
import { ALL_RULES } from '../rules';
import { Engine, newProfile } from '../server/engine/engine';
import type { LintOptions } from '../server/engine/options';
import { decodeSource } from '../server/project/sourceFile';
import { stdlibFiles } from './corpus';

async function main(): Promise<void> {
  const engine = await Engine.create(ALL_RULES, process.env.PERFLENS_DIST ?? __dirname);
  const profile = newProfile();
  engine.profile = profile;
  if (process.env.PERFLENS_PROFILE_WALK) engine.spelledBase = false;
  const step = Number(process.argv[2] ?? 1);
  const files = stdlibFiles().filter((_, i) => i % step === 0);
  const asCli = Boolean(process.env.PERFLENS_PROFILE_CLI);
  const withPaths = asCli || Boolean(process.env.PERFLENS_PROFILE_PATHS);
  // `perflens check --format json`'s options (cli/main.ts): the default impact and preview, and no hint shown.
  const options: LintOptions = asCli ? { impact: 'auto', preview: false, hintsUnseen: true } : {};
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let findings = 0;
  for (const file of files) {
    let text: string;
    try {
      text = decodeSource(readFileSync(file)).text;
    } catch {
      continue;
    }
    findings += engine.lintText(text, withPaths ? { ...options, filePath: file } : options).findings.length;
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const checkMs = [...profile.rules.values()].reduce((s, r) => s + r.ms, 0);
  console.log(`${files.length} files, ${findings} findings, wall ${wall.toFixed(0)} ms, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`);
  console.log(
    `parse ${profile.parseMs.toFixed(0)} ms, query ${profile.queryMs.toFixed(0)} ms (${profile.passes} passes; gated ${profile.gatedMs.toFixed(0)} ms, anchored ${profile.anchoredMs.toFixed(0)} ms), facts ${profile.factsMs.toFixed(0)} ms, checks ${checkMs.toFixed(0)} ms${profile.inferenceMs > 0 ? ` (of which inference ${profile.inferenceMs.toFixed(0)} ms)` : ''}, impact ranking ${profile.rankingMs.toFixed(0)} ms`,
  );
  // The clock's own cost inside the check figures (one reading per timed check; see clockReadingMs).
  const matches = [...profile.rules.values()].reduce((s, r) => s + r.matches, 0);
  const reading = clockReadingMs();
  console.log(
    `clock: a reading costs ${(reading * 1000).toFixed(2)} us; each rule's figure below counts about one per match (${matches} matches: about ${(matches * reading).toFixed(0)} ms of the check time)`,
  );
  for (const [key, g] of [...profile.groups].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`  pass ${(key || '(base)').padEnd(60)} ${g.ms.toFixed(0).padStart(6)} ms ${String(g.passes).padStart(5)} passes`);
  }
  const rows = [...profile.rules.entries()].sort((a, b) => b[1].ms - a[1].ms);
  for (const [id, r] of rows.slice(0, 25)) console.log(`  ${id.padEnd(44)} ${r.ms.toFixed(0).padStart(7)} ms ${String(r.matches).padStart(8)} matches`);
  engine.dispose();
}
void main();
