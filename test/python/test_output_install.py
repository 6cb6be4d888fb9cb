"""The stdout/stderr proxies are put in place without asking the stream already there anything:
a stream set before the tracer starts (a .pth file runs before sitecustomize) may be an object whose
__class__ is a property, and isinstance would run it."""
import os
import subprocess
import sys
import unittest

from tracing import TRACER_DIR

SCRIPT = r'''
import sys
sys.path.insert(0, %r)
reads = []


class Stream:
    @property
    def __class__(self):
        reads.append('__class__')
        return object

    def write(self, s):
        return sys.__stdout__.write(s)

    def flush(self):
        pass


sys.stdout = Stream()
from concurrency_lab_tracer import output
output.install()
print('proxied', type(sys.stdout).__name__)
print('reads', reads)
'''


class InstallReadsNoStream(unittest.TestCase):
    def test_a_stream_with_a_class_property_is_wrapped_unasked(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith('CONCURRENCY_LAB_')}
        p = subprocess.run([sys.executable, '-c', SCRIPT % TRACER_DIR], env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertEqual(p.stdout.decode().splitlines(), ['proxied StreamProxy', 'reads []'])


if __name__ == '__main__':
    unittest.main()
