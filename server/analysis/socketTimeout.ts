// Whether a program sets a process-wide socket timeout: `socket.setdefaulttimeout(args.timeout)` in a command-line
// tool's entry module. `urllib.request.urlopen` without `timeout=` inherits that default (requests does not: it passes
// its own None down to the socket), so such a call does not wait forever. you-get's CLI sets it from `--timeout` (600 s
// by default) in common.py, which every extractor imports with `from ..common import *`: review36 judged all seven
// urlopen findings there wrong, and a hard-coded `timeout=` would override the user's own setting. sabnzbd sets it when
// its newswrapper module is imported, which the package's start-up imports reach two modules away: review37's reviewers
// judged all three urlopen findings in other modules of the package wrong.
import type { FileFacts } from './facts';
import { resolveModule } from './values';
import { lintMemo } from './nodeMemo';

/** A call that sets the default to a value (not `setdefaulttimeout(None)`, which turns it off). */
const SETS_DEFAULT_TIMEOUT = /\bsetdefaulttimeout\s*\(\s*(?!None\s*\))[^\s)]/;

/**
 * True when the file, or a workspace module that importing it runs (its top-level imports, followed through the modules
 * they import, as far as MAX_MODULES modules), sets the socket module's default timeout.
 */
export const setsDefaultSocketTimeout = lintMemo((facts) => SETS_DEFAULT_TIMEOUT.test(facts.text) || importedModuleSetsIt(facts));

/** How many workspace modules the search reads at most: a package's start-up imports, not the whole workspace. */
const MAX_MODULES = 80;

function importedModuleSetsIt(facts: FileFacts): boolean {
  const source = facts.origin?.modules;
  const from = facts.origin?.filePath;
  if (!from || !source?.readText) return false;
  const seen = new Set<string>([from]);
  const queue: Array<[string, string]> = [[from, facts.text]];
  while (queue.length > 0) {
    const [file, text] = queue.shift()!;
    for (const module of importedModules(text)) {
      const modulePath = resolveModule(file, module, source);
      if (!modulePath || seen.has(modulePath) || seen.size >= MAX_MODULES) continue;
      seen.add(modulePath);
      const imported = source.readText(modulePath);
      if (imported === null) continue;
      if (SETS_DEFAULT_TIMEOUT.test(imported)) return true;
      queue.push([modulePath, imported]);
    }
  }
  return false;
}

/** Import statements at a module's top level (column 0: those run when the module is imported). */
const TOP_LEVEL_IMPORT = /^(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([^#\n)]*)|import[ \t]+([^#\n]+))/gm;

/**
 * The modules a module's top-level imports load, as import would name them: `import a.b` loads `a` and `a.b`;
 * `from a import b, c` loads `a` and, where they are submodules, `a.b` and `a.c`; `from . import m` loads `.m`.
 */
export function importedModules(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TOP_LEVEL_IMPORT)) {
    if (m[3] !== undefined) {
      for (const part of m[3].split(',')) out.push(...withParents(part.trim().split(/\s+/)[0]));
      continue;
    }
    const module = m[1];
    if (module.replace(/\./g, '')) out.push(...withParents(module));
    for (const part of m[2].split(',')) {
      const name = part.trim().split(/\s+/)[0];
      if (/^\w+$/.test(name)) out.push(module.endsWith('.') ? module + name : `${module}.${name}`);
    }
  }
  return out;
}

/** `a.b.c` → `a`, `a.b`, `a.b.c`; a relative name is only itself (its package is already loaded). */
function withParents(module: string): string[] {
  if (!module || module.startsWith('.')) return module ? [module] : [];
  const parts = module.split('.');
  return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}
