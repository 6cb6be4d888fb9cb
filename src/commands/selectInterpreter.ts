import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { InterpreterService } from '../host/interpreter';

interface Choice extends vscode.QuickPickItem {
  action: 'python-extension' | 'path' | 'enter' | 'browse' | 'clear';
  path?: string;
}

/** Python executables in the usual places (pyenv, /usr/bin, /usr/local/bin), found without blocking. */
async function discover(): Promise<string[]> {
  const found = new Set<string>();
  const pyenvRoot = process.env.PYENV_ROOT ?? join(homedir(), '.pyenv');
  try {
    for (const v of await readdir(join(pyenvRoot, 'versions')))
      found.add(join(pyenvRoot, 'versions', v, 'bin', 'python3'));
  } catch {
    // no pyenv
  }
  for (const dir of ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin']) {
    try {
      for (const name of await readdir(dir)) if (/^python3(\.\d+)?$/.test(name)) found.add(join(dir, name));
    } catch {
      // directory absent on this platform
    }
  }
  return [...found];
}

export async function selectInterpreter(interpreters: InterpreterService): Promise<void> {
  const current = await interpreters.resolve(vscode.window.activeTextEditor?.document.uri);
  const candidates = await Promise.all((await discover()).map((p) => interpreters.probeCommand(p)));
  const items: Choice[] = [];
  if (interpreters.hasPythonExtension()) {
    items.push({
      action: 'python-extension',
      label: "$(symbol-namespace) Use the Python extension's interpreter picker",
      detail:
        'Clears concurrencyLab.pythonPath so Concurrency Lab follows the environment selected in the Python extension.',
    });
  }
  items.push({ label: 'Found on this machine', kind: vscode.QuickPickItemKind.Separator, action: 'path' });
  for (const c of candidates.filter((c) => !c.problem)) {
    items.push({
      action: 'path',
      path: c.command,
      label: `Python ${c.version}`,
      description: c.command,
      picked: c.executable === current.executable,
    });
  }
  items.push(
    { label: '', kind: vscode.QuickPickItemKind.Separator, action: 'path' },
    { action: 'enter', label: '$(edit) Enter interpreter path…' },
    { action: 'browse', label: '$(folder-opened) Browse…' },
    { action: 'clear', label: '$(discard) Use python3 from PATH', description: 'clears concurrencyLab.pythonPath' },
  );
  const pick = await vscode.window.showQuickPick(items, {
    title: 'Python for Concurrency Lab runs',
    placeHolder: current.problem
      ? current.problem
      : `Now: Python ${current.version} (${current.executable ?? current.command})`,
  });
  if (!pick) return;
  let path: string | undefined;
  switch (pick.action) {
    case 'python-extension':
      await clearSetting();
      await vscode.commands.executeCommand('python.setInterpreter');
      interpreters.refresh();
      return;
    case 'path':
      path = pick.path;
      break;
    case 'enter':
      path = await vscode.window.showInputBox({
        title: 'Python interpreter path',
        prompt: 'Absolute path or command of a Python 3.8+ interpreter',
        value: current.command,
      });
      break;
    case 'browse': {
      const uris = await vscode.window.showOpenDialog({
        canSelectMany: false,
        title: 'Select a Python interpreter',
        openLabel: 'Use this Python',
      });
      path = uris?.[0]?.fsPath;
      break;
    }
    case 'clear':
      path = '';
      break;
  }
  if (path === undefined) return;
  if (path) {
    const probed = await interpreters.probeCommand(path);
    if (probed.problem) {
      void vscode.window.showErrorMessage(`Concurrency Lab: ${probed.problem}. The interpreter was not changed.`);
      return;
    }
  }
  await saveSetting(path);
  interpreters.refresh();
}

function saveSetting(path: string): Thenable<void> {
  const target = vscode.workspace.workspaceFolders?.length
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  return vscode.workspace.getConfiguration('concurrencyLab').update('pythonPath', path, target);
}

function clearSetting(): Thenable<void> {
  return saveSetting('');
}
