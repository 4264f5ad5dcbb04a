// Runs the rule benchmarks (guide/bench/<rule-id>.py), records the results in guide/bench/results.json, and
// regenerates each guide section's "Measured evidence" block from that file, so no figure is typed by hand.
//
//   npm run bench:rules                       # every benchmark
//   npm run bench:rules -- pandas-iterrows …   # only these; the other entries of results.json are kept
//   npm run bench:rules -- --docs-only        # only regenerate the guide blocks from results.json
//   node scripts/bench-rules.mjs --check      # exit 1 if a guide block is stale (used by the tests)
//
// A benchmark declares what it needs in a `# requires: numpy, torch, cuda` comment. Library benchmarks run
// with Debian's /usr/bin/python3 (which has numpy, pandas, torch and numba here), the others with `python3`;
// PERFLENS_BENCH_PYTHON overrides both. A benchmark whose requirement is missing is recorded as skipped with
// the reason (never given a number); a benchmark that fails makes the script exit 1.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GUIDE = path.join(ROOT, 'guide');
const BENCH = path.join(GUIDE, 'bench');
const RESULTS = path.join(BENCH, 'results.json');
const LIBRARY_MODULES = new Set(['numpy', 'pandas', 'torch', 'numba', 'tensorflow', 'pyarrow', 'scipy']);
const TIMEOUT_MS = 10 * 60 * 1000;

// ---- formatting (the hover quotes these strings; keep the wording here only) -------------------------------

/** Two significant digits, with thousands separators: 4356.7 → "4,400", 9.65 → "9.7", 1.04 → "1.0". */
export function sig2(x) {
  if (!Number.isFinite(x)) return String(x);
  const digits = Math.max(0, 1 - Math.floor(Math.log10(Math.abs(x))));
  const rounded = Number(x.toPrecision(2));
  return rounded.toLocaleString('en-US', { minimumFractionDigits: Math.min(digits, 1), maximumFractionDigits: Math.min(digits, 1) });
}

function formatSeconds(s) {
  if (s >= 1) return `${sig2(s)} s`;
  if (s >= 1e-3) return `${sig2(s * 1e3)} ms`;
  return `${sig2(s * 1e6)} µs`;
}

function formatBytes(b) {
  if (b >= 2 ** 20) return `${sig2(b / 2 ** 20)} MiB`;
  if (b >= 2 ** 10) return `${sig2(b / 2 ** 10)} KiB`;
  return `${Math.round(b)} B`;
}

/** "9.7× faster", "about the same speed (1.0×)", "1.3× slower"; for memory "2.0× less memory" etc. */
export function summarize(entry) {
  const ratio = entry.before / entry.after;
  const better = entry.better ?? (entry.metric === 'time' ? 'faster' : 'less memory');
  const worse = entry.worse ?? (entry.metric === 'time' ? 'slower' : 'more memory');
  let summary;
  if (ratio >= 1.1 && entry.metric === 'memory' && ratio < 2) summary = `${Math.round((1 - entry.after / entry.before) * 100)}% ${better}`;
  else if (ratio >= 1.1) summary = ratio >= 1000 && entry.metric === 'memory' ? `over 1,000× ${better}` : `${sig2(ratio)}× ${better}`;
  else if (ratio > 1 / 1.1) summary = `about the same ${entry.metric === 'time' ? 'speed' : 'memory'} (${sig2(ratio)}×)`;
  else summary = `${sig2(1 / ratio)}× ${worse}`;
  const fmt = entry.metric === 'time' ? formatSeconds : formatBytes;
  const detail = `${fmt(entry.before)} → ${fmt(entry.after)}`;
  const out = { ratio: Number(ratio.toPrecision(4)), summary, detail };
  // The same comparison at other sizes, each with its own summary.
  if (entry.scales) out.scales = entry.scales.map((s) => ({ ...s, ...summarize({ ...s, metric: entry.metric, better: entry.better, worse: entry.worse }) }));
  return out;
}

// ---- running -------------------------------------------------------------------------------------------

