// Where a linted file lives and how the value layer may read the modules it imports. Kept apart
// (no imports) so that FileFacts can carry it without an import cycle.

/** How the layer reads another module's text. Hosts provide it; the engine does no I/O of its own. */
export interface ModuleSource {
  /** True when a file exists at this absolute path. */
  exists(absolutePath: string): boolean;
  /** The text of the Python file at this absolute path (the editor's unsaved text when it is open), or null. */
  readText?(absolutePath: string): string | null;
  /** Size in bytes of the regular file at this absolute path, or null: a data file is counted only when it is small (dataFiles.ts). */
  fileSize?(absolutePath: string): number | null;
  /** When the file at this absolute path last changed (ms since the epoch), or null: how a data file's row count is kept. */
  modifiedMs?(absolutePath: string): number | null;
}

/** Where the file being linted lives and how its neighbours are read: set by the engine on FileFacts. */
export interface FileOrigin {
  filePath?: string;
  /** The folder the host was asked to check (LintOptions.projectRoot): the project's top folder when no marker names one. */
  projectRoot?: string;
  modules?: ModuleSource;
}
