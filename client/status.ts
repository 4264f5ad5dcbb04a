// The language status item: perflens's state for the active Python file, its rule count and the
// time its last lint took. Fed by the server's perflens/status notifications.
import * as vscode from 'vscode';
import { COMMANDS, type StatusParams } from '../common/protocol';

export class PerflensStatus implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem('perflens.status', { language: 'python' });
  private readonly byUri = new Map<string, StatusParams>();
  private readonly listener: vscode.Disposable;

  constructor() {
    this.item.name = 'perflens';
    this.item.text = '$(loading~spin) perflens';
    this.item.detail = 'starting';
    this.item.command = { title: 'Show Output', command: COMMANDS.showOutput };
    this.listener = vscode.window.onDidChangeActiveTextEditor(() => this.render());
  }

  update(status: StatusParams): void {
    this.byUri.set(status.uri, status);
    this.render();
  }

  failed(message: string): void {
    this.item.text = '$(error) perflens';
    this.item.detail = message;
    this.item.severity = vscode.LanguageStatusSeverity.Error;
  }

  private render(): void {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    const status = uri ? this.byUri.get(uri) : undefined;
    if (!status) {
      this.item.text = '$(check) perflens';
      this.item.detail = 'ready';
      this.item.severity = vscode.LanguageStatusSeverity.Information;
      return;
    }
    const problems = `${status.findings} finding${status.findings === 1 ? '' : 's'}`;
    switch (status.state) {
      case 'disabled':
        this.item.text = '$(circle-slash) perflens';
        this.item.detail = 'disabled for this file (perflens.enable)';
        this.item.severity = vscode.LanguageStatusSeverity.Information;
        break;
      case 'skipped':
        this.item.text = '$(warning) perflens';
        this.item.detail = status.message ?? 'file skipped';
        this.item.severity = vscode.LanguageStatusSeverity.Warning;
        break;
      case 'configError':
      case 'ruleError':
        this.item.text = `$(warning) perflens: ${status.activeRules} rules`;
        this.item.detail = `${status.message ?? 'invalid project configuration, using defaults'} · ${problems}`;
        this.item.severity = vscode.LanguageStatusSeverity.Warning;
        break;
      default:
        this.item.text = `$(check) perflens: ${status.activeRules} rules`;
        this.item.detail = `${problems} · last lint ${status.lintMs} ms (parse ${status.parseMs} ms)`;
        this.item.severity = vscode.LanguageStatusSeverity.Information;
    }
  }

  dispose(): void {
    this.listener.dispose();
    this.item.dispose();
  }
}
