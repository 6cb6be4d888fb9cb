"""A Stop (the engine's SIGTERM) of a program stuck in a traced wait loses none of its events.

The tracer has no SIGTERM handler (a program would see it in signal.getsignal): it writes what is
pending before a traced wait blocks (core.flush_before_wait), so the kill finds nothing unwritten.
Each run records a burst of events (200 calls, a print), then blocks for good; the test waits until
every thread of the process sleeps in the kernel, sends SIGTERM, and checks the trace has the whole
burst and the wait. Without the write before the wait the burst is still pending (the time bound
writes only when a later event is recorded, and none is) and is lost.
"""
import os
import signal
import shutil
import subprocess
import tempfile
import time
import unittest

from tracing import PROGRAMS, PY, TRACER_DIR, VERSION, Run, load_events, program_path, traced_env

PROGRAM = 'stop_in_wait.py'
BURST = 200
READY_TIMEOUT_S = 60  # (generous: only a hang reaches it, on a loaded machine)


def _all_threads_asleep(pid):
    """Every thread of `pid` is in interruptible sleep (Linux /proc); True where /proc is missing."""
    task_dir = '/proc/%d/task' % pid
    if not os.path.isdir(task_dir):
        return True
    try:
        for tid in os.listdir(task_dir):
            with open(os.path.join(task_dir, tid, 'stat')) as f:
                state = f.read().rsplit(')', 1)[1].split()[0]
            if state != 'S':
                return False
    except OSError:
        return False
    return True


def stop_in(wait):
    """Run stop_in_wait.py `wait` traced, SIGTERM it once it blocks; returns the Run."""
    program = program_path(PROGRAM)
    out_dir = tempfile.mkdtemp(prefix='clab-test-')
    try:
        p = subprocess.Popen([PY, os.path.join(TRACER_DIR, 'launch.py'), program, wait],
                             env=traced_env(out_dir, program), cwd=PROGRAMS, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        try:
            line = p.stdout.readline()  # (blocks until "ready", or EOF if the program failed)
            if line == b'ready\n':
                deadline = time.monotonic() + READY_TIMEOUT_S
                asleep = 0
                while asleep < 5 and time.monotonic() < deadline:  # asleep in five polls in a row
                    asleep = asleep + 1 if _all_threads_asleep(p.pid) else 0
                    time.sleep(0.05)
            p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=30)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        events = load_events(out_dir)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return Run(line.decode() + out.decode('utf-8', 'replace'), err.decode('utf-8', 'replace'), p.returncode, events,
               out_dir)


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

    def test_queue_get(self):
        self.check('queue_get', 'queue_get_wait')

    def test_time_sleep(self):
        self.check('sleep', 'sleep')

    def test_future_result(self):
        # Future.result waits on the standard library's own Condition (not the program's); a read of a
        # future that is not done has no event of its own.
        self.check('future_result', None)

    def test_asyncio_sleep(self):
        self.check('asyncio_sleep', 'sleep')

    def test_asyncio_event(self):
        self.check('asyncio_event', 'event_wait')

    @unittest.skipIf(VERSION < (3, 12), '3.8-3.11: the tracer does not see the event loop go idle (README: trust)')
    def test_asyncio_idle_on_a_bare_future(self):
        self.check('asyncio_future', 'io_wait')


if __name__ == '__main__':
    unittest.main()
