import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import {
  bindingOf,
  decoratorsOf,
  docstringOf,
  enclosingDef,
  enclosingLoop,
  hasOwnYield,
  identifiersSpelledInFile,
  isBuildScript,
  localOccurrences,
  occurrences,
  parameterNames,
  scopeOf,
  withEnclosingParentheses,
} from '../../server/analysis';

const LOADER_NAME = /(load|read|batch|chunk|stream|fetch|records|rows|samples|examples|dataset|parse)/i;
const SOURCE_PARAM =
  /^(path|paths|file|files|filename|fname|fp|fh|url|reader|stream|source|src|infile|input_file|file_path|filepath|data_path|data_file|csv_path|root|data_dir)$/i;
/** SOURCE_PARAM's names as words of a parameter list's text: a parameter with one of these names spells one. */
const SOURCE_PARAM_WORD = new RegExp(`\\b${SOURCE_PARAM.source.slice(1, -1)}\\b`, 'i');

/**
 * A parameter named like a file or stream (SOURCE_PARAM). The parameter list's text is tested first: most defs spell no
 * such word there, and reading each parameter from the tree cost more than the rest of the check on a keystroke.
 */
function sourceParameter(fn: Node): boolean {
  if (!SOURCE_PARAM_WORD.test(fn.childForFieldName('parameters')?.text ?? '')) return false;
  return parameterNames(fn).some((p) => SOURCE_PARAM.test(p));
}

/** Iterables that read from outside the process lazily. */
const STREAM_CALLS = new Set(['open', 'io.open', 'gzip.open', 'bz2.open', 'lzma.open', 'csv.reader', 'csv.DictReader']);
/** Parameters that are iterated as a stream of records (a file object or reader), not a list of paths. */
const STREAM_PARAM = /^(f|fh|fp|file|infile|reader|stream|source|src)$/i;

function calleeName(call: Node, ctx: RuleContext): string | null {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'identifier' && fn.text === 'open' && ctx.facts.isBuiltin('open', call)) return 'open';
  return ctx.facts.qualifiedName(fn);
}

/** The loop reads a stream: it iterates an opened file, a csv reader, a directory walk or a parameter that names a source. */
function readsStream(loop: Node, fn: Node, ctx: RuleContext): boolean {
  const it = loop.childForFieldName('right');
  if (!it) return false;
  const inner =
    it.type === 'call' && ['enumerate', 'zip'].includes(it.childForFieldName('function')?.text ?? '') ? it.childForFieldName('arguments')?.namedChild(0) : it;
  if (!inner) return false;
  if (inner.type === 'call') return STREAM_CALLS.has(calleeName(inner, ctx) ?? '');
  if (inner.type !== 'identifier') return false;
  if (parameterNames(fn).includes(inner.text)) return STREAM_PARAM.test(inner.text);
  // A local bound by `with open(...) as f`, `f = open(...)`, `reader = csv.reader(...)`.
  const body = fn.childForFieldName('body')!;
  return localOccurrences(body, inner.text).some((id) => {
    const b = bindingOf(id);
    let value: Node | null = null;
    if (b?.type === 'assignment' && b.childForFieldName('left')?.equals(id)) value = b.childForFieldName('right');
    else if (b?.type === 'as_pattern') value = b.namedChild(0);
    return value?.type === 'call' && STREAM_CALLS.has(calleeName(value, ctx) ?? '');
  });
}

