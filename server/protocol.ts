// Types and names shared by the client, the server and the CLI, defined once.
// Keep this file free of runtime imports: the client bundles it too.
import type { FixSafety, SeverityOverride } from './engine/types';

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
    edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[];
  };
}

/** Sent by the client in initializationOptions. */
export interface InitializationOptions {
  /** The client registers perflens.openGuide / perflens.disableRule, so hovers and actions may link to them. */
  clientCommands?: boolean;
  settings?: Partial<PerflensSettings>;
}

export const COMMANDS = {
  openGuide: 'perflens.openGuide',
  disableRule: 'perflens.disableRule',
  restart: 'perflens.restart',
  showOutput: 'perflens.showOutput',
} as const;

export const FIX_ALL_KIND = 'source.fixAll.perflens';
export const SOURCE = 'perflens';
