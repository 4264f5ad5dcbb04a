import * as path from 'node:path';
import { Edit, Language, Parser, Query, type Tree } from 'web-tree-sitter';

export type { Node, Tree, QueryMatch } from 'web-tree-sitter';
export { Query, Edit };

let loading: Promise<Language> | undefined;

/** Where the `.wasm` files are: a folder (Node) or a function from file name to path or URL (browser). */
export type WasmLocation = string | ((file: string) => string);

/**
 * Loads the tree-sitter runtime and the Python grammar once per process (or worker).
 * Both `.wasm` files ship beside the bundle (esbuild copies them), so the location defaults to it.
 */
export function loadPython(location: WasmLocation = __dirname): Promise<Language> {
  const locate = typeof location === 'string' ? (file: string) => path.join(location, file) : location;
  loading ??= (async () => {
    await Parser.init({ locateFile: (file: string) => locate(file) });
    return Language.load(locate('tree-sitter-python.wasm'));
  })();
  return loading;
}

/** A parser bound to Python. Callers own the trees it returns and must `delete()` them. */
export class PythonParser {
  private readonly parser = new Parser();

  constructor(readonly language: Language) {
    this.parser.setLanguage(language);
  }

  parse(text: string, oldTree?: Tree | null): Tree {
    const tree = this.parser.parse(text, oldTree ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }

  /** Parses with a progress callback that may stop the parse (returns true); null when stopped. */
  parseWithProgress(text: string, oldTree: Tree | null, stop: () => boolean): Tree | null {
    const tree = this.parser.parse(text, oldTree, { progressCallback: stop });
    // A stopped parse would otherwise resume on the next call, whatever text that call passes.
    if (!tree) this.parser.reset();
    return tree;
  }

  dispose(): void {
    this.parser.delete();
  }
}