export default defineRule({
  id: 'list-accumulating-batch-loader',
  title: 'A loader builds and returns a full list of records or batches',
  category: 'generators',
  severity: 'info',
  enabledByDefault: true,
  confidence: 'low',
  guide: 'streaming-large-data',
  message: 'This loader collects every record in a list before returning; a generator would stream them to the caller',
  docs: {
    why:
      'A function that reads a file or stream, appends every record (or batch) to a list and returns the list holds ' +
      'the whole dataset in memory at once, and the caller can start only when all of it has been read. For ' +
      'training data and large exports that is the difference between constant memory and running out of it.',
    instead:
      'Make it a generator: `yield` each record (or each full batch, then the final partial batch) instead of ' +
      'appending. Callers that really need a list can still write `list(load(...))`.',
    example: {
      before:
        'def load_batches(path, n):\n    batches, batch = [], []\n    with open(path) as f:\n        for line in f:\n            batch.append(line)\n            if len(batch) == n:\n                batches.append(batch)\n                batch = []\n    return batches',
      after:
        'def load_batches(path, n):\n    batch = []\n    with open(path) as f:\n        for line in f:\n            batch.append(line)\n            if len(batch) == n:\n                yield batch\n                batch = []\n    if batch:\n        yield batch',
    },
  },
  query: `
(function_definition
  name: (identifier) @fname
  body: (block (return_statement (identifier) @result) .)) @fn`,
  check(m, ctx) {
    const fn = m.need('fn');
    const result = m.need('result').text;
    const body = fn.childForFieldName('body')!;
    // The names first: most defs stop there, and decoratorsOf asks for the def's parent, which tree-sitter finds by descending from the root.
    const fname = m.need('fname').text;
    if (!LOADER_NAME.test(fname) && !sourceParameter(fn)) return;
    // setup.py reads its requirements file into the list `install_requires` takes (IOPaint's, review70: wrong).
    if (isBuildScript(ctx.filePath)) return;
    if (decoratorsOf(fn).some((d) => /contextmanager|property|cache/.test(d.text))) return;
    // A list is the function's contract (`-> list[...]`, ":rtype: list", "returns a list of ..."): callers elsewhere may
    // index or slice it (nltk's parse_tweets_set, whose callers split it into train and test).
    if (promisesList(fn)) return;
    // result = [] as a direct statement of the body.
    const init = body.namedChildren.find((s) => {
      const a = s?.type === 'expression_statement' ? s.namedChild(0) : null;
      if (a?.type !== 'assignment') return false;
      const left = a.childForFieldName('left');
      const right = a.childForFieldName('right');
      if (left?.type === 'identifier') return left.text === result && right?.type === 'list' && right.namedChildCount === 0;
      // `batches, batch = [], []`
      if (left?.type === 'pattern_list' && right?.type === 'expression_list') {
        const i = left.namedChildren.findIndex((c) => c?.text === result);
        const v = i >= 0 ? right.namedChild(i) : null;
        return v?.type === 'list' && v.namedChildCount === 0;
      }
      return false;
    });
    if (!init) return;
    if (hasOwnYield(body)) return;
    // Every other use: `result.append(x)` inside a loop that reads a stream; nothing else.
    const uses = localOccurrences(body, result).filter((id) => id.startIndex > init.endIndex);
    let appendLoop: Node | null = null;
    for (const id of uses) {
      const p = id.parent!;
      if (p.type === 'return_statement') continue;
      const call = p.parent;
      const isAppend =
        p.type === 'attribute' && p.childForFieldName('attribute')?.text === 'append' && call?.type === 'call' && call.childForFieldName('function')?.equals(p);
      if (!isAppend) return;
      let loop = enclosingLoop(call!);
      if (!loop) return;
      // The outermost loop of the nest is the one that reads.
      for (let outer = enclosingLoop(loop); outer; outer = enclosingLoop(outer)) loop = outer;
      appendLoop = loop;
    }
    if (!appendLoop || appendLoop.type !== 'for_statement' || !readsStream(appendLoop, fn, ctx)) return;
    // A caller in this file that treats the result as a list (`if load(p):`, `len(...)`, `[0]`) would
    // break: a generator is always true, has no length and cannot be indexed.
    const spelled = identifiersSpelledInFile(ctx.facts, fname);
    if (spelled.some(callNeedsList)) return;
    // Every caller in view pours the result into one collection (`rows.extend(load(p))`, `list(load(p))`): the
    // whole list is built anyway, so yielding saves nothing (stanza's parse_input_file, extended into one list).
    if (everyCallMaterialises(spelled)) return;
    // A public method is an interface (sentence-transformers' readers' `get_examples`): callers in other files may take
    // `len()` of the result or index it, which a generator breaks. Where they are not in view, the change is the reader's call.
    const api = isPublicMethod(fn);
    ctx.report({
      node: m.need('fname'),
      message: api
        ? `\`${fname}\` reads a stream into list \`${result}\` and returns it whole; if no caller needs a list (\`len\`, indexing), \`yield\` the items instead`
        : `\`${fname}\` reads a stream into list \`${result}\` and returns it whole; \`yield\` the items to stream them instead`,
      ...(api ? { lowImpact: 'a public method: its callers, out of view, may need the list (`len`, indexing)' } : {}),
    });
  },
});

/** A method of a class whose name does not start with `_`. */
function isPublicMethod(fn: Node): boolean {
  const holder = fn.parent?.type === 'decorated_definition' ? fn.parent.parent : fn.parent;
  return holder?.parent?.type === 'class_definition' && !(fn.childForFieldName('name')?.text ?? '').startsWith('_');
}

/** What a def's docstring says it returns or outputs: "a list of …", ":rtype: list", "Returns: list". */
const DOCUMENTED_LIST = /(\breturns?\b|\boutputs?\b|:rtype:)[^.]{0,80}?\blist\b/i;

/** The def's return annotation or docstring promises a list. */
function promisesList(fn: Node): boolean {
  const annotation = fn.childForFieldName('return_type')?.text ?? '';
  if (/^(list|List|typing\.List)\b/.test(annotation)) return true;
  return DOCUMENTED_LIST.test(docstringOf(fn) ?? '');
}

