// Each user-facing command end to end inside a real VS Code, with real Python runs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConcurrencyLabApi } from '../../src/extension';
import type { RunOutcome } from '../../src/host/runController';
import { count, FIRST_WEBVIEW_MS, waitFor, waitForText } from './bridge';
import { closeAll, openUntitled, waitUntil } from './workbench';

const EXTENSION_ID = 'concurrency-lab.python-concurrency-lab';

async function api(): Promise<ConcurrencyLabApi> {
  const ext = vscode.extensions.getExtension<ConcurrencyLabApi>(EXTENSION_ID);
  assert.ok(ext, 'extension not loaded');
  return ext.activate();
}

/** A scratch folder outside the workspace for files the tests write. */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'concurrency-lab-it-'));

function writeScratch(name: string, text: string): vscode.Uri {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, text);
  return vscode.Uri.file(file);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Lines as the model shows them (the program's stdout, lane-attributed). */
function stdoutLines(outcome: RunOutcome): string[] {
  return (outcome.model?.output ?? []).filter((o) => o.stream === 'stdout').map((o) => o.text);
}

suite('commands', function () {
  this.timeout(120_000);
  suiteTeardown(async () => {
    await closeAll();
    fs.rmSync(scratch, { recursive: true, force: true });
  });
  teardown(closeAll);

  test('Run Selection on a partial selection inside a function runs just that code', async () => {
    const uri = writeScratch(
      'partial.py',
      [
        'import threading',
        '',
        'def outer():',
        '    print("outer must not run")',
        '    def work(n):',
        '        print(f"worker {n}")',
        '    ts = [threading.Thread(target=work, args=(i,), name=f"w{i}") for i in range(2)]',
        '    for t in ts: t.start()',
        '    for t in ts: t.join()',
        '',
        'print("module level must not run")',
        '',
      ].join('\n'),
    );
    const editor = await vscode.window.showTextDocument(uri);
    // Lines 5–9 (1-based), starting mid-line: the command widens to whole lines and dedents.
    editor.selection = new vscode.Selection(4, 6, 8, 30);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runSelection');
    const model = outcome.model;
    assert.ok(model, `no model: ${outcome.refused ?? ''}`);
    assert.equal(model.error, null, JSON.stringify(model.error));
    assert.equal(model.exitCode, 0);
    assert.deepEqual(stdoutLines(outcome).sort(), ['worker 0', 'worker 1']);
    const threads = model.lanes
      .filter((l) => l.kind === 'thread' && !l.internal)
      .map((l) => l.name)
      .sort();
    assert.ok(threads.includes('w0') && threads.includes('w1'), `thread lanes: ${threads.join(', ')}`);
    // The run's file mirrors the document (imports kept, the rest blanked), so lines map 1:1.
    const span = model.spans.find((s) => s.name === 'work');
    assert.ok(span, 'no span for work()');
    assert.equal(span.line + model.lineOffset, 5, 'work() is defined on line 5 of the document');
  });

  test("Run Selection of a script's main block brings the definitions it uses and says so", async function () {
    this.timeout(60_000 + FIRST_WEBVIEW_MS);
    const uri = writeScratch(
      'main_block.py',
      [
        'import threading',
        'N = 2',
        '',
        'def worker(i):',
        '    print(label(i))',
        '',
        'print("module level must not run")',
        '',
        'if __name__ == "__main__":',
        '    ts = [threading.Thread(target=worker, args=(i,)) for i in range(N)]',
        '    for t in ts: t.start()',
        '    for t in ts: t.join()',
        '    print(undefined_name)',
        '',
        'def label(i):', // below the selection: it comes along and runs first
        '    return f"worker {i} of {N}"',
        '',
      ].join('\n'),
    );
    const editor = await vscode.window.showTextDocument(uri);
    editor.selection = new vscode.Selection(9, 0, 13, 0); // the block's body, lines 10–13
    const outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runSelection');
    assert.ok(outcome.model, `no model: ${outcome.refused ?? ''}`);
    assert.deepEqual(stdoutLines(outcome).sort(), ['worker 0 of 2', 'worker 1 of 2']);
    assert.equal(
      outcome.alsoRan,
      'Also ran definitions: N, worker, label (label is defined below the selection and ran before it)',
    );
    // The NameError of the last line is reported at the editor's file and line.
    assert.equal(outcome.model.error?.line, 13, JSON.stringify(outcome.model.error));
    const stderr = outcome.model.output
      .filter((o) => o.stream === 'stderr')
      .map((o) => o.text)
      .join('\n');
    assert.ok(stderr.includes(`File "${uri.fsPath}", line 13`), stderr);
    // The first wait of the pass on the webview's page (see FIRST_WEBVIEW_MS); the notice text stays in the
    // page after the notice hides.
    await waitForText('.notice', /Also ran definitions: N, worker/, { timeoutMs: FIRST_WEBVIEW_MS });
  });

  test('Run Selection with nothing selected explains itself and runs nothing', async () => {
    const uri = writeScratch('empty_sel.py', 'print("hi")\n');
    const editor = await vscode.window.showTextDocument(uri);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runSelection');
    assert.equal(outcome.model, undefined);
    assert.match(outcome.refused ?? '', /Nothing is selected/);
  });

  test('Run File refuses a non-Python document', async () => {
    const doc = await openUntitled('plaintext', 'print(1)');
    await vscode.window.showTextDocument(doc);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    assert.equal(outcome.model, undefined);
    assert.match(outcome.refused ?? '', /plaintext/);
  });

  test('Run File maps a syntax error to the editor line', async () => {
    const uri = writeScratch('broken.py', 'import threading\n\ndef f(:\n    pass\n');
    await vscode.window.showTextDocument(uri);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    assert.equal(outcome.model?.error?.code, 'syntax-error');
    assert.equal(outcome.model?.error?.line, 3);
    const diags = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Concurrency Lab');
    assert.equal(diags.length, 1, 'a diagnostic marks the syntax error');
    assert.equal(diags[0].range.start.line, 2);
  });

  test('Open Demo opens a demo as a read-only document and runs it', async () => {
    const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>(
      'concurrencyLab.openDemo',
      'producer-consumer',
    );
    assert.ok(outcome?.model, 'the demo ran');
    assert.equal(outcome.model.exitCode, 0, JSON.stringify(outcome.model.error));
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.scheme, 'concurrency-lab-demo', `a demo document: ${doc?.uri.toString() ?? 'none'}`);
    assert.ok(doc.uri.path.endsWith('/producer_consumer.py'), `named after the demo: ${doc.uri.toString()}`);
    assert.equal(doc.languageId, 'python');
    assert.equal(doc.isDirty, false);
    const before = doc.getText();
    await vscode.commands.executeCommand('type', { text: '# typed by the user' });
    assert.equal(doc.getText(), before, 'typing into the demo changes nothing: it is read-only');
    assert.equal(doc.isDirty, false);
    assert.ok(outcome.model.lanes.filter((l) => l.kind === 'thread').length >= 2);
  });

  test('Run File on a demo document runs the demo again', async () => {
    await vscode.commands.executeCommand('concurrencyLab.openDemo', 'race-condition');
    const outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    assert.equal(outcome.model?.exitCode, 0, outcome.refused ?? JSON.stringify(outcome.model?.error));
    assert.ok(
      outcome.model.output.some((o) => o.text.includes('lock fixed it')),
      'the demo ran from its read-only view',
    );
  });

  test('Open as Editable Copy gives an untitled Python copy of the demo', async () => {
    await vscode.commands.executeCommand('concurrencyLab.openDemo', 'race-condition');
    const demo = vscode.window.activeTextEditor?.document;
    assert.equal(demo?.uri.scheme, 'concurrency-lab-demo');
    const copy = await vscode.commands.executeCommand<vscode.TextDocument | undefined>('concurrencyLab.openDemoCopy');
    assert.ok(copy?.isUntitled, 'an untitled copy');
    assert.equal(copy.languageId, 'python');
    assert.equal(copy.getText(), demo.getText());
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), copy.uri.toString(), 'the copy is shown');
    await vscode.commands.executeCommand('type', { text: '# mine' });
    assert.ok(copy.getText().includes('# mine'), 'the copy is editable');
  });

  test('the deadlock demo is stopped by a short timeout that names the stuck threads', async () => {
    const started = Date.now();
    const outcome = await vscode.commands.executeCommand<RunOutcome | undefined>('concurrencyLab.openDemo', 'deadlock');
    const error = outcome?.model?.error;
    assert.equal(error?.code, 'timeout');
    assert.ok(Date.now() - started < 20_000, 'not the general 30 s timeout');
    const stuck = (error?.stillRunning ?? []).join(' | ');
    assert.equal(
      (error?.stillRunning ?? []).filter((s) => s.startsWith('thread') && !s.includes('MainThread')).length,
      2,
      stuck,
    );
    const waits = (outcome?.model?.markers ?? []).filter((m) => m.kind === 'lock_wait');
    assert.ok(waits.length >= 2, 'both threads are shown waiting for a lock');
  });

  test('Stop Run ends the whole process tree', async () => {
    const uri = writeScratch(
      'forever.py',
      [
        'import multiprocessing as mp, threading, time',
        '',
        'def spin():',
        '    while True:',
        '        time.sleep(0.01)',
        '',
        'if __name__ == "__main__":',
        '    threading.Thread(target=spin, name="spinner", daemon=True).start()',
        '    procs = [mp.Process(target=spin, name=f"child{i}") for i in range(2)]',
        '    for p in procs: p.start()',
        '    print("started", flush=True)',
        '    spin()',
        '',
      ].join('\n'),
    );
    await vscode.window.showTextDocument(uri);
    const lab = await api();
    const pids = new Set<number>();
    const running = vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    // Wait until the children are traced (their lanes exist in a live snapshot), then stop.
    const liveProcesses = (): number =>
      lab.runs.isRunning ? (lab.timeline.currentModel?.lanes.filter((l) => l.kind === 'process').length ?? 0) : 0;
    await waitUntil(() => liveProcesses() >= 3, 30_000, 'a live snapshot with the main process and both children');
    assert.ok(lab.runs.isRunning, 'still running before Stop');
    await vscode.commands.executeCommand('concurrencyLab.stopRun');
    const outcome = await running;
    assert.equal(outcome.model?.error?.code, 'cancelled');
    for (const lane of outcome.model?.lanes ?? []) if (lane.kind === 'process') pids.add(lane.pid);
    assert.ok(pids.size >= 3, `main and two children were traced (saw ${pids.size} processes)`);
    await waitUntil(() => [...pids].every((p) => !alive(p)), 5000, `pids ${[...pids].join(', ')} to exit`);
    assert.equal(lab.runs.isRunning, false);
  });

  test('a Run takes the spare supervisor warmed for its file, and another interpreter ends the spares', async () => {
    const uri = writeScratch('spare.py', 'import os\nprint("parent", os.getppid())\n');
    await vscode.window.showTextDocument(uri);
    const lab = await api();
    lab.interpreters.refresh(); // (an interpreter change: ends the spares earlier runs left)
    await waitUntil(() => lab.runs.sparePids.length === 0, 5000, 'no spare after an interpreter change');
    await lab.runs.prewarm(uri);
    await waitUntil(() => lab.runs.sparePids.length === 1, 10_000, 'a spare warmed for the file');
    const [spare] = lab.runs.sparePids;
    const outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    assert.deepEqual(stdoutLines(outcome), [`parent ${spare}`], "the program's parent is the spare");
    assert.equal(outcome.model?.exitCode, 0);
    await waitUntil(() => lab.runs.sparePids.length === 1, 10_000, 'a new spare after the run');
    const next = lab.runs.sparePids[0];
    assert.notEqual(next, spare);
    lab.interpreters.refresh();
    await waitUntil(() => !alive(next), 5000, 'the spare ended on an interpreter change');
  });

  test('two runs started at once: the second replaces the first, and both settle', async () => {
    const slow = writeScratch('slow one.py', 'import time\nprint("slow", flush=True)\ntime.sleep(30)\n');
    const quick = writeScratch('quick.py', 'print("quick")\n');
    const lab = await api();
    await vscode.window.showTextDocument(slow);
    const first = vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    // The second run must meet the first one running (its program printed), not a moment after it.
    await waitUntil(
      () => lab.runs.isRunning && (lab.timeline.currentModel?.output.some((o) => o.text === 'slow') ?? false),
      30_000,
      'the slow program to print',
    );
    await vscode.window.showTextDocument(quick);
    const second = vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a.model?.error?.code, 'cancelled');
    assert.equal(b.model?.exitCode, 0);
    assert.deepEqual(stdoutLines(b), ['quick']);
  });

  test('closing the panel mid-run neither fails the run nor loses the trace', async () => {
    const lab = await api();
    const uri = writeScratch(
      'close_mid_run.py',
      'import threading, time\n\ndef work():\n    time.sleep(1.5)\n    print("done")\n\nt = threading.Thread(target=work)\nt.start()\nt.join()\n',
    );
    await vscode.window.showTextDocument(uri);
    const running = vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    await waitUntil(() => lab.runs.isRunning, 30_000, 'the run to start');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const outcome = await running;
    assert.equal(outcome.model?.exitCode, 0);
    assert.deepEqual(stdoutLines(outcome), ['done']);
    assert.equal(lab.timeline.currentModel, outcome.model, 'the panel holds the finished trace');
  });

  test('a path with spaces and non-ASCII characters runs, and hostile output stays text', async function () {
    const uri = writeScratch(
      'días de hilo.py',
      [
        'import threading',
        'def work():',
        '    print("<img src=x onerror=alert(1)>")',
        't = threading.Thread(target=work, name="<b>bold</b>")',
        't.start(); t.join()',
        '',
      ].join('\n'),
    );
    await vscode.window.showTextDocument(uri);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    assert.equal(outcome.model?.exitCode, 0, JSON.stringify(outcome.model?.error));
    assert.deepEqual(stdoutLines(outcome), ['<img src=x onerror=alert(1)>']);
    assert.ok(outcome.model.lanes.some((l) => l.name === '<b>bold</b>'));
    await waitForText('.output', /<img src=x onerror=alert\(1\)>/, { timeoutMs: 30_000 }); // shown literally
    assert.equal(await count('img'), 0, 'no element was injected');
    assert.equal(await count('b'), 0, 'no markup from a thread name');
  });

  test('Insert Pattern: the quick pick inserts the chosen pattern at the cursor', async () => {
    const doc = await openUntitled('python', '# before\n\n# after\n');
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const inserting = vscode.commands.executeCommand<{ prefix: string } | undefined>('concurrencyLab.insertPattern', {
      filter: 'async-gather',
    });
    // Accept the first (filtered) item through the real quick input, as the Enter key would, once it shows.
    await waitFor('.quick-input-widget .monaco-list-row', { target: 'page', timeoutMs: 10_000 });
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const pattern = await inserting;
    assert.ok(pattern, 'a pattern was chosen');
    assert.equal(pattern.prefix, 'async-gather');
    const text = vscode.window.activeTextEditor?.document.getText() ?? '';
    assert.ok(text.startsWith('# before\n'), 'inserted after the first line');
    assert.match(text, /asyncio\.gather\(/);
    assert.ok(text.trimEnd().endsWith('# after'), 'the following line is kept');
  });

  test('Export Trace and Open Trace round-trip the model', async () => {
    const lab = await api();
    const uri = writeScratch(
      'roundtrip.py',
      'import threading\n\ndef hello():\n    print("hello")\n\nt = threading.Thread(target=hello, name="greeter")\nt.start()\nt.join()\n',
    );
    await vscode.window.showTextDocument(uri);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    assert.ok(outcome.model);
    const out = vscode.Uri.file(path.join(scratch, 'roundtrip.trace.json'));
    await vscode.commands.executeCommand('concurrencyLab.exportTrace', out);
    const exported = JSON.parse(fs.readFileSync(out.fsPath, 'utf8')) as { traceEvents?: unknown[] };
    assert.ok(
      Array.isArray(exported.traceEvents) && exported.traceEvents.length > 0,
      'Chrome trace events were written',
    );
    const opened = await vscode.commands.executeCommand('concurrencyLab.openTrace', out);
    assert.equal(opened, true);
    assert.deepEqual(
      lab.timeline.currentModel?.lanes.map((l) => l.name),
      outcome.model.lanes.map((l) => l.name),
    );
    assert.deepEqual(lab.timeline.currentModel?.output, outcome.model.output);
  });

  test('Save Timeline as Image writes the canvas the panel shows as a PNG', async () => {
    const uri = writeScratch(
      'image.py',
      'import threading\n\nt = threading.Thread(target=print, args=("hi",), name="greeter")\nt.start()\nt.join()\n',
    );
    await vscode.window.showTextDocument(uri);
    const outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
    assert.ok(outcome.model);
    const out = vscode.Uri.file(path.join(scratch, 'image.timeline.png'));
    const saved = await vscode.commands.executeCommand<vscode.Uri | undefined>('concurrencyLab.saveTimelineImage', out);
    assert.equal(saved?.fsPath, out.fsPath);
    const bytes = fs.readFileSync(out.fsPath);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
    assert.ok(
      bytes.readUInt32BE(16) > 100 && bytes.readUInt32BE(20) > 50,
      `a real picture (${bytes.readUInt32BE(16)}×${bytes.readUInt32BE(20)})`,
    );
  });

  test('Open Trace rejects a malformed file with a message, not a crash', async () => {
    const bad = writeScratch('bad.trace.json', '{"traceEvents": [ {"ph": "X", "ts": ');
    const opened = await vscode.commands.executeCommand('concurrencyLab.openTrace', bad);
    assert.equal(opened, false);
  });

  test('a missing or too-old interpreter is refused with a specific message', async () => {
    const cfg = vscode.workspace.getConfiguration('concurrencyLab');
    const uri = writeScratch('interp.py', 'print(1)\n');
    await vscode.window.showTextDocument(uri);
    try {
      await cfg.update('pythonPath', '/nonexistent/python3.99', vscode.ConfigurationTarget.Global);
      let outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
      assert.match(outcome.refused ?? '', /was not found/);
      const py27 = path.join(
        process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv'),
        'versions',
        '2.7.18',
        'bin',
        'python',
      );
      if (fs.existsSync(py27)) {
        await cfg.update('pythonPath', py27, vscode.ConfigurationTarget.Global);
        outcome = await vscode.commands.executeCommand<RunOutcome>('concurrencyLab.runFile');
        assert.match(outcome.refused ?? '', /2\.7\.18 is too old/);
      }
    } finally {
      await cfg.update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
