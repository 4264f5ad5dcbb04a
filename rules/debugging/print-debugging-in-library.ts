import { defineRule, type RuleContext } from '../../server/engine/rule';
import type { Node } from '../../server/syntax';
import { decoratorsOf, FileFacts, isPackageModule, isUnderMainGuard, keywordArgument } from '../../server/analysis';
import { replaceNode } from '../../server/fixes';

/** Modules that make a file a command-line program, whose prints are its output. */
const CLI_MODULES = ['argparse', 'click', 'typer', 'fire', 'docopt', 'rich'];
/** Functions whose job is to show things. */
const OUTPUT_FUNCTION =
  /print|show|display|report|dump|summar|describe|render|repr|__str__|help|usage|banner|^_?main$|^cli$|^run$|^console|^_?(test|demo|example|selftest)/i;
/** Folders of scripts rather than library code. */
const SCRIPT_DIRS = /[\\/](examples?|scripts?|demos?|tools|bin|benchmarks?|docs?|notebooks?)[\\/]/i;
const CLI_FILES = new Set(['cli.py', 'main.py', '__main__.py', 'commands.py', 'command.py', 'console.py', 'setup.py', 'manage.py']);

export default defineRule({
  id: 'print-debugging-in-library',
  title: 'print() used for diagnostics in package code',
  category: 'debugging',
  severity: 'hint',
  enabledByDefault: false,
  confidence: 'low',
  guide: 'logging-and-debugging',
  // Ruff's T201 flags the same print (a `# noqa: T201` says the print is meant).
  peers: { ruff: ['T201'] },
  message: '`print()` in package code; use a module logger (`logging.getLogger(__name__)`) so callers can control the output',
  docs: {
    why:
      'A library that prints writes to the stdout of every program that imports it: the output cannot be silenced, ' +
      "filtered by level, redirected or given timestamps and context, and it interleaves with the application's " +
      'own output (and with other processes in multi-worker training). Only reported in modules of a package (a ' +
      'folder with `__init__.py`), outside `if __name__ == "__main__":`, command-line modules, and functions whose ' +
      'job is to print.',
    instead:
      'Create `logger = logging.getLogger(__name__)` at module level and call `logger.debug(...)` / `logger.info(...)`; ' +
      'the application decides what is shown with `logging.basicConfig` or its own handlers.',
    example: {
      before: 'def clean(df):\n    print(f"Input shape: {df.shape}")\n    return df.dropna()',
      after: 'import logging\n\nlogger = logging.getLogger(__name__)\n\ndef clean(df):\n    logger.debug("Input shape: %s", df.shape)\n    return df.dropna()',
    },
  },
  fix: {
    safety: 'unsafe',
    title: 'Log it with the module logger at DEBUG level',
    reason: 'the message then goes through logging: it is hidden unless logging is configured to show DEBUG records',
  },
  query: `(call function: (identifier) @fn arguments: (argument_list) @args (#eq? @fn "print")) @call`,
  check(m, ctx) {
    const call = m.need('call');
    if (!isPackageModule(ctx.filePath, ctx.files) || !isLibraryModule(ctx)) return;
    if (!ctx.facts.isBuiltin('print', call) || isUnderMainGuard(call)) return;
    const args = m.need('args').namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment');
    if (keywordArgument(call, 'file')) return; // writes somewhere on purpose
    if (inOutputContext(ctx.facts, call)) return;
    const logger = moduleLogger(ctx.facts);
    const simple = args.length === 1 && args[0].type !== 'keyword_argument' && args[0].type !== 'list_splat' && args[0].type !== 'dictionary_splat';
    ctx.report({
      node: call,
      message: `\`print()\` in package code writes to every caller's stdout; use ${logger ? `\`${logger}.debug(...)\`` : 'a module logger (`logging.getLogger(__name__)`)'} instead`,
      edits: logger && simple ? [replaceNode(m.need('fn'), `${logger}.debug`)] : undefined,
    });
  },
});

/** Not a command-line module (by name or by importing a CLI framework). */
function isLibraryModule(ctx: RuleContext): boolean {
  const base = ctx.filePath!.split(/[\\/]/).pop()!;
  if (CLI_FILES.has(base) || SCRIPT_DIRS.test(ctx.filePath!) || /demo/i.test(base)) return false;
  return !CLI_MODULES.some((mod) => ctx.facts.importsModule(mod));
}

/** Inside a function whose purpose is output, a CLI command, or a `verbose` branch. */
function inOutputContext(facts: FileFacts, call: Node): boolean {
  for (let n = call.parent; n; n = n.parent) {
    if (n.type === 'function_definition') {
      if (OUTPUT_FUNCTION.test(n.childForFieldName('name')?.text ?? '')) return true;
      // A function that also writes to sys.stdout directly produces output on purpose (CGI, reports).
      if (/\bsys\.stdout\b/.test(n.childForFieldName('body')?.text ?? '')) return true;
      // An interactive prompt (input() / getpass) talks to the user on the console by design.
      if (/\b(input|getpass)\s*\(/.test(n.childForFieldName('body')?.text ?? '')) return true;
      for (const d of decoratorsOf(n)) {
        if (/command|group|main|cli|app\.|magic/i.test(d.text)) return true;
      }
    }
    // Methods of interactive front-ends: applications, commands, shells, IPython magics.
    if (n.type === 'class_definition' && /(App|Application|Command|Cli|CLI|Console|Shell|Magics|Repl|REPL)$/.test(n.childForFieldName('name')?.text ?? ''))
      return true;
    if (n.type === 'if_statement' && /verbose|quiet|silent|\bdisp\b|\bshow|print/i.test(n.childForFieldName('condition')?.text ?? '')) return true;
  }
  void facts;
  return false;
}

/** A module-level `name = logging.getLogger(...)`, if the file has exactly one. */
function moduleLogger(facts: FileFacts): string | null {
  const found: string[] = [];
  for (const stmt of facts.root.namedChildren) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (a?.type !== 'assignment') continue;
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (left?.type === 'identifier' && right?.type === 'call' && facts.calleeName(right) === 'logging.getLogger') found.push(left.text);
  }
  return found.length === 1 ? found[0] : null;
}
