"""A Stop (the engine's SIGTERM) of a program stuck in a traced wait loses none of its events.

The tracer has no SIGTERM handler (a program would see it in signal.getsignal): it writes what is
pending before a traced wait blocks (core.flush_before_wait), so the kill finds nothing unwritten.
Each run records a burst of events (200 calls, a print), then blocks for good; the test waits until
every thread of the process sleeps in the kernel, sends SIGTERM, and checks the trace has the whole
burst and the wait. Without the write before the wait the burst is still pending (the time bound
writes only when a later event is recorded, and none is) and is lost.
"""
import signal
import unittest

from tracing import VERSION, main_thread_asleep, run_traced_until_blocked

PROGRAM = 'stop_in_wait.py'
BURST = 200


def stop_in(wait):
    """Run stop_in_wait.py `wait` traced, SIGTERM it once it blocks; returns the Run."""
    return run_traced_until_blocked(PROGRAM, signal.SIGTERM, (wait,))


class StoppedInATracedWait(unittest.TestCase):
    def check(self, wait, waits_with):
        t = stop_in(wait)
        self.assertEqual(t.code, -signal.SIGTERM, 'dies of SIGTERM, as it would untraced: ' + t.stderr)
        self.assertEqual(t.stdout, 'ready\n')
        step = [c for c in t.codes().values() if c['name'] == 'step']
        self.assertEqual(len(step), 1, 'the code event of step()')
        calls = [e for e in t.kind('call') if e[6][0] == step[0]['id']]
        self.assertEqual(len(calls), BURST, 'every call before the wait is in the trace')
        self.assertIn('ready', [e[6]['text'] for e in t.prints()])
        if waits_with is not None:
            self.assertIn(waits_with, {e[5] for e in t.events}, 'the wait itself is in the trace')
        self.assertEqual(t.kind('proc_end'), [], 'killed: no end record (no handler wrote one)')
        return t

    def test_lock_acquire(self):
        self.check('lock', 'lock_wait')

    def test_sixteen_threads_reaching_their_waits_at_once(self):
        t = stop_in('many_threads')
        self.assertEqual(t.code, -signal.SIGTERM, t.stderr)
        step = [c for c in t.codes().values() if c['name'] == 'step']
        self.assertEqual(len([e for e in t.kind('call') if e[6][0] == step[0]['id']]), 16 * 25)
        self.assertEqual(len(t.kind('lock_wait')), 16, 'every thread wrote its wait (none skipped its flush '
                                                       'because another thread was writing)')

    def test_queue_get(self):
        self.check('queue_get', 'queue_get_wait')

    def test_time_sleep(self):
        self.check('sleep', 'sleep')

    def test_future_result(self):
        # Future.result waits on the standard library's own Condition (not the program's); a read of a
        # future that is not done has no event of its own.
        self.check('future_result', None)

    def test_main_thread_ended_while_a_thread_computes(self):
        # Stopped while Python's shutdown waits for a non-daemon thread that only computes: the main
        # thread's last events (the burst, its print, the returns) were written as its last line ran.
        # (Sent once the main thread has slept for a second: in the shutdown's wait, not the GIL's.)
        t = run_traced_until_blocked(PROGRAM, signal.SIGTERM, ('main_ends',), asleep_when=main_thread_asleep,
                                     polls=20)
        self.assertEqual(t.code, -signal.SIGTERM, t.stderr)
        self.assertEqual(t.stdout, 'ready\n')
        names = {c['id']: c['name'] for c in t.codes().values()}
        main_tid = 1
        step = [cid for cid, name in names.items() if name == 'step']
        self.assertEqual(len(step), 1, 'the code event of step()')
        self.assertEqual(len([e for e in t.kind('call') if e[6][0] == step[0]]), BURST)
        self.assertIn('ready', [e[6]['text'] for e in t.prints()])
        returned = [names.get(e[6][0]) for e in t.kind('return') if e[3] == main_tid]
        self.assertIn('main_ends', returned, 'the main thread\'s last events are in the trace')
        self.assertEqual(t.kind('proc_end'), [], 'killed: no end record')

    def test_asyncio_sleep(self):
        self.check('asyncio_sleep', 'sleep')

    def test_asyncio_event(self):
        self.check('asyncio_event', 'event_wait')

    @unittest.skipIf(VERSION < (3, 12), '3.8-3.11: the tracer does not see the event loop go idle (README: trust)')
    def test_asyncio_idle_on_a_bare_future(self):
        self.check('asyncio_future', 'io_wait')


if __name__ == '__main__':
    unittest.main()
