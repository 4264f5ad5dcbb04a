// What differs between the Node language server and the browser-worker one (vscode.dev).
import type { WasmLocation } from '../syntax/parser';
import type { RuleDefinition } from '../engine/rule';

export interface ServerPlatform {
  /** Where the tree-sitter `.wasm` files are. */
  wasm: WasmLocation;
  /** The link a diagnostic's `codeDescription.href` carries for a rule's guide section. */
  guideHref(rule: RuleDefinition): string;
  /** A real file system: project config files are read and Scan Workspace can walk folders. */
  fileSystem: boolean;
  /** A full garbage collection, run once the editor has been idle after edits (absent where the runtime has none). */
  collectGarbage?: () => void;
}
