// What a keystroke's lint allocates on the JS heap: the latency figure's 200 edits (typeAndParse + doc.lint, as keymin
// does) `rounds` times in one process, after `warm` rounds, with each lint's heap growth (used_heap_size before and
// after; run with a large young generation, --max-semi-space-size=64, so that no collection lands in a lint) and, with
// ALLOCPROBE_SAMPLE=<file>, a sampling heap profile of the timed rounds that keeps the objects young collections freed
// (inspector HeapProfiler.startSampling; open the .heapprofile in Chrome's DevTools, or ALLOCPROBE_TOP=n prints the n
// functions that allocated most, self, with their callers' names).
//   node --max-semi-space-size=64 <out>/bench/allocprobe.js [lines=3500] [rounds=3] [warm=3]
// ALLOCPROBE_CPU=1: every time on this process's CPU clock (all threads), not the wall clock (see profile.ts).
if (process.env.ALLOCPROBE_CPU) {
  performance.now = () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1000;
  };
}
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { getHeapStatistics } from 'node:v8';
import { latencyDocument, latencyOptions } from './inProcess';
import { editPoints, percentiles, typeAndParse } from './lsp';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
}

/** The functions that allocated most (self bytes), each with its two nearest callers. */
function topAllocators(root: ProfileNode, n: number): string[] {
  const self = new Map<string, number>();
  const walk = (node: ProfileNode, path: string[]): void => {
    const f = node.callFrame;
    const name = `${f.functionName || '(anon)'}:${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    const key = [name, ...path.slice(-2).reverse()].join(' < ');
    if (node.selfSize > 0) self.set(key, (self.get(key) ?? 0) + node.selfSize);
    for (const c of node.children) walk(c, [...path, name]);
  };
  walk(root, []);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [
    `sampled ${(total / 1e6).toFixed(1)} MB`,
    ...[...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)} %  ${(v / 1e3).toFixed(0).padStart(7)} KB  ${k}`),
  ];
}

async function main(): Promise<void> {
  const lines = Number(process.argv[2] ?? 3500);
  const rounds = Number(process.argv[3] ?? 3);
  const warm = Number(process.argv[4] ?? 3);
  const options = latencyOptions(lines);
  const { engine, doc, text } = await latencyDocument(lines, options);
  const points = editPoints(text, 100);
  let version = 1;
  const session = new Session();
  const sampleTo = process.env.ALLOCPROBE_SAMPLE;
  const kb: number[] = [];
  let skipped = 0;
  /** Each round's lint times, edit by edit, and whether a collection ran in the lint (the heap shrank). */
  const perRound: number[][] = [];
  const collected: boolean[][] = [];
  // ALLOCPROBE_THRASH=<MB>: touch that much memory between edits, as the client, the kernel and the other processes
  // do between a server's lints (the caches a lint finds are cold).
  const thrash = new Uint8Array(Number(process.env.ALLOCPROBE_THRASH ?? 0) * 1e6);
  for (let round = 0; round < warm + rounds; round++) {
    if (round === warm && sampleTo) {
      session.connect();
      await post(session, 'HeapProfiler.enable');
      await post(session, 'HeapProfiler.startSampling', {
        samplingInterval: Number(process.env.ALLOCPROBE_INTERVAL ?? 512),
        includeObjectsCollectedByMinorGC: true,
        includeObjectsCollectedByMajorGC: true,
      });
    }
    const times: number[] = [];
    const gcs: boolean[] = [];
    for (const at of points) {
      for (const insert of [true, false]) {
        typeAndParse(doc, at, insert, ++version);
        for (let i = 0; i < thrash.length; i += 64) thrash[i]++;
        const before = getHeapStatistics().used_heap_size;
        const t0 = performance.now();
        doc.lint(options);
        times.push(performance.now() - t0);
        const grown = getHeapStatistics().used_heap_size - before;
        gcs.push(grown < 0);
        if (round < warm) continue;
        if (grown < 0) skipped++;
        else kb.push(grown / 1024);
      }
    }
    // The JIT's warm-up as it shows in each round's lint times (the first rounds still optimise, and deoptimise).
    perRound.push(times);
    collected.push(gcs);
    const tp = percentiles(times);
    console.log(`round ${round}: lint sum ${times.reduce((a, b) => a + b, 0).toFixed(1)} ms, p50 ${tp.p50.toFixed(3)}, p95 ${tp.p95.toFixed(3)}`);
  }
  // Each round's lints against each edit's lowest time over the rounds: how far a single pass sits above its floor.
  const floor = perRound[0].map((_, k) => Math.min(...perRound.map((t) => t[k])));
  for (const [r, times] of perRound.entries()) {
    const ratios = percentiles(times.map((t, k) => t / floor[k]));
    const withGc = times.filter((_, k) => collected[r][k]);
    console.log(
      `round ${r}: time ÷ per-edit floor p50 ${ratios.p50.toFixed(2)} p95 ${ratios.p95.toFixed(2)}; lints with a collection ${withGc.length}${withGc.length ? `, ÷ floor p50 ${percentiles(times.map((t, k) => t / floor[k]).filter((_, k) => collected[r][k])).p50.toFixed(2)}` : ''}`,
    );
  }
  const p = percentiles(kb);
  const sum = kb.reduce((a, b) => a + b, 0);
  console.log(
    `${lines} lines, ${rounds} rounds after ${warm}: heap growth per lint p50 ${p.p50.toFixed(0)} KB, p95 ${p.p95.toFixed(0)} KB, mean ${(sum / kb.length).toFixed(0)} KB (${skipped} lints with a collection left out)`,
  );
  if (sampleTo) {
    const { profile } = await post<{ profile: { head: ProfileNode } }>(session, 'HeapProfiler.stopSampling');
    writeFileSync(sampleTo, JSON.stringify(profile));
    for (const line of topAllocators(profile.head, Number(process.env.ALLOCPROBE_TOP ?? 30))) console.log(line);
    session.disconnect();
  }
  doc.dispose();
  engine.dispose();
}
void main();
