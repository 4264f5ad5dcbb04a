// Types and names shared by the client, the server and the CLI, defined once.
// Keep this file free of runtime imports: the client bundles it too.
import type { FixSafety, ImpactMode, SeverityOverride } from './types';

/** VS Code settings under `perflens.*` (see package.json contributes.configuration). */
export interface PerflensSettings {
  enable: boolean;
  /** Rule ids or categories; empty = the default set. */
  select: string[];
  extendSelect: string[];
  ignore: string[];
  /** Per-rule or per-category severity overrides. */
  severity: Record<string, SeverityOverride>;
  /** Lint while typing, or only when the file is saved. */
  run: 'onType' | 'onSave';
  /** Pause after the last keystroke before linting (push diagnostics only), in milliseconds. */
  debounceMs: number;
  /** Offer unsafe fixes as quick fixes (never applied by fix-all unless fixAll.unsafe is set). */
  unsafeFixes: boolean;
  /** Let fix-all (`source.fixAll.perflens`, e.g. on save) apply unsafe fixes too. */
  fixAllUnsafe: boolean;
  /** Explain diagnostics on hover. */
  hover: boolean;
  /** Short hover notes on constructs the guide covers (`@lru_cache`, `.iterrows()`, `async def`, ...) where nothing is reported. */
  constructHovers: boolean;
  /**
   * `auto`: low-impact findings (tests, examples, one-time setup) are hints, and a library rule's hint is not reported;
   * `all`: every finding at full severity.
   */
  impact: ImpactMode;
  /**
   * `false`: with `impact = "auto"`, findings of rules still in preview (rules whose findings blind reviews have not yet
   * judged worth changing often enough) are hints: in the editor, not in the Problems panel. `true`: ranked like the rest.
   */
  preview: boolean;
}

export const DEFAULT_SETTINGS: PerflensSettings = {
  enable: true,
  select: [],
  extendSelect: [],
  ignore: [],
  severity: {},
  run: 'onType',
  debounceMs: 150,
  unsafeFixes: true,
  fixAllUnsafe: false,
  hover: true,
  constructHovers: true,
  impact: 'auto',
  preview: false,
};

/** What each diagnostic carries so code actions never re-lint. */
export interface DiagnosticData {
  ruleId: string;
  /** Document version the diagnostic (and its fix) was computed for. */
  version: number;
  fix?: {
    title: string;
    safety: FixSafety;
    reason?: string;
    edits: LspTextEdit[];
    /** Edits in other documents (another notebook cell), each pinned to its version. */
    documents?: { uri: string; version: number; edits: LspTextEdit[] }[];
  };
}

interface LspTextEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

/** Sent by the client in initializationOptions. */
export interface InitializationOptions {
  /** The client registers perflens.openGuide / perflens.disableRule, so hovers and actions may link to them. */
  clientCommands?: boolean;
  /** The client shows perflens/status notifications (a language status item). */
  status?: boolean;
  settings?: Partial<PerflensSettings>;
}

export const COMMANDS = {
  openGuide: 'perflens.openGuide',
  disableRule: 'perflens.disableRule',
  restart: 'perflens.restart',
  showOutput: 'perflens.showOutput',
  scanWorkspace: 'perflens.scanWorkspace',
  showSnippet: 'perflens.showSnippet',
  loadProfile: 'perflens.loadProfile',
  clearProfile: 'perflens.clearProfile',
} as const;

/** Server → client after each lint of an open file. */
export const STATUS_NOTIFICATION = 'perflens/status';
export interface StatusParams {
  uri: string;
  state: 'ok' | 'disabled' | 'skipped' | 'configError' | 'ruleError';
  /** Rules active for this file. */
  activeRules: number;
  /** Time the lint took, in milliseconds, the incremental re-parse included. */
  lintMs: number;
  /** The incremental re-parse's share of lintMs. */
  parseMs: number;
  findings: number;
  message?: string;
}

/**
 * What this server can do beyond standard LSP, in `InitializeResult.capabilities.experimental.perflens`. The
 * client decides what to offer from it, not from the UI it runs in: a browser workbench (code-server,
 * Codespaces) may have a Node extension host and server with a disk, vscode.dev's browser worker has none.
 */
export interface PerflensServerCapabilities {
  /** The server reads the disk, so Scan Workspace works (the client sets the context key below). */
  scanWorkspace: boolean;
  /** The server answers LOAD_PROFILE_REQUEST / CLEAR_PROFILE_REQUEST (every host: the client sends the bytes). */
  profiles?: boolean;
}
/** Context key the client sets from PerflensServerCapabilities.scanWorkspace (package.json `when` clauses). */
export const CAN_SCAN_WORKSPACE_CONTEXT = 'perflens.canScanWorkspace';

/** Client → server: lint every Python file under the roots, publishing diagnostics, with progress. */
export const SCAN_WORKSPACE_REQUEST = 'perflens/scanWorkspace';
export interface ScanWorkspaceParams {
  /** Folder URIs (file: scheme). */
  roots: string[];
  /** The client's progress token (LSP work-done progress): reports go there; without one the server creates its own. */
  workDoneToken?: string | number;
}
export interface ScanWorkspaceResult {
  files: number;
  problems: number;
  cancelled: boolean;
  errors: string[];
}

/**
 * Client → server: rank a workspace folder's findings by a profile (cProfile/pstats, py-spy speedscope, Scalene,
 * torch.profiler trace). The client reads the file and lists the folder's Python files, so a server without a
 * disk (the browser) can do it too; the server keeps one profile per folder until CLEAR_PROFILE_REQUEST.
 */
export const LOAD_PROFILE_REQUEST = 'perflens/loadProfile';
export interface LoadProfileParams {
  /** The workspace folder's URI. */
  folder: string;
  /** The profile's file name, for messages. */
  name: string;
  /** The profile's bytes, base64. */
  data: string;
  /** When the profile file was written (ms since the epoch), shown in hovers. */
  modified?: number;
  /** The folder's Python files, relative to it with `/` separators. */
  files: string[];
}
export interface LoadProfileResult {
  /** "profile.json: 3 of its 42 files are in this workspace (py-spy)". */
  message: string;
  /** Profile files matched to workspace files; 0 when the profile is about other code. */
  matched: number;
}
/** Client → server: forget the profile of a folder (or of every folder when `folder` is absent). */
export const CLEAR_PROFILE_REQUEST = 'perflens/clearProfile';
export interface ClearProfileParams {
  folder?: string;
}

export const FIX_ALL_KIND = 'source.fixAll.perflens';
export const SOURCE = 'perflens';
