// LSP wiring: documents, settings, scheduling, and the requests perflens answers. The engine does
// the linting; this file only decides when to lint and converts results to LSP shapes.
import {
  CodeActionKind,
  DiagnosticSeverity,
  ErrorCodes,
  ResponseError,
  DidChangeConfigurationNotification,
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  TextDocumentSyncKind,
  type CodeAction,
  type CancellationToken,
  type CodeActionParams,
  type CompletionItem,
  type CompletionParams,
  type Connection,
  type Diagnostic,
  type Hover,
  type HoverParams,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI, Utils } from 'vscode-uri';
import { version as VERSION } from '../../package.json';
import { ALL_RULES } from '../../rules';
import { Engine } from '../engine/engine';
import { activeRules, layerOptions, unknownSelectors, type LintOptions } from '../engine/options';
import type { ConfigError } from '../project/projectConfig';
import type { RuleDefinition } from '../engine/rule';
import { statementCanStart, templateImportEdit, templateItem, TEMPLATES, type TemplateData } from './completion';
import { constructNoteAt, hoverAt } from './hover';
import { IdleCollection } from './idleCollection';
import type { ServerPlatform } from './platform';
import {
  CLEAR_PROFILE_REQUEST,
  DEFAULT_SETTINGS,
  FIX_ALL_KIND,
  LOAD_PROFILE_REQUEST,
  SCAN_WORKSPACE_REQUEST,
  STATUS_NOTIFICATION,
  type ClearProfileParams,
  type InitializationOptions,
  type LoadProfileParams,
  type LoadProfileResult,
  type PerflensServerCapabilities,
  type PerflensSettings,
  type ScanWorkspaceParams,
  type StatusParams,
} from '../../common/protocol';
import { contentChanged, setTimeoutReported, throwIfCancelled, type BackgroundCaller, type Scheduler } from './scheduling';
import { NotebookSupport } from './notebooks';
import type { Finding, LintResult } from '../../common/types';
import { fixAll, quickFixes } from './codeActions';
import { toDiagnostic } from './convert';
import { ParsedDocument, StaleLint } from './documents';
import { FIRST_WORKER_LINT_WAIT_MS } from './offThread';
import type { FileProbe } from '../analysis/codeContext';
import type { ConstructMatch } from '../docs/constructDocs';
import { ProfileError } from '../profiles';
import { messageWithProfile, WorkspaceProfiles } from './profiles';

interface CachedLint {
  version: number;
  /** The ParsedDocument revision (the text) it was computed for: what the cache is keyed on. */
  revision: number;
  details: LintResult;
  diagnostics: Diagnostic[];
}

/** Who wants a lint: a request that may be cancelled, and whether it is background work (diagnostics). */
interface LintRequest {
  token?: CancellationToken;
  /** Set for diagnostics: they wait for a quiet moment (scheduling.ts); hovers and code actions lint at once. */
  background?: BackgroundCaller;
}

export class PerflensServer {
  private engine!: Engine;
  private readonly ready: Promise<void>;
  private readonly documents = new Map<string, ParsedDocument>();
  private readonly notebooks: NotebookSupport;
  private readonly lintCache = new Map<string, CachedLint>();
  /** With `run: onSave`: the result pulls report until the next save. */
  private readonly savedLints = new Map<string, CachedLint>();
  /** Bumped on every settings or config change; part of each pull result id. */
  private settingsGeneration = 0;
  private readonly settingsCache = new Map<string, Promise<PerflensSettings>>();
  private readonly pushTimers = new Map<string, NodeJS.Timeout>();
  /** Python files whose text changed since the last relintDependents (waiting for DEPENDENCY_DEBOUNCE_MS of quiet). */
  private readonly changedModules = new Set<string>();
  private dependencyTimer: NodeJS.Timeout | undefined;
  private readonly reportedConfigErrors = new Set<string>();
  /** The configuration line last logged per folder (logConfiguration). */
  private readonly loggedConfigurations = new Map<string, string>();
  /** Config files currently showing an error diagnostic (cleared when they are fixed). */
  private readonly brokenConfigFiles = new Set<string>();
  /** Profiles loaded per workspace folder (Load Profile…): their verdicts go on each lint's findings. */
  private readonly profiles = new WorkspaceProfiles();
  /** Unopened files that got diagnostics from a workspace scan. */
  private readonly scanned = new Set<string>();
  private statusNotifications = false;
  private pullDiagnostics = false;
  private configurationRequests = false;
  private clientCommands = false;
  private initSettings: Partial<PerflensSettings> = {};
  private readonly idleCollection: IdleCollection | undefined;
  /** The text of the open document at this file path, or null when none is open there. */
  private openText(fsPath: string): string | null {
    for (const [uri, doc] of this.documents) if (fsPathOf(uri) === fsPath) return doc.getText();
    return null;
  }

