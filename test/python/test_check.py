"""The launcher's pre-run report (preflight.py), written to CONCURRENCY_LAB_CHECK before the program
runs; and the program's environment, which must be the untraced one."""
import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

from tracing import DIRECT, PY, TRACER_DIR, launch_command, program_path, run_traced, traced_env

LAUNCH = os.path.join(TRACER_DIR, 'launch.py')
sys.path.insert(0, TRACER_DIR)
from concurrency_lab_tracer import preflight  # noqa: E402
sys.path.remove(TRACER_DIR)


def launch_with_report(python, program, minimum='3.8', env=None):
    """(exit code, stdout, the report) of a traced launch that asks for the pre-run report."""
    d = tempfile.mkdtemp(prefix='clab-check-')
    report = os.path.join(d, 'check.json')
    try:
        env = traced_env(d, program, extra=dict(env or {}, CONCURRENCY_LAB_CHECK=report, CONCURRENCY_LAB_MIN_PYTHON=minimum))
        command = launch_command(program) if python == PY else [python, LAUNCH, program]
        p = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, timeout=60)
        with open(report) as f:
            return p.returncode, p.stdout.decode(), json.load(f)
    finally:
        import shutil
        shutil.rmtree(d, ignore_errors=True)


class Check(unittest.TestCase):
    def run_check(self, name):
        return launch_with_report(PY, program_path(name))

    def test_clean_program_runs_after_its_report(self):
        code, out, r = self.run_check('threads_basic.py')
        v = sys.version_info
        self.assertEqual(code, 0)
        self.assertTrue(out, 'the program ran')
        self.assertEqual(r['python'], '%d.%d.%d' % v[:3])
        self.assertEqual(r['version'], list(v[:3]))
        self.assertFalse(r['too_old'])
        self.assertFalse(r['refused'])
        self.assertIsNone(r['syntax_error'])
        self.assertEqual(r['unguarded_process'], [])
        self.assertEqual(r['executable'], sys.executable)

    def test_syntax_error_is_reported_and_nothing_runs(self):
        code, out, r = self.run_check('syntax_error.py')
        # launch.py ends with status 2; a program file Python runs itself (3.12+) ends as untraced (1)
        self.assertEqual((code, out), (1 if DIRECT else 2, ''))
        self.assertTrue(r['refused'])
        self.assertEqual(r['syntax_error']['line'], 1)
        self.assertEqual(r['syntax_error']['text'], 'def broken(:')
        self.assertTrue(r['syntax_error']['msg'])

    def test_unguarded_process(self):
        code, _, r = self.run_check('unguarded.py')
        self.assertEqual(r['unguarded_process'], [{'line': 9, 'call': 'multiprocessing.Process(...)'}])
        with open(program_path('unguarded.py')) as f:
            self.assertEqual(r['start_method'], preflight.likely_start_method(f.read()))
        self.assertEqual(r['refused'], r['start_method'] != 'fork')

    def test_guarded_processes_are_fine(self):
        code, _, r = self.run_check('processes_mp.py')
        self.assertEqual(r['unguarded_process'], [])
        self.assertFalse(r['refused'])
        self.assertEqual(code, 0)

    def test_the_report_loads_no_module_an_untraced_run_does_not(self):
        # The check costs a run's start-up ~10-15 ms when it imports ast/re/json, and the program would
        # see them in sys.modules. The second traced run is the steady state: on 3.8-3.11 the first one
        # rewrites the program (which needs ast) and caches the result (program_cache.py).
        d = tempfile.mkdtemp(prefix='clab-check-modules-')
        program = os.path.join(d, 'modules.py')
        with open(program, 'w') as f:
            # (a program-made lock: naming it reads the program's source, which must not import ast either)
            f.write("import sys, threading\nlock = threading.Lock()\n"
                    "print(sorted(m for m in ('ast', 'json', 're', 'enum') if m in sys.modules))\n")
        env = {'XDG_CACHE_HOME': d, 'PYTHONDONTWRITEBYTECODE': ''}
        try:
            untraced = subprocess.run([PY, program], env=dict(os.environ, **env), stdout=subprocess.PIPE, timeout=60)
            for _ in range(2):
                code, out, r = launch_with_report(PY, program, env=env)
            self.assertEqual((code, r['refused']), (0, False))
            self.assertEqual(out, untraced.stdout.decode())
        finally:
            import shutil
            shutil.rmtree(d, ignore_errors=True)

    def test_the_tracer_caches_its_own_bytecode_even_when_told_not_to_and_the_program_still_is_told(self):
        # Compiling the tracer from source cost every run ~35 ms of CPU under PYTHONDONTWRITEBYTECODE.
        import shutil
        d = tempfile.mkdtemp(prefix='clab-check-pyc-')
        try:
            tracer = os.path.join(d, 'tracer')
            shutil.copytree(TRACER_DIR, tracer, ignore=shutil.ignore_patterns('__pycache__'))
            work = os.path.join(d, 'work')
            os.mkdir(work)
            with open(os.path.join(work, 'helper_mod.py'), 'w') as f:
                f.write('VALUE = 1\n')
            program = os.path.join(work, 'main.py')
            with open(program, 'w') as f:
                # (threading, queue and asyncio: the tracer's modules that patch them are imported only then,
                # after start-up, and their bytecode too is written)
                f.write('import sys, helper_mod, threading, queue, asyncio\n'
                        'print(sys.dont_write_bytecode, sys.flags.dont_write_bytecode)\n')
            out = os.path.join(d, 'out')
            os.mkdir(out)
            env = traced_env(out, program, extra={'CONCURRENCY_LAB_CHECK': os.path.join(out, 'check.json'),
                                                  'CONCURRENCY_LAB_MIN_PYTHON': '3.8', 'PYTHONDONTWRITEBYTECODE': '1',
                                                  'PYTHONPATH': os.path.join(tracer, 'inject')})
            p = subprocess.run([PY, os.path.join(tracer, 'launch.py'), program], env=env, cwd=work, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=60)
            self.assertEqual((p.returncode, p.stdout.decode()), (0, 'True 1\n'), p.stderr.decode())
            cached = os.listdir(os.path.join(tracer, 'concurrency_lab_tracer', '__pycache__'))
            for module in ('__init__', 'core', 'launcher', 'preflight', 'sync', 'queues', 'aio', 'naming'):
                self.assertTrue(any(n.startswith(module + '.') for n in cached), (module, cached))
            self.assertTrue(os.listdir(os.path.join(tracer, 'inject', '__pycache__')), 'sitecustomize.py too')
            self.assertFalse(os.path.exists(os.path.join(work, '__pycache__')), "the program's own modules are not cached")
        finally:
            shutil.rmtree(d, ignore_errors=True)

    def test_a_python_older_than_the_minimum_is_refused(self):
        newer = '%d.%d' % (sys.version_info[0], sys.version_info[1] + 1)
        code, out, r = launch_with_report(PY, program_path('threads_basic.py'), minimum=newer)
        self.assertEqual((code, out), (2, ''))
        self.assertTrue(r['too_old'])

    def test_old_pythons_say_too_old(self):
        root = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
        olds = sorted(glob.glob(os.path.join(root, 'versions', '2.7*', 'bin', 'python')) +
                      glob.glob(os.path.join(root, 'versions', '3.[67].*', 'bin', 'python')))
        if not olds:
            self.skipTest('no Python 2.7/3.6/3.7 installed under pyenv')
        for python in olds:
            code, _, r = launch_with_report(python, program_path('threads_basic.py'))
            self.assertEqual(code, 2, python)
            self.assertTrue(r['too_old'], python)
            self.assertTrue(r['python'].startswith(('2.7', '3.6', '3.7')))


