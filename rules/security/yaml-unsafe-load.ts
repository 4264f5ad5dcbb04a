import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { replaceNode, replaceRange } from '../../server/fixes';
import type { TextEdit } from '../../common/types';
import {
  below,
  callsSpelledInFile,
  findDescendants,
  identifiersSpelled,
  keywordArgument,
  pinnedCeiling,
  scopeOf,
  valuesAssignedTo,
  withoutParentheses,
  type Version,
} from '../../server/analysis';

const UNSAFE_LOADERS = new Set([
  'yaml.Loader',
  'yaml.UnsafeLoader',
  'yaml.FullLoader',
  'yaml.loader.Loader',
  'yaml.loader.UnsafeLoader',
  'yaml.loader.FullLoader',
]);
const UNSAFE_C_LOADERS = new Set([
  'yaml.CLoader',
  'yaml.CUnsafeLoader',
  'yaml.CFullLoader',
  'yaml.cyaml.CLoader',
  'yaml.cyaml.CUnsafeLoader',
  'yaml.cyaml.CFullLoader',
]);
/** FullLoader ran code through `!!python/object/apply` until this release (CVE-2020-14343). */
const FULL_LOADER_SAFE_SINCE: Version = [5, 4];

/**
 * What the loader can build, and how much that weighs. FullLoader has refused `!!python/object/apply` and `/new` since
 * PyYAML 5.4 (CVE-2020-14343), but still resolves Python names and types: not arbitrary code, not data-only either. So
 * it is a hint (hardening, not a code-execution risk) unless the project pins a PyYAML older than 5.4.
 */
function harmOf(loaderOrShortcut: string | null, ctx: RuleContext): { harm: string; severity?: 'hint' } {
  if (!loaderOrShortcut || !/(FullLoader|full_load(_all)?)$/.test(loaderOrShortcut)) return { harm: 'can construct arbitrary Python objects' };
  const pinned = pinnedCeiling('pyyaml', ctx.filePath, ctx.files);
  if (pinned && below(pinned, FULL_LOADER_SAFE_SINCE)) {
    return { harm: `can run arbitrary code on the PyYAML ${pinned.join('.')} this project pins (\`!!python/object/apply\`; fixed in 5.4)` };
  }
  return { harm: 'resolves Python-specific tags (`!!python/name`, `!!python/tuple`; arbitrary code before PyYAML 5.4)', severity: 'hint' };
}

const SAFE_LOADERS = /(^|\.)(C?SafeLoader|C?BaseLoader)$/;
/** Shortcut functions that always use an unsafe loader, and their safe counterparts. */
const SHORTCUTS: Record<string, string> = {
  'yaml.unsafe_load': 'safe_load',
  'yaml.full_load': 'safe_load',
  'yaml.unsafe_load_all': 'safe_load_all',
  'yaml.full_load_all': 'safe_load_all',
};