  /** A reporter for work no request waits for (timers): its failure is logged, never an unhandled rejection. */
  private readonly logFailure: (what: string) => (error: unknown) => void;

  constructor(
    private readonly connection: Connection,
    private readonly platform: ServerPlatform,
    /** The scheduler whose connectionOptions the connection was created with. */
    private readonly scheduler: Scheduler,
  ) {
    const collect = platform.collectGarbage;
    const logFailure = (what: string) => (error: unknown) =>
      connection.console.error(`perflens: ${what} failed: ${error instanceof Error ? error.stack : String(error)}`);
    this.idleCollection = collect ? new IdleCollection(collect, () => scheduler.backgroundTurn('timer'), logFailure('idle collection')) : undefined;
    this.logFailure = logFailure;
    const starting = performance.now();
    this.ready = Engine.create(ALL_RULES, platform.wasm).then((engine) => {
      this.engine = engine;
      connection.console.info(`perflens: engine ready in ${Math.round(performance.now() - starting)} ms, ${ALL_RULES.length} rules known`);
      // The value layer reads imported modules: an open document's unsaved text wins over the disk.
      if (platform.disk) engine.files = withOpenDocuments(platform.disk.files, (fsPath) => this.openText(fsPath));
      const report = (b: { ruleId: string; error: string }) => connection.console.error(`perflens: rule ${b.ruleId} is disabled: ${b.error}`);
      for (const b of engine.brokenRules) report(b);
      engine.onBrokenRule = report; // gated rules' queries compile when a file first needs them
    });
    this.ready.catch((error) => connection.console.error(`perflens: could not start the engine: ${String(error)}`));
    this.notebooks = new NotebookSupport(
      connection,
      () => this.engine,
      async (uri) => {
        await this.ready;
        const settings = await this.settingsFor(uri);
        return settings.enable ? this.lintOptions(uri, settings) : null;
      },
      (rule) => platform.guideHref(rule),
      () => !this.pullDiagnostics,
      (caller) => scheduler.backgroundTurn(caller),
    );
    this.register();
    this.notebooks.listen();
  }

