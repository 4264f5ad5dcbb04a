// Regenerates the generated parts of the docs: README.md's rule and snippet tables (from the rule
// files via the built CLI, and from the snippet file) and each guide section's "Templates" block.
// `node scripts/update-docs.mjs` writes; `--check` fails if anything is stale.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = process.env.PERFLENS_OUT ? path.join(path.resolve(process.env.PERFLENS_OUT), 'dist') : path.join(root, 'dist');
const readmePath = path.join(root, 'README.md');

const rulesJson = JSON.parse(execFileSync(process.execPath, [path.join(dist, 'cli.js'), 'rules', '--format', 'json'], { encoding: 'utf8' }));
const snippetsJson = existsSync(path.join(root, 'snippets', 'python.json')) ? JSON.parse(readFileSync(path.join(root, 'snippets', 'python.json'), 'utf8')) : {};

/** A rule's text gate (a RegExp source) in words: `async` in the file, or the pattern itself. */
function spelledGate(source) {
  const words = /^\\b\(?(\w+(?:\|\w+)*)\)?\\b$/.exec(source);
  return words
    ? `${words[1]
        .split('|')
        .map((w) => `\`${w}\``)
        .join(' or ')} in the file`
    : `text matching \`${source.replace(/\|/g, '\\|')}\``;
}

/** The default severity, then the others some findings get and when (the rule's severityForms, as severityInContext in server/docs/render.ts). */
function severityCell(r) {
  return [r.severity, ...(r.severityForms ?? []).map((f) => `${f.severity} ${f.when.replace(/\.$/, '')}`)].join('; ').replace(/\|/g, '\\|');
}

/** The other linters' checks whose suppression silences the rule too (its peers, as peersText in server/docs/render.ts). */
function peersCell(r) {
  const names = { ruff: 'Ruff', pylint: 'Pylint', bandit: 'Bandit' };
  return Object.entries(r.peers ?? {})
    .map(([tool, codes]) => `${names[tool]} ${codes.join(' / ')}`)
    .join('; ');
}

