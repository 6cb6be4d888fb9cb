"""The tracer's own I/O never touches the program's: no file descriptor of ours is held between
flushes (the program's fd numbers and files are its own, also after os.closerange and in fork
children), and each test program also runs untraced with the same stdout, exit code and files."""
import os
import shutil
import subprocess
import tempfile
import unittest

from tracing import PY, ROOT, run_traced, untraced_env

INVISIBLE = os.path.join(ROOT, 'test', 'fixtures', 'invisible')


def run_both(name, test):
    """(untraced (stdout, code, files), traced Run, traced files), each from a fresh working folder
    holding a copy of the fixture."""
    results = []
    for traced in (False, True):
        cwd = tempfile.mkdtemp(prefix='clab-io-')
        test.addCleanup(shutil.rmtree, cwd, True)
        program = os.path.join(cwd, name)
        shutil.copy(os.path.join(INVISIBLE, name), program)
        if traced:
            run = run_traced(None, program=program, cwd=cwd)
            out, code = run.stdout, run.code
        else:
            p = subprocess.run([PY, program], cwd=cwd, env=untraced_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=60)
            run, out, code = None, p.stdout.decode('utf-8', 'replace'), p.returncode
        files = {}
        for n in sorted(os.listdir(cwd)):
            if n != name:
                with open(os.path.join(cwd, n), 'rb') as f:
                    files[n] = f.read()
        results.append(((out, code, files), run))
    return results[0][0], results[1][1], results[1][0]


class ClosedAndReusedFds(unittest.TestCase):
    @unittest.skipUnless(hasattr(os, 'fork'), 'needs os.fork')
    def test_closerange_then_open_gets_only_program_text(self):
        untraced, run, traced = run_both('fd_closerange_reuse.py', self)
        self.assertEqual(untraced[2]['mine.txt'], b'parent line\nchild line\n')
        self.assertEqual(traced, untraced)
        # ... and the trace goes on after the closerange, in the parent and in the fork child
        names = set(run.thread_names().values())
        self.assertTrue({'worker-child', 'worker-after'} <= names, names)
        child = [e for e in run.kind('proc_begin') if e[6]['origin'] == 'fork']
        self.assertEqual(len(child), 1)
        self.assertEqual(len(run.kind('proc_end', child[0][2])), 1)

    def test_fd_numbers_are_the_programs(self):
        untraced, run, traced = run_both('fd_numbers.py', self)
        self.assertEqual(traced, untraced)
        self.assertIn('pipe 3 4\n', untraced[0])
        self.assertIn('in thread', [e[6]['text'] for e in run.prints()])  # (the trace is there)

    def test_program_closing_stdout(self):
        untraced, run, traced = run_both('fd_close_stdout.py', self)
        self.assertEqual(traced, untraced)
        self.assertIn(b'from a thread', untraced[2]['out.txt'])

    @unittest.skipUnless(hasattr(os, 'fork'), 'needs os.fork')
    def test_dup2_devnull_daemon(self):
        untraced, run, traced = run_both('fd_dup2_daemon.py', self)
        self.assertEqual(traced, untraced)
        self.assertEqual(untraced[0], 'before redirect\nrestored\n')
        self.assertIn('child into devnull', [e[6]['text'] for e in run.prints()])


if __name__ == '__main__':
    unittest.main()


class LongStrings(unittest.TestCase):
    """Strings of the program are bounded in the trace and marked, so no event line outgrows what
    the reader accepts (4 MiB) and none is lost."""

    def test_long_names_and_print(self):
        untraced, run, traced = run_both('long_strings.py', self)
        self.assertEqual(traced, untraced)
        self.assertEqual(untraced[1], 0)
        mark = '\u2026(truncated %d chars)'
        names = [e[6]['name'] for e in run.kind('thread_begin')]
        self.assertIn('n' * 65536 + mark % (1_000_000 - 65536), names)
        texts = [e[6]['text'] for e in run.prints()]
        self.assertIn('p' * 65536 + mark % (3_000_000 - 65536), texts)
        task_names = [e[6].get('name') for e in run.kind('task_create')]
        self.assertIn('t' * 65536 + mark % (1_000_000 - 65536), task_names)


class SourceEncoding(unittest.TestCase):
    """The program's bytes are read and compiled as Python does (PEP 263 cookie, BOM, CRLF) in every
    process: launcher, rewrite/monitoring, a spawn child's re-run, tracebacks and inspect."""

    def test_latin1_cookie(self):
        untraced, run, traced = run_both('source_latin1.py', self)
        self.assertEqual(traced, untraced)
        self.assertEqual(untraced[1], 3)
        self.assertIn("main 'caf\\xe9 \\xe0 la cr\\xe8me' 15\n", untraced[0])
        self.assertIn("spawned 'caf\\xe9 \\xe0 la cr\\xe8me' 15\n", untraced[0])
        texts = [e[6]['text'] for e in run.prints()]
        self.assertIn("spawned 'caf\\xe9 \\xe0 la cr\\xe8me' 15", texts)
        self.assertTrue(any(c['qualname'] == 'show' for c in run.codes().values()))

    def test_bom_and_crlf(self):
        untraced, run, traced = run_both('source_bom_crlf.py', self)
        self.assertEqual(traced, untraced)
        self.assertIn('bom True crlf lines 21\n', untraced[0])
        self.assertIn("spawned 'line one\\nline two \\xe9'\n", untraced[0])


class EventFiles(unittest.TestCase):
    @unittest.skipUnless(hasattr(os, 'fork'), 'needs os.fork')
    def test_private_and_writable_whatever_the_umask(self):
        """Events files are 0600, also a fork child's made after the program set umask 0o277 (each
        flush reopens the file, so it must stay writable by its owner)."""
        from tracing import launch_command, load_events, traced_env
        cwd = tempfile.mkdtemp(prefix='clab-io-')
        out = tempfile.mkdtemp(prefix='clab-io-out-')
        self.addCleanup(shutil.rmtree, cwd, True)
        self.addCleanup(shutil.rmtree, out, True)
        program = os.path.join(cwd, 'fork_after_umask.py')
        shutil.copy(os.path.join(INVISIBLE, 'fork_after_umask.py'), program)
        p = subprocess.run(launch_command(program), cwd=cwd,
                           env=traced_env(out, program), stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.stdout, b'mode 0o400\nchild thread\n', p.stderr)
        names = sorted(os.listdir(out))
        self.assertEqual(len(names), 2, names)
        for name in names:
            self.assertEqual(os.stat(os.path.join(out, name)).st_mode & 0o777, 0o600, name)
        self.assertIn('after-umask', [e[6]['name'] for e in load_events(out) if e[5] == 'thread_begin'])
