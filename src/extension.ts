import * as vscode from 'vscode';
import { insertPattern, InsertPatternArgs, PatternPreviewProvider, PREVIEW_SCHEME } from './commands/insertPattern';
import { openDemo } from './commands/openDemo';
import { DEMO_SCHEME, DemoContentProvider, openEditableCopy } from './host/demoDocuments';
import { runFile, runSelection } from './commands/run';
import { selectInterpreter } from './commands/selectInterpreter';
import { exportTrace, openTrace } from './commands/traceFiles';
import { saveTimelineImage } from './commands/saveImage';
import { exploreInterleavings } from './commands/explore';
import { ExploreController } from './host/exploreController';
import { InterpreterService } from './host/interpreter';
import { InterpreterStatus } from './host/interpreterStatus';
import { PitfallDiagnostics } from './host/pitfallDiagnostics';
import { RunController } from './host/runController';
import { TIMELINE_VIEW_TYPE, TimelinePanel } from './timeline/TimelinePanel';

/** What activate() returns: used by the integration tests to observe runs; not a public API. */
export interface ConcurrencyLabApi {
  runs: RunController;
  timeline: TimelinePanel;
  interpreters: InterpreterService;
  pitfalls: PitfallDiagnostics;
  explorer: ExploreController;
}

let activeRuns: RunController | undefined;

export function activate(context: vscode.ExtensionContext): ConcurrencyLabApi {
  const log = vscode.window.createOutputChannel('Python Concurrency Lab', { log: true });
  const tracerDir = vscode.Uri.joinPath(context.extensionUri, 'dist', 'tracer').fsPath;
  const interpreters = new InterpreterService(tracerDir);
  // The panel's buttons call into the run controller, which needs the panel: tie the knot lazily.
  const controller: { runs?: RunController } = {};
  const timeline = new TimelinePanel(
    context.extensionUri,
    {
      onStop: () => controller.runs?.stop(),
      onRerun: () => void controller.runs?.rerun(),
      onExport: () => void exportTrace(timeline),
      onOpen: () => void openTrace(timeline),
      onExplore: () => {
        const uri = controller.runs?.lastRunUri;
        if (uri) void vscode.commands.executeCommand('concurrencyLab.exploreInterleavings', uri);
      },
    },
    log,
  );
  const running = new RunController(tracerDir, interpreters, timeline, log, context.extensionUri);
  controller.runs = running;
  activeRuns = running;
  const previews = new PatternPreviewProvider();
  const pitfalls = new PitfallDiagnostics(context.extensionUri);
  const explorer = new ExploreController(
    vscode.Uri.joinPath(context.extensionUri, 'dist', 'tracer').fsPath,
    interpreters,
    timeline,
    log,
    context.extensionUri,
  );

  const command = (id: string, fn: (...args: never[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(`concurrencyLab.${id}`, fn);
  context.subscriptions.push(
    log,
    interpreters,
    timeline,
    running,
    previews,
    pitfalls,
    new InterpreterStatus(interpreters),
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    vscode.workspace.registerTextDocumentContentProvider(DEMO_SCHEME, new DemoContentProvider(context.extensionUri)),
    vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel) => {
        timeline.restore(panel);
        return Promise.resolve();
      },
    }),
    command('runFile', (uri?: vscode.Uri) => runFile(running, uri instanceof vscode.Uri ? uri : undefined)),
    command('runSelection', () => runSelection(running)),
    command('stopRun', () => {
      if (!running.stop()) void vscode.window.showInformationMessage('Concurrency Lab: no program is running.');
    }),
    command('rerun', () => running.rerun()),
    command('insertPattern', (arg?: unknown) => insertPattern(context.extensionUri, previews, insertArgs(arg))),
    command('openDemo', (id?: string) => openDemo(running, typeof id === 'string' ? id : undefined)),
    command('openDemoCopy', (uri?: vscode.Uri) =>
      openEditableCopy(context.extensionUri, uri instanceof vscode.Uri ? uri : undefined),
    ),
    command('showTimeline', () => timeline.show(false)),
    command('exportTrace', (target?: vscode.Uri) =>
      exportTrace(timeline, target instanceof vscode.Uri ? target : undefined),
    ),
    command('openTrace', (source?: vscode.Uri) =>
      openTrace(timeline, source instanceof vscode.Uri ? source : undefined),
    ),
    command('selectInterpreter', () => selectInterpreter(interpreters)),
    command('saveTimelineImage', (target?: vscode.Uri) =>
      saveTimelineImage(timeline, target instanceof vscode.Uri ? target : undefined),
    ),
    explorer,
    command('exploreInterleavings', (uri?: vscode.Uri) =>
      exploreInterleavings(explorer, uri instanceof vscode.Uri ? uri : undefined),
    ),
  );
  return { runs: running, timeline, interpreters, pitfalls, explorer };
}

/** Command arguments come from anywhere (keybindings, other extensions): keep only well-formed ones. */
function insertArgs(arg: unknown): InsertPatternArgs {
  if (typeof arg === 'string') return { prefix: arg };
  if (typeof arg !== 'object' || arg === null) return {};
  const { prefix, filter } = arg as Record<string, unknown>;
  return {
    prefix: typeof prefix === 'string' ? prefix : undefined,
    filter: typeof filter === 'string' ? filter : undefined,
  };
}

/** A window reload or close mid-run must not leave the program's processes behind: wait for the kill. */
export async function deactivate(): Promise<void> {
  await activeRuns?.stopAndWait();
  activeRuns = undefined;
}
