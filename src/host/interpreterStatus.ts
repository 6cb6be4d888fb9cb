import * as vscode from 'vscode';
import { Disposable } from '../shared/disposable';
import { describeOrigin, InterpreterService } from './interpreter';

/** Status-bar item naming the Python that runs programs; clicking it changes it. */
export class InterpreterStatus extends Disposable {
  private readonly item = this.register(
    vscode.window.createStatusBarItem('concurrencyLab.interpreter', vscode.StatusBarAlignment.Right, 100),
  );
  private generation = 0;

  constructor(private readonly interpreters: InterpreterService) {
    super();
    this.item.name = 'Concurrency Lab Python';
    this.item.command = 'concurrencyLab.selectInterpreter';
    this.register(interpreters.onDidChange(() => void this.update()));
    this.register(vscode.window.onDidChangeActiveTextEditor(() => void this.update()));
    void this.update();
  }

  async update(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'python') {
      this.item.hide();
      return;
    }
    const mine = ++this.generation;
    const py = await this.interpreters.resolve(editor.document.uri);
    if (mine !== this.generation) return; // a newer update is under way
    if (py.problem) {
      this.item.text = '$(warning) Concurrency Lab: no Python';
      this.item.tooltip = `${py.problem} (from ${describeOrigin(py.origin)}). Click to choose a Python 3.8+ interpreter.`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      this.item.text = `$(pulse) Py ${py.version ?? '?'}`;
      this.item.tooltip = `Concurrency Lab runs ${py.executable ?? py.command} (Python ${py.version ?? '?'}, from ${describeOrigin(py.origin)}). Click to change.`;
      this.item.backgroundColor = undefined;
    }
    this.item.show();
  }
}
