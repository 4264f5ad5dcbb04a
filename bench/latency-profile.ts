// Where an editor keystroke's time goes, in-process (no LSP): the same one-character edits as the
// latency figure, applied to a ParsedDocument, with the incremental parse, the incremental lint and
// the conversion to diagnostics timed apart, and the engine's per-rule profile of the lints.
//   node <out>/bench/latency-profile.js [lines=3500] ['{"ignore":["classes"]}']
// The server's options in the latency figure: '{"impact":"auto","filePath":"/tmp/perflens-bench/latency-3.5k.py"}' (with a
// filePath the engine reads the disk, as the server's does).
// It ends with the twelve slowest lints and why each was slow (a full lint, or the size of its region); of 200 edits the
// eleventh slowest is the p95.
// PERFLENS_CPU_CLOCK=1: every figure in this process's CPU time (see profile.ts), for builds compared on a busy machine.
if (process.env.PERFLENS_CPU_CLOCK) {
  performance.now = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
}
import { getHeapStatistics } from 'node:v8';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ALL_RULES } from '../rules';
import { Engine, newProfile, type EngineProfile } from '../server/engine/engine';
import type { LintOptions } from '../server/engine/options';
import { toDiagnostic } from '../server/lsp/convert';
import { ParsedDocument } from '../server/lsp/documents';
import { NODE_FILES } from '../server/project/fileProbe';
import { concatenated } from './corpus';
import { editPoints, lintBreakdown, percentiles, typeAndParse, type Percentiles } from './lsp';

async function main(): Promise<void> {
  const lines = Number(process.argv[2] ?? 3500);
  const options = JSON.parse(process.argv[3] ?? '{}') as LintOptions;
  const engine = await Engine.create(ALL_RULES, process.env.PERFLENS_DIST ?? __dirname);
  // As in the server, which lints with the file's path (impact: its project, its folders) and reads the disk.
  if (options.filePath) engine.files = NODE_FILES;
  const text = concatenated(lines);
  const doc = new ParsedDocument(TextDocument.create('file:///bench/latency.py', 'python', 1, text), engine);
  doc.lint(options);
  const parse: number[] = [];
  const lint: number[] = [];
  const convert: number[] = [];
  /** JS heap allocated per lint, in KB (a lint whose heap shrank, a collection ran in it, is left out): what brings the next collection closer. */
  const allocated: number[] = [];
  const profile = newProfile();
  let version = 1;
  const lints: { ms: number; at: number; full: boolean; regionChars: number; ranges: number; why: string }[] = [];
  for (const at of editPoints(text, 100)) {
    for (const insert of [true, false]) {
      parse.push(typeAndParse(doc, at, insert, ++version));
      let t0 = performance.now();
      const fullBefore = doc.lintStats.full;
      engine.profile = newProfile();
      const heapBefore = getHeapStatistics().used_heap_size;
      const details = doc.lint(options);
      lint.push(performance.now() - t0);
      const grown = getHeapStatistics().used_heap_size - heapBefore;
      if (grown >= 0) allocated.push(grown / 1024);
      const full = doc.lintStats.full > fullBefore;
      // The profile below sums the incremental lints only: a full lint's matches would hide them.
      if (!full) addProfile(profile, engine.profile);
      const ranges = doc.lintStats.lastRanges;
      lints.push({
        ms: lint[lint.length - 1],
        at,
        full,
        regionChars: ranges.reduce((n, r) => n + r.end - r.start, 0),
        ranges: ranges.length,
        why: lintBreakdown(engine.profile, lint[lint.length - 1]),
      });
      t0 = performance.now();
      for (const f of details.findings) toDiagnostic(doc.document, f, engine.rulesById.get(f.ruleId)!, '');
      convert.push(performance.now() - t0);
    }
  }
  const show = (p: Percentiles) => `p50 ${p.p50.toFixed(2)} ms, p95 ${p.p95.toFixed(2)} ms, max ${p.max.toFixed(1)} ms`;
  console.log(`${text.split('\n').length} lines, ${parse.length} edits (${doc.lintStats.full - 1} full lints, ${doc.lintStats.partial} incremental)`);
  console.log(`  incremental parse  ${show(percentiles(parse))}`);
  console.log(`  incremental lint   ${show(percentiles(lint))}`);
  console.log(`  to diagnostics     ${show(percentiles(convert))}`);
  const kb = percentiles(allocated);
  console.log(`  JS heap per lint   p50 ${kb.p50.toFixed(0)} KB, p95 ${kb.p95.toFixed(0)} KB (${allocated.length} lints without a collection)`);
  console.log(
    `  incremental lints: parse ${profile.parseMs.toFixed(0)} ms, queries ${profile.queryMs.toFixed(0)} ms (${profile.passes} passes; gated ${profile.gatedMs.toFixed(0)} ms, anchored ${profile.anchoredMs.toFixed(0)} ms), facts ${profile.factsMs.toFixed(0)} ms, ranking ${profile.rankingMs.toFixed(0)} ms (${profile.carriedImpacts} impacts carried), checks ${[...profile.rules.values()].reduce((n, r) => n + r.ms, 0).toFixed(0)} ms; lints in all ${lint.reduce((a, b) => a + b, 0).toFixed(0)} ms`,
  );
  // The query time per pass: the region's two parts (statements, module), and whole-tree passes of full lints.
  for (const [key, g] of [...profile.groups].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`    pass ${(key || '(base)').padEnd(40)} ${g.ms.toFixed(1).padStart(7)} ms ${String(g.passes).padStart(6)} runs`);
  }
  const rows = [...profile.rules.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  for (const [id, r] of rows) console.log(`    ${id.padEnd(44)} ${r.ms.toFixed(1).padStart(7)} ms ${String(r.matches).padStart(6)} matches`);
  // The edits behind the p95: a full lint (a module-level name or an import changed) or a large region.
  console.log('  slowest lints:');
  for (const l of lints.sort((a, b) => b.ms - a.ms).slice(0, 12)) {
    const what = l.full ? 'full lint' : `region ${l.regionChars} chars in ${l.ranges} range${l.ranges === 1 ? '' : 's'}`;
    console.log(`    ${l.ms.toFixed(2).padStart(7)} ms  ${what.padEnd(36)} at ${JSON.stringify(text.slice(l.at - 24, l.at + 12))}  ${l.why}`);
  }
  doc.dispose();
  engine.dispose();
}
void main();

function addProfile(into: EngineProfile, from: EngineProfile): void {
  into.parseMs += from.parseMs;
  into.queryMs += from.queryMs;
  into.gatedMs += from.gatedMs;
  into.anchoredMs += from.anchoredMs;
  into.factsMs += from.factsMs;
  into.rankingMs += from.rankingMs;
  into.carriedImpacts += from.carriedImpacts;
  into.passes += from.passes;
  for (const [id, r] of from.rules) {
    const entry = into.rules.get(id) ?? { ms: 0, matches: 0 };
    entry.ms += r.ms;
    entry.matches += r.matches;
    into.rules.set(id, entry);
  }
  for (const [key, g] of from.groups) {
    const entry = into.groups.get(key) ?? { ms: 0, passes: 0 };
    entry.ms += g.ms;
    entry.passes += g.passes;
    into.groups.set(key, entry);
  }
}
