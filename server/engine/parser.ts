import * as path from 'node:path';
import { Edit, Language, Parser, Query, type Tree } from 'web-tree-sitter';

export type { Node, Tree, QueryMatch } from 'web-tree-sitter';
export { Query, Edit };

let loading: Promise<Language> | undefined;

/**
 * Loads the tree-sitter runtime and the Python grammar once per process.
 * Both `.wasm` files ship beside the bundle (esbuild copies them), so `wasmDir` defaults to it.
 */
export function loadPython(wasmDir: string = __dirname): Promise<Language> {
  loading ??= (async () => {
    await Parser.init({ locateFile: (file: string) => path.join(wasmDir, file) });
    return Language.load(path.join(wasmDir, 'tree-sitter-python.wasm'));
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

  dispose(): void {
    this.parser.delete();
  }
}
