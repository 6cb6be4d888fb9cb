"""encode's text for the trace of the program's values that never runs the program's code."""
import functools
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), 'src', 'tracer'))
from concurrency_lab_tracer import encode  # noqa: E402

calls = []


class Noisy(Exception):
    def __str__(self):
        calls.append('str')
        raise RuntimeError('no')

    def __repr__(self):
        calls.append('repr')
        raise RuntimeError('no')


class Loud(object):
    def __repr__(self):
        calls.append('repr')
        return 'Loud()'

    __str__ = __repr__

    def __call__(self):
        pass

    def __getattr__(self, name):
        calls.append('getattr ' + name)
        raise AttributeError(name)


class Plain(Exception):
    pass


class SafeText(unittest.TestCase):
    def setUp(self):
        del calls[:]

    def tearDown(self):
        self.assertEqual(calls, [], 'program code ran')

    def test_builtin_exceptions_keep_their_message(self):
        self.assertEqual(encode.exception_text(ValueError('bad value')), 'ValueError: bad value')
        self.assertEqual(encode.exception_text(KeyError('k')), "KeyError: 'k'")
        self.assertEqual(encode.exception_text(Plain('x', 2)), "Plain: ('x', 2)")
        self.assertEqual(encode.exception_text(OSError(2, 'No such file', 'f.txt')),
                         "FileNotFoundError: [Errno 2] No such file: 'f.txt'")
        self.assertEqual(encode.exception_text(RuntimeError()), 'RuntimeError')

    def test_program_text_never_runs(self):
        self.assertEqual(encode.exception_text(Noisy('x')), 'Noisy')
        self.assertEqual(encode.exception_message(ValueError(Loud())), '')
        self.assertEqual(encode.exception_message(ValueError([Loud()])), '')
        self.assertEqual(encode.plain_text(Loud()), '<Loud object>')
        self.assertEqual(encode.plain_text((1, 'a', Loud())), "(1, 'a', <Loud object>)")

    def test_bounded(self):
        self.assertEqual(len(encode.exception_message(ValueError('x' * 10000))), encode.LIMIT)
        self.assertEqual(encode.plain_text(10 ** 5000), '<int>')
        self.assertLessEqual(len(encode.plain_text(list(range(10000)))), encode.LIMIT)
        self.assertEqual(encode.exception_message(ValueError(10 ** 5000)), '')

    def test_callable_names(self):
        def f():
            pass
        self.assertEqual(encode.callable_name(f), 'SafeText.test_callable_names.<locals>.f')
        self.assertEqual(encode.callable_name(functools.partial(f, Loud())), 'SafeText.test_callable_names.<locals>.f')
        self.assertEqual(encode.callable_name(Loud()), 'Loud')
        self.assertEqual(encode.callable_name(len), 'len')
        self.assertEqual(encode.callable_name(Loud), 'Loud')


if __name__ == '__main__':
    unittest.main()
