// The fix-safety harness (`npm run fix-safety`): applies perflens's fixes to real code that has its own
// tests and runs those tests before and after. A safe fix must never turn a passing test into a failing
// one; unsafe fixes are run too (with --unsafe) and the rules that break tests are listed, which is
// expected: it is why they are unsafe.
//
// Corpora:
//   (default)        a copy of CPython's standard library (/usr/lib/python3.11, with Debian's
//                    libpython3.11-testsuite for Lib/test), run by /usr/bin/python3 with PYTHONHOME
//                    pointed at the copy, so even modules imported at start-up are the fixed ones.
//                    Each module with fixes is fixed alone and the tests that cover it are run.
//   --doctests DIR   every .py file under DIR with fixes: its doctests (doctest.testmod) before and after.
// Options: --quick (a few modules, for CI), --unsafe (also apply unsafe fixes), --modules a.py,b/c.py,
//          --json FILE (write the results).
// Exit 1 when a safe fix broke a test that passed before.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const CLI = path.join(ROOT, 'dist', 'cli.js');
const PYTHON = '/usr/bin/python3';
const STDLIB = '/usr/lib/python3.11';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const QUICK = flag('--quick');
const UNSAFE = flag('--unsafe');

/**
 * Modules whose tests are not named test_<module>, or that need hardware, a display or minutes of
 * run time (null: skipped, with the reason in the report).
 */