/** `id` names the callee (a function or a method) of a call whose result is used as a list: tested for truth, measured, indexed, compared or added. */
function callNeedsList(id: Node): boolean {
  // `load(p)`, or a method `tool.get_tickers_from_file(p)` (backtrader's import tools: the name is the attribute).
  const callee = id.parent?.type === 'attribute' && id.parent.childForFieldName('attribute')?.equals(id) ? id.parent : id;
  const call = callee.parent;
  if (call?.type !== 'call' || !call.childForFieldName('function')?.equals(callee)) return false;
  const use = withEnclosingParentheses(call);
  const p = use.parent;
  if (!p) return false;
  switch (p.type) {
    case 'if_statement':
    case 'elif_clause':
    case 'while_statement':
      return p.childForFieldName('condition')?.equals(use) === true;
    case 'if_clause': // `[p for p in paths if load(p)]`
    case 'not_operator':
    case 'boolean_operator':
    case 'comparison_operator':
    case 'binary_operator':
    case 'conditional_expression':
      return true;
    case 'subscript':
      return p.childForFieldName('value')?.equals(use) === true;
    case 'argument_list':
      return /^(len|bool|reversed)$/.test(p.parent?.childForFieldName('function')?.text ?? '') && p.namedChildCount === 1;
    case 'assignment':
      // `self.sequential_data = ReadLineFromFile(path)` (P5's datasets, review72: wrong): kept on the object for later
      // reads (a Dataset indexes it per item), where a generator would be spent after one pass.
      return p.childForFieldName('right')?.equals(use) === true && (readTwice(p) || handedOn(p) || p.childForFieldName('left')?.type === 'attribute');
    case 'return_statement': {
      // `return self._create_examples(path, "train")` from `get_train_examples(...) -> List[InputExample]` (pet's task
      // processors, review70: wrong): the caller's own contract is a list.
      const outer = enclosingDef(p);
      return outer !== null && promisesList(outer);
    }
    default:
      return false;
  }
}

/** Consumers that build one collection from an iterable. */
const MATERIALISERS = /^(list|tuple|set|frozenset|sorted|dict|(np|numpy)\.(array|asarray)|(pd|pandas)\.DataFrame)$/;

/** The calls among these identifiers: at least one, and each one's result goes straight into a collection. */
function everyCallMaterialises(ids: readonly Node[]): boolean {
  let calls = 0;
  for (const id of ids) {
    const call = callOf(id);
    if (!call) continue;
    calls++;
    const use = withEnclosingParentheses(call);
    const p = use.parent;
    if (p?.type === 'augmented_assignment' && p.childForFieldName('right')?.equals(use)) continue; // `rows += load(p)`
    const outer = p?.type === 'argument_list' && p.namedChildCount === 1 ? p.parent : null;
    const fn = outer?.type === 'call' ? outer.childForFieldName('function') : null;
    if (!fn) return false;
    const extend = fn.type === 'attribute' && fn.childForFieldName('attribute')?.text === 'extend';
    if (!extend && !MATERIALISERS.test(fn.text)) return false;
  }
  return calls > 0;
}

/** The call whose callee `id` names (`load(p)` or `tool.load(p)`), or null. */
function callOf(id: Node): Node | null {
  const callee = id.parent?.type === 'attribute' && id.parent.childForFieldName('attribute')?.equals(id) ? id.parent : id;
  const call = callee.parent;
  return call?.type === 'call' && call.childForFieldName('function')?.equals(callee) ? call : null;
}

/**
 * `idx = load(p)` whose name is read more than once afterwards (`np.sort(idx)`, then `min(idx)`): a generator would be
 * used up by the first read.
 */
/**
 * The stored result is handed to another call (`files = load_files(path)` then `ImageLoader(files=files)`, nunif's
 * benchmark, review70: wrong, the loader takes `len(self.files)`): what the callee needs is out of view. Iterating it, or
 * pouring it into `list`/`sorted`/`enumerate`..., needs no list.
 */
function handedOn(assignment: Node): boolean {
  return readsAfterStore(assignment).some((id) => {
    const holder = id.parent?.type === 'keyword_argument' ? id.parent.parent : id.parent;
    if (holder?.type !== 'argument_list') return false;
    return !ITERATING_CALLS.test(holder.parent?.childForFieldName('function')?.text ?? '');
  });
}

/** Builtins that only iterate what they are given once. */
const ITERATING_CALLS = /^(list|tuple|set|frozenset|sorted|enumerate|zip|iter|map|filter|sum|min|max|any|all|dict)$/;

function readTwice(assignment: Node): boolean {
  return readsAfterStore(assignment).length >= 2;
}

/** The spellings of the name a `name = call(...)` stores, after the statement in its scope (none for another target). */
function readsAfterStore(assignment: Node): Node[] {
  const left = assignment.childForFieldName('left');
  if (left?.type !== 'identifier') return [];
  return occurrences(scopeOf(assignment), left.text).filter((id) => id.startIndex > assignment.endIndex);
}
