/**
 * Every rule the static checks know: the one home of codes, severities and one-line reasons.
 * Each has a page media/checks/CODE.md (wrong and right example). A rule that cannot be precise
 * is an information, not a warning.
 */
import type { RuleInfo } from './types';

const rule = (code: string, severity: RuleInfo['severity'], title: string, scheduleHazard?: string): RuleInfo =>
  scheduleHazard === undefined ? { code, severity, title } : { code, severity, title, scheduleHazard };

export const RULES: readonly RuleInfo[] = [
  // asyncio: blocking the event loop
  rule('CL101', 'warning', 'time.sleep() in a coroutine blocks the event loop: every other task stops too'),
  rule('CL102', 'warning', 'A blocking network call in a coroutine stops the event loop until the reply comes'),
  rule('CL103', 'warning', 'Waiting for a subprocess in a coroutine blocks the event loop'),
  rule('CL104', 'warning', 'A blocking queue.Queue get()/join() in a coroutine blocks the event loop'),
  rule('CL105', 'warning', 'input() in a coroutine blocks the event loop until the user types'),
  rule('CL106', 'warning', 'Waiting on a thread, process, lock or event in a coroutine blocks the event loop'),
  // asyncio: coroutines and tasks
  rule('CL110', 'warning', 'A coroutine called without await never runs'),
  rule('CL111', 'warning', 'An asyncio coroutine called without await does nothing'),
  rule(
    'CL112',
    'warning',
    'The task returned by create_task() is dropped: it may be garbage-collected before it finishes',
  ),
  rule('CL113', 'error', 'asyncio.run() inside a coroutine fails: an event loop is already running'),
  rule('CL114', 'error', 'An asyncio lock needs async with; a threading lock cannot be used with async with'),
  rule(
    'CL115',
    'warning',
    'A coroutine function given to a thread or executor only creates a coroutine and never runs it',
  ),
  // asyncio: the event loop
  rule(
    'CL120',
    'warning',
    'Module-level asyncio.get_event_loop() is deprecated (3.12) and fails from Python 3.14: use asyncio.run()',
  ),
  rule('CL121', 'information', 'In a coroutine, asyncio.get_running_loop() says what you mean'),
  // threads and locks
  rule('CL201', 'warning', 'The function is called now, in this thread; the worker gets its return value (None)'),
  rule('CL202', 'warning', 'lock.acquire() without try/finally: an exception leaves the lock held forever'),
  rule(
    'CL203',
    'warning',
    'A threading lock held across await blocks every thread that wants it while the coroutine sleeps',
  ),
  rule(
    'CL204',
    'warning',
    'Two locks taken in opposite orders in this file: two threads can deadlock',
    'two locks are taken in opposite orders',
  ),
  rule(
    'CL205',
    'warning',
    'Read-modify-write of shared state in a thread target with no lock held: updates can be lost',
    'shared state is updated with no lock held',
  ),
  rule('CL206', 'warning', 'run() runs the target in this thread; start() starts a new one'),
  rule('CL207', 'warning', 'A lock created in the with statement is new each time and protects nothing'),
  // multiprocessing
  rule(
    'CL301',
    'warning',
    'Processes started at module level without an if __name__ == "__main__": guard fail under spawn and forkserver',
  ),
  rule('CL302', 'warning', 'This Pool is never closed or joined: its worker processes are left behind'),
  rule(
    'CL303',
    'warning',
    'A lambda or nested function as a process target cannot be pickled under spawn and forkserver',
  ),
  rule('CL304', 'error', 'A lambda or nested function sent to a process pool cannot be pickled'),
  // executors
  rule('CL401', 'warning', 'The future is never looked at: an exception raised in it is silently lost'),
];

export const RULES_BY_CODE: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((r) => [r.code, r]));
