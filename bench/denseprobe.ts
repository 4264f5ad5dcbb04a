// Per-rule time on the protocol fuzzer's hostile inputs, grown to a given size (a dense document's cost).
//   node <out>/bench/denseprobe.js [chars]
import { ALL_RULES } from '../rules';
import { Engine, newProfile } from '../server/engine/engine';
import { fixtureSources, hostileInputs } from '../test/stress/corpus';

async function main(): Promise<void> {
  const engine = await Engine.create(ALL_RULES, process.env.PERFLENS_DIST ?? __dirname);
  const size = Number(process.argv[2] ?? 145_000);
  const only = process.argv[3];
  const inputs = [
    ...hostileInputs(),
    {
      name: 'fixtures',
      text: fixtureSources()
        .map((s) => s.text)
        .join('\n'),
    },
  ];
  for (const input of inputs) {
    if (only && input.name !== only) continue;
    if (!input.text) continue;
    let text = input.text;
    while (text.length < size) text += '\n' + input.text;
    text = text.slice(0, size);
    const profile = newProfile();
    engine.profile = profile;
    const t0 = performance.now();
    const findings = engine.lintText(text, { select: ['ALL'] } as never).findings.length;
    const ms = performance.now() - t0;
    const picked = process.env.RULES?.split(',');
    const rows = [...profile.rules.entries()]
      .filter(([id]) => !picked || picked.includes(id))
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, picked ? 99 : 4);
    console.log(
      `${input.name.padEnd(34)} ${String(text.length).padStart(8)} ${ms.toFixed(0).padStart(7)} ms parse ${profile.parseMs.toFixed(0)} query ${profile.queryMs.toFixed(0)} facts ${profile.factsMs.toFixed(0)} findings ${findings} | ${rows.map(([id, r]) => `${id} ${r.ms.toFixed(0)}`).join(', ')}`,
    );
  }
  engine.dispose();
}
void main();
