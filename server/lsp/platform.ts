// What differs between the Node language server and the browser-worker one (vscode.dev).
import type { CancellationToken } from 'vscode-languageserver';
import type { ScanWorkspaceParams, ScanWorkspaceResult } from '../../common/protocol';
import type { FileProbe } from '../analysis/codeContext';
import type { LintOptions } from '../engine/options';
import type { RuleDefinition } from '../engine/rule';
import type { ConfigError } from '../project/projectConfig';
import type { WasmLocation } from '../syntax/parser';
import type { OffThreadLinter } from './offThread';
import type { ScanContext } from './scan';

export interface ServerPlatform {
  /** Where the tree-sitter `.wasm` files are. */
  wasm: WasmLocation;
  /** The link a diagnostic's `codeDescription.href` carries for a rule's guide section. */
  guideHref(rule: RuleDefinition): string;
  /**
   * A real file system (Node: localDisk.ts). Absent in the browser, whose bundle then contains none of
   * server/project/: this interface is the only way the server reaches it.
   */
  disk?: LocalDisk;
  /** A full garbage collection, run once the editor has been idle after edits (absent where the runtime has none). */
  collectGarbage?: () => void;
  /** Lints large documents in a worker thread (offThread.ts); absent: everything is linted on the server's thread. */
  offThread?: OffThreadLinter & { dispose(): void };
}

/** Project config files, Scan Workspace, and what rules may learn about the disk. */
export interface LocalDisk {
  /** Given to the engine (Engine.files): rules that measure a file or look for `__init__.py` ask it. */
  files: FileProbe;
  /** Options from the pyproject.toml / perflens.toml that applies to this file (null: none does); throws on a broken config file. */
  projectOptions(fsPath: string): { options: LintOptions; configFile: string | null };
  /** The broken config file behind an error thrown by projectOptions, or null for any other error. */
  configError(error: unknown): ConfigError | null;
  /** Re-read config files on next use (they or the settings changed). */
  forgetConfigs(): void;
  scanWorkspace(ctx: Omit<ScanContext, 'configs'>, params: ScanWorkspaceParams, token?: CancellationToken): Promise<ScanWorkspaceResult>;
}

/**
 * A diagnostic's code link in the browser server: the guide target (`slug` or `slug#anchor`) as the Markdown file
 * bundled beside the worker script (dist/web/server.js → guide/<slug>.md), with its anchor.
 */
export function guideHrefBeside(target: string, scriptUrl: string): string {
  const [slug, anchor] = target.split('#');
  return new URL(`../../guide/${slug}.md${anchor ? `#${anchor}` : ''}`, scriptUrl).href;
}
