// What a rule's advice buys, for hovers and `perflens rule`: a measured before/after figure from
// guide/bench/results.json (written by `npm run bench:rules`, never by hand), or, for rules whose benefit is
// correctness, reliability or security rather than speed, that benefit in words (guide/bench/benefits.json).
// Both files are keyed by rule id and live outside the rule files, so benchmarks can exist before the rule does.
import benefitsFile from '../../guide/bench/benefits.json';
import resultsFile from '../../guide/bench/results.json';

export type Benefit = 'speed' | 'memory' | 'correctness' | 'security' | 'reliability' | 'maintainability' | 'portability' | 'measurement';

export interface BenefitEntry {
  benefit: Benefit;
  /** For benefits other than speed and memory: one clause saying what goes wrong without the fix. */
  note?: string;
}

export interface MeasuredResult {
  status: 'measured';
  metric: 'time' | 'memory';
  unit: 's' | 'bytes';
  before: number;
  after: number;
  /** before / after. */
  ratio: number;
  /** "4,400× faster", "20% less memory", "about the same speed (1.0×)". */
  summary: string;
  /** "3.2 s → 0.74 ms". */
  detail: string;
  size: string;
  before_label: string;
  after_label: string;
  conditions: string;
  libs: Record<string, string>;
  python: string;
  date: string;
  machine: { cpu: string; cores: number };
  /** 1-minute load average when the program started (the benchmark machine may be shared). */
  loadAverage?: number;
  /** The same comparison at other input sizes (report(scales=...) in guide/bench/_bench.py). */
  scales?: ScaleResult[];
}

export interface ScaleResult {
  size: string;
  before: number;
  after: number;
  summary: string;
  detail: string;
  /** How the figure was obtained when not measured whole: "loop timed on a 100,000-row sample, scaled ×10". */
  note?: string;
  /** Set when the scale measures another rewrite the rule offers (its own before/after). */
  before_label?: string;
  after_label?: string;
}

export interface SkippedResult {
  status: 'skipped' | 'failed';
  reason: string;
  python: string;
  date: string;
}

export type BenchResult = MeasuredResult | SkippedResult;

export const BENEFITS: Readonly<Record<string, BenefitEntry>> = (benefitsFile as unknown as { rules: Record<string, BenefitEntry> }).rules;
export const BENCH_RESULTS: Readonly<Record<string, BenchResult>> = (resultsFile as unknown as { rules: Record<string, BenchResult> }).rules;

/** "CPython 3.11.2 with pandas 1.5.3, numpy 1.24.2". */
export function environmentOf(r: MeasuredResult): string {
  const libs = Object.entries(r.libs ?? {}).map(([k, v]) => `${k} ${v}`);
  return libs.length ? `${r.python} with ${libs.join(', ')}` : r.python;
}

/** "4,400× faster for 100,000 rows (3.2 s → 740 µs; CPython 3.11.2 with pandas 1.5.3)". */
export function measuredText(r: MeasuredResult): string {
  const busy =
    r.loadAverage !== undefined && r.loadAverage > r.machine.cores ? `; busy machine: load ${r.loadAverage.toFixed(0)} on ${r.machine.cores} cores` : '';
  const scales = (r.scales ?? [])
    .map((s) => `; ${s.after_label ? `\`${s.after_label}\`: ` : ''}${s.summary} for ${s.size} (${s.detail}${s.note ? `, ${s.note}` : ''})`)
    .join('');
  return `${r.summary} for ${r.size} (${r.detail}; ${environmentOf(r)}${busy})${scales}`;
}

export interface EvidenceLine {
  /** Bold label: "Measured" or "Benefit". */
  label: string;
  /** Markdown after the label. */
  text: string;
}

function sentence(text: string): string {
  const t = text.trim();
  return `${t.charAt(0).toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}

/** The evidence line a hover shows for a rule, or undefined when the rule has no entry. */
export function evidenceFor(ruleId: string): EvidenceLine | undefined {
  const benefit = BENEFITS[ruleId];
  const result = BENCH_RESULTS[ruleId];
  if (result?.status === 'measured') return { label: 'Measured', text: `${measuredText(result)}.` };
  if (!benefit) return undefined;
  if (benefit.benefit === 'speed' || benefit.benefit === 'memory') {
    const why = result ? ` Not measured on the benchmark machine: ${result.reason}.` : '';
    return { label: 'Benefit', text: `${benefit.benefit === 'speed' ? 'speed' : 'memory'}.${why}` };
  }
  return { label: 'Benefit', text: `${benefit.benefit}, not speed. ${benefit.note ? sentence(benefit.note) : ''}`.trim() };
}