function rulesTable() {
  const rules = [...rulesJson];
  rules.sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
  const rows = rules.map((r) => {
    // The default safety first, then the other safeties some findings get ("safe / unsafe").
    const fix = r.fix ? [...new Set([r.fix.safety, ...(r.fix.forms ?? []).map((f) => f.safety)])].join(' / ') : '';
    const on = r.enabledByDefault ? 'on' : 'off';
    const requires = r.requires ? r.requires.join(', ') + (r.requiresEither && r.requiresText ? ` (or ${spelledGate(r.requiresText)})` : '') : '';
    return `| \`${r.id}\` | ${r.category} | ${r.title.replace(/\|/g, '\\|')} | ${severityCell(r)} | ${on} | ${fix} | ${requires} | [${r.guide}](guide/${r.guide.split('#')[0]}.md) | ${peersCell(r)} |`;
  });
  return [
    `${rules.length} rules. "Severity" is what a finding shows in the editor, the CLI and SARIF (a rule's findings may differ by context: "warning; hint when …"; \`perflens.severity\` overrides it); "Fix" is the fix safety (safe fixes run on fix-all and \`--fix\`; "safe / unsafe": safe by default, unsafe for some findings, see \`perflens rule <id>\`); "Needs" is the import that switches a library rule on; "Also silenced by" lists other linters' checks of the same thing, whose suppression on the line (\`# noqa: SIM115\`, \`# pylint: disable=consider-using-with\`, \`# nosec B113\`) silences the rule too.`,
    '',
    '| Rule | Category | What it flags | Severity | Default | Fix | Needs | Guide | Also silenced by |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function snippetsTable() {
  const snippets = snippetsJson;
  if (Object.keys(snippets).length === 0) return '_No snippets yet._';
  const rows = Object.entries(snippets).map(
    ([name, s]) => `| \`${Array.isArray(s.prefix) ? s.prefix.join('`, `') : s.prefix}\` | ${name} | ${(s.description ?? '').replace(/\|/g, '\\|')} |`,
  );
  return [
    `${rows.length} templates for Python files, offered by the language server as completions where a statement can start: type the prefix and pick it; the imports a template needs are added at the top of the file, beside the file's own.`,
    '',
    '| Prefix | Name | What it is for |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function replaceBlock(text, name, content) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  return text.slice(0, i + start.length) + '\n' + content + '\n' + text.slice(j);
}

/**
 * Templates each guide section points to: the snippets for the pattern the section teaches, plus
 * the template every rule linking to the section recommends (its `snippet`). Prefix globs.
 */
const SECTION_TEMPLATES = {
  decorators: ['deco-*'],
  'generators-and-iterators': ['gen-basic', 'gen-pipeline', 'gen-iter-class'],
  'streaming-large-data': ['gen-batched-file', 'gen-batch-array'],
  'context-managers': ['ctx-class', 'ctx-gen', 'ctx-timer', 'ctx-tempdir', 'ctx-seed', 'ctx-multi', 'ctx-lock', 'ctx-suppress-warnings'],
  'async-context-managers-and-generators': ['ctx-async-*', 'gen-async*'],
  'metaclasses-and-registries': ['pat-registry-meta', 'deco-class-register'],
  descriptors: ['pat-descriptor'],
  slots: ['pat-slots*', 'pat-dataclass-slots'],
  'dataclasses-and-records': ['pat-dataclass*', 'pat-namedtuple', 'pat-typeddict', 'pat-pydantic-config'],
  'typing-and-protocols': ['pat-protocol', 'pat-abc', 'pat-generic'],
  caching: ['deco-lru', 'deco-ttl-cache', 'deco-memo'],
  threading: ['conc-thread', 'conc-lock-counter', 'conc-producer-consumer', 'ctx-lock'],
  multiprocessing: ['conc-main-guard', 'conc-mp-*'],
  'concurrent-futures': ['conc-threadpool', 'conc-processpool'],
  'asyncio-fundamentals': ['conc-async-*'],
  'asyncio-pitfalls': ['conc-async-executor'],
  numba: ['np-numba-*'],
  'numpy-broadcasting-and-indexing': ['np-einsum'],
  complexity: ['np-pairwise-dist'],
  'native-extensions': ['np-ctypes'],
  'pandas-vectorization': ['pd-feature-eng'],
  'pandas-large-data': ['pd-read-chunks', 'pd-optimize-dtypes'],
  'tf-data-pipelines': ['tf-data-pipeline'],
  'tf-function-and-tracing': ['tf-train-step'],
  'tf-mixed-precision-and-distribution': ['tf-mixed-precision', 'tf-distribute'],
  'pytorch-data-loading': ['torch-dataloader'],
  'pytorch-gpu-efficiency': ['torch-train-loop', 'torch-profiler'],
  'pytorch-amp-and-compile': ['torch-amp-loop', 'torch-compile'],
  'pytorch-distributed': ['torch-ddp'],
  'design-patterns': ['pat-strategy', 'pat-pipeline', 'pat-singleton*', 'pat-factory*', 'pat-observer'],
  profiling: ['prof-cprofile'],
  'timing-and-benchmarks': ['prof-timeit', 'ctx-timer'],
  'memory-profiling': ['prof-tracemalloc'],
  'logging-and-debugging': ['dbg-*'],
  'testing-ml-code': ['test-*'],
};

function matchesGlob(prefix, glob) {
  return glob.endsWith('*') ? prefix.startsWith(glob.slice(0, -1)) : prefix === glob;
}

function templatesBlock(slug) {
  const entries = Object.entries(snippetsJson).map(([name, s]) => ({
    name,
    prefix: Array.isArray(s.prefix) ? s.prefix[0] : s.prefix,
    description: s.description ?? '',
  }));
  const wanted = new Set();
  for (const glob of SECTION_TEMPLATES[slug] ?? []) for (const e of entries) if (matchesGlob(e.prefix, glob)) wanted.add(e.prefix);
  for (const rule of rulesJson) if (rule.snippet && rule.guide.split('#')[0] === slug) wanted.add(rule.snippet);
  if (wanted.size === 0) return null;
  const rows = entries.filter((e) => wanted.has(e.prefix)).map((e) => `- \`${e.prefix}\`: ${e.description}`);
  return [
    '## Templates',
    '',
    'Type the prefix in a Python file and press Tab for the pattern written out (the light bulb on a matching finding offers it too):',
    '',
    ...rows,
  ].join('\n');
}

/** Puts the generated Templates block before `## Rules` (replacing an earlier one). */
function updateGuideSection(file, slug) {
  const text = readFileSync(file, 'utf8');
  const start = '<!-- templates:start: generated by `npm run docs` from snippets/python.json; do not edit -->';
  const end = '<!-- templates:end -->';
  let body = text;
  const i = body.indexOf(start);
  if (i >= 0) body = body.slice(0, i) + body.slice(body.indexOf(end) + end.length).replace(/^\n+/, '');
  const block = templatesBlock(slug);
  if (!block) return { text, next: body };
  // Before the measured-evidence block (scripts/bench-rules.mjs) and the Rules list, so that each
  // generator finds its block where the other leaves it.
  const at = body.search(/^<!-- evidence:start|^## Rules\s*$/m);
  const insertAt = at >= 0 ? at : body.length;
  return { text, next: `${body.slice(0, insertAt)}${start}\n${block}\n${end}\n\n${body.slice(insertAt)}` };
}

const changes = [];
const current = readFileSync(readmePath, 'utf8');
let next = replaceBlock(current, 'rules', rulesTable());
next = replaceBlock(next, 'snippets', snippetsTable());
changes.push({ file: readmePath, text: current, next });
const guideDir = path.join(root, 'guide');
for (const file of readdirSync(guideDir).filter((f) => f.endsWith('.md') && f !== 'index.md')) {
  changes.push({ file: path.join(guideDir, file), ...updateGuideSection(path.join(guideDir, file), file.slice(0, -3)) });
}
const stale = changes.filter((c) => c.next !== c.text);
if (process.argv.includes('--check')) {
  if (stale.length > 0) {
    console.error(`Out of date: ${stale.map((c) => path.relative(root, c.file)).join(', ')}. Run \`npm run docs\` and commit the result.`);
    process.exit(1);
  }
} else {
  for (const c of stale) writeFileSync(c.file, c.next);
  if (stale.length) console.log(`updated ${stale.map((c) => path.relative(root, c.file)).join(', ')}`);
}