export default defineRule({
  id: 'yaml-unsafe-load',
  title: 'yaml.load without a safe loader',
  category: 'security',
  severity: 'warning',
  severityForms: [
    {
      severity: 'hint',
      when: 'for `FullLoader` (`yaml.full_load`), which has run no code since PyYAML 5.4, unless the project pins an older PyYAML',
    },
  ],
  enabledByDefault: true,
  confidence: 'high',
  guide: 'configuration-and-architecture',
  // Ruff's S506 and Bandit's B506 flag the same `yaml.load` without a safe loader.
  peers: { ruff: ['S506'], bandit: ['B506', 'yaml_load'] },
  requires: ['yaml'],
  message: '`yaml.load` without a safe loader can construct arbitrary Python objects; use `yaml.safe_load`',
  docs: {
    why:
      "PyYAML's `Loader`, `UnsafeLoader` and `CLoader` honour `!!python/object/apply` tags, so a YAML file can run " +
      'any code while it is being parsed; `FullLoader` still resolves Python-specific names and types, and ran code ' +
      'before PyYAML 5.4 (CVE-2020-14343): on 5.4 and later a `FullLoader` finding is a hint, a warning only where the ' +
      'project pins an older PyYAML. ' +
      'Config files, experiment specs and model cards often come from other people or repositories. Since PyYAML 6 ' +
      'the `Loader` argument is also mandatory, so a bare `yaml.load(f)` raises TypeError.',
    instead:
      '`yaml.safe_load(f)` (or `yaml.load(f, Loader=yaml.CSafeLoader)` for the fast C parser); validate the result ' + 'with a schema or a pydantic model.',
    example: {
      before: 'with open("config.yaml") as f:\n    cfg = yaml.load(f, Loader=yaml.Loader)',
      after: 'with open("config.yaml") as f:\n    cfg = yaml.safe_load(f)',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Use yaml.safe_load()',
    reason: 'the safe loader rejects Python-specific tags (`!!python/tuple`, `!!python/object`...) that the current loader accepts',
  },
  query: `
(call
  function: [(attribute attribute: (identifier) @name) (identifier) @name]
  arguments: (argument_list) @args
  (#any-of? @name "load" "load_all" "unsafe_load" "full_load" "unsafe_load_all" "full_load_all")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const fn = call.childForFieldName('function')!;
    const q = ctx.facts.qualifiedName(fn);
    if (!q) return;
    const args = m.need('args').namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment');
    const stream = args[0];
    if (!stream || stream.type === 'keyword_argument' || stream.type === 'list_splat' || stream.type === 'dictionary_splat') return;
    if (args.some((a) => a.type === 'dictionary_splat' || a.type === 'list_splat')) return;
    // A literal YAML document in the code is not untrusted input.
    if (isLiteralString(stream)) return;
    // ... nor is a name every assignment of which in its scope is such a literal (`CONFIG = """..."""` then `yaml.load(CONFIG)`).
    if (stream.type === 'identifier') {
      const values = valuesAssignedTo(stream.text, call, ctx.facts);
      if (values.length > 0 && values.every(isLiteralString)) return;
    }

    // The file writes Python objects with `yaml.dump` (`yaml.dump(args, f)` of an argparse Namespace: a
    // `!!python/object` tag): what it loads may be what it wrote, which `safe_load` cannot read (review28's SimCLR
    // config, judged wrong). Silent: the loader is then what reads the program's own output back.
    if (dumpsPythonObjects(ctx)) return;
    // `config = yaml.load(file)` then `config.arch`: the document holds a Python object (an attribute read is no dict
    // access), which only the unsafe loader builds; safe_load would raise (the SimCLR notebook reading the
    // `!!python/object:argparse.Namespace` its training script dumped, review28 G054, judged wrong). Silent.
    if (readAsObject(call)) return;

    // `from yaml import load`: name the module in messages, and leave the import juggling to the user.
    const bare = fn.type === 'identifier';
    const moduleRef = bare ? 'yaml' : fn.childForFieldName('object')!.text;
    if (SHORTCUTS[q]) {
      const { harm, severity } = harmOf(q, ctx);
      ctx.report({
        node: call,
        message: `\`${fn.text}()\` uses a loader that ${harm}; use \`${moduleRef}.${SHORTCUTS[q]}()\``,
        severity,
        fixTitle: `Use ${moduleRef}.${SHORTCUTS[q]}()`,
        edits: bare ? undefined : [replaceNode(fn.childForFieldName('attribute')!, SHORTCUTS[q])],
      });
      return;
    }
    if (q !== 'yaml.load' && q !== 'yaml.load_all') return;
    const loaderArg = keywordArgument(call, 'Loader') ?? (args[1]?.type !== 'keyword_argument' ? args[1] : undefined);
    const loader = loaderArg?.type === 'keyword_argument' ? loaderArg.childForFieldName('value') : loaderArg;
    const loaderName = loader ? ctx.facts.qualifiedName(loader) : null;
    if (loader && (!loaderName || SAFE_LOADERS.test(loaderName))) return; // a safe or custom loader
    const safe = q === 'yaml.load' ? 'safe_load' : 'safe_load_all';
    const { harm, severity } = harmOf(loaderName, ctx);
    if (loaderName && UNSAFE_C_LOADERS.has(loaderName)) {
      // Keep the fast C parser: Loader=yaml.CSafeLoader.
      const ref = loader!.type === 'attribute' ? `${loader!.childForFieldName('object')!.text}.CSafeLoader` : null;
      ctx.report({
        node: call,
        message: `\`${fn.text}(..., Loader=${loader!.text})\` ${harm}; use \`Loader=${ref ?? 'yaml.CSafeLoader'}\``,
        severity,
        fixTitle: 'Use the C safe loader (CSafeLoader)',
        edits: ref ? [replaceNode(loader!, ref)] : undefined,
      });
      return;
    }
    if (loaderName && !UNSAFE_LOADERS.has(loaderName)) return;
    // `try: yaml.load(f, Loader=yaml.FullLoader)` / `except: yaml.load(f)`: the fallback for a PyYAML too old to have
    // FullLoader (before 5.1); the `try` is what runs, and what is reported.
    if (!loader && isOldPyYamlFallback(call, stream)) return;
    const what = loader ? `with \`${loader.text}\`` : 'without a Loader (a TypeError since PyYAML 6, an unsafe default before)';
    // Custom tag constructors registered on the default loader would be lost by safe_load: no automatic fix.
    const customTags = /\badd_(multi_)?constructor\s*\(/.test(ctx.text);
    ctx.report({
      node: call,
      message: `\`${fn.text}()\` ${what} ${harm}; use \`${moduleRef}.${safe}()\``,
      severity,
      fixTitle: `Use ${moduleRef}.${safe}()`,
      edits: bare || customTags ? undefined : safeLoadEdits(ctx.text, fn, args, loaderArg ?? null, safe),
    });
  },
});

