// The keystroke's deterministic cost: the latency figure's 200 edits (a letter typed, then deleted) applied to a
// ParsedDocument `rounds` times, keeping each edit's lowest incremental-parse and lint time over the rounds (a
// busy machine only adds to a time). Prints the p50/p95 of those minima, their ratio, and the slowest edits. The parse is
// `getTree` alone, the span the server's status reports as parseMs; the text update before it is timed apart.
//   node <out>/bench/keymin.js [lines=3500] [rounds=5]
//   KEYMIN_STEPS=1: also the steps of the lints (IncrementalStats.steps), summed over every edit and over the slowest 20,
//   each edit counted in the round of its lowest lint time.
import { newProfile } from '../server/engine/engine';
import { latencyDocument, latencyOptions } from './inProcess';
import { editPoints, lintBreakdown, percentiles, typeAndParseParts } from './lsp';

async function main(): Promise<void> {
  const lines = Number(process.argv[2] ?? 3500);
  const rounds = Number(process.argv[3] ?? 5);
  const options = latencyOptions(lines);
  const { engine, doc, text } = await latencyDocument(lines, options);
  const points = editPoints(text, 100);
  const parse: number[] = [];
  const update: number[] = [];
  const lint: number[] = [];
  const region: number[] = [];
  const why: string[] = [];
  const spans: string[] = [];
  const steps: Map<string, number>[] = [];
  let version = 1;
  const only = process.env.KEYMIN_ONLY ? new Set(process.env.KEYMIN_ONLY.split(',').map(Number)) : null;
  for (let round = 0; round < rounds; round++) {
    let k = 0;
    for (const at of points) {
      for (const insert of [true, false]) {
        // KEYMIN_ONLY=<offset>[,<offset>…]: only the two edits at each offset (a letter typed, then deleted: the text is the
        // same after each pair), for a CPU profile of a few slow edits.
        if (only !== null && !only.has(at)) {
          k++;
          continue;
        }
        const { update: u, parse: p } = typeAndParseParts(doc, at, insert, ++version);
        if (process.env.KEYMIN_STEPS) doc.lintStats.steps = new Map();
        const t0 = performance.now();
        if (process.env.KEYMIN_PROFILE) engine.profile = newProfile();
        doc.lint(options);
        const l = performance.now() - t0;
        parse[k] = Math.min(parse[k] ?? Infinity, p);
        update[k] = Math.min(update[k] ?? Infinity, u);
        // KEYMIN_PROFILE=parts: also each region query part's time and passes (on statements, on the module, both at once).
        if (l < (lint[k] ?? Infinity) && process.env.KEYMIN_PROFILE)
          why[k] =
            lintBreakdown(engine.profile!, l, 2) +
            (process.env.KEYMIN_PROFILE === 'parts'
              ? ` [${[...engine.profile!.groups].map(([g, e]) => `${g || 'base'} ${e.ms.toFixed(2)}/${e.passes}`).join(', ')}; gated ${engine.profile!.gatedMs.toFixed(2)}, anchored ${engine.profile!.anchoredMs.toFixed(2)}]`
              : '');
        if (l < (lint[k] ?? Infinity) && doc.lintStats.steps) steps[k] = doc.lintStats.steps;
        lint[k] = Math.min(lint[k] ?? Infinity, l);
        region[k] = doc.lintStats.lastRanges.reduce((n, r) => n + r.end - r.start, 0);
        // KEYMIN_RANGES=1: each slow edit's region spans (line of each span's start, its length), to see what a region holds.
        if (process.env.KEYMIN_RANGES && round === 0)
          spans[k] = doc.lintStats.lastRanges.map((r) => `L${doc.getText().slice(0, r.start).split('\n').length}+${r.end - r.start}`).join(' ');
        k++;
      }
    }
  }
  const pp = percentiles(parse.filter((x) => x !== undefined));
  const lp = percentiles(lint.filter((x) => x !== undefined));
  // Until round 62 the parse figure included the text update, which the server does outside its timing: the ratio on
  // that figure is printed last, for comparison with earlier rounds.
  const withUpdate = percentiles(parse.map((p, k) => p + update[k]).filter((x) => !Number.isNaN(x)));
  console.log(
    `${lines} lines, ${rounds} rounds: per-edit minimum parse p50 ${pp.p50.toFixed(3)} p95 ${pp.p95.toFixed(3)}; lint p50 ${lp.p50.toFixed(3)} p95 ${lp.p95.toFixed(3)}; ratio p95 ${(lp.p95 / pp.p95).toFixed(2)}, sum lint ${lint.reduce((a, b) => a + b, 0).toFixed(0)} ms; text update p95 ${percentiles(update.filter((x) => x !== undefined)).p95.toFixed(3)}, parse with it p95 ${withUpdate.p95.toFixed(3)}: ratio ${(lp.p95 / withUpdate.p95).toFixed(2)} (keymin's figure before round 62)`,
  );
  const order = lint
    .map((_, k) => k)
    .filter((k) => lint[k] !== undefined)
    .sort((a, b) => lint[b] - lint[a])
    .slice(0, Number(process.env.KEYMIN_TOP ?? 14));
  for (const k of order) {
    const at = points[k >> 1];
    console.log(
      `  ${lint[k].toFixed(2).padStart(6)} ms (parse ${parse[k].toFixed(2)})  region ${String(region[k]).padStart(5)} @${at} ${k & 1 ? 'del' : 'ins'} ${JSON.stringify(text.slice(at - 24, at + 12))} ${why[k] ?? ''}${spans[k] ? `\n      ${spans[k]}` : ''}`,
    );
  }
  if (process.env.KEYMIN_STEPS) printSteps(lint, steps);
  doc.dispose();
  engine.dispose();
}
/** The step sums (ms, and share of the lints' time) over every edit and over the 20 slowest (KEYMIN_STEPS). */
function printSteps(lint: number[], steps: Map<string, number>[]): void {
  const edits = lint.map((_, k) => k).filter((k) => lint[k] !== undefined);
  const slowest = [...edits].sort((a, b) => lint[b] - lint[a]).slice(0, 20);
  for (const [label, ks] of [
    ['every edit', edits],
    ['slowest 20', slowest],
  ] as const) {
    const sums = new Map<string, number>();
    for (const k of ks) for (const [step, ms] of steps[k] ?? []) sums.set(step, (sums.get(step) ?? 0) + ms);
    const total = ks.reduce((n, k) => n + lint[k], 0);
    const parts = [...sums].map(([step, ms]) => `${step} ${ms.toFixed(2)} (${((100 * ms) / total).toFixed(0)} %)`);
    console.log(`  steps, ${label}: lints ${total.toFixed(2)} ms: ${parts.join(', ')}`);
  }
}

void main();
