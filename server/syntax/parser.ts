import * as path from 'node:path';
import { Edit, Language, Parser, Query, type Tree } from 'web-tree-sitter';

export type { Node, Tree, QueryMatch } from 'web-tree-sitter';
export { Query, Edit };

let loading: Promise<Language> | undefined;

/** Where the `.wasm` files are: a folder (Node) or a function from file name to path or URL (browser). */
export type WasmLocation = string | ((file: string) => string);

/** The two `.wasm` files beside the bundle: tree-sitter's runtime (the name its loader asks for) and the Python grammar. */
export const WASM_FILES = { runtime: 'web-tree-sitter.wasm', grammar: 'tree-sitter-python.wasm' } as const;

/**
 * Both `.wasm` files compiled: a thread that starts workers compiles them once and hands the modules over (worker data
 * may hold a WebAssembly.Module). V8 then shares the compiled code, and its tier-up to optimised code, between the
 * threads: each worker compiling its own copy paid that warm-up again (its first files parsed on baseline code).
 */
export interface CompiledPython {
  runtime: WasmModule;
  grammar: WasmModule;
}

/** A WebAssembly.Module, opaque here: the project's `lib` declares no WebAssembly types. */
export type WasmModule = object;
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => object;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Compiles a `.wasm` file's bytes. */
export function compileWasm(bytes: Uint8Array): WasmModule {
  return new wasmApi.Module(bytes);
}

/**
 * Loads the tree-sitter runtime and the Python grammar once per process (or worker): from the `.wasm` files, or from
 * modules another thread compiled. Both files ship beside the bundle (esbuild copies them), so the location defaults to it.
 */
export function loadPython(location: WasmLocation | CompiledPython = __dirname): Promise<Language> {
  if (typeof location === 'object') {
    const { runtime, grammar } = location;
    loading ??= (async () => {
      await Parser.init({
        // Emscripten's hook for a module compiled elsewhere: instantiated with the runtime's imports. Synchronously, so
        // that a failure rejects init (emscripten's promise around the hook has no other way to fail).
        instantiateWasm: (imports: object, done: (instance: object, module: WasmModule) => void) => {
          done(new wasmApi.Instance(runtime, imports), runtime);
          return {};
        },
      } as Parameters<typeof Parser.init>[0]);
      return Language.loadSync(grammar as Parameters<typeof Language.loadSync>[0]);
    })();
    return loading;
  }
  const locate = typeof location === 'string' ? (file: string) => path.join(location, file) : location;
  loading ??= (async () => {
    await Parser.init({ locateFile: (file: string) => locate(file) });
    return Language.load(locate(WASM_FILES.grammar));
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
    const tree = this.parser.parse(textForLexer(text), oldTree ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return withSourceText(tree, text);
  }

  /** Parses with a progress callback that may stop the parse (returns true); null when stopped. */
  parseWithProgress(text: string, oldTree: Tree | null, stop: () => boolean): Tree | null {
    const tree = this.parser.parse(textForLexer(text), oldTree, { progressCallback: stop });
    // A stopped parse would otherwise resume on the next call, whatever text that call passes.
    if (!tree) this.parser.reset();
    return tree && withSourceText(tree, text);
  }

  dispose(): void {
    this.parser.delete();
  }
}

/**
 * The text tree-sitter's lexer is given: the same length as the source, so every offset is unchanged.
 * - A NUL is the lexer's end of input, which would drop the rest of the file: it becomes a space.
 * - A lone `\r` (old Mac line break) ends a line for Python and for LSP, but tree-sitter-python's
 *   lexer reads it as whitespace: a comment would run to the end of the file and statements would
 *   merge. It becomes `\n`, so tree-sitter's rows also count the lines LineIndex counts.
 */
export function textForLexer(text: string): string {
  let out = text.includes('\0') ? text.replace(/\0/g, ' ') : text;
  if (out.includes('\r')) out = out.replace(/\r(?!\n)/g, '\n');
  return out;
}

/**
 * Makes the tree read node text from the source itself rather than from the lexer's copy, so a fix
 * that copies a node keeps the file's own characters (its `\r` line breaks). web-tree-sitter reads
 * node text through the tree's text callback; both texts have the same length.
 */
function withSourceText(tree: Tree, source: string): Tree {
  const internal = tree as unknown as { textCallback: (index: number) => string };
  if (typeof internal.textCallback === 'function') internal.textCallback = (index: number) => source.slice(index);
  return tree;
}
