import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest

from tracing import PY, TRACER_DIR, program_path, run_traced

CHECK = os.path.join(TRACER_DIR, 'check.py')


def check(python, program):
    p = subprocess.run([python, CHECK, program], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    lines = p.stdout.decode().splitlines()
    return p.returncode, lines


class Check(unittest.TestCase):
    def run_check(self, name):
        code, lines = check(PY, program_path(name))
        self.assertEqual(code, 0)
        self.assertEqual(len(lines), 1, 'exactly one line of JSON')
        return json.loads(lines[0])

    def test_clean_program(self):
        r = self.run_check('threads_basic.py')
        v = sys.version_info
        self.assertEqual(r['python'], '%d.%d.%d' % v[:3])
        self.assertEqual(r['version'], list(v[:3]))
        self.assertFalse(r['too_old'])
        self.assertIsNone(r['syntax_error'])
        self.assertEqual(r['unguarded_process'], [])
        self.assertEqual(r['executable'], sys.executable)

    def test_syntax_error(self):
        r = self.run_check('syntax_error.py')
        self.assertEqual(r['syntax_error']['line'], 1)
        self.assertEqual(r['syntax_error']['text'], 'def broken(:')
        self.assertTrue(r['syntax_error']['msg'])

    def test_unguarded_process(self):
        r = self.run_check('unguarded.py')
        self.assertEqual(r['unguarded_process'], [{'line': 9, 'call': 'multiprocessing.Process(...)'}])

    def test_guarded_processes_are_fine(self):
        self.assertEqual(self.run_check('processes_mp.py')['unguarded_process'], [])

    def test_old_pythons_say_too_old(self):
        root = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
        olds = sorted(glob.glob(os.path.join(root, 'versions', '2.7*', 'bin', 'python')) +
                      glob.glob(os.path.join(root, 'versions', '3.[67].*', 'bin', 'python')))
        if not olds:
            self.skipTest('no Python 2.7/3.6/3.7 installed under pyenv')
        for python in olds:
            code, lines = check(python, program_path('threads_basic.py'))
            self.assertEqual(code, 0, python)
            r = json.loads(lines[0])
            self.assertTrue(r['too_old'], python)
            self.assertTrue(r['python'].startswith(('2.7', '3.6', '3.7')))


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
