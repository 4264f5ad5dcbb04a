import { defineRule } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { FileFacts, isTestFile, keywordValues } from '../../server/analysis';

const FILTERS = new Set(['warnings.filterwarnings', 'warnings.simplefilter']);
/** Keyword arguments (and positional slots after the action) that narrow a filter. */
const NARROWING = {
  'warnings.filterwarnings': ['message', 'category', 'module', 'lineno'],
  'warnings.simplefilter': ['category', 'lineno'],
} as const;

export default defineRule({
  id: 'global-warnings-ignore',
  title: 'Process-wide warnings.simplefilter("ignore") / filterwarnings("ignore")',
  category: 'debugging',
  severity: 'info',
  enabledByDefault: false,
  confidence: 'high',
  guide: 'logging-and-debugging',
  message: 'Ignoring all warnings process-wide also hides deprecations and numeric problems; scope it with `warnings.catch_warnings()`',
  docs: {
    why:
      'A blanket `warnings.filterwarnings("ignore")` silences every warning in the whole process, from every ' +
      'library, for the rest of the run: deprecations that will break the next upgrade, `RuntimeWarning`s about ' +
      'overflow or division by zero, pandas `SettingWithCopyWarning`s and sklearn convergence warnings all disappear. ' +
      'Filters scoped by category or message, and code inside `warnings.catch_warnings()`, are not reported.',
    instead:
      'Silence only what you mean, only where you mean it: `with warnings.catch_warnings(): ' +
      'warnings.simplefilter("ignore", ConvergenceWarning)`, or `filterwarnings("ignore", category=..., message=...)`. ' +
      'An application can leave the choice to the user with `if not sys.warnoptions:`.',
    example: {
      before: 'warnings.filterwarnings("ignore")\nmodel.fit(X, y)',
      after: 'with warnings.catch_warnings():\n    warnings.simplefilter("ignore", ConvergenceWarning)\n    model.fit(X, y)',
    },
  },
  requires: ['warnings'],
  query: `
(call
  function: [(identifier) @name (attribute attribute: (identifier) @name)]
  arguments: (argument_list (string) @action)
  (#any-of? @name "filterwarnings" "simplefilter")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    const q = ctx.facts.calleeName(call);
    if (!q || !FILTERS.has(q)) return;
    const first = call.childForFieldName('arguments')!.namedChildren.find((a) => a && a.type !== 'comment');
    if (!first?.equals(m.need('action')) || !/^[a-zA-Z]*['"]ignore['"]$/.test(first.text)) return;
    if (isNarrowed(call, q as keyof typeof NARROWING) || isScoped(ctx.facts, call)) return;
    if (isTestFile(ctx.filePath)) return; // test runners restore the filters around each test
    ctx.report({
      node: call,
      message: `\`${call.childForFieldName('function')!.text}("ignore")\` hides every warning in the process; narrow it by category or message and scope it with \`warnings.catch_warnings()\``,
    });
  },
});

/** A category other than Warning, a message, module or lineno narrows the filter. */
function isNarrowed(call: Node, q: keyof typeof NARROWING): boolean {
  const args = call.childForFieldName('arguments')!.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment');
  const names = NARROWING[q];
  const positional = args.filter((a) => a.type !== 'keyword_argument');
  if (positional.some((a) => a.type === 'list_splat') || args.some((a) => a.type === 'dictionary_splat')) return true;
  const given = new Map<string, Node>();
  positional.slice(1).forEach((a, i) => {
    if (names[i]) given.set(names[i], a);
  });
  for (const [name, value] of keywordValues(call)) given.set(name, value);
  for (const [name, value] of given) {
    if (name === 'category') {
      if (!/^(Warning|builtins\.Warning)$/.test(value.text)) return true;
    } else if (name === 'message' || name === 'module') {
      if (!/^[a-zA-Z]*(['"])(\.\*)?\1$/.test(value.text)) return true; // "" and ".*" match everything
    } else if (name === 'lineno') {
      if (value.text !== '0') return true;
    }
  }
  return false;
}

/** Inside `with warnings.catch_warnings():`, or under `if not sys.warnoptions:` (the documented application pattern). */
function isScoped(facts: FileFacts, call: Node): boolean {
  for (let n = call.parent; n; n = n.parent) {
    if (n.type === 'with_statement') {
      for (const item of n.descendantsOfType('with_item')) {
        const value = item?.childForFieldName('value');
        const expr = value?.type === 'as_pattern' ? value.namedChild(0) : value;
        if (expr?.type === 'call' && facts.calleeName(expr)?.endsWith('catch_warnings')) return true;
      }
    }
    if (n.type === 'if_statement' && /warnoptions/.test(n.childForFieldName('condition')?.text ?? '')) return true;
    if (n.type === 'function_definition' && /^(setUp|setUpClass|setup_method|__enter__)$/.test(n.childForFieldName('name')?.text ?? '')) return true;
  }
  return false;
}
