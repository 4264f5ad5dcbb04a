// What each rule costs the base pass: the base query (fact patterns + every default rule that is neither
// gated nor call-anchored) timed over every Nth stdlib file's trees, then the same query without one rule at
// a time, CPU time, lowest of R rounds (alternating):
//   node <out>/bench/basecost.js [N] [R]
import { readFileSync } from 'node:fs';
import { ALL_RULES } from '../rules';
import { Engine } from '../server/engine/engine';
import { activeRules } from '../server/engine/options';
import { FACT_PATTERNS } from '../server/engine/compile';
import { CALL_PATTERN } from '../server/engine/callAnchors';
import { Query } from '../server/syntax/parser';
import { parsedStdlibSample } from './corpus';

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<void> {
  const engine = await Engine.create(ALL_RULES, process.env.PERFLENS_DIST ?? __dirname);
  const step = Number(process.argv[2] ?? 8);
  const rounds = Number(process.argv[3] ?? 3);
  const trees = parsedStdlibSample(engine, step);
  const active = activeRules(ALL_RULES, {});
  const baseRules = ALL_RULES.filter((r) => active.has(r.id) && r.query.trim() && !r.calls && !r.requires && !r.requiresText);
  // REPLACE=<json file> {ruleId: query}: a variant '(replaced)' with those rules' queries swapped (to time a rewrite).
  const replaced: Record<string, string> = process.env.REPLACE ? JSON.parse(readFileSync(process.env.REPLACE, 'utf8')) : {};
  const facts = [...FACT_PATTERNS.map((f) => f.source), CALL_PATTERN].join('\n');
  const variants: { id: string; source: string }[] = [
    { id: '(root only)', source: '(module) @m' },
    { id: '(facts only)', source: facts },
    { id: '(facts without calls)', source: FACT_PATTERNS.map((f) => f.source).join('\n') },
    { id: '(calls only)', source: CALL_PATTERN },
    { id: '(all base)', source: [facts, ...baseRules.map((r) => r.query)].join('\n') },
    ...(process.env.WITHOUT ? [] : baseRules).map((r) => ({
      id: `-${r.id}`,
      source: [facts, ...baseRules.filter((o) => o !== r).map((o) => o.query)].join('\n'),
    })),
    ...(process.env.REPLACE ? [{ id: '(replaced)', source: [facts, ...baseRules.map((r) => replaced[r.id] ?? r.query)].join('\n') }] : []),
    ...(process.env.WITHOUT ?? '')
      .split(';')
      .filter((g) => g)
      .map((g) => ({ id: `-{${g}}`, source: [facts, ...baseRules.filter((o) => !g.split(',').includes(o.id)).map((o) => o.query)].join('\n') })),
    ...(process.env.ONLY_ADD ? baseRules.map((r) => ({ id: `+${r.id}`, source: [facts, r.query].join('\n') })) : []),
  ];
  const queries = variants.map((v) => new Query(engine.parser.language, v.source));
  const best = variants.map(() => Infinity);
  const counts = variants.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < queries.length; i++) {
      const t0 = cpu();
      let n = 0;
      for (const t of trees) n += queries[i].matches(t.rootNode).length;
      best[i] = Math.min(best[i], cpu() - t0);
      counts[i] = n;
    }
  }
  console.log(`${trees.length} files, ${baseRules.length} base rules: ${baseRules.map((r) => r.id).join(' ')}`);
  const all = best[4];
  for (let i = 0; i < variants.length; i++)
    console.log(
      `  ${variants[i].id.padEnd(50)} ${best[i].toFixed(0).padStart(6)} ms ${(i > 4 && !variants[i].id.startsWith('+') ? (all - best[i]).toFixed(0) : '').padStart(6)} saved ${String(counts[i]).padStart(8)} matches`,
    );
  for (const q of queries) q.delete();
  for (const t of trees) t.delete();
  engine.dispose();
}
void main();