class StartMethod(unittest.TestCase):
    """The one home of the rule (the engine reads the launcher's answer)."""

    def test_what_the_program_asks_for_wins(self):
        self.assertEqual(preflight.likely_start_method("ctx = mp.get_context('forkserver')", (3, 12), 'linux'), 'forkserver')
        self.assertEqual(preflight.likely_start_method('set_start_method(method="fork")', (3, 14), 'linux'), 'fork')

    def test_else_the_platform_default(self):
        self.assertEqual(preflight.likely_start_method('', (3, 13), 'linux'), 'fork')
        self.assertEqual(preflight.likely_start_method('', (3, 14), 'linux'), 'forkserver')
        self.assertEqual(preflight.likely_start_method('', (3, 12), 'win32'), 'spawn')
        self.assertEqual(preflight.likely_start_method('', (3, 12), 'darwin'), 'spawn')


class ShadowedSitecustomize(unittest.TestCase):
    def test_chains_to_the_sitecustomize_it_shadows(self):
        d = tempfile.mkdtemp(prefix='clab-site-')
        marker = os.path.join(d, 'ran')
        with open(os.path.join(d, 'sitecustomize.py'), 'w') as f:
            f.write('import os\nopen(os.environ["CLAB_TEST_MARKER"], "w").close()\n')
        t = run_traced('asyncio_sequential.py', extra_env={
            'PYTHONPATH': os.pathsep.join([os.path.join(TRACER_DIR, 'inject'), d]), 'CLAB_TEST_MARKER': marker})
        self.assertEqual(t.code, 0, t.stderr)
        self.assertTrue(os.path.exists(marker), 'the shadowed sitecustomize ran')
        self.assertTrue(t.kind('task_create'), 'and the tracer is active')


if __name__ == '__main__':
    unittest.main()
