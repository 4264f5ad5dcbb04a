#!/usr/bin/env node
// Checks snippets/python.json (Node >= 20, no dependencies; needs python3 on PATH).
//
// For every snippet it
//   1. validates the entry (prefix scheme, unique prefixes, one-sentence description,
//      4-space indentation, no tabs, a final $0);
//   2. expands the body the way VS Code would when every placeholder keeps its default:
//      ${N:default} -> default (nested placeholders expanded), ${N|a,b|} -> a,
//      $N / ${N} -> the value of tab stop N defined elsewhere, or "" if it has none;
//      \$ \} \\ are unescaped;
//   3. writes each expansion to a temp file and runs `python3 -m py_compile` on them;
//   4. runs a few policy checks on the expanded code (AST-based, in python3) that mirror the
//      advice the snippets teach (functools.wraps, try/finally around yield, no print, ...).
//
// Usage: node snippets/check-snippets.mjs [--file JSON] [--keep | --out DIR] [--show PREFIX] [--flakes]
//   --file JSON         check another snippets file (default: python.json next to this script)
//   --keep / --out DIR  keep the expanded .py files (one per prefix)
//   --show PREFIX       print the expansion of one snippet and exit
//   --flakes            also run pyflakes over the expansions (python3 -m pyflakes must work,
//                       or set PYFLAKES_PYTHON to an interpreter that has it)
// Environment: PYTHON (default "python3").
//
// The parsing and expansion functions are exported for reuse by other tests.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const SNIPPETS_FILE = join(HERE, 'python.json');

/** Group prefixes, in the order of rules-catalog.md section 2. */
export const GROUPS = [
  ['deco', 'decorators'],
  ['ctx', 'context managers'],
  ['gen', 'generators and iterators'],
  ['pat', 'classes, data models and design patterns'],
  ['conc', 'concurrency'],
  ['np', 'numerical computing'],
  ['pd', 'pandas'],
  ['tf', 'TensorFlow'],
  ['torch', 'PyTorch'],
  ['prof|dbg|test', 'profiling, logging, debugging, testing'],
];
const PREFIX_RE = /^(deco|ctx|gen|pat|conc|np|pd|tf|torch|prof|dbg|test)-[a-z0-9]+(-[a-z0-9]+)*$/;

// ---------------------------------------------------------------------------------------------
// Parsing (a subset of the VS Code snippet grammar: tab stops, placeholders, choices; variables
// are reported as errors because a Python body should never contain an unescaped `$name`).

export class SnippetSyntaxError extends Error {}

/**
 * @typedef {{type:'text', value:string}
 *   | {type:'tabstop', index:number}
 *   | {type:'placeholder', index:number, children:Node[]}
 *   | {type:'choice', index:number, options:string[]}} Node
 */