function requirementsOf(source) {
  const m = /^#\s*requires:\s*(.+)$/m.exec(source);
  return m
    ? m[1]
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

function interpreterFor(requires) {
  if (process.env.PERFLENS_BENCH_PYTHON) return process.env.PERFLENS_BENCH_PYTHON;
  return requires.some((r) => LIBRARY_MODULES.has(r)) && existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

const probeCache = new Map();
function probe(python, code) {
  const key = `${python}\0${code}`;
  if (!probeCache.has(key)) {
    const r = spawnSync(python, ['-c', code], { encoding: 'utf8', timeout: 120000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
    probeCache.set(key, { ok: r.status === 0, out: (r.stdout ?? '').trim() });
  }
  return probeCache.get(key);
}

function pythonVersion(python) {
  const r = probe(python, 'import platform; print(platform.python_implementation(), platform.python_version())');
  return r.ok ? r.out : null;
}

/** Why the benchmark cannot run with this interpreter, or null. */
function missingRequirement(python, requires) {
  for (const req of requires) {
    if (req === 'cuda' || req === 'cuda2') {
      const need = req === 'cuda' ? 1 : 2;
      const r = probe(python, 'import torch; print(torch.cuda.device_count() if torch.cuda.is_available() else 0)');
      const count = r.ok ? Number(r.out) : 0;
      if (count < need) return need === 1 ? 'needs a CUDA GPU; this machine has none' : `needs ${need} CUDA GPUs; this machine has ${count}`;
    } else if (!probe(python, `import ${req}`).ok) {
      return `needs ${req}, which is not installed for ${python}`;
    }
  }
  return null;
}

function cpuModel() {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model?.trim() ?? 'unknown', cores: cpus.length };
}

function runBenchmark(rule, machine) {
  const file = path.join(BENCH, `${rule}.py`);
  const requires = requirementsOf(readFileSync(file, 'utf8'));
  const python = interpreterFor(requires);
  const version = pythonVersion(python);
  const base = { python: version ?? `${python} (not runnable)`, interpreter: python, date: new Date().toISOString().slice(0, 10), machine };
  if (!version) return { ...base, status: 'skipped', reason: `${python} is not available` };
  const missing = missingRequirement(python, requires);
  if (missing) return { ...base, status: 'skipped', reason: missing };
  const load = os.loadavg()[0];
  const started = Date.now();
  const r = spawnSync(python, [file], {
    cwd: BENCH,
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    env: { ...process.env, PYTHONHASHSEED: '0', PYTHONDONTWRITEBYTECODE: '1', PYTHONWARNINGS: 'ignore' },
  });
  const lines = (r.stdout ?? '')
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'));
  let out;
  try {
    out = JSON.parse(lines.at(-1) ?? '');
  } catch {
    out = null;
  }
  if (r.status !== 0 || !out) {
    return {
      ...base,
      status: 'failed',
      reason: `exit ${r.status ?? r.signal}: ${(r.stderr || String(r.error ?? '')).trim().split('\n').slice(-3).join(' | ')}`,
    };
  }
  if (out.skip) return { ...base, status: 'skipped', reason: out.skip };
  const { rule: _rule, ...result } = out;
  return {
    status: 'measured',
    ...result,
    ...summarize(result),
    ...base,
    loadAverage: Number(load.toFixed(2)),
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
}

// ---- the guide's evidence blocks -----------------------------------------------------------------------

const START = '<!-- evidence:start: generated by `npm run bench:rules` from guide/bench/results.json; do not edit -->';
const START_RE = /<!-- evidence:start[^>]*-->/;
const END = '<!-- evidence:end -->';

/** Rule ids in a section's `## Rules` list (top-level items starting with a code span, possibly a link), as the guide test reads them. */
function rulesListedIn(markdown) {
  const out = [];
  let inRules = false;
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^```/.test(line)) fence = !fence;
    if (fence) continue;
    if (/^#{1,2} /.test(line)) inRules = line.trim() === '## Rules';
    const m = inRules && /^[-*] \[?`([a-z0-9-]+)`/.exec(line); // `id`, or [`id`](#anchor) linking its explanation
    if (m) out.push(m[1]);
  }
  return out;
}

function libsText(libs) {
  return Object.entries(libs ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

export function environmentText(e) {
  const libs = libsText(e.libs);
  return libs ? `${e.python}, ${libs}` : e.python;
}

function escapeCell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function evidenceBlock(entries) {
  const measured = entries.filter(([, e]) => e.status === 'measured');
  const skipped = entries.filter(([, e]) => e.status === 'skipped');
  const lines = [START, '## Measured evidence', ''];
  if (measured.length > 0) {
    lines.push(
      'Each figure comes from the before/after program named in the first column, run by `npm run bench:rules`: the best of several runs, on one machine, for one input size. It shows the size of the effect, not what your code will gain; measure that on your own data.',
      '',
      '| Rule (benchmark) | Before → after | Result | Input and conditions |',
      '| --- | --- | --- | --- |',
    );
    for (const [rule, e] of measured) {
      const conditions = [e.size, e.conditions, environmentText(e)].filter(Boolean).join('; ');
      lines.push(
        `| [\`${rule}\`](bench/${rule}.py) | ${escapeCell(`\`${e.before_label}\` → \`${e.after_label}\``)} | **${e.summary}** (${e.detail}) | ${escapeCell(conditions)} |`,
      );
      for (const s of e.scales ?? []) {
        // A scale with its own labels measures another rewrite of the same rule.
        const what = s.before_label ? `↳ another rewrite | ${escapeCell(`\`${s.before_label}\` → \`${s.after_label}\``)}` : '↳ same, larger input |';
        lines.push(`| ${what} | **${s.summary}** (${s.detail}) | ${escapeCell([s.size, s.note].filter(Boolean).join('; '))} |`);
      }
    }
    const machines = [...new Set(measured.map(([, e]) => `${e.machine.cpu}, ${e.machine.cores} cores`))];
    const dates = [...new Set(measured.map(([, e]) => e.date))].sort();
    const loads = measured.map(([, e]) => e.loadAverage).filter((l) => typeof l === 'number');
    const load = loads.length
      ? ` (1-minute load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} when the programs started: a shared machine, so treat small differences, and anything that depends on parallelism, with caution)`
      : '';
    lines.push('', `Machine: ${machines.join('; ')}${load}. Measured ${dates.length > 1 ? `between ${dates[0]} and ${dates.at(-1)}` : `on ${dates[0]}`}.`);
  }
  if (skipped.length > 0) {
    if (measured.length > 0) lines.push('');
    lines.push(
      `Not measured on the machine that produced these results (the programs are ready to run where the requirement is met): ${skipped.map(([rule, e]) => `[\`${rule}\`](bench/${rule}.py) (${e.reason})`).join('; ')}.`,
    );
  }
  lines.push(END);
  return lines.join('\n');
}

/** Rewrites the evidence block of every section (inserted before `## Rules`, removed when a section has none). */
export function updateGuide(results, write = true) {
  const changed = [];
  for (const file of readdirSync(GUIDE).filter((f) => f.endsWith('.md') && f !== 'index.md')) {
    const full = path.join(GUIDE, file);
    const text = readFileSync(full, 'utf8');
    const entries = rulesListedIn(text)
      .filter((id) => results.rules[id])
      .map((id) => [id, results.rules[id]]);
    let next = text;
    const start = next.search(START_RE);
    if (start >= 0) {
      const end = next.indexOf(END, start);
      if (end < 0) throw new Error(`${file}: evidence block has no end marker`);
      next = next.slice(0, start) + next.slice(end + END.length).replace(/^\n+/, '');
    }
    if (entries.length > 0) {
      const at = next.search(/^## Rules$/m);
      if (at < 0) throw new Error(`${file}: no "## Rules" heading to put the evidence before`);
      next = `${next.slice(0, at)}${evidenceBlock(entries)}\n\n${next.slice(at)}`;
    }
    if (next !== text) {
      if (write) writeFileSync(full, next);
      changed.push(file);
    }
  }
  return changed;
}

// ---- main ------------------------------------------------------------------------------------------------

function benchmarks() {
  return readdirSync(BENCH)
    .filter((f) => f.endsWith('.py') && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
}

function main() {
  const args = process.argv.slice(2);
  if (args.includes('--check')) {
    const stale = updateGuide(JSON.parse(readFileSync(RESULTS, 'utf8')), false);
    if (stale.length > 0) {
      console.error(`evidence blocks out of date in: ${stale.join(', ')} (run npm run bench:rules -- --docs-only)`);
      process.exit(1);
    }
    return;
  }
  const docsOnly = args.includes('--docs-only');
  const only = args.filter((a) => !a.startsWith('--'));
  const all = benchmarks();
  const unknown = only.filter((r) => !all.includes(r));
  if (unknown.length > 0) {
    console.error(`no benchmark for: ${unknown.join(', ')}`);
    process.exit(2);
  }
  const previous = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : { rules: {} };
  const results = {
    $comment: 'Generated by `npm run bench:rules` (scripts/bench-rules.mjs) from the programs in this folder. Do not edit by hand.',
    rules: { ...previous.rules },
  };
  let failed = 0;
  if (!docsOnly) {
    const machine = cpuModel();
    for (const rule of only.length > 0 ? only : all) {
      process.stdout.write(`${rule} … `);
      const entry = runBenchmark(rule, machine);
      results.rules[rule] = entry;
      if (entry.status === 'measured') console.log(`${entry.summary} (${entry.detail})`);
      else console.log(`${entry.status}: ${entry.reason}`);
      if (entry.status === 'failed') failed++;
    }
  }
  // Summaries follow the current wording even for entries not re-run.
  for (const e of Object.values(results.rules)) if (e.status === 'measured') Object.assign(e, summarize(e));
  // Entries whose program was deleted go too.
  for (const rule of Object.keys(results.rules)) if (!all.includes(rule)) delete results.rules[rule];
  results.rules = Object.fromEntries(Object.entries(results.rules).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  const changed = updateGuide(results);
  const counts = Object.values(results.rules).reduce((acc, e) => ((acc[e.status] = (acc[e.status] ?? 0) + 1), acc), {});
  console.log(
    `\nresults.json: ${Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}; guide sections updated: ${changed.length ? changed.join(', ') : 'none'}`,
  );
  if (failed > 0) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