/** `yaml.load(f, Loader=X)` → `yaml.safe_load(f)`: rename and drop the loader argument (with its comma). */
function safeLoadEdits(text: string, fn: Node, args: Node[], loaderArg: Node | null, safe: string): TextEdit[] | undefined {
  const edits: TextEdit[] = [replaceNode(fn.childForFieldName('attribute')!, safe)];
  if (loaderArg) {
    if (args.length !== 2) return undefined; // other arguments: leave it to the user
    // Remove from the end of the stream argument through the loader argument.
    edits.push(replaceRange(args[0].endIndex, loaderArg.endIndex, ''));
    if (/#/.test(text.slice(args[0].endIndex, loaderArg.endIndex))) return undefined;
  }
  return edits;
}

/** The call is in an `except` handler whose `try` loads the same stream with an explicit Loader. */
function isOldPyYamlFallback(call: Node, stream: Node): boolean {
  let handler: Node | null = call.parent;
  while (handler && handler.type !== 'except_clause' && handler.type !== 'function_definition') handler = handler.parent;
  const attempt = handler?.type === 'except_clause' ? handler.parent?.childForFieldName('body') : null;
  if (!attempt) return false;
  return findDescendants(attempt, (n) => n.type === 'call').some((c) => {
    const first = c.childForFieldName('arguments')?.namedChildren.find((a) => a !== null && a.type !== 'comment');
    return /(^|\.)load(_all)?$/.test(c.childForFieldName('function')?.text ?? '') && first?.text === stream.text && !!keywordArgument(c, 'Loader');
  });
}

/** A string literal without interpolation: YAML written in the code itself. */
function isLiteralString(node: Node): boolean {
  return node.type === 'string' && !node.namedChildren.some((c) => c?.type === 'interpolation');
}

const dumpsMemo = new WeakMap<object, boolean>();

/**
 * The file (or notebook) calls `yaml.dump` / `yaml.dump_all` (not `safe_dump`, no `SafeDumper`) on something that is
 * not plain data: not a dict, list or tuple display, a literal, `vars(x)`, `x.__dict__`, `dict(...)`, nor a name every
 * binding of which is one of those. Such a dump writes Python tags (`!!python/object:argparse.Namespace`).
 */
function dumpsPythonObjects(ctx: RuleContext): boolean {
  const known = dumpsMemo.get(ctx.facts);
  if (known !== undefined) return known;
  let found = false;
  // The calls spelled `dump(`, `dump_all(` or a from-import's alias of them (the word index), not every call of the file.
  const aliases = ctx.facts
    .importsOf('yaml')
    .filter((b) => b.target === 'yaml.dump' || b.target === 'yaml.dump_all')
    .map((b) => b.local);
  const spellings = new Set(['dump', 'dump_all', ...aliases]);
  for (const call of [...spellings].flatMap((name) => callsSpelledInFile(ctx.facts, name))) {
    const q = ctx.facts.calleeName(call);
    if (q !== 'yaml.dump' && q !== 'yaml.dump_all') continue;
    const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment') ?? [];
    const dumper = keywordArgument(call, 'Dumper');
    const dumperValue = dumper?.type === 'keyword_argument' ? dumper.childForFieldName('value') : null;
    if (dumperValue && /(^|\.)C?SafeDumper$/.test(dumperValue.text)) continue;
    const data = args[0];
    if (!data || data.type === 'keyword_argument') continue;
    if (!plainData(data, call, ctx, 0)) {
      found = true;
      break;
    }
  }
  dumpsMemo.set(ctx.facts, found);
  return found;
}

/** Data `yaml.dump` writes without Python tags, as far as the code shows. */
function plainData(node: Node, at: Node, ctx: RuleContext, depth: number): boolean {
  node = withoutParentheses(node);
  if (['dictionary', 'list', 'string', 'integer', 'float', 'true', 'false', 'none', 'dictionary_comprehension', 'list_comprehension'].includes(node.type))
    return true;
  if (node.type === 'attribute' && node.childForFieldName('attribute')?.text === '__dict__') return true;
  if (node.type === 'call') {
    const fn = node.childForFieldName('function');
    if (fn?.type === 'identifier' && ['vars', 'dict', 'list', 'str', 'int', 'float'].includes(fn.text) && ctx.facts.isBuiltin(fn.text, node)) return true;
    // Read from YAML or JSON: plain data again.
    const q = ctx.facts.calleeName(node) ?? '';
    return /^(yaml\.(safe_load|load|full_load)|json\.loads?)$/.test(q);
  }
  if (node.type === 'identifier' && depth < 3) {
    const values = valuesAssignedTo(node.text, at, ctx.facts);
    return values.length > 0 && values.every((v) => plainData(v, at, ctx, depth + 1));
  }
  return false;
}

/** Members of a dict (and of a list) that a plain loaded document answers: reading one of them says nothing of objects. */
const CONTAINER_MEMBERS = new Set([
  'get',
  'items',
  'keys',
  'values',
  'update',
  'pop',
  'popitem',
  'copy',
  'setdefault',
  'clear',
  'append',
  'extend',
  'index',
  'count',
]);

/**
 * The load's result is bound to a name (`config = yaml.load(f)`) that the same scope reads only through attributes no
 * dict has (`config.arch`, `config.dataset_name`), and never by key: the document is a Python object's.
 */
function readAsObject(call: Node): boolean {
  const assign = call.parent;
  const target = assign?.type === 'assignment' && assign.childForFieldName('right')?.equals(call) ? assign.childForFieldName('left') : null;
  if (target?.type !== 'identifier') return false;
  const scope = scopeOf(call);
  const reads = identifiersSpelled(scope, target.text).filter((n) => !n.equals(target));
  let attributes = 0;
  for (const id of reads) {
    const parent = id.parent;
    if (parent?.type === 'subscript' && parent.childForFieldName('value')?.equals(id)) return false;
    if (parent?.type !== 'attribute' || !parent.childForFieldName('object')?.equals(id)) continue;
    if (CONTAINER_MEMBERS.has(parent.childForFieldName('attribute')?.text ?? '')) return false;
    attributes++;
  }
  return attributes > 0;
}