/** @returns {Node[]} */
export function parseSnippet(src) {
  let i = 0;

  function parseSeq(inPlaceholder) {
    const nodes = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ type: 'text', value: text });
      text = '';
    };
    while (i < src.length) {
      const c = src[i];
      if (c === '\\' && i + 1 < src.length && '$}\\'.includes(src[i + 1])) {
        text += src[i + 1];
        i += 2;
        continue;
      }
      if (inPlaceholder && c === '}') {
        flush();
        return nodes;
      }
      if (c === '$') {
        const node = parseDollar();
        if (node) {
          flush();
          nodes.push(node);
          continue;
        }
      }
      text += c;
      i += 1;
    }
    if (inPlaceholder) throw new SnippetSyntaxError('unterminated placeholder ${N:...}');
    flush();
    return nodes;
  }

  function parseDollar() {
    const rest = src.slice(i);
    let m = /^\$(\d+)/.exec(rest);
    if (m) {
      i += m[0].length;
      return { type: 'tabstop', index: Number(m[1]) };
    }
    m = /^\$\{(\d+)/.exec(rest);
    if (m) {
      const index = Number(m[1]);
      i += m[0].length;
      if (src[i] === '}') {
        i += 1;
        return { type: 'tabstop', index };
      }
      if (src[i] === ':') {
        i += 1;
        const children = parseSeq(true);
        i += 1; // the closing }
        return { type: 'placeholder', index, children };
      }
      if (src[i] === '|') {
        i += 1;
        const options = [];
        let cur = '';
        while (i < src.length) {
          const c = src[i];
          if (c === '\\' && ',|\\'.includes(src[i + 1])) {
            cur += src[i + 1];
            i += 2;
          } else if (c === ',') {
            options.push(cur);
            cur = '';
            i += 1;
          } else if (c === '|' && src[i + 1] === '}') {
            options.push(cur);
            i += 2;
            if (options.some((o) => o === '')) throw new SnippetSyntaxError(`empty option in choice \${${index}|...|}`);
            return { type: 'choice', index, options };
          } else {
            cur += c;
            i += 1;
          }
        }
        throw new SnippetSyntaxError(`unterminated choice \${${index}|...|}`);
      }
      throw new SnippetSyntaxError(`malformed tab stop near "${rest.slice(0, 12)}"`);
    }
    m = /^\$\{?([_a-zA-Z][_a-zA-Z0-9]*)/.exec(rest);
    if (m) {
      throw new SnippetSyntaxError(`"$${m[1]}" is a VS Code variable; escape a literal dollar as \\$`);
    }
    return null; // a lone `$`: literal text, as in VS Code
  }

  return parseSeq(false);
}

/**
 * Expand a parsed snippet as VS Code renders it before the user types anything.
 * The first placeholder of an index that has a default (or a choice) defines the value of
 * every bare occurrence ($N / ${N}) of that index.
 */
export function expandSnippet(nodes) {
  const defs = new Map();
  (function collect(list) {
    for (const n of list) {
      if ((n.type === 'placeholder' && n.children.length) || n.type === 'choice') {
        if (!defs.has(n.index)) defs.set(n.index, n);
      }
      if (n.type === 'placeholder') collect(n.children);
    }
  })(nodes);

  function render(list, depth) {
    if (depth > 20) throw new SnippetSyntaxError('placeholders nested too deeply (cycle?)');
    let out = '';
    for (const n of list) {
      if (n.type === 'text') out += n.value;
      else if (n.type === 'choice') out += n.options[0];
      else if (n.type === 'placeholder' && n.children.length) out += render(n.children, depth + 1);
      else {
        const def = defs.get(n.index);
        if (def) out += render([def], depth + 1);
      }
    }
    return out;
  }
  return render(nodes, 0);
}

export function loadSnippets(file = SNIPPETS_FILE) {
  const raw = readFileSync(file, 'utf8');
  return { raw, snippets: JSON.parse(raw) };
}

export function bodyText(entry) {
  return Array.isArray(entry.body) ? entry.body.join('\n') : String(entry.body);
}

// ---------------------------------------------------------------------------------------------
// Checks

/** Static checks on the JSON entries; returns a list of messages. */
export function checkEntries(raw, snippets) {
  const problems = [];
  if (snippets === null || typeof snippets !== 'object' || Array.isArray(snippets)) {
    return ['top level must be an object of named snippets'];
  }
  // JSON.parse silently keeps the last of duplicate keys: count the top-level keys in the text.
  const keyLines = raw.split('\n').filter((l) => /^ {2}"(?:[^"\\]|\\.)*": \{\s*$/.test(l));
  if (keyLines.length !== Object.keys(snippets).length) {
    problems.push(`duplicate or oddly formatted snippet names (${keyLines.length} key lines, ${Object.keys(snippets).length} entries)`);
  }
  const seen = new Map();
  for (const [name, e] of Object.entries(snippets)) {
    const where = `"${name}"`;
    const prefixes = Array.isArray(e.prefix) ? e.prefix : [e.prefix];
    for (const p of prefixes) {
      if (typeof p !== 'string' || !PREFIX_RE.test(p)) problems.push(`${where}: prefix ${JSON.stringify(p)} does not follow the group-name scheme`);
      if (seen.has(p)) problems.push(`${where}: prefix "${p}" already used by "${seen.get(p)}"`);
      seen.set(p, name);
    }
    if (!Array.isArray(e.body) || !e.body.every((l) => typeof l === 'string')) {
      problems.push(`${where}: body must be an array of strings`);
      continue;
    }
    if (typeof e.description !== 'string' || !/^\S.*\.$/.test(e.description) || /[.!?]\s+[A-Z]/.test(e.description)) {
      problems.push(`${where}: description must be one sentence ending with "."`);
    }
    e.body.forEach((line, k) => {
      if (line.includes('\t')) problems.push(`${where}: tab character in body line ${k + 1}`);
      if (/\s$/.test(line)) problems.push(`${where}: trailing whitespace in body line ${k + 1}`);
      const indent = /^ */.exec(line)[0].length;
      if (indent % 4 !== 0 && !/^\s*[)\]}]/.test(line) && !isContinuation(e.body, k)) {
        problems.push(`${where}: indentation of body line ${k + 1} is not a multiple of 4`);
      }
    });
    const text = bodyText(e);
    if (!/\$0(?!\d)|\$\{0[:}]/.test(text)) problems.push(`${where}: no final tab stop $0`);
  }
  return problems;
}

