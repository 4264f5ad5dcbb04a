// "perflens: Open Guide": the bundled guide in a webview, rendered in the extension host with markdown-it
// (nothing is fetched from the network), with a table of contents, search by rule id or keyword, links between
// sections, and scrolling to the requested heading. Diagnostics' code links open it through a UriHandler.
// Works on the desktop and on the web: files are read with vscode.workspace.fs.
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient';
import { GUIDE_SECTIONS } from '../common/guide';
import {
  buildSearchIndex,
  GUIDE_VIEW_TYPE,
  guideLinkUri,
  guideShellHtml,
  guideTargetOfHref,
  guideTargetOfUri,
  parseGuideTarget,
  searchGuide,
  sectionMessage,
  type SearchEntry,
} from './guideRender';

type InboundMessage =
  { type: 'ready' } | { type: 'open'; slug: string; anchor?: string } | { type: 'search'; query: string } | { type: 'openFile'; path: string };

export class GuideView implements vscode.Disposable {
  private static current: GuideView | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private searchIndex: Promise<SearchEntry[]> | undefined;
  private disposed = false;
  private target: { slug: string; anchor?: string } = { slug: 'index' };

  /** Opens (or reveals) the guide at `slug` / `slug#anchor`; no target opens the table of contents. */
  static async show(context: vscode.ExtensionContext, target?: string): Promise<void> {
    const view = GuideView.current ?? new GuideView(context);
    GuideView.current = view;
    view.panel.reveal(view.panel.viewColumn ?? vscode.ViewColumn.Active);
    await view.open(parseGuideTarget(target));
  }

  private readonly panel: vscode.WebviewPanel;

  private constructor(private readonly context: vscode.ExtensionContext) {
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    this.panel = vscode.window.createWebviewPanel(GUIDE_VIEW_TYPE, 'perflens guide', vscode.ViewColumn.Active, {
      enableScripts: true,
      // Plain clicks on section links fall back to the openGuide command (the script normally handles them).
      enableCommandUris: ['perflens.openGuide'],
      localResourceRoots: [media],
      enableFindWidget: true,
    });
    const webview = this.panel.webview;
    webview.html = guideShellHtml({
      cspSource: webview.cspSource,
      nonce: nonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'guide.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'guide.css')).toString(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((m: InboundMessage) => this.receive(m)),
      this.panel.onDidDispose(() => this.dispose()),
    );
  }

  private async receive(message: InboundMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A fresh page (first load, or the webview was hidden and re-created): show the current section.
        await this.open(this.target);
        break;
      case 'open':
        await this.open(parseGuideTarget(message.anchor ? `${message.slug}#${message.anchor}` : message.slug));
        break;
      case 'search': {
        this.searchIndex ??= this.loadIndex();
        const results = searchGuide(await this.searchIndex, String(message.query ?? ''));
        if (this.disposed) return;
        void this.panel.webview.postMessage({ type: 'results', query: message.query, results });
        break;
      }
      case 'openFile':
        await this.openFile(String(message.path ?? ''));
        break;
    }
  }

  private async open(target: { slug: string; anchor?: string }): Promise<void> {
    this.target = target;
    const markdown = await this.read(target.slug);
    if (this.disposed) return; // closed while the file was being read
    const message = sectionMessage(target.slug, markdown, target.anchor);
    try {
      this.panel.title = target.slug === 'index' ? 'perflens guide' : `Guide: ${message.title.replace(/`/g, '')}`;
      void this.panel.webview.postMessage(message);
    } catch (error) {
      // The user closed the panel and VS Code has not delivered onDidDispose yet: nothing to show.
      if (/disposed/i.test(String(error))) this.dispose();
      else throw error;
    }
  }

  private async read(slug: string): Promise<string> {
    const file = vscode.Uri.joinPath(this.context.extensionUri, 'guide', `${slug}.md`);
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  }

  private async loadIndex(): Promise<SearchEntry[]> {
    const sections = await Promise.all(GUIDE_SECTIONS.map(async (s) => ({ slug: s.slug, markdown: await this.read(s.slug) })));
    return buildSearchIndex(sections);
  }

  /** A file beside the guide (a benchmark program), read-only in an editor; absent from installed packages. */
  private async openFile(relative: string): Promise<void> {
    if (!/^[\w./-]+$/.test(relative) || relative.split('/').includes('..')) return;
    const file = vscode.Uri.joinPath(this.context.extensionUri, 'guide', relative);
    try {
      await vscode.workspace.fs.stat(file);
    } catch {
      void vscode.window.showInformationMessage(`perflens: guide/${relative} is part of the perflens repository, not of the installed extension.`);
      return;
    }
    await vscode.window.showTextDocument(file, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (GuideView.current === this) GuideView.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

function nonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * Opens the guide from `<uriScheme>://<publisher.name>/guide/<slug>#<anchor>`: the links diagnostics carry
 * in VS Code (see guideLinkMiddleware).
 */
export function registerGuideUriHandler(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.window.registerUriHandler({
    handleUri(uri: vscode.Uri) {
      const target = guideTargetOfUri(uri);
      if (target) void GuideView.show(context, target);
    },
  });
}

/**
 * Client middleware that points each perflens diagnostic's code link (`codeDescription.href`, a file or
 * https URL of guide/<slug>.md from the server, which other editors open as Markdown) at the guide view.
 */
export function guideLinkMiddleware(context: vscode.ExtensionContext): Middleware {
  const rewrite = (diagnostics: readonly vscode.Diagnostic[]): vscode.Diagnostic[] =>
    diagnostics.map((d) => {
      if (d.source !== 'perflens' || typeof d.code !== 'object' || !d.code.target) return d;
      const target = guideTargetOfHref(d.code.target.toString(true));
      if (target) d.code = { value: d.code.value, target: vscode.Uri.parse(guideLinkUri(vscode.env.uriScheme, context.extension.id, target)) };
      return d;
    });
  return {
    handleDiagnostics(uri, diagnostics, next) {
      next(uri, rewrite(diagnostics));
    },
    async provideDiagnostics(document, previousResultId, token, next) {
      const report = await next(document, previousResultId, token);
      if (report && (report as { kind: string }).kind === 'full') {
        const full = report as { items: vscode.Diagnostic[] };
        full.items = rewrite(full.items);
      }
      return report;
    },
  };
}
