// Regenerates the generated parts of README.md from the rule files (via the built CLI) and the
// snippet file: `node scripts/update-readme.mjs` writes, `--check` fails if README.md is stale.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = process.env.PERFLENS_OUT ? path.join(path.resolve(process.env.PERFLENS_OUT), 'dist') : path.join(root, 'dist');
const readmePath = path.join(root, 'README.md');

function rulesTable() {
  const rules = JSON.parse(execFileSync(process.execPath, [path.join(dist, 'cli.js'), 'rules', '--format', 'json'], { encoding: 'utf8' }));
  rules.sort((a, b) => a.category.localeCompare(b.category) || a.id.localeCompare(b.id));
  const rows = rules.map((r) => {
    const fix = r.fix ? r.fix.safety : '';
    const on = r.enabledByDefault ? 'on' : 'off';
    const requires = r.requires ? r.requires.join(', ') : '';
    return `| \`${r.id}\` | ${r.category} | ${r.title.replace(/\|/g, '\\|')} | ${r.severity} | ${on} | ${fix} | ${requires} | [${r.guide}](guide/${r.guide.split('#')[0]}.md) |`;
  });
  return [
    `${rules.length} rules. "Fix" is the fix safety (safe fixes run on fix-all and \`--fix\`); "Needs" is the import that switches a library rule on.`,
    '',
    '| Rule | Category | What it flags | Severity | Default | Fix | Needs | Guide |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function snippetsTable() {
  const file = path.join(root, 'snippets', 'python.json');
  if (!existsSync(file)) return '_No snippets yet._';
  const snippets = JSON.parse(readFileSync(file, 'utf8'));
  const rows = Object.entries(snippets).map(([name, s]) => `| \`${Array.isArray(s.prefix) ? s.prefix.join('`, `') : s.prefix}\` | ${name} | ${(s.description ?? '').replace(/\|/g, '\\|')} |`);
  return [`${rows.length} templates for Python files (type the prefix, then Tab).`, '', '| Prefix | Name | What it is for |', '| --- | --- | --- |', ...rows].join('\n');
}

function replaceBlock(text, name, content) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) throw new Error(`README.md lacks the ${start} … ${end} markers`);
  return text.slice(0, i + start.length) + '\n' + content + '\n' + text.slice(j);
}

const current = readFileSync(readmePath, 'utf8');
let next = replaceBlock(current, 'rules', rulesTable());
next = replaceBlock(next, 'snippets', snippetsTable());
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('README.md is out of date: run `npm run docs` and commit the result.');
    process.exit(1);
  }
} else if (next !== current) {
  writeFileSync(readmePath, next);
  console.log('README.md updated');
}