function isContinuation(lines, k) {
  // Allow hanging indents inside an open bracket of the previous lines.
  let depth = 0;
  for (const line of lines.slice(0, k)) {
    for (const ch of line.replace(/(["'])(?:\\.|(?!\1).)*\1/g, '')) {
      if ('([{'.includes(ch)) depth += 1;
      else if (')]}'.includes(ch)) depth -= 1;
    }
  }
  return depth > 0;
}

/** Simple text rules on the expanded code: [regex that must not match, message]. */
const TEXT_RULES = [
  [/(^|[^.\w])print\(/m, 'print(): use logging.getLogger(__name__)'],
  [/\btime\.time\(\)/, 'time.time() for durations: use time.perf_counter()'],
  [/torch\.cuda\.amp/, 'torch.cuda.amp is deprecated: use torch.amp.autocast("cuda") / torch.amp.GradScaler("cuda")'],
  [/\binplace\s*=\s*True/, 'inplace=True: assign the result instead'],
  [/\.values\b(?!\s*\()/, '.values: use .to_numpy()'],
  [/(^|[^.\w])(eval|exec)\(/m, 'eval/exec'],
  [/except\s*:/, 'bare except:'],
  [/\bbreakpoint\(|\bset_trace\(/, 'leftover breakpoint()/set_trace()'],
  [/\byaml\.load\(/, 'yaml.load: use yaml.safe_load'],
  [/get_event_loop\(/, 'get_event_loop(): use asyncio.get_running_loop() inside coroutines'],
  [/maxsize\s*=\s*None|@(functools\.)?cache\b(?!_)/, 'unbounded cache: give lru_cache a maxsize'],
  [/nn\.DataParallel\(/, 'nn.DataParallel: use DistributedDataParallel'],
  [/torch\.jit\.(script|trace)\(/, 'TorchScript is deprecated: torch.compile / torch.export'],
  [/empty_cache\(/, 'torch.cuda.empty_cache() does not free live tensors'],
  [/get_scaled_loss|get_unscaled_gradients/, 'Keras 2 loss-scaling API: use LossScaleOptimizer.scale_loss'],
  [/run_functions_eagerly\(\s*True/, 'tf.config.run_functions_eagerly(True) left in code'],
  [/\.iterrows\(|\.apply\(\s*lambda/, 'row-wise pandas iteration: vectorise'],
  [/["'](\/(home|Users|usr|tmp|data|mnt)\/|[A-Za-z]:\\)/, 'hard-coded absolute path'],
  [/\b(np|numpy)\.(float|int|bool|object)\b(?!\d|_)/, 'removed NumPy alias'],
  [/typing import [^\n]*\b(List|Dict|Tuple|Set|Optional|Union)\b/, 'legacy typing generics: use list[...], X | None'],
  [/\bmkdtemp\(/, 'mkdtemp(): use tempfile.TemporaryDirectory()'],
  [/\.acquire\(\)/, 'lock.acquire(): use `with lock:`'],
  [/threading\.local\(\)\./, 'threading.local() created inline: use one module-level object'],
  [/\bfrom numba import [^\n]*\bjit\b|@(numba\.)?jit\b(?!\w)/, 'numba.jit: use njit'],
];

/** Rules that look at one call's argument list: [callee regex, required text, message]. */
const CALL_RULES = [
  [/\brequests\.(get|post|put|patch|delete|head|request)\(/g, /\btimeout\s*=/, 'requests call without timeout='],
  [/\burlopen\(/g, /\btimeout\s*=/, 'urlopen without timeout='],
  [/\btorch\.load\(/g, /weights_only\s*=\s*True/, 'torch.load without weights_only=True'],
  [/(?<![\w.])DataLoader\(/g, /num_workers\s*=[\s\S]*pin_memory\s*=|pin_memory\s*=[\s\S]*num_workers\s*=/, 'DataLoader without num_workers= and pin_memory='],
  [/(?<![\w.])njit\(/g, /cache\s*=\s*True/, '@njit without cache=True'],
];

function callArgs(code, openIndex) {
  let depth = 0;
  for (let k = openIndex; k < code.length; k += 1) {
    if (code[k] === '(') depth += 1;
    else if (code[k] === ')') {
      depth -= 1;
      if (depth === 0) return code.slice(openIndex + 1, k);
    }
  }
  return code.slice(openIndex + 1);
}

export function checkText(code) {
  const problems = [];
  for (const [re, msg] of TEXT_RULES) if (re.test(code)) problems.push(msg);
  for (const [re, need, msg] of CALL_RULES) {
    for (const m of code.matchAll(re)) {
      const args = callArgs(code, m.index + m[0].lastIndexOf('('));
      if (!need.test(args)) problems.push(msg);
    }
  }
  if (/tf\.data\.Dataset\.\w+\(/.test(code) && !/\.prefetch\(/.test(code)) problems.push('tf.data pipeline without .prefetch(tf.data.AUTOTUNE)');
  if (/import tensorflow/.test(code)) {
    for (const m of code.matchAll(/\bds\.map\(/g)) {
      if (!/num_parallel_calls/.test(callArgs(code, m.index + m[0].length - 1))) problems.push('Dataset.map without num_parallel_calls=');
    }
  }
  if (/DistributedSampler\(/.test(code) && !/\.set_epoch\(/.test(code)) problems.push('DistributedSampler without set_epoch(epoch)');
  if (/\bprange\(/.test(code) && !/parallel\s*=\s*True/.test(code)) problems.push('prange without parallel=True');
  if (/@cuda\.jit/.test(code) && !/if\s+\w+\s*<\s*\w+\.(shape\[0\]|size)/.test(code)) problems.push('CUDA kernel without a bounds check');
  if (/@tf\.function/.test(code) && /(^|[^.\w])print\(/m.test(code)) problems.push('print inside tf.function: use tf.print');
  return [...new Set(problems)];
}

// AST checks, run in python3 over all expanded files at once. Reads a JSON list of paths on
// stdin, prints a JSON object {path: [messages]}.
const AST_CHECKS = String.raw`
import ast, json, sys

def dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return base + "." + node.attr if base else node.attr
    if isinstance(node, ast.Call):
        return dotted(node.func)
    return ""

def deco_names(fn):
    return {dotted(d).split(".")[-1] for d in fn.decorator_list}

def parents(tree):
    par = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            par[child] = node
    return par

def ancestors(node, par):
    while node in par:
        node = par[node]
        yield node

def check(path):
    try:
        tree = ast.parse(open(path, encoding="utf-8").read())
    except SyntaxError:
        return []  # already reported by py_compile
    par = parents(tree)
    out = []
    funcs = (ast.FunctionDef, ast.AsyncFunctionDef)
    slotted = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)
               and any(isinstance(s, ast.Assign) and any(getattr(t, "id", "") == "__slots__" for t in s.targets) for s in n.body)}
    for node in ast.walk(tree):
        if isinstance(node, funcs):
            names = deco_names(node)
            inner = {n.name: n for n in node.body if isinstance(n, funcs)}
            returned = {r.value.id for r in ast.walk(node) if isinstance(r, ast.Return) and isinstance(r.value, ast.Name)}
            params = {a.arg for a in node.args.args}
            # As in rule decorator-missing-wraps: a one-parameter function returning a nested
            # def that calls that parameter (factories reach this at their innermost level).
            for name in (returned & set(inner)) if len(params) == 1 else ():
                wrapper = inner[name]
                calls_param = any(isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id in params for c in ast.walk(wrapper))
                if calls_param and "wraps" not in deco_names(wrapper):
                    out.append("decorator wrapper %s without functools.wraps" % name)
            if names & {"contextmanager", "asynccontextmanager"}:
                for y in ast.walk(node):
                    if isinstance(y, (ast.Yield, ast.YieldFrom)):
                        if not any(isinstance(a, ast.Try) and a.finalbody and y not in [d for f in a.finalbody for d in ast.walk(f)] for a in ancestors(y, par)):
                            out.append("yield in %s is not protected by try/finally" % node.name)
            if isinstance(par.get(node), ast.ClassDef) and names & {"cache", "lru_cache"} and not names & {"staticmethod", "classmethod"}:
                out.append("functools cache on method %s" % node.name)
            if node.name == "__get__":
                has_none_check = any(isinstance(c, ast.Compare) and any(isinstance(o, ast.Is) for o in c.ops)
                                     and any(isinstance(v, ast.Constant) and v.value is None for v in c.comparators) for c in ast.walk(node))
                if not has_none_check:
                    out.append("descriptor __get__ without an 'instance is None' branch")
            if node.name == "__exit__" or node.name == "__aexit__":
                for r in ast.walk(node):
                    if isinstance(r, ast.Return) and isinstance(r.value, ast.Constant) and r.value.value is True:
                        out.append("__exit__ swallows exceptions")
            if isinstance(node, ast.AsyncFunctionDef):
                for c in ast.walk(node):
                    if isinstance(c, ast.Call) and dotted(c.func) in {"time.sleep", "requests.get", "requests.post", "subprocess.run", "urllib.request.urlopen"}:
                        out.append("blocking call %s inside async def %s" % (dotted(c.func), node.name))
        elif isinstance(node, ast.ClassDef):
            if "dataclass" in deco_names(node):
                for s in node.body:
                    if isinstance(s, ast.AnnAssign) and s.value is not None:
                        v = s.value
                        if isinstance(v, (ast.List, ast.Dict, ast.Set)) or (isinstance(v, ast.Call) and dotted(v.func) in {"list", "dict", "set"}):
                            out.append("mutable dataclass default %s" % getattr(s.target, "id", "?"))
            bases = {dotted(b) for b in node.bases}
            own_slots = node.name in slotted
            if bases & slotted and not own_slots:
                out.append("subclass %s of a slotted class has no __slots__" % node.name)
        elif isinstance(node, ast.ExceptHandler) and node.type is None:
            out.append("bare except")
        elif isinstance(node, ast.Assert):
            fn = next((a for a in ancestors(node, par) if isinstance(a, funcs)), None)
            if fn is None or not fn.name.startswith("test"):
                out.append("assert used outside a test")
        elif isinstance(node, ast.Call):
            name = dotted(node.func)
            parent = par.get(node)
            in_with = isinstance(parent, ast.withitem) and parent.context_expr is node
            short = name.split(".")[-1]
            if short in {"ThreadPoolExecutor", "ProcessPoolExecutor", "Pool", "ClientSession", "AsyncClient"} and not in_with:
                out.append("%s() not used as a context manager" % name)
            if name == "open" and not in_with:
                out.append("open() outside a with statement")
            if short in {"create_task", "ensure_future"} and isinstance(parent, ast.Expr):
                out.append("task reference dropped")
            if name in {"sum", "any", "all", "min", "max", "set", "tuple"} and len(node.args) == 1 and isinstance(node.args[0], ast.ListComp):
                out.append("%s([...]): use a generator expression" % name)
            if short == "readlines" and isinstance(parent, (ast.For, ast.AsyncFor)):
                out.append("iterating readlines(): iterate the file")
            if short in {"Process", "Pool", "ProcessPoolExecutor"}:
                fn = next((a for a in ancestors(node, par) if isinstance(a, funcs)), None)
                guard = any(isinstance(a, ast.If) and "__name__" in ast.unparse(a.test) for a in ancestors(node, par))
                if fn is None and not guard:
                    out.append("process started at module level without the __main__ guard")
        elif isinstance(node, ast.Compare):
            if any(isinstance(o, (ast.Is, ast.IsNot)) for o in node.ops) and any(
                    isinstance(v, ast.Constant) and isinstance(v.value, (int, float, str, bytes)) and not isinstance(v.value, bool)
                    for v in node.comparators):
                out.append("'is' comparison with a literal")
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            calls = [c for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)]
            if any(c.func.attr == "backward" for c in calls):
                for c in calls:
                    if c.func.attr in {"item", "cpu", "numpy", "tolist"}:
                        out.append(".%s() inside a training loop" % c.func.attr)
                    if c.func.attr == "to" and not any(k.arg == "non_blocking" for k in c.keywords):
                        out.append(".to(device) without non_blocking=True in a training loop")
            for s in ast.walk(node):
                if isinstance(s, ast.Global):
                    out.append("global statement inside a loop")
    return sorted(set(out))

paths = json.load(sys.stdin)
print(json.dumps({p: check(p) for p in paths}))
`;

// ---------------------------------------------------------------------------------------------

function run(cmd, args, input) {
  return spawnSync(cmd, args, { encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024 });
}

function main(argv) {
  const opts = { file: SNIPPETS_FILE, keep: false, out: null, show: null, flakes: false };
  for (let k = 0; k < argv.length; k += 1) {
    if (argv[k] === '--file') opts.file = resolve(argv[++k]);
    else if (argv[k] === '--keep') opts.keep = true;
    else if (argv[k] === '--out') opts.out = argv[++k];
    else if (argv[k] === '--show') opts.show = argv[++k];
    else if (argv[k] === '--flakes') opts.flakes = true;
    else {
      console.error(`unknown argument ${argv[k]}`);
      return 2;
    }
  }
  const python = process.env.PYTHON || 'python3';
  const { raw, snippets } = loadSnippets(opts.file);
  const failures = [];
  const failed = new Set();
  const fail = (who, msg) => {
    failures.push(`${who}: ${msg}`);
    failed.add(who);
  };

  for (const p of checkEntries(raw, snippets)) fail('python.json', p);

  const expanded = new Map(); // prefix (made unique) -> code
  const all = []; // every snippet's (unique) prefix, expanded or not
  for (const [name, entry] of Object.entries(snippets)) {
    let prefix = String(Array.isArray(entry.prefix) ? entry.prefix[0] : entry.prefix);
    for (let n = 2; all.includes(prefix); n += 1) prefix = `${prefix.replace(/~\d+$/, '')}~${n}`;
    all.push(prefix);
    try {
      expanded.set(prefix, expandSnippet(parseSnippet(bodyText(entry))) + '\n');
    } catch (err) {
      fail(prefix, `snippet syntax in "${name}": ${err.message}`);
    }
  }

  if (opts.show) {
    const code = expanded.get(opts.show);
    if (code === undefined) {
      console.error(`no snippet with prefix ${opts.show}`);
      return 2;
    }
    process.stdout.write(code);
    return 0;
  }

  const dir = opts.out ? resolve(opts.out) : mkdtempSync(join(tmpdir(), 'perflens-snippets-'));
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (const [prefix, code] of expanded) {
    const file = join(dir, `${prefix.replace(/[^a-z0-9-]/gi, '_')}.py`); // '~2' -> '_2'
    writeFileSync(file, code);
    files.push([prefix, file]);
    for (const msg of checkText(code)) fail(prefix, `policy: ${msg}`);
  }

  // `python3 -m py_compile` on all files at once (one interpreter start); it stops at the first
  // error, so on failure compile each file separately to report every broken snippet.
  const batch = run(python, ['-m', 'py_compile', ...files.map(([, f]) => f)]);
  if (batch.error) {
    console.error(`cannot run ${python}: ${batch.error.message}`);
    return 2;
  }
  if (batch.status !== 0) {
    for (const [prefix, file] of files) {
      const r = run(python, ['-m', 'py_compile', file]);
      if (r.status !== 0) fail(prefix, `py_compile failed\n${(r.stderr || r.stdout).trim().replace(/^/gm, '    ')}`);
    }
  }

  const ast = run(python, ['-c', AST_CHECKS], JSON.stringify(files.map(([, f]) => f)));
  if (ast.status !== 0) {
    fail('policy', `AST checks crashed\n${ast.stderr}`);
  } else {
    const byFile = JSON.parse(ast.stdout);
    for (const [prefix, file] of files) for (const msg of byFile[file] || []) fail(prefix, `policy: ${msg}`);
  }

  if (opts.flakes) {
    const py = process.env.PYFLAKES_PYTHON || python;
    const r = run(py, ['-m', 'pyflakes', ...files.map(([, f]) => f)]);
    if (r.error || /No module named pyflakes/.test(r.stderr)) {
      fail('pyflakes', `not available for ${py} (set PYFLAKES_PYTHON)`);
    } else {
      const byPath = new Map(files.map(([prefix, f]) => [f, prefix]));
      for (const line of `${r.stdout}${r.stderr}`.split('\n').filter(Boolean)) {
        const path = [...byPath.keys()].find((f) => line.startsWith(`${f}:`));
        fail(path ? byPath.get(path) : 'pyflakes', `pyflakes: ${path ? line.slice(path.length + 1) : line}`);
      }
    }
  }

  if (!opts.keep && !opts.out) rmSync(dir, { recursive: true, force: true });

  const counts = GROUPS.map(([g, label]) => {
    const re = new RegExp(`^(${g})-`);
    return `${label}: ${all.filter((p) => re.test(p)).length}`;
  });
  console.log(`${all.length} snippets (${counts.join(', ')})`);
  if (opts.keep || opts.out) console.log(`expanded files kept in ${dir}`);
  if (failures.length) {
    console.log(`\n${failures.length} problem(s):`);
    for (const f of failures) console.log(`  - ${f}`);
    const bad = all.filter((p) => failed.has(p)).length;
    console.log(`\n${all.length - bad} passed, ${bad} failed${failed.size > bad ? ' (plus file-level problems)' : ''}`);
    return 1;
  }
  console.log(`${all.length} passed, 0 failed`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
