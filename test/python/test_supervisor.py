"""supervisor.py: the program's exit status passes through; every process of the run ends with it (Linux:
also those that left the session); when the engine's pipe closes, the run ends and its folder goes."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from tracing import PY, TRACER_DIR

SUPERVISOR = os.path.join(TRACER_DIR, 'supervisor.py')
LINUX = sys.platform.startswith('linux')


def alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] not in ('Z', 'X')
    except OSError:
        return False


def gone_within(pid, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.05)
    return not alive(pid)


@unittest.skipIf(os.name != 'posix', 'POSIX only')
class Supervisor(unittest.TestCase):
    def setUp(self):
        self.run_dir = tempfile.mkdtemp(prefix='clab-sup-')

    def tearDown(self):
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def supervise(self, code):
        return [PY, '-E', '-s', '-S', SUPERVISOR, self.run_dir, '300', '--', '-c', code]

    def test_it_starts_light(self):
        # Every run waits for the supervisor's start: `signal` (a wrapper that imports enum, functools and
        # more) cost it ~9 ms of CPU; the C module `_signal` has all it needs.
        code = 'import sys; sys.path.insert(0, %r); import concurrency_lab_supervisor; print(sorted(set(sys.modules) & {"enum", "signal", "functools", "re"}))'
        out = subprocess.run([PY, '-E', '-s', '-S', '-c', code % TRACER_DIR], stdout=subprocess.PIPE, timeout=60)
        self.assertEqual(out.stdout.decode().strip(), '[]')

    def test_exit_code_passes_through(self):
        p = subprocess.run(self.supervise('import sys; print("out"); sys.exit(7)'), stdout=subprocess.PIPE, timeout=30)
        self.assertEqual((p.returncode, p.stdout), (7, b'out\n'))

    def test_death_by_signal_passes_through(self):
        p = subprocess.run(self.supervise('import os, signal; os.kill(os.getpid(), signal.SIGTERM)'), timeout=30)
        self.assertEqual(p.returncode, -signal.SIGTERM)

    def test_death_by_sigkill_passes_through(self):
        p = subprocess.run(self.supervise('import os, signal; os.kill(os.getpid(), signal.SIGKILL)'), timeout=30)
        self.assertEqual(p.returncode, -signal.SIGKILL)

    @unittest.skipUnless(LINUX, 'Linux: a child subreaper')
    def test_a_helper_in_its_own_session_ends_with_the_program(self):
        code = 'import subprocess; print(subprocess.Popen(["sleep", "60"], start_new_session=True, env={}).pid)'
        p = subprocess.run(self.supervise(code), stdout=subprocess.PIPE, timeout=30)
        self.assertEqual(p.returncode, 0)
        self.assertTrue(gone_within(int(p.stdout), 3), 'the setsid helper was ended')

    @unittest.skipUnless(LINUX, 'Linux: a child subreaper')
    def test_sigterm_ends_every_process_of_the_run(self):
        code = ('import subprocess, time; print(subprocess.Popen(["sleep", "60"], start_new_session=True).pid, '
                'flush=True); time.sleep(60)')
        p = subprocess.Popen(self.supervise(code), stdout=subprocess.PIPE)
        helper = int(p.stdout.readline())
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=10), -signal.SIGTERM, 'the program died of the SIGTERM passed on')
        self.assertTrue(gone_within(helper, 3))
        p.stdout.close()

    def test_when_the_engine_is_gone_the_run_ends_and_its_folder_is_removed(self):
        r, w = os.pipe()
        os.dup2(r, 3) if r != 3 else None
        code = ('import subprocess, time; print(subprocess.Popen(["sleep", "60"], start_new_session=True).pid, '
                'flush=True); time.sleep(60)')
        # (its own group, as the engine starts it: elsewhere than Linux it ends its group when the engine goes)
        p = subprocess.Popen(self.supervise(code), stdout=subprocess.PIPE, pass_fds=(3,), start_new_session=True)
        os.close(r) if r != 3 else None
        os.close(3)
        helper = int(p.stdout.readline())
        os.close(w)  # the engine dies
        p.wait(timeout=10)
        self.assertFalse(os.path.exists(self.run_dir), 'the run folder was removed')
        if LINUX:
            self.assertTrue(gone_within(helper, 3), 'the setsid helper was ended')
        p.stdout.close()

    def spare(self, **kw):
        """A spare supervisor (supervisor.py --spare) with its fd 3, as the engine starts one; and our end."""
        try:
            os.fstat(3)
            placeholder = None
        except OSError:
            placeholder = os.open(os.devnull, os.O_RDONLY)  # so that the socket pair is not fd 3
        saved = os.dup(3)
        ours, theirs = socket.socketpair()
        os.dup2(theirs.fileno(), 3)
        try:
            p = subprocess.Popen([PY, '-E', '-s', '-S', SUPERVISOR, '--spare', '300'], pass_fds=(3,),
                                 start_new_session=True, **kw)
        finally:
            os.dup2(saved, 3)
            os.close(saved)
            if placeholder is not None:
                os.close(placeholder)
            theirs.close()
        return p, ours

    def test_a_spare_runs_its_order_with_the_run_settings_only(self):
        p, engine = self.spare(stdout=subprocess.PIPE, env=dict(os.environ, OTHER='kept'))
        code = ('import os, sys; print(os.environ.get("CONCURRENCY_LAB_X"), os.environ.get("EVIL"), '
                'os.environ.get("OTHER")); sys.exit(5)')
        order = {'dir': self.run_dir, 'argv': ['-c', code],
                 'env': {'CONCURRENCY_LAB_X': 'set', 'EVIL': 'not a run setting'}}
        engine.sendall(json.dumps(order).encode() + b'\n')
        out = p.stdout.read()
        self.assertEqual((p.wait(timeout=30), out), (5, b'set None kept\n'))
        p.stdout.close()
        engine.close()

    def test_a_spare_whose_engine_goes_before_its_order_ends_without_running_anything(self):
        p, engine = self.spare()
        engine.close()
        self.assertEqual(p.wait(timeout=30), 0)
        self.assertTrue(os.path.exists(self.run_dir), 'a spare has no run folder to remove')


if __name__ == '__main__':
    unittest.main()
