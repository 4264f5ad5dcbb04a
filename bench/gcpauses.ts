// Garbage collection while typing: the latency figure's 200 edits (typeAndParse + doc.lint, as keymin does) in one
// process, per round the young (scavenge) and full collections, their pauses, where they landed, and how much the
// heap grew (what survived the young collections: promoted, freed only by a full collection).
// Run with --expose-gc (a full collection between rounds) and compare builds by running each's copy in turn.
import { PerformanceObserver, constants } from 'node:perf_hooks';
import type { LintOptions } from '../server/engine/options';
import { latencyDocument, latencyOptions } from './inProcess';
import { editPoints, percentiles, typeAndParse } from './lsp';

interface Pause {
  start: number;
  ms: number;
  kind: number;
}

async function main(): Promise<void> {
  const lines = Number(process.argv[2] ?? 3500);
  const rounds = Number(process.argv[3] ?? 3);
  const options = latencyOptions(lines, JSON.parse(process.env.GCPAUSES_OPTIONS ?? '{}') as Partial<LintOptions>);
  const { engine, doc, text } = await latencyDocument(lines, options);
  const pauses: Pause[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      pauses.push({ start: e.startTime, ms: e.duration, kind: (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0 });
  });
  observer.observe({ entryTypes: ['gc'] });
  const points = editPoints(text, 100);
  const gc = (globalThis as { gc?: () => void }).gc;
  let version = 1;
  const totals = { young: 0, youngMs: 0, fullMs: 0, grownMb: 0 };
  for (let round = 0; round < rounds; round++) {
    const lints: [number, number][] = [];
    const lint: number[] = [];
    gc?.();
    await new Promise((r) => setTimeout(r, 10));
    pauses.length = 0;
    const heap0 = process.memoryUsage().heapUsed;
    for (const at of points) {
      for (const insert of [true, false]) {
        typeAndParse(doc, at, insert, ++version);
        const t0 = performance.now();
        doc.lint(options);
        const t1 = performance.now();
        lint.push(t1 - t0);
        lints.push([t0, t1]);
      }
    }
    const grown = (process.memoryUsage().heapUsed - heap0) / 1e6;
    await new Promise((r) => setTimeout(r, 20));
    const young = pauses.filter((p) => p.kind === constants.NODE_PERFORMANCE_GC_MINOR);
    const full = pauses.filter((p) => p.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
    const inLint = pauses.filter((p) => lints.some(([a, b]) => p.start >= a && p.start < b));
    const sum = (ps: Pause[]) => ps.reduce((s, p) => s + p.ms, 0);
    const lp = percentiles(lint);
    console.log(
      `round ${round}: ${young.length} young collections, ${sum(young).toFixed(1)} ms (max ${Math.max(0, ...young.map((p) => p.ms)).toFixed(1)}); ` +
        `${full.length} full, ${sum(full).toFixed(1)} ms; ${inLint.length} landed in a lint; heap grew ${grown.toFixed(1)} MB; lint p50 ${lp.p50.toFixed(2)} p95 ${lp.p95.toFixed(2)} ms`,
    );
    if (round === 0) continue; // the first round still compiles and fills the caches
    totals.young += young.length;
    totals.youngMs += sum(young);
    totals.fullMs += sum(full);
    totals.grownMb += grown;
  }
  const n = Math.max(1, rounds - 1);
  console.log(
    `mean of rounds 1-${rounds - 1}: ${(totals.young / n).toFixed(1)} young collections, ${(totals.youngMs / n).toFixed(1)} ms; full ${(totals.fullMs / n).toFixed(1)} ms; heap grew ${(totals.grownMb / n).toFixed(1)} MB per 200 edits`,
  );
  observer.disconnect();
  doc.dispose();
  engine.dispose();
}
void main();
