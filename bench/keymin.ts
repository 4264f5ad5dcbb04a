// The keystroke's deterministic cost: the latency figure's 200 edits (a letter typed, then deleted) applied to a
// ParsedDocument `rounds` times, keeping each edit's lowest incremental-parse and lint time over the rounds (a
// busy machine only adds to a time). Prints the p50/p95 of those minima, their ratio, and the slowest edits.
//   node <out>/bench/keymin.js [lines=3500] [rounds=5]
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ALL_RULES } from '../rules';
import { Engine, newProfile } from '../server/engine/engine';
import type { LintOptions } from '../server/engine/options';
import { ParsedDocument } from '../server/lsp/documents';
import { NODE_FILES } from '../server/project/fileProbe';
import { concatenated } from './corpus';
import { editPoints, lintBreakdown, percentiles, typeAndParse } from './lsp';

async function main(): Promise<void> {
  const lines = Number(process.argv[2] ?? 3500);
  const rounds = Number(process.argv[3] ?? 5);
  const options: LintOptions = { impact: 'auto', filePath: `/tmp/perflens-bench/latency-${lines}.py` } as LintOptions;
  const engine = await Engine.create(ALL_RULES, process.env.PERFLENS_DIST ?? __dirname);
  engine.files = NODE_FILES;
  const text = concatenated(lines);
  const doc = new ParsedDocument(TextDocument.create('file:///bench/latency.py', 'python', 1, text), engine);
  doc.lint(options);
  const points = editPoints(text, 100);
  const parse: number[] = [];
  const lint: number[] = [];
  const region: number[] = [];
  const why: string[] = [];
  const spans: string[] = [];
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
        const p = typeAndParse(doc, at, insert, ++version);
        const t0 = performance.now();
        if (process.env.KEYMIN_PROFILE) engine.profile = newProfile();
        doc.lint(options);
        const l = performance.now() - t0;
        parse[k] = Math.min(parse[k] ?? Infinity, p);
        // KEYMIN_PROFILE=parts: also each region query part's time and passes (on statements, on the module, both at once).
        if (l < (lint[k] ?? Infinity) && process.env.KEYMIN_PROFILE)
          why[k] =
            lintBreakdown(engine.profile!, l, 2) +
            (process.env.KEYMIN_PROFILE === 'parts'
              ? ` [${[...engine.profile!.groups].map(([g, e]) => `${g || 'base'} ${e.ms.toFixed(2)}/${e.passes}`).join(', ')}]`
              : '');
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
  console.log(
    `${lines} lines, ${rounds} rounds: per-edit minimum parse p50 ${pp.p50.toFixed(3)} p95 ${pp.p95.toFixed(3)}; lint p50 ${lp.p50.toFixed(3)} p95 ${lp.p95.toFixed(3)}; ratio p95 ${(lp.p95 / pp.p95).toFixed(2)}, sum lint ${lint.reduce((a, b) => a + b, 0).toFixed(0)} ms`,
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
  doc.dispose();
  engine.dispose();
}
void main();
