/** What the static checks report. Offsets are UTF-16 indexes into the checked text (as VS Code's). */

export type Severity = 'error' | 'warning' | 'information';

/** Replace text[from, to) with `text`. Edits of one fix never overlap. */
export interface TextEdit {
  from: number;
  to: number;
  text: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  from: number;
  to: number;
  fixes: Fix[];
}

/** One rule: its code, severity and one-line reason; the page media/checks/CODE.md says more. */
export interface RuleInfo {
  code: string;
  severity: Severity;
  title: string;
  /**
   * For a hazard that shows only in some schedules: it as a clause ("two locks are taken in opposite
   * orders"), which the Timeline's hint toward Explore says after "in this file". Unset for other rules.
   */
  scheduleHazard?: string;
}
