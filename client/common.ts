// The client features shared by the desktop (Node) and web (browser worker) builds: commands that
// need the editor (open a guide section, disable a rule, restart, scan), the status item, and the
// language client options. Only how the server is started differs (extension.ts / browser.ts).
import * as vscode from 'vscode';
import { WorkDoneProgress, type BaseLanguageClient, type LanguageClientOptions } from 'vscode-languageclient';
import {
  CAN_SCAN_WORKSPACE_CONTEXT,
  CLEAR_PROFILE_REQUEST,
  COMMANDS,
  LOAD_PROFILE_REQUEST,
  SCAN_WORKSPACE_REQUEST,
  STATUS_NOTIFICATION,
  type InitializationOptions,
  type LoadProfileParams,
  type LoadProfileResult,
  type PerflensServerCapabilities,
  type ScanWorkspaceParams,
  type ScanWorkspaceResult,
  type StatusParams,
} from '../common/protocol';
import { GuideView, guideLinkMiddleware, registerGuideUriHandler } from './guideView';
import { PerflensStatus } from './status';

/** Creates the language client for a platform, given the shared client options. */
export type ClientFactory = (options: LanguageClientOptions) => BaseLanguageClient;

let client: BaseLanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;
let status: PerflensStatus | undefined;

export async function activateWith(context: vscode.ExtensionContext, createClient: ClientFactory): Promise<void> {
  output = vscode.window.createOutputChannel('perflens', { log: true });
  status = new PerflensStatus();
  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand(COMMANDS.openGuide, (target?: string) => GuideView.show(context, target)),
    registerGuideUriHandler(context),
    vscode.commands.registerCommand(COMMANDS.disableRule, (ruleId: string) => disableRule(ruleId)),
    vscode.commands.registerCommand(COMMANDS.restart, async () => {
      if (!client) return;
      await client.stop();
      await client.start();
      await offerServerFeatures(client);
      output?.info('perflens server restarted');
    }),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => output?.show()),
    vscode.commands.registerCommand(COMMANDS.scanWorkspace, () => scanWorkspace()),
    vscode.commands.registerCommand(COMMANDS.showSnippet, (prefix: string) => showSnippet(context, prefix)),
    vscode.commands.registerCommand(COMMANDS.loadProfile, (file?: vscode.Uri) => loadProfile(file)),
    vscode.commands.registerCommand(COMMANDS.clearProfile, () => clearProfile()),
  );
  client = createClient(clientOptions(context, output));
  context.subscriptions.push(client.onNotification(STATUS_NOTIFICATION, (params: StatusParams) => status?.update(params)));
  output.info(`perflens ${String(context.extension.packageJSON.version)} activating in ${vscode.env.appName} ${vscode.version} (${vscode.env.appHost})`);
  try {
    await client.start();
    await offerServerFeatures(client);
  } catch (error) {
    status.failed(`the server did not start: ${String(error)}`);
    output.error(`perflens server failed to start: ${String(error)}`);
  }
}

/**
 * Offers the commands the running server supports, decided by what its host can do (it says so in its
 * initialize result), not by the UI: code-server and Codespaces in a browser have a Node server that reads
 * the disk, vscode.dev's browser-worker server does not.
 */
async function offerServerFeatures(running: BaseLanguageClient): Promise<void> {
  const experimental = running.initializeResult?.capabilities.experimental as { perflens?: Partial<PerflensServerCapabilities> } | undefined;
  await vscode.commands.executeCommand('setContext', CAN_SCAN_WORKSPACE_CONTEXT, experimental?.perflens?.scanWorkspace === true);
}

export async function deactivateClient(): Promise<void> {
  await client?.stop();
  client = undefined;
}

function clientOptions(context: vscode.ExtensionContext, channel: vscode.LogOutputChannel): LanguageClientOptions {
  const initializationOptions: InitializationOptions = { clientCommands: true, status: true };
  return {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      // Python cells of Jupyter notebooks (the server lints a notebook's cells as one module).
      { notebook: { notebookType: 'jupyter-notebook' }, language: 'python' },
    ],
    outputChannel: channel,
    // Project configuration lives in these files; the server re-reads them when they change. A Python
    // module changed on disk (a save elsewhere, a git checkout) re-lints the open files that import it.
    synchronize: {
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/{pyproject.toml,perflens.toml,ruff.toml,.ruff.toml}'),
        vscode.workspace.createFileSystemWatcher('**/*.py'),
      ],
    },
    initializationOptions,
    diagnosticPullOptions: { onChange: true, onSave: true },
    // Hover links run only perflens's own commands.
    markdown: { isTrusted: { enabledCommands: [COMMANDS.openGuide, COMMANDS.disableRule] } },
    // Diagnostics' code links (the rule id in the Problems panel and the hover) open the guide view.
    middleware: guideLinkMiddleware(context),
  };
}

/**
 * Opens a perflens template beside the current editor, expanded with live tab stops: the pattern a
 * rule recommends, written out, without touching the user's file.
 */
async function showSnippet(context: vscode.ExtensionContext, prefix: string): Promise<void> {
  const file = vscode.Uri.joinPath(context.extensionUri, 'snippets', 'python.json');
  const snippets = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))) as Record<
    string,
    { prefix: string; body: string | string[] }
  >;
  const entry = Object.values(snippets).find((s) => s.prefix === prefix);
  if (!entry) {
    void vscode.window.showWarningMessage(`perflens: no template with prefix ${prefix}`);
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'python' });
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside });
  await editor.insertSnippet(new vscode.SnippetString(Array.isArray(entry.body) ? entry.body.join('\n') : entry.body));
}

