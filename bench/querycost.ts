// Query cost per rule, each rule's query compiled and run alone (single thread), on every Nth stdlib file:
//   node <out>/bench/querycost.js [N]
// Shows which patterns produce the most raw matches (each copied out of WASM before predicates run).
import { ALL_RULES } from '../rules';
import { Engine } from '../server/engine/engine';
import { Query } from '../server/syntax/parser';
import { parsedStdlibSample } from './corpus';

async function main(): Promise<void> {
  const engine = await Engine.create(ALL_RULES, process.env.PERFLENS_DIST ?? __dirname);
  const step = Number(process.argv[2] ?? 4);
  const trees = parsedStdlibSample(engine, step);
  const rows: { id: string; ms: number; matches: number }[] = [];
  const baseline = new Query(engine.parser.language, '(module) @m');
  let t0 = performance.now();
  for (const t of trees) baseline.matches(t.rootNode);
  rows.push({ id: '(walk only)', ms: performance.now() - t0, matches: 0 });
  baseline.delete();
  for (const rule of ALL_RULES) {
    if (!rule.query.trim()) continue;
    const q = new Query(engine.parser.language, rule.query);
    let matches = 0;
    t0 = performance.now();
    for (const t of trees) matches += q.matches(t.rootNode).length;
    rows.push({
      id: rule.id + (rule.requires ? ` [${rule.requires.join(',')}]` : '') + (!rule.enabledByDefault ? ' (off)' : ''),
      ms: performance.now() - t0,
      matches,
    });
    q.delete();
  }
  rows.sort((a, b) => b.ms - a.ms);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  console.log(`${trees.length} files, sum ${total.toFixed(0)} ms`);
  for (const r of rows) console.log(`  ${r.id.padEnd(60)} ${r.ms.toFixed(0).padStart(6)} ms ${String(r.matches).padStart(8)}`);
  for (const t of trees) t.delete();
  engine.dispose();
}
void main();
