/**
 * The message that carries a model to the timeline webview. Models travel in the columnar encoding
 * (binary columns and all texts in one ArrayBuffer, which VS Code transfers as bytes):
 * the webview draws without JSON-parsing tens of MB first. An object graph would be structured-cloned
 * object by object (seconds at 100k events). A model the encoding cannot hold exactly (a number that is
 * not an int32 where one is expected, a value missing from one of the encoding's lists) goes as JSON
 * text, and `warn` says so: that is a bug to fix, not a path to rely on.
 */
import type { HostMessage } from '../shared/protocol';
import { encodeTraceColumns } from '../shared/traceColumns';
import type { TraceModel } from '../shared/traceModel';

export function traceMessage(model: TraceModel, live: boolean, warn: (text: string) => void): HostMessage {
  try {
    const { head, data } = encodeTraceColumns(model);
    return { type: 'traceColumns', head, data, live };
  } catch (e) {
    warn(
      `The timeline got "${model.title}" as JSON text, which is slower, because the columnar encoding failed: ${e instanceof Error ? e.message : String(e)}.`,
    );
    return { type: 'traceJson', json: JSON.stringify(model), live };
  }
}