  private register(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => {
      if (this.configurationRequests) void c.client.register(DidChangeConfigurationNotification.type, { section: 'perflens' });
    });
    c.onDidChangeConfiguration(() => this.settingsChanged());
    // A Python module changed on disk: the files that import it are linted again. Otherwise
    // pyproject.toml / perflens.toml changed on disk: forget cached project settings and re-lint.
    c.onDidChangeWatchedFiles((p) => {
      const modules = p.changes.filter((change) => isPythonModule(change.uri));
      for (const change of modules) this.moduleChanged(change.uri);
      if (modules.length === p.changes.length) return;
      for (const uri of this.brokenConfigFiles) void c.sendDiagnostics({ uri, diagnostics: [] });
      this.brokenConfigFiles.clear();
      this.reportedConfigErrors.clear();
      this.settingsChanged();
    });
    c.onDidOpenTextDocument(async (p) => {
      await this.ready;
      const { uri, languageId, version, text } = p.textDocument;
      const doc = new ParsedDocument(TextDocument.create(uri, languageId, version, text), this.engine);
      // An idle-time full lint found the incremental result inexact: forget it and re-publish.
      doc.onCorrected = () => {
        this.lintCache.delete(doc.uri);
        // With run: onSave, a saved result of the text just corrected (no edit since) would keep showing the stale findings.
        if (this.savedLints.get(doc.uri)?.version === doc.version) this.savedLints.delete(doc.uri);
        if (this.pullDiagnostics) void c.languages.diagnostics.refresh();
        else this.schedulePush(doc, 0);
      };
      doc.backgroundTurn = () => this.scheduler.backgroundTurn('timer');
      doc.onError = this.logFailure(`idle-time work for ${uri}`);
      doc.offThread = this.platform.offThread;
      this.documents.get(p.textDocument.uri)?.dispose();
      this.documents.set(p.textDocument.uri, doc);
      // A second didOpen without a close brings new text: nothing linted before may be shown for it.
      this.forgetLints(uri);
      this.idleCollection?.changed();
      if (this.scanned.delete(uri) && this.pullDiagnostics) void c.sendDiagnostics({ uri, diagnostics: [] });
      this.schedulePush(doc, 0);
      this.moduleChanged(uri); // its text now wins over the disk's for the files that import it
    });
    c.onDidChangeTextDocument(async (p) => {
      await this.ready;
      const doc = this.documents.get(p.textDocument.uri);
      if (!doc) return;
      doc.update(p.contentChanges, p.textDocument.version);
      this.idleCollection?.changed();
      this.moduleChanged(doc.uri);
      const settings = await this.settingsFor(doc.uri);
      if (settings.run === 'onType') this.schedulePush(doc, settings.debounceMs);
    });
    c.onDidSaveTextDocument(async (p) => {
      const doc = this.documents.get(p.textDocument.uri);
      if (!doc) return;
      this.savedLints.delete(doc.uri);
      this.schedulePush(doc, 0);
      this.moduleChanged(doc.uri); // a document linted in the worker reads the modules it imports from the disk
    });
    c.onDidCloseTextDocument((p) => {
      const doc = this.documents.get(p.textDocument.uri);
      doc?.dispose();
      this.documents.delete(p.textDocument.uri);
      this.idleCollection?.changed();
      this.forgetLints(p.textDocument.uri);
      clearTimeout(this.pushTimers.get(p.textDocument.uri));
      if (!this.pullDiagnostics) void c.sendDiagnostics({ uri: p.textDocument.uri, diagnostics: [] });
      this.moduleChanged(p.textDocument.uri); // the files that import it read the disk's text again
    });
    c.languages.diagnostics.on(async (p, token) => {
      await this.ready;
      throwIfCancelled(token);
      const uri = p.textDocument.uri;
      const doc = this.documents.get(uri);
      if (!doc)
        return { kind: DocumentDiagnosticReportKind.Full, items: (await this.notebooks.lintCell(uri, { token, background: 'request' }))?.diagnostics ?? [] };
      const revision = doc.revision;
      const result = await this.pullResult(doc, token).catch(staleAs(contentChanged));
      // Edited (or closed) while the pull waited for its turn: the result would not be for the text asked about.
      if (doc.revision !== revision || this.documents.get(uri) !== doc) throw contentChanged();
      if (!result) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      // The id changes with the text (its revision: a reused version number must not match) and
      // with every settings change, so a refresh after new settings never gets an 'unchanged' answer.
      const resultId = `${doc.uri}@${result.version}.${result.revision}#${this.settingsGeneration}`;
      // Unchanged since the client's last pull (run: onSave between saves): the editor keeps, and
      // keeps moving, the diagnostics it has.
      if (p.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId, items: result.diagnostics };
    });
    c.onCodeAction((p, token) => this.codeActions(p, token));
    c.onRequest(SCAN_WORKSPACE_REQUEST, async (p: ScanWorkspaceParams, token: CancellationToken) => {
      await this.ready;
      const disk = this.platform.disk;
      if (!disk) throw new ResponseError(ErrorCodes.InvalidRequest, 'Scan Workspace needs a local file system (not available in the browser)');
      return disk.scanWorkspace(
        {
          connection: c,
          engine: this.engine,
          scanned: this.scanned,
          guideHref: (rule) => this.platform.guideHref(rule),
          isOpen: (uri) => this.documents.has(uri),
          optionsFor: async (uri) => {
            const settings = await this.settingsFor(uri);
            return settings.enable ? this.lintOptions(uri, settings) : null;
          },
          backgroundTurn: () => this.scheduler.backgroundTurn('request'),
        },
        p,
        token,
      );
    });
    c.onRequest(LOAD_PROFILE_REQUEST, async (p: LoadProfileParams): Promise<LoadProfileResult> => {
      await this.ready;
      let result: LoadProfileResult;
      try {
        result = this.profiles.load(p);
      } catch (error) {
        // Not a profile, truncated, too large: the client shows the reason; the server carries on.
        if (error instanceof ProfileError) throw new ResponseError(ErrorCodes.InvalidParams, error.message);
        throw error;
      }
      c.console.info(`perflens: profile loaded for ${p.folder}: ${result.message}`);
      this.relintAll();
      return result;
    });
    c.onRequest(CLEAR_PROFILE_REQUEST, async (p: ClearProfileParams) => {
      await this.ready;
      const cleared = this.profiles.clear(p ?? {});
      if (cleared > 0) {
        c.console.info(`perflens: profile cleared for ${p?.folder ?? 'every folder'}`);
        this.relintAll();
      }
      return { cleared };
    });
    c.onHover((p, token) => this.hover(p, token));
    c.onCompletion((p) => this.completion(p));
    c.onCompletionResolve((item) => this.resolveCompletion(item));
    c.onShutdown(() => this.dispose());
  }

  private initialize(params: InitializeParams): InitializeResult {
    const caps = params.capabilities;
    this.pullDiagnostics = caps.textDocument?.diagnostic !== undefined;
    this.configurationRequests = caps.workspace?.configuration === true;
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    this.clientCommands = init.clientCommands === true;
    this.statusNotifications = init.status === true;
    this.initSettings = init.settings ?? {};
    const client = [params.clientInfo?.name ?? 'an unnamed client', params.clientInfo?.version].filter(Boolean).join(' ');
    const disk = this.platform.disk ? 'reads the file system' : 'no file system';
    this.connection.console.info(`perflens ${VERSION} server started for ${client} (${disk}, ${this.pullDiagnostics ? 'pull' : 'push'} diagnostics)`);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        hoverProvider: true,
        completionProvider: { resolveProvider: true },
        notebookDocumentSync: { notebookSelector: [{ notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }] }] },
        diagnosticProvider: this.pullDiagnostics ? { interFileDependencies: false, workspaceDiagnostics: false } : undefined,
        experimental: { perflens: { scanWorkspace: this.platform.disk !== undefined, profiles: true } satisfies PerflensServerCapabilities },
      },
      serverInfo: { name: 'perflens', version: VERSION },
    };
  }

  private async settingsFor(uri: string): Promise<PerflensSettings> {
    let settings = this.settingsCache.get(uri);
    if (!settings) {
      settings = this.configurationRequests
        ? this.connection.workspace
            .getConfiguration({ scopeUri: uri, section: 'perflens' })
            .then((s: Partial<PerflensSettings> | null) => ({ ...DEFAULT_SETTINGS, ...this.initSettings, ...(s ?? {}) }))
            .catch(() => ({ ...DEFAULT_SETTINGS, ...this.initSettings }))
        : Promise.resolve({ ...DEFAULT_SETTINGS, ...this.initSettings });
      this.settingsCache.set(uri, settings);
    }
    return settings;
  }

  private settingsChanged(): void {
    this.settingsCache.clear();
    this.notebooks.invalidate();
    this.platform.disk?.forgetConfigs();
    this.relintAll();
  }

  /** Forgets every lint and has the open documents' diagnostics published again (settings or a profile changed). */
  private relintAll(): void {
    this.settingsGeneration++;
    this.lintCache.clear();
    this.savedLints.clear();
    if (this.pullDiagnostics) void this.connection.languages.diagnostics.refresh();
    else for (const doc of this.documents.values()) this.schedulePush(doc, 0);
  }

  /**
   * A Python file's text changed as the value layer sees it (edited, opened, saved, closed, or changed
   * on disk): the open files whose last lint read it are linted again once such changes pause for
   * DEPENDENCY_DEBOUNCE_MS, so a typing storm in a module re-lints its importers once, not per keystroke.
   */
  private moduleChanged(uri: string): void {
    const fsPath = fsPathOf(uri);
    if (!fsPath || !isPythonModule(uri)) return;
    this.changedModules.add(fsPath);
    clearTimeout(this.dependencyTimer);
    this.dependencyTimer = setTimeoutReported(async () => this.relintDependents(), DEPENDENCY_DEBOUNCE_MS, this.logFailure('re-linting importers'));
  }

  /** Forgets the lints (documents' and notebooks') that read a changed module, and publishes them again (push) or asks for a pull (refresh). */
  private relintDependents(): void {
    const changed = new Set(this.changedModules);
    this.changedModules.clear();
    const readChanged = (lint: CachedLint | undefined) => lint?.details.dependencies?.some((p) => changed.has(p)) === true;
    const stale = [...this.documents.values()].filter((doc) => readChanged(this.lintCache.get(doc.uri)) || readChanged(this.savedLints.get(doc.uri)));
    for (const doc of stale) {
      doc.dependencyChanged();
      this.forgetLints(doc.uri);
    }
    const notebooks = this.notebooks.modulesChanged(changed);
    if (stale.length === 0 && !notebooks) return;
    if (this.pullDiagnostics) void this.connection.languages.diagnostics.refresh();
    else for (const doc of stale) this.schedulePush(doc, 0);
  }

  /**
   * Project config (pyproject.toml / perflens.toml) below editor settings, with the file it came from; a broken
   * file is reported once (message, log, diagnostic on the file) and the defaults apply.
   */
  private projectOptions(uri: string): { options: LintOptions; configFile: string | null } {
    const parsed = URI.parse(uri);
    const disk = this.platform.disk;
    if (parsed.scheme !== 'file' || !disk) return { options: {}, configFile: null };
    try {
      return disk.projectOptions(parsed.fsPath);
    } catch (error) {
      const configError = disk.configError(error);
      const message = configError ? configError.message : String(error);
      if (!this.reportedConfigErrors.has(message)) {
        this.reportedConfigErrors.add(message);
        this.connection.console.warn(`perflens: invalid configuration, using defaults: ${message}`);
        void this.connection.window.showWarningMessage(`perflens: invalid configuration, using defaults. ${message}`);
        if (configError) this.reportConfigError(configError);
      }
      return { options: {}, configFile: configError?.file ?? null };
    }
  }

  /** Shows a broken config file's problem on the file itself (pushed: config files are not Python). */
  private reportConfigError(error: ConfigError): void {
    const uri = URI.file(error.file).toString();
    this.brokenConfigFiles.add(uri);
    const range = { start: { line: error.line, character: 0 }, end: { line: error.line, character: Number.MAX_SAFE_INTEGER >>> 11 } };
    void this.connection.sendDiagnostics({
      uri,
      diagnostics: [
        { range, severity: DiagnosticSeverity.Error, source: 'perflens', message: `${error.detail} (perflens is using its defaults for this project)` },
      ],
    });
  }

  private lintOptions(uri: string, settings: PerflensSettings): LintOptions {
    const { options: project, configFile } = this.projectOptions(uri);
    const nonEmpty = (list: string[]) => (list.length > 0 ? list : undefined);
    const options = layerOptions(
      { impact: DEFAULT_SETTINGS.impact, preview: DEFAULT_SETTINGS.preview, ...project },
      {
        select: nonEmpty(settings.select),
        extendSelect: settings.extendSelect,
        ignore: settings.ignore,
        severity: settings.severity,
        // Only `all` overrides the project: `auto` is the default, and a project's `impact = "all"` stands.
        impact: settings.impact === 'all' ? 'all' : undefined,
        // Likewise only `true`: a project's `preview = true` stands.
        preview: settings.preview === true ? true : undefined,
        filePath: fsPathOf(uri),
      },
    );
    // Library hints a loaded profile may raise are kept for it (it drops the others: server/lsp/profiles.ts).
    if (this.profiles.covers(uri)) options.keepHints = true;
    const unknown = unknownSelectors(ALL_RULES, options);
    if (unknown.length > 0) {
      const message = `perflens: unknown rule or category in settings: ${unknown.join(', ')}`;
      if (!this.reportedConfigErrors.has(message)) {
        this.reportedConfigErrors.add(message);
        this.connection.console.warn(message);
        void this.connection.window.showWarningMessage(message);
      }
    }
    this.logConfiguration(uri, configFile, options);
    return options;
  }

  /**
   * Says in the log which config file applies to a folder and how many rules it leaves active: once per
   * folder until the settings or a config file change, so a bug report shows the configuration in effect.
   */
  private logConfiguration(uri: string, configFile: string | null, options: LintOptions): void {
    const parsed = URI.parse(uri);
    const folder = parsed.scheme === 'file' ? Utils.dirname(parsed).fsPath : `${parsed.scheme}:`;
    const line = `perflens: ${folder}: ${configFile ? `config ${configFile}` : 'no project config file (editor settings only)'}; ${activeRules(ALL_RULES, options).size} rules active`;
    if (this.loggedConfigurations.get(folder) === line) return;
    this.loggedConfigurations.set(folder, line);
    this.connection.console.info(line);
  }

  /**
   * The result a pull should report: the current version's lint, or with `run: onSave` the lint of
   * the version last saved (or first opened), so typing does not re-lint.
   */
  private async pullResult(doc: ParsedDocument, token: CancellationToken): Promise<CachedLint | null> {
    const settings = await this.settingsFor(doc.uri);
    if (settings.run !== 'onSave') return this.lint(doc, { token, background: 'request' });
    const saved = this.savedLints.get(doc.uri);
    if (saved) return saved;
    const result = await this.lint(doc, { token, background: 'request' });
    if (result) this.savedLints.set(doc.uri, result);
    return result;
  }

  /**
   * Lints the document's current text (cached per revision). Returns null when perflens is off or
   * the document was closed meanwhile; throws RequestCancelled when the request was cancelled, and
   * StaleLint when the text changed while a worker linted it.
   */
  private async lint(doc: ParsedDocument, request: LintRequest = {}): Promise<CachedLint | null> {
    const cached = this.currentLint(doc);
    if (cached) return cached;
    const settings = await this.settingsFor(doc.uri);
    if (!settings.enable) {
      this.sendStatus({ uri: doc.uri, state: 'disabled', activeRules: 0, lintMs: 0, parseMs: 0, findings: 0 });
      return null;
    }
    if (request.background) await this.scheduler.backgroundTurn(request.background);
    throwIfCancelled(request.token);
    if (this.documents.get(doc.uri) !== doc) return null;
    // A hover may have linted this version while the pull waited for its turn.
    const linted = this.currentLint(doc);
    if (linted) return linted;
    const { version, revision } = doc;
    const options = this.lintOptions(doc.uri, settings);
    let details: LintResult;
    const started = performance.now();
    try {
      // Incremental (re-lints only what the edits can have changed); a large text in the worker.
      details = await this.scheduler.offThread(doc.lintSomewhere(options), request.background ?? 'request');
    } catch (error) {
      if (error instanceof StaleLint) throw error;
      this.connection.console.error(`perflens: lint failed for ${doc.uri}: ${error instanceof Error ? error.stack : String(error)}`);
      return null;
    }
    // The worker answered for a text the document no longer has (or it was closed or reopened).
    if (doc.revision !== revision || this.documents.get(doc.uri) !== doc) throw new StaleLint();
    this.sendStatus({
      uri: doc.uri,
      state: details.skipped ? 'skipped' : details.failures.length ? 'ruleError' : this.brokenConfigFiles.size ? 'configError' : 'ok',
      activeRules: activeRules(ALL_RULES, options).size,
      // To 0.01 ms: a keystroke's re-parse is about 0.5 ms, so 0.1 ms steps made the bench's rules ÷ re-parse ratio
      // jump between 1.0, 1.2 and 1.4 on the same edits (issue 29 reads it from this status).
      lintMs: Math.round((performance.now() - started) * 100) / 100,
      parseMs: Math.round(doc.lastParseMs * 100) / 100,
      findings: details.findings.length,
      message: details.skipped ?? (details.failures.length ? `rule ${details.failures[0].ruleId} failed and was disabled for this file` : undefined),
    });
    // A loaded profile's verdict on each finding (server/lsp/profiles.ts): a parse-free no-op without one.
    const profiled = this.profiles.annotate(doc.document, details.findings, this.profiles.size > 0 ? doc.quickTree() : null);
    if (profiled !== details.findings) details = { ...details, findings: profiled };
    for (const failure of details.failures) {
      this.connection.console.error(`perflens: rule ${failure.ruleId} failed on ${doc.uri} and was disabled for it: ${failure.error}`);
    }
    if (details.skipped) this.connection.console.info(`perflens: skipped ${doc.uri}: ${details.skipped}`);
    this.connection.console.debug(
      `perflens: linted ${doc.uri} v${version}: ${details.findings.length} findings in ${(performance.now() - started).toFixed(1)} ms (parse ${doc.lastParseMs.toFixed(1)} ms)`,
    );
    const diagnostics = details.findings.map((f) => {
      const rule = this.engine.rulesById.get(f.ruleId)!;
      return toDiagnostic(doc.document, f.profile ? { ...f, message: messageWithProfile(f) } : f, rule, this.platform.guideHref(rule));
    });
    // A skipped file (over max-file-size, or a parse that ran out of time) says so where the user looks.
    if (details.skipped) {
      diagnostics.push({
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Information,
        source: 'perflens',
        message: `perflens skipped this file: ${details.skipped}`,
      });
    }
    const entry = { version, revision, details, diagnostics };
    this.lintCache.set(doc.uri, entry);
    return entry;
  }

  /** The cached lint of the document's current text, if there is one. */
  private currentLint(doc: ParsedDocument): CachedLint | undefined {
    const cached = this.lintCache.get(doc.uri);
    return cached && cached.revision === doc.revision ? cached : undefined;
  }

  /** Drops what was linted for a URI (its document was opened again, or closed). */
  private forgetLints(uri: string): void {
    this.lintCache.delete(uri);
    this.savedLints.delete(uri);
  }

  private sendStatus(status: StatusParams): void {
    if (this.statusNotifications) void this.connection.sendNotification(STATUS_NOTIFICATION, status);
  }

  /** Push mode (clients without pull diagnostics): lint after a pause and publish. */
  private schedulePush(doc: ParsedDocument, delayMs: number): void {
    if (this.pullDiagnostics) return;
    clearTimeout(this.pushTimers.get(doc.uri));
    this.pushTimers.set(
      doc.uri,
      setTimeoutReported(
        async () => {
          this.pushTimers.delete(doc.uri);
          if (this.documents.get(doc.uri) !== doc) return;
          let result: CachedLint | null;
          try {
            result = await this.lint(doc, { background: 'timer' });
          } catch (error) {
            if (error instanceof StaleLint) return; // edited while the worker linted it: the edit scheduled the next push
            throw error;
          }
          if (this.documents.get(doc.uri) !== doc) return; // closed while it waited for its turn
          await this.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: result?.diagnostics ?? [] });
        },
        delayMs,
        this.logFailure(`publishing diagnostics for ${doc.uri}`),
      ),
    );
  }

  /**
   * The findings of the current version of an open document or notebook cell, with the text they
   * refer to: linted now if the cached result is older (only this file's lint is waited for).
   * TextDocuments are updated in place, so callers must not await between this and using the view.
   */
  private async findingsView(uri: string, token: CancellationToken): Promise<FindingsView | null> {
    await this.ready;
    throwIfCancelled(token);
    const doc = this.documents.get(uri);
    if (doc) {
      const waitMs = doc.awaitsFirstWorkerLint ? FIRST_WORKER_LINT_WAIT_MS : INTERACTIVE_WAIT_MS;
      const result = await this.lintWithin(doc, token, waitMs).catch(staleAs(contentModified));
      return result
        ? { document: doc.document, findings: result.details.findings, diagnostics: result.diagnostics, skipped: result.details.skipped !== undefined }
        : null;
    }
    const cell = await this.notebooks.lintCell(uri, { token });
    return cell ? { document: cell.doc, findings: cell.findings, diagnostics: cell.diagnostics, skipped: false } : null;
  }

  /**
   * A hover's or code action's lint of an open document, waited for at most `waitMs`: a large document
   * is linted in the worker, where its first lint (or the check after edits) can take many seconds. The
   * request answers as for a file with no findings yet (no hover, no actions) rather than keep the user
   * waiting; the lint goes on, and its result serves the pull and the next request. A lint on this thread
   * runs to its end once started (no timer fires meanwhile), so what is cut short is a lint in the worker,
   * or a wait for the client's settings that took longer than waitMs.
   */
  private async lintWithin(doc: ParsedDocument, token: CancellationToken, waitMs: number): Promise<CachedLint | null> {
    const linting = this.lint(doc, { token });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), waitMs)));
    try {
      return await Promise.race([linting, late]);
    } finally {
      clearTimeout(timer);
      linting.catch(() => undefined); // left running: a later failure (a stale text) is nobody's to handle
    }
  }

  private async codeActions(params: CodeActionParams, token: CancellationToken): Promise<CodeAction[]> {
    // Settings first: nothing may await between the lint and the edits built from it.
    const settings = await this.settingsFor(params.textDocument.uri);
    const view = await this.findingsView(params.textDocument.uri, token);
    if (!view) return [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
    const actions: CodeAction[] = [];
    if (wants(CodeActionKind.QuickFix)) {
      actions.push(
        ...quickFixes(view.document, params.context.diagnostics, view.findings, {
          unsafe: settings.unsafeFixes,
          clientCommands: this.clientCommands,
          guideOf: (id) => this.engine.rulesById.get(id)?.guide ?? id,
          current: view.diagnostics,
          versionOf: (other) => this.notebooks.cellVersionBeside(params.textDocument.uri, other),
        }),
      );
    }
    if (only && wants(FIX_ALL_KIND)) {
      const action = fixAll(view.document, view.findings, settings.fixAllUnsafe);
      if (action) actions.push(action);
    }
    return actions;
  }

  /** Findings under the cursor explained, or a note on the construct there (server/lsp/hover.ts). */
  private async hover(params: HoverParams, token: CancellationToken): Promise<Hover | null> {
    const settings = await this.settingsFor(params.textDocument.uri);
    if (!settings.hover && !settings.constructHovers) return null;
    const view = await this.findingsView(params.textDocument.uri, token);
    if (!view) return null;
    const doc = this.documents.get(params.textDocument.uri);
    const revision = doc?.revision;
    const hover = await hoverAt(view.document.offsetAt(params.position), {
      document: view.document,
      constructAt: (offset) => (view.skipped ? null : doc ? doc.constructNote(offset) : this.cellConstructNote(view.document, offset)),
      findings: view.findings,
      rulesById: this.engine.rulesById,
      explainFindings: settings.hover,
      constructHovers: settings.constructHovers,
      clientCommands: this.clientCommands,
      // Only our VS Code client says it runs our commands; VS Code puts the diagnostic above the hover.
      messageShownAbove: this.clientCommands,
      guideHref: (target) => this.platform.guideHref({ guide: target } as RuleDefinition),
    });
    // A large document's construct note comes from the worker: edited meanwhile, its range is stale.
    if (doc && doc.revision !== revision) throw contentModified();
    return hover;
  }

  /** The perflens templates, where a statement can start in an open Python file (no lint; see completion.ts). */
  private async completion(params: CompletionParams): Promise<CompletionItem[] | null> {
    await this.ready;
    const doc = this.documents.get(params.textDocument.uri);
    if (!doc || doc.document.languageId !== 'python' || !(await this.settingsFor(doc.uri)).enable) return null;
    const offset = doc.document.offsetAt(params.position);
    if (!statementCanStart(doc.document, offset, doc.quickTree())) return null;
    return TEMPLATES.map((template) => templateItem(template, doc.uri));
  }

  /** A template's missing imports, as additional edits, for the item the user is looking at. */
  private async resolveCompletion(item: CompletionItem): Promise<CompletionItem> {
    await this.ready;
    const data = item.data as TemplateData | undefined;
    const template = TEMPLATES.find((t) => t.prefix === data?.perflensTemplate);
    const doc = data && this.documents.get(data.uri);
    if (!template || !doc || template.imports.length === 0) return item;
    const edit = templateImportEdit(this.engine, doc.document, template.imports);
    return edit ? { ...item, additionalTextEdits: [edit] } : item;
  }

  /** A notebook cell's construct note: cells keep no tree, so its text is parsed for it. */
  private cellConstructNote(document: TextDocument, offset: number): ConstructMatch | null {
    const tree = this.engine.parse(document.getText());
    try {
      return constructNoteAt(tree, document.getText(), offset);
    } finally {
      tree.delete(); // WASM memory is not garbage-collected
    }
  }

  private dispose(): void {
    this.idleCollection?.dispose();
    this.platform.offThread?.dispose();
    for (const doc of this.documents.values()) doc.dispose();
    this.documents.clear();
    for (const t of this.pushTimers.values()) clearTimeout(t);
    clearTimeout(this.dependencyTimer);
    this.engine?.dispose();
  }
}

