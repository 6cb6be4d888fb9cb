"""probe.py: the one line the extension reads to learn an interpreter's version and executable, also
from Pythons too old for the tracer (which the extension must be able to name to refuse them)."""
import glob
import json
import os
import subprocess
import sys
import unittest

from tracing import PY, TRACER_DIR

PROBE = os.path.join(TRACER_DIR, 'probe.py')


def probe(python):
    out = subprocess.run([python, PROBE], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60, check=True).stdout
    return json.loads(out.decode('utf-8'))


class Probe(unittest.TestCase):
    def test_reports_this_pythons_version_and_executable(self):
        self.assertEqual(probe(PY), {'v': list(sys.version_info[:3]), 'exe': sys.executable})

    def test_old_pythons_answer_too(self):
        root = os.environ.get('PYENV_ROOT') or os.path.expanduser('~/.pyenv')
        olds = sorted(glob.glob(os.path.join(root, 'versions', '2.7*', 'bin', 'python')) +
                      glob.glob(os.path.join(root, 'versions', '3.[67].*', 'bin', 'python')))
        if not olds:
            self.skipTest('no Python 2.7/3.6/3.7 installed under pyenv')
        for python in olds:
            info = probe(python)
            self.assertIn(info['v'][:2], ([2, 7], [3, 6], [3, 7]), python)
            self.assertTrue(os.path.isabs(info['exe']), python)


if __name__ == '__main__':
    unittest.main()
