/**
 * Run findings: what a finished run's trace proves about the program, on the lines concerned. Pure:
 * reads a TraceModel (through ModelAccess), so the editor, the CLI and the tests share it.
 */
import type { TraceModel } from '../../shared/traceModel';
import { blockedLoop } from './blockedLoop';
import { gilContention } from './gilContention';
import { longLockHolds } from './longLockHolds';
import { ModelAccess } from './modelAccess';
import type { RunFinding } from './types';
import { unretrievedExceptions } from './unretrievedExceptions';
import { unretrievedFutureExceptions } from './unretrievedFutureExceptions';

export { RUN_FINDING_KINDS, type RunFinding, type RunFindingKind } from './types';

export function runFindings(model: TraceModel): RunFinding[] {
  const m = new ModelAccess(model);
  const all = [
    ...blockedLoop(m),
    ...gilContention(m),
    ...unretrievedExceptions(m),
    ...unretrievedFutureExceptions(m),
    ...longLockHolds(m),
  ];
  return all.sort((a, b) => a.source - b.source || a.line - b.line || a.kind.localeCompare(b.kind));
}