/**
 * Lints every Python file in the workspace folders, in a notification that counts files and findings as the
 * server reports them and whose Cancel stops the scan (the request is cancelled; the server stops between files).
 */
async function scanWorkspace(): Promise<void> {
  const running = client;
  const folders = vscode.workspace.workspaceFolders?.filter((f) => f.uri.scheme === 'file') ?? [];
  if (!running || folders.length === 0) {
    void vscode.window.showInformationMessage('perflens: open a folder to scan its Python files.');
    return;
  }
  const workDoneToken = `perflens-scan-${Date.now()}`;
  const params: ScanWorkspaceParams = { roots: folders.map((f) => f.uri.toString()), workDoneToken };
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'perflens: scanning workspace', cancellable: true },
    async (progress, token) => {
      let reported = 0;
      const listener = running.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind === 'end') return;
        const percentage = value.percentage ?? reported;
        progress.report({ message: value.message, increment: Math.max(0, percentage - reported) });
        reported = Math.max(reported, percentage);
      });
      try {
        return await running.sendRequest<ScanWorkspaceResult>(SCAN_WORKSPACE_REQUEST, params, token);
      } catch (error) {
        // Cancelled before the server started on it: nothing was scanned.
        if (token.isCancellationRequested) return { files: 0, problems: 0, cancelled: true, errors: [] };
        throw error;
      } finally {
        listener.dispose();
      }
    },
  );
  for (const error of result.errors) output?.warn(`scan: ${error}`);
  const summary = `${result.problems} problem${result.problems === 1 ? '' : 's'} in ${result.files} file${result.files === 1 ? '' : 's'}`;
  void vscode.window.showInformationMessage(`perflens: ${result.cancelled ? 'scan cancelled after ' : 'scanned: '}${summary}.`);
}

/** The client reads a profile no larger than the server accepts (server/profiles/types.ts MAX_PROFILE_BYTES). */
const MAX_PROFILE_BYTES = 200 * 1024 * 1024;

/**
 * Load Profile…: picks a profile (cProfile/pstats, py-spy speedscope, Scalene JSON, torch.profiler trace), reads it
 * and lists the folder's Python files here, so the server needs no disk (it also runs in the browser), and says in
 * a notification and the log what was loaded and how much of it is in the workspace.
 */
async function loadProfile(given?: vscode.Uri): Promise<void> {
  const running = client;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!running || folders.length === 0) {
    void vscode.window.showInformationMessage('perflens: open a folder to load a profile of its code.');
    return;
  }
  const file =
    given ??
    (
      await vscode.window.showOpenDialog({
        canSelectMany: false,
        openLabel: 'Load Profile',
        title: 'perflens: Load Profile (cProfile/pstats, py-spy speedscope JSON, Scalene JSON, torch.profiler trace)',
        defaultUri: folders[0].uri,
        filters: { Profiles: ['prof', 'pstats', 'cprofile', 'out', 'json'], 'All files': ['*'] },
      })
    )?.[0];
  if (!file) return;
  const folder =
    folders.length === 1
      ? folders[0]
      : (vscode.workspace.getWorkspaceFolder(file) ??
        (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'The workspace folder this profile is of' })));
  if (!folder) return;
  const name = file.path.split('/').pop() ?? file.path;
  try {
    const stat = await vscode.workspace.fs.stat(file);
    if (stat.size > MAX_PROFILE_BYTES) throw new Error(`${name}: larger than ${MAX_PROFILE_BYTES / 1024 / 1024} MB`);
    const [bytes, pythonFiles] = await Promise.all([
      vscode.workspace.fs.readFile(file),
      vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.{py,pyw}'), '**/{node_modules,.git,.venv,venv,__pycache__}/**'),
    ]);
    const params: LoadProfileParams = {
      folder: folder.uri.toString(),
      name,
      data: toBase64(bytes),
      modified: stat.mtime,
      files: pythonFiles.map((u) => vscode.workspace.asRelativePath(u, false).replace(/\\/g, '/')),
    };
    const result = await running.sendRequest<LoadProfileResult>(LOAD_PROFILE_REQUEST, params);
    output?.info(`profile loaded: ${result.message}`);
    const show = result.matched > 0 ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(`perflens: ${result.message}.`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    output?.warn(`profile not loaded: ${message}`);
    void vscode.window.showErrorMessage(`perflens: could not load the profile: ${message}`);
  }
}

/** Clear Profile: diagnostics go back to what the code alone says. */
async function clearProfile(): Promise<void> {
  if (!client) return;
  await client.sendRequest(CLEAR_PROFILE_REQUEST, {});
  output?.info('profile cleared');
}

/** base64 with btoa, which desktop and web extension hosts both have (the web one has no Buffer). */
function toBase64(bytes: Uint8Array): string {
  const chunks: string[] = [];
  for (let i = 0; i < bytes.length; i += 0x8000) chunks.push(String.fromCharCode(...bytes.subarray(i, i + 0x8000)));
  return btoa(chunks.join(''));
}

/** Adds a rule to `perflens.ignore` in the workspace settings (user settings without a workspace). */
async function disableRule(ruleId: string): Promise<void> {
  const config = vscode.workspace.getConfiguration('perflens');
  const ignore = config.get<string[]>('ignore', []);
  if (ignore.includes(ruleId)) return;
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('ignore', [...ignore, ruleId], target);
  void vscode.window.showInformationMessage(
    `perflens: ${ruleId} disabled in ${target === vscode.ConfigurationTarget.Workspace ? 'workspace' : 'user'} settings.`,
  );
}
