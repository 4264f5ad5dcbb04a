// The latency figure's server-timed ratio edit by edit: the same 200 edits as `npm run bench`'s latency part, sent to
// one or more servers (alternately, `runs` times each), printing each run's rules p95 ÷ re-parse p95 from the servers'
// own status notifications and the slowest edits (rules ms @ edit index). An edit slow in every run is the code's;
// one slow in a single run is the machine's (bench/README.md, round of 2026-11-25 evening).
//   node <out>/out/bench/bench/servertimes.js [lines=3500] [runs=1] [server.js …]   (default: this build's server)
//   SERVERTIMES_PASSES=n: the 200 edits n times on one server, each pass's figure (the first pass pays the JIT's warm-up)
import * as path from 'node:path';
import { TestClient } from '../test/lsp/lspClient';
import { concatenated } from './corpus';
import { editPoints, letterEdit, percentiles } from './lsp';

async function run(server: string, text: string, passes: number): Promise<void> {
  const client = new TestClient(server);
  await client.initialize({ pull: true, initializationOptions: { status: true, settings: {} } });
  const uri = `file:///tmp/perflens-bench/latency-${text.length}.py`;
  await client.open(uri, text);
  // Six pulls, as the bench did before its warm-up with real edits: the first lints in full, the rest are answered from
  // the cache, so pass 0 pays the JIT's warm-up (which is what SERVERTIMES_PASSES shows).
  for (let i = 0; i < 6; i++) await client.pull(uri);
  const points = editPoints(text, 100);
  let version = 1;
  let current = text;
  for (let pass = 0; pass < passes; pass++) {
    const rules: number[] = [];
    const parse: number[] = [];
    for (const at of points) {
      for (const insert of [true, false]) {
        const { change, next } = letterEdit(current, at, insert);
        current = next;
        await client.change(uri, ++version, [change]);
        const before = client.statuses.length;
        await client.pull(uri);
        const status = client.statuses.slice(before).find((x) => x.uri === uri) as { lintMs: number; parseMs: number } | undefined;
        if (!status) throw new Error(`no status for edit ${rules.length}`);
        rules.push(status.lintMs - status.parseMs);
        parse.push(status.parseMs);
      }
    }
    const r = percentiles(rules);
    const p = percentiles(parse);
    const slow = rules
      .map((ms, k) => [ms, k])
      .sort((a, b) => b[0] - a[0])
      .slice(0, 14);
    console.log(
      `${server}${passes > 1 ? ` pass ${pass}` : ''}: rules p50 ${r.p50.toFixed(1)} p95 ${r.p95.toFixed(1)} / re-parse p50 ${p.p50.toFixed(1)} p95 ${p.p95.toFixed(1)}; ratio ${(r.p95 / p.p95).toFixed(2)}\n  slowest, ms@edit: ${slow.map(([ms, k]) => `${ms.toFixed(1)}@${k}`).join(' ')}`,
    );
  }
  await client.shutdown();
}

async function main(): Promise<void> {
  const lines = Number(process.argv[2] ?? 3500);
  const runs = Number(process.argv[3] ?? 1);
  const servers =
    process.argv.length > 4 ? process.argv.slice(4) : [path.join(process.env.PERFLENS_DIST ?? path.join(__dirname, '..', '..', '..', 'dist'), 'server.js')];
  const text = concatenated(lines);
  for (let k = 0; k < runs; k++) for (const server of servers) await run(server, text, Number(process.env.SERVERTIMES_PASSES ?? 1));
}
void main();
