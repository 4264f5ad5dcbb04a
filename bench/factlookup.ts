// What the CLI's base pass costs against finding the same nodes from the text (round 72, p72a):
//   node <out>/bench/factlookup.js [N] [rounds]
// `perflens check --format json` runs 4 rules on the stdlib (CheckOptions.hintsUnseen leaves the rules in preview out), so
// its base pass is the fact patterns plus is-literal-comparison, and its cost is tree-sitter's query cursor visiting every
// node (a root-only pattern costs nearly as much). This times, over every Nth stdlib file's trees (CPU, best of the
// rounds), that base query against a look-up of the same nodes where the text spells them: `descendantForIndex` at each
// `import`, `def`, `#`, `is` and each name a call-anchored rule of the JSON run declares, then the node's parent (and, for
// `is`, is-literal-comparison's pattern on its comparison). A lower bound for a base pass without a walk: it leaves out
// a tree with errors (it would walk), string prefixes and the FileFacts the captures become.
import { ALL_RULES } from '../rules';
import { Engine } from '../server/engine/engine';
import { FACT_PATTERNS } from '../server/engine/compile';
import { CALL_PATTERN } from '../server/engine/callAnchors';
import { isProven } from '../server/engine/trackRecord';
import { Query, type Node, type Tree } from '../server/syntax/parser';
import { parsedStdlibSample } from './corpus';

const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const IS_LITERAL = '(comparison_operator operators: ["is" "is not"] @op) @cmp';
const FACT_PARENTS: Record<string, readonly string[]> = {
  import: ['import_statement', 'import_from_statement', 'future_import_statement'],
  def: ['function_definition'],
};

/** The call whose callee the identifier names (`f()` or `x.f()`), or null. */
function callOf(identifier: Node): Node | null {
  let callee = identifier;
  const parent = identifier.parent;
  if (parent?.type === 'attribute') callee = parent;
  const call = callee.parent;
  return call?.type === 'call' && call.childForFieldName('function')?.startIndex === callee.startIndex ? call : null;
}

function lookUp(tree: Tree, spellings: RegExp, isLiteral: Query): number {
  const root = tree.rootNode;
  const text = root.text;
  let found = 0;
  spellings.lastIndex = 0;
  for (let m = spellings.exec(text); m; m = spellings.exec(text)) {
    const node = root.descendantForIndex(m.index, m.index + m[0].length);
    if (!node) continue;
    const type = node.type;
    if (type === 'comment') found++;
    else if (type in FACT_PARENTS) found += FACT_PARENTS[type].includes(node.parent?.type ?? '') ? 1 : 0;
    else if (type === 'is') {
      const comparison = node.parent;
      if (comparison?.type === 'comparison_operator') found += isLiteral.matches(comparison, { maxStartDepth: 0 }).length;
    } else if (type === 'identifier' && callOf(node)) found++;
  }
  return found;
}

async function main(): Promise<void> {
  const engine = await Engine.create(ALL_RULES, process.env.PERFLENS_DIST ?? __dirname, null);
  const step = Number(process.argv[2] ?? 4);
  const rounds = Number(process.argv[3] ?? 3);
  const trees = parsedStdlibSample(engine, step).filter((t) => !t.rootNode.hasError);
  const names = [...new Set(ALL_RULES.filter((r) => r.calls?.names && isProven(r.id)).flatMap((r) => r.calls!.names!))];
  const spellings = new RegExp(`\\b(?:import|def|is|${names.join('|')})\\b|#`, 'g');
  const base = new Query(engine.parser.language, [...FACT_PATTERNS.map((f) => f.source), CALL_PATTERN, IS_LITERAL].join('\n'));
  const rootOnly = new Query(engine.parser.language, '(module) @m');
  const isLiteral = new Query(engine.parser.language, IS_LITERAL);
  const runs: [string, () => number][] = [
    ['base query (facts, calls, is-literal-comparison)', () => trees.reduce((n, t) => n + base.matches(t.rootNode).length, 0)],
    ['root-only query (the walk alone)', () => trees.reduce((n, t) => n + rootOnly.matches(t.rootNode).length, 0)],
    ['look-ups where the text spells a fact', () => trees.reduce((n, t) => n + lookUp(t, spellings, isLiteral), 0)],
  ];
  const best = runs.map(() => Infinity);
  const counts = runs.map(() => 0);
  for (let round = 0; round < rounds; round++) {
    runs.forEach(([, run], i) => {
      const started = cpu();
      counts[i] = run();
      best[i] = Math.min(best[i], cpu() - started);
    });
  }
  console.log(`${trees.length} trees without errors; anchored names: ${names.join(' ')}`);
  runs.forEach(([label], i) => console.log(`  ${label.padEnd(52)} ${best[i].toFixed(0).padStart(6)} ms ${String(counts[i]).padStart(8)} matches or nodes`));
  for (const q of [base, rootOnly, isLiteral]) q.delete();
  for (const t of trees) t.delete();
  engine.dispose();
}
void main();
