"""A traced run must look exactly like an untraced one from the outside."""
import unittest

from tracing import run_traced, run_untraced


class SameOutsideBehaviour(unittest.TestCase):
    def check_same(self, name, args=()):
        out, err, code = run_untraced(name, args)
        traced = run_traced(name, args)
        self.assertEqual(traced.stdout, out)
        self.assertEqual(traced.stderr, err)
        self.assertEqual(traced.code, code)
        self.assertTrue(traced.events, 'the traced run did record events')
        return traced

    def test_exit_code_unicode_and_stderr(self):
        t = self.check_same('exit_code.py')
        self.assertEqual(t.code, 3)
        self.assertIn('héllo wörld ✓ 😀', [e[6]['text'] for e in t.prints()])

    def test_uncaught_exceptions(self):
        self.check_same('exceptions.py')

    def test_asyncio(self):
        self.check_same('asyncio_sequential.py')

    def test_queues(self):
        self.check_same('queues_threads.py')

    def test_locks(self):
        self.check_same('locks_contended.py')

    def test_processes(self):
        self.check_same('subprocess_child.py')

    def test_input_with_stdin_closed(self):
        t = self.check_same('reads_input.py')
        self.assertEqual(t.code, 1)

    def test_program_hooks_and_redirects(self):
        self.check_same('own_hooks.py')

    def test_syntax_error(self):
        t = self.check_same('syntax_error.py')
        self.assertEqual(t.code, 1)


if __name__ == '__main__':
    unittest.main()