const TESTS_FOR = [
  [/^xml\/dom\/(minidom|expatbuilder)\.py$/, ['test_minidom']],
  [/^xml\/dom\/xmlbuilder\.py$/, ['test_xml_dom_minicompat', 'test_minidom']],
  [/^xml\/sax\//, ['test_sax']],
  [/^http\/cookiejar\.py$/, ['test_http_cookiejar']],
  [/^urllib\/parse\.py$/, ['test_urlparse']],
  [/^urllib\/robotparser\.py$/, ['test_robotparser']],
  [/^unittest\//, ['test_unittest']],
  [/^encodings\//, ['test_codecs']],
  [/^email\//, ['test_email']],
  [/^distutils\//, ['test_distutils']],
  [/^ctypes\//, ['test_ctypes']],
  [/^re\//, ['test_re']],
  [/^sqlite3\//, ['test_sqlite3']],
  [/^wsgiref\//, ['test_wsgiref']],
  [/^asyncio\//, ['test_asyncio']],
  [/^multiprocessing\//, null, 'the multiprocessing suites take many minutes'],
  [/^(tkinter|turtle|idlelib|curses)\b/, null, 'needs a display or a terminal'],
  [/^(lib2to3|test)\//, null, 'test code itself'],
  [/^_distutils_system_mod\.py$|^_bootsubprocess\.py$/, null, 'no test suite of its own'],
];
/** Modules most of the stdlib imports: their fixes are also run against a broad sample of suites. */
const CORE = new Set(['functools.py', 'inspect.py', 'enum.py', 'subprocess.py', 'typing.py', 'sysconfig.py', 'tempfile.py', 'threading.py', 'warnings.py']);
const BROAD = [
  'test_functools',
  'test_inspect',
  'test_enum',
  'test_subprocess',
  'test_typing',
  'test_tempfile',
  'test_threading',
  'test_warnings',
  'test_sysconfig',
];
/** --quick: modules whose fixes cover the most-used safe fixes and whose suites run in seconds. */
const QUICK_MODULES = ['argparse.py', 'optparse.py', 'gettext.py', 'netrc.py', 'py_compile.py', 'tempfile.py', 'operator.py', 'pstats.py', 'xdrlib.py'];

function run(cmd, args, options = {}) {
  return spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 2 ** 20, ...options });
}

/** perflens's findings with fixes for these files (JSON, Ruff's shape). */
function fixableFindings(paths, unsafe) {
  const r = run(process.execPath, [CLI, 'check', '--select', 'ALL', '--no-config', '--no-respect-gitignore', '--format', 'json', '--exit-zero', ...paths]);
  if (r.status !== 0) throw new Error(`perflens check failed: ${r.stderr}`);
  return JSON.parse(r.stdout).filter((d) => d.fix && (d.fix.applicability === 'safe' || (unsafe && d.fix.applicability === 'unsafe')));
}

function applyFixes(file, unsafe) {
  const r = run(process.execPath, [CLI, 'check', '--select', 'ALL', '--no-config', '--exit-zero', '--fix', ...(unsafe ? ['--unsafe-fixes'] : []), file]);
  if (r.status !== 0) throw new Error(`perflens --fix failed on ${file}: ${r.stderr}`);
}

// ---------------------------------------------------------------------------------------------
// The standard library and its test suite.

function testsFor(rel, testDir) {
  for (const [re, tests, why] of TESTS_FOR)
    if (re.test(rel))
      return tests ? { tests: tests.filter((t) => existsSync(path.join(testDir, t)) || existsSync(path.join(testDir, `${t}.py`))) } : { skip: why };
  const base = rel
    .replace(/\.py$/, '')
    .replace(/\/__init__$/, '')
    .split('/')[0];
  const name = `test_${base}`;
  const found = existsSync(path.join(testDir, `${name}.py`)) || existsSync(path.join(testDir, name));
  return found ? { tests: [name] } : { skip: 'no test_<module> suite found' };
}

/** Per test case: 'pass' | 'fail' | 'skip', from regrtest's JUnit XML. A crashed suite counts every case it had as failed. */
function runSuites(home, tests) {
  const xml = path.join(home, 'junit.xml');
  rmSync(xml, { force: true });
  const r = run(PYTHON, ['-m', 'test', '--timeout', '600', '--junit-xml', xml, ...tests], {
    env: { ...process.env, PYTHONHOME: home, PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: '' },
    cwd: home,
    timeout: 30 * 60_000,
  });
  const results = new Map();
  if (!existsSync(xml)) return { results, crashed: `${r.status}: ${(r.stderr || r.stdout).slice(-400)}` };
  const text = readFileSync(xml, 'utf8');
  for (const m of text.matchAll(/<testcase name="([^"]+)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[3] ?? '';
    results.set(m[1], /<(failure|error)\b/.test(body) ? 'fail' : /<skipped\b/.test(body) ? 'skip' : 'pass');
  }
  return { results, crashed: null };
}

function stdlibHarness() {
  const testDir = path.join(STDLIB, 'test');
  if (!existsSync(path.join(testDir, 'test_argparse.py'))) {
    console.error("fix-safety: CPython's test suite is missing: apt-get install libpython3.11-testsuite");
    process.exit(2);
  }
  const home = mkdtempSync(path.join(os.tmpdir(), 'perflens-fix-safety-'));
  const lib = path.join(home, 'lib', 'python3.11');
  cpSync(STDLIB, lib, { recursive: true, verbatimSymlinks: true, filter: (src) => path.basename(src) !== '__pycache__' });
  try {
    const only = value('--modules')?.split(',');
    const findings = fixableFindings([lib], UNSAFE);
    const byFile = groupBy(findings, (d) => path.relative(lib, d.filename));
    // The suites themselves, and the 2to3 and IDLE trees, are not library code under test.
    let modules = [...byFile.keys()].filter((m) => !/^(test|lib2to3|idlelib)\/|\/tests?\//.test(m)).sort();
    if (only) modules = modules.filter((m) => only.includes(m));
    else if (QUICK) modules = modules.filter((m) => QUICK_MODULES.includes(m));
    const baselines = new Map();
    const report = [];
    for (const rel of modules) {
      const plan = testsFor(rel, path.join(lib, 'test'));
      const fixes = byFile.get(rel);
      const entry = { target: rel, fixes: summarizeFixes(fixes), tests: plan.tests ?? [], skipped: plan.skip ?? null, broken: [], crashed: null };
      report.push(entry);
      if (!plan.tests || plan.tests.length === 0) continue;
      const suites = CORE.has(rel) && !QUICK ? [...new Set([...plan.tests, ...BROAD])] : plan.tests;
      entry.tests = suites;
      const key = suites.join(' ');
      if (!baselines.has(key)) baselines.set(key, runSuites(home, suites));
      const before = baselines.get(key);
      const file = path.join(lib, rel);
      const original = readFileSync(file);
      try {
        applyFixes(file, UNSAFE);
        const after = runSuites(home, suites);
        entry.crashed = after.crashed && !before.crashed ? after.crashed : null;
        entry.broken = brokenTests(before.results, after.results);
        entry.passedBefore = [...before.results.values()].filter((s) => s === 'pass').length;
      } finally {
        writeFileSync(file, original);
      }
      log(entry);
    }
    return report;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Doctests of a collection of programs.

const DOCTEST_RUNNER = `
import doctest, importlib.util, sys
spec = importlib.util.spec_from_file_location("m", sys.argv[1])
m = importlib.util.module_from_spec(spec)
sys.modules["m"] = m
spec.loader.exec_module(m)
finder = doctest.DocTestFinder()
runner = doctest.DocTestRunner(verbose=False, optionflags=doctest.ELLIPSIS)
for test in finder.find(m, "m"):
    r = runner.run(test, out=lambda s: None)
    print("%s %s" % ("fail" if r.failed else "pass", test.name))
`;

function doctestResults(file) {
  const r = run(PYTHON, ['-c', DOCTEST_RUNNER, file], { cwd: path.dirname(file), timeout: 60_000, input: '' });
  const results = new Map();
  for (const line of r.stdout?.split('\n') ?? []) {
    const m = /^(pass|fail) (.+)$/.exec(line);
    if (m) results.set(m[2], m[1]);
  }
  return { results, crashed: r.status === 0 ? null : `${r.status ?? r.signal}: ${(r.stderr ?? '').slice(-300)}` };
}

function doctestHarness(dir) {
  const work = mkdtempSync(path.join(os.tmpdir(), 'perflens-doctests-'));
  cpSync(dir, work, { recursive: true, filter: (src) => !src.includes(`${path.sep}.git`) });
  try {
    const byFile = groupBy(fixableFindings([work], UNSAFE), (d) => path.relative(work, d.filename));
    const report = [];
    for (const rel of [...byFile.keys()].sort()) {
      const file = path.join(work, rel);
      const before = doctestResults(file);
      const entry = { target: rel, fixes: summarizeFixes(byFile.get(rel)), tests: ['doctests'], skipped: null, broken: [], crashed: null };
      report.push(entry);
      if (before.results.size === 0) {
        entry.skipped = before.crashed ? `does not run as it is (${before.crashed.split('\n')[0]})` : 'no doctests';
        continue;
      }
      const original = readFileSync(file);
      try {
        applyFixes(file, UNSAFE);
        const after = doctestResults(file);
        entry.crashed = after.crashed && !before.crashed ? after.crashed : null;
        entry.broken = brokenTests(before.results, after.results);
        if (entry.crashed && entry.broken.length === 0) entry.broken = [...before.results].filter(([, s]) => s === 'pass').map(([n]) => n);
        entry.passedBefore = [...before.results.values()].filter((s) => s === 'pass').length;
      } finally {
        writeFileSync(file, original);
      }
      log(entry);
    }
    return report;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

function groupBy(items, key) {
  const out = new Map();
  for (const item of items) {
    const k = key(item);
    if (!out.has(k)) out.set(k, []);
    out.get(k).push(item);
  }
  return out;
}

function summarizeFixes(findings) {
  const counts = {};
  for (const d of findings) {
    const k = `${d.code} (${d.fix.applicability})`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** Tests that passed before and did not pass after (failed, or vanished because their suite crashed). */
function brokenTests(before, after) {
  return [...before].filter(([name, status]) => status === 'pass' && after.get(name) !== 'pass' && after.get(name) !== 'skip').map(([name]) => name);
}

function log(entry) {
  const verdict = entry.crashed ? `CRASHED (${entry.crashed.split('\n')[0]})` : entry.broken.length ? `${entry.broken.length} BROKEN` : 'ok';
  console.log(
    `  ${entry.target}: ${Object.entries(entry.fixes)
      .map(([k, n]) => `${n}× ${k}`)
      .join(', ')} → ${entry.tests.join(' ')}: ${entry.passedBefore ?? 0} passing before, ${verdict}`,
  );
  for (const t of entry.broken.slice(0, 5)) console.log(`      broke ${t}`);
}

function summarize(name, report) {
  const ran = report.filter((e) => !e.skipped);
  const fixes = ran.reduce((n, e) => n + Object.values(e.fixes).reduce((a, b) => a + b, 0), 0);
  const broken = ran.filter((e) => e.broken.length > 0 || e.crashed);
  const tests = ran.reduce((n, e) => n + (e.passedBefore ?? 0), 0);
  console.log(
    `${name}: ${ran.length} files fixed (${fixes} ${UNSAFE ? 'safe and unsafe' : 'safe'} fixes), ${tests} passing tests re-run, ${broken.length} files with tests broken; ${report.length - ran.length} skipped`,
  );
  if (broken.length) {
    const rules = new Set(broken.flatMap((e) => Object.keys(e.fixes)));
    console.log(`  fixes applied where tests broke: ${[...rules].join(', ')}`);
  }
  for (const e of report.filter((x) => x.skipped)) console.log(`  skipped ${e.target}: ${e.skipped}`);
  return broken;
}

if (!existsSync(CLI) || !statSync(CLI).isFile()) {
  console.error('fix-safety: build first (node esbuild.mjs)');
  process.exit(2);
}
const doctestDir = value('--doctests');
console.log(`perflens fix-safety: applying ${UNSAFE ? 'safe and unsafe' : 'safe'} fixes (--select ALL) and re-running the code's own tests`);
const report = doctestDir ? doctestHarness(path.resolve(doctestDir)) : stdlibHarness();
const broken = summarize(doctestDir ? `doctests of ${doctestDir}` : 'CPython standard library', report);
const out = value('--json');
if (out) writeFileSync(out, JSON.stringify(report, null, 2));
// Broken tests are the expected outcome of unsafe fixes; for safe fixes they are a defect.
process.exit(!UNSAFE && broken.length > 0 ? 1 : 0);