/** Quiet after the last change to a module before the files that import it are linted again (moduleChanged). */
export const DEPENDENCY_DEBOUNCE_MS = 400;

/**
 * How long a hover or code action waits for its document's lint (see lintWithin), but for a first lint in the worker
 * (FIRST_WORKER_LINT_WAIT_MS). A lint here is cut short only while it waits for the settings; a keystroke's lint in the
 * worker took 200-800 ms on the 1.9 MB file (load 8-12), and a hover that waited 300 ms for it lost its findings in 1-2
 * of 20.
 */
export const INTERACTIVE_WAIT_MS = 1500;

/** An open document's or notebook cell's current text with its findings and the diagnostics built from them. */
interface FindingsView {
  document: TextDocument;
  findings: Finding[];
  diagnostics: Diagnostic[];
  /** Not linted (over max-file-size, or its parse ran out of time): it has no tree, and gets none for a hover. */
  skipped: boolean;
}

/** A request whose document changed before its answer was ready (hover, code action): the client asks again. */
function contentModified(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.ContentModified, 'the document changed');
}

/** For .catch(): a StaleLint becomes the protocol error `as` makes; anything else is rethrown. */
function staleAs(as: () => ResponseError<unknown>): (error: unknown) => never {
  return (error) => {
    throw error instanceof StaleLint ? as() : error;
  };
}

/** The file-system path of a file: URI (rules such as print-debugging-in-library look at the folder). */
/** The probe with readText answering from the open documents first (unsaved edits), then from the disk. */
function withOpenDocuments(files: FileProbe, openText: (fsPath: string) => string | null): FileProbe {
  return {
    exists: (p) => openText(p) !== null || files.exists(p),
    fileSize: (p) => files.fileSize(p),
    ...(files.modifiedMs ? { modifiedMs: (p: string) => files.modifiedMs!(p) } : {}),
    readText: (p) => openText(p) ?? files.readText?.(p) ?? null,
    ...(files.list ? { list: (p: string) => files.list!(p) } : {}),
  };
}

/** A file the value layer may read as an imported module (values/workspace.ts resolves only .py files). */
function isPythonModule(uri: string): boolean {
  return /\.py$/i.test(URI.parse(uri).path);
}

function fsPathOf(uri: string): string | undefined {
  const parsed = URI.parse(uri);
  return parsed.scheme === 'file' ? parsed.fsPath : undefined;
}
