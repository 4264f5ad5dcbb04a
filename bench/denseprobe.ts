// Per-rule time on dense documents (issue 23: a rule whose cost grows faster than the text holds the server).
//   node <out>/bench/denseprobe.js [chars] [input]   the hostile inputs (or the one named), grown to chars
//   node <out>/bench/denseprobe.js --file PATH        one file as it is (a document dumped by the fuzzer)
//   node <out>/bench/denseprobe.js --ratio [chars]    every rule on every input at chars and 4× chars: the rules
//                                                     whose check time grew more than RATIO (default 5) times
//   node <out>/bench/denseprobe.js --deep [depth]     every rule's fixtures followed by a deeply nested construct at
//                                                     depth and 2× depth: the rules and passes that grew over 2.6×
// RULES=a,b shows only those rules' rows.
import { readFileSync } from 'node:fs';
import { ALL_RULES } from '../rules';
import { Engine, newProfile } from '../server/engine/engine';
import { fixtureFile, fixtureSources, hostileInputs } from '../test/stress/corpus';

type Input = { name: string; text: string };

function inputs(): Input[] {
  const all = [
    ...hostileInputs(),
    {
      name: 'fixtures',
      text: fixtureSources()
        .map((s) => s.text)
        .join('\n'),
    },
  ];
  // Each rule's positive fixture on its own: dense text of that rule's matches.
  for (const s of fixtureSources()) if (s.name.endsWith('/positive.py')) all.push({ name: s.name, text: s.text });
  return all.filter((i) => i.text);
}

function grow(text: string, size: number): string {
  let out = text;
  while (out.length < size) out += '\n' + text;
  return out.slice(0, size);
}

function lint(engine: Engine, text: string): { ms: number; rules: Map<string, number>; groups: Map<string, number>; findings: number; line: string } {
  const profile = newProfile();
  engine.profile = profile;
  const t0 = performance.now();
  const findings = engine.lintText(text, { select: ['ALL'] } as never).findings.length;
  const ms = performance.now() - t0;
  engine.profile = undefined;
  const rules = new Map([...profile.rules.entries()].map(([id, r]) => [id, r.ms]));
  const groups = new Map([...profile.groups.entries()].map(([key, g]) => [key, g.ms]));
  const line = `${String(text.length).padStart(8)} ${ms.toFixed(0).padStart(7)} ms parse ${profile.parseMs.toFixed(0)} query ${profile.queryMs.toFixed(0)} facts ${profile.factsMs.toFixed(0)} findings ${findings}`;
  return { ms, rules, groups, findings, line };
}

function rows(rules: Map<string, number>): string {
  const picked = process.env.RULES?.split(',');
  return [...rules.entries()]
    .filter(([id]) => !picked || picked.includes(id))
    .sort((a, b) => b[1] - a[1])
    .slice(0, picked ? 99 : 6)
    .map(([id, ms]) => `${id} ${ms.toFixed(0)}`)
    .join(', ');
}

/** Every rule whose check time on 4× the text grew more than `limit` times (and by more than 20 ms). */
function ratios(engine: Engine, size: number, limit: number): void {
  const worst = new Map<string, string>();
  for (const input of inputs()) {
    const small = lint(engine, grow(input.text, size));
    const large = lint(engine, grow(input.text, size * 4));
    for (const [id, ms] of large.rules) {
      const before = small.rules.get(id) ?? 0;
      const ratio = ms / Math.max(before, 1);
      if (ratio > limit && ms - before > 20) worst.set(`${id} on ${input.name}`, `${before.toFixed(0)} → ${ms.toFixed(0)} ms (×${ratio.toFixed(1)})`);
    }
  }
  for (const [what, figures] of worst) console.log(`${what.padEnd(70)} ${figures}`);
  if (worst.size === 0) console.log(`no rule grew more than ${limit}× for 4× the text`);
}

/** Nested constructs of a given depth (the fuzzer's hostile inputs, cut and joined to real code, made such texts). */
const DEEP: Record<string, (n: number) => string> = {
  calls: (n) => `x = ${'f('.repeat(n)}1${')'.repeat(n)}\n`,
  lists: (n) => `x = ${'['.repeat(n)}${']'.repeat(n)}\n`,
  parentheses: (n) => `x = ${'('.repeat(n)}1${')'.repeat(n)}\n`,
  additions: (n) => `x = ${'1 + '.repeat(n)}1\n`,
  'additions cut short': (n) => `x = ${'1 + '.repeat(n)}`,
  'string additions': (n) => `x = ${'"a" + '.repeat(n)}"b"\n`,
  lambdas: (n) => `f = ${'lambda: '.repeat(n)}1\n`,
  attributes: (n) => `x = a${'.b'.repeat(n)}\n`,
  subscripts: (n) => `x = a${'[0]'.repeat(n)}\n`,
  'method chain': (n) => `x = np.array(a)${'.sum()'.repeat(n)}\n`,
  'unbalanced open': (n) => 'def f(:\n' + '('.repeat(n) + '\n',
  decorators: (n) => '@d\n'.repeat(n) + 'def f(): pass\n',
  elifs: (n) => 'if a:\n    pass\n' + 'elif a:\n    pass\n'.repeat(n),
};

function deep(engine: Engine, depth: number): void {
  const prefix = fixtureFile();
  for (const [name, make] of Object.entries(DEEP)) {
    const [a, b] = [depth, 2 * depth].map((n) => lint(engine, `${prefix}\n${make(n)}`));
    const grew = (before: Map<string, number>, after: Map<string, number>, label: string) =>
      [...after]
        .filter(([id, ms]) => ms - (before.get(id) ?? 0) > 30 && ms / Math.max(before.get(id) ?? 0, 1) > 2.6)
        .map(([id, ms]) => `${label}${id || 'base'} ${(before.get(id) ?? 0).toFixed(0)} → ${ms.toFixed(0)}`);
    const rows = [...grew(a.rules, b.rules, ''), ...grew(a.groups, b.groups, 'pass ')];
    console.log(`${name}: ${a.ms.toFixed(0)} → ${b.ms.toFixed(0)} ms | ${rows.join(', ')}`);
  }
}

async function main(): Promise<void> {
  const engine = await Engine.create(ALL_RULES, process.env.PERFLENS_DIST ?? __dirname);
  const args = process.argv.slice(2);
  if (args[0] === '--file') {
    const text = readFileSync(args[1], 'utf8');
    const r = lint(engine, text);
    console.log(`${args[1]} ${r.line} | ${rows(r.rules)}`);
    const groups = [...r.groups.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6);
    console.log(`  query passes: ${groups.map(([key, ms]) => `${key || 'base'} ${ms.toFixed(0)}`).join(', ')}`);
  } else if (args[0] === '--deep') {
    deep(engine, Number(args[1] ?? 300));
  } else if (args[0] === '--ratio') {
    ratios(engine, Number(args[1] ?? 25_000), Number(process.env.RATIO ?? 5));
  } else {
    const size = Number(args[0] ?? 145_000);
    for (const input of inputs()) {
      if (args[1] ? input.name !== args[1] : input.name.includes('/')) continue;
      const r = lint(engine, grow(input.text, size));
      console.log(`${input.name.padEnd(34)} ${r.line} | ${rows(r.rules)}`);
    }
  }
  engine.dispose();
}
void main();
