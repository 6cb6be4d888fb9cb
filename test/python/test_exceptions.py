import unittest

from tracing import TraceCase, marker_line, run_untraced


class Exceptions(TraceCase):
    PROGRAM = 'exceptions.py'

    def test_exit_code_and_traceback_without_tracer_frames(self):
        self.assertEqual(self.trace.code, 1)
        self.assertIn('ValueError: the end', self.trace.stderr)
        self.assertNotIn('launch.py', self.trace.stderr)
        self.assertNotIn('concurrency_lab_tracer', self.trace.stderr)
        self.assertIn('RuntimeError: thread boom', self.trace.stderr)

    def test_handled_exception_recorded_at_its_raise(self):
        handled = [e for e in self.trace.kind('exc') if e[6]['type'] == 'KeyError']
        self.assertEqual(len(handled), 1, 'once, where it was raised (not again in each frame it passes)')
        self.assertFalse(handled[0][6]['uncaught'])
        self.assertEqual(handled[0][6]['line'], 6)

    def test_uncaught_in_thread(self):
        exc = [e for e in self.trace.kind('exc') if e[6]['type'] == 'RuntimeError' and e[6]['uncaught']]
        self.assertEqual(len(exc), 1)
        self.assertEqual(exc[0][6]['where'], 'thread')
        self.assertEqual(exc[0][6]['line'], 17)
        names = self.trace.thread_names()
        self.assertEqual(names[(exc[0][2], exc[0][3])], 'boom')
        end = [e for e in self.trace.kind('thread_end') if e[3] == exc[0][3]]
        self.assertEqual(end[0][6]['error'], 'RuntimeError: thread boom')

    def test_uncaught_in_main(self):
        exc = [e for e in self.trace.kind('exc') if e[6]['type'] == 'ValueError' and e[6]['uncaught']]
        self.assertEqual(len(exc), 1)
        self.assertEqual(exc[0][6]['where'], 'main')
        self.assertEqual(exc[0][6]['line'], 25)
        end = self.trace.kind('proc_end')
        self.assertEqual(end[-1][6]['exitcode'], 1)

    def test_stderr_lines_attributed(self):
        err = [e[6]['text'] for e in self.trace.prints('stderr')]
        self.assertIn('ValueError: the end', err)
        boom = [e for e in self.trace.prints('stderr') if e[6]['text'] == 'RuntimeError: thread boom']
        self.assertNotEqual(boom[0][3], 1, 'the thread traceback is printed on the thread')

    def test_unterminated_output_flushed_at_exit(self):
        texts = [e[6]['text'] for e in self.trace.prints('stdout')]
        self.assertIn('partial line without newline', texts)



class RepeatedExceptions(TraceCase):
    """Each raise is recorded once where it started: a loop raising and catching the same exception
    (Python reuses the last one's memory) records every one, and a re-raise in the handler of the
    frame it started in (after calling a function, through a second handler, or after awaiting while
    another task raised) none."""
    PROGRAM = 'exceptions_repeated.py'

    def test_each_raise_recorded_once(self):
        self.assertRanOk()
        lines = [e[6]['line'] for e in self.trace.kind('exc')]
        expect = {marker_line(self.PROGRAM, 'callee-raise'): 7, marker_line(self.PROGRAM, 'direct-raise'): 7,
                  marker_line(self.PROGRAM, 'reraise'): 3, marker_line(self.PROGRAM, 'async-reraise'): 2}
        self.assertEqual({line: lines.count(line) for line in expect}, expect)
        self.assertEqual(len(lines), 19)


class UncaughtKeyboardInterrupt(TraceCase):
    PROGRAM = 'keyboard_interrupt.py'

    def test_same_exit_and_traceback_as_untraced(self):
        _, stderr, code = run_untraced(self.PROGRAM)
        self.assertEqual(self.trace.code, code, 'ends by SIGINT like an untraced run')
        self.assertEqual(self.trace.stderr, stderr)
        self.assertNotIn('launch.py', self.trace.stderr)

    def test_recorded_as_uncaught_where_raised(self):
        exc = [e for e in self.trace.kind('exc') if e[6]['uncaught']]
        self.assertEqual(len(exc), 1)
        self.assertEqual((exc[0][6]['type'], exc[0][6]['where'], exc[0][6]['line']), ('KeyboardInterrupt', 'main', 3))



class ExceptionsAtShutdown(TraceCase):
    PROGRAM = 'shutdown_exceptions.py'

    def test_nothing_added_to_stderr(self):
        stdout, stderr, code = run_untraced(self.PROGRAM)
        self.assertEqual((self.trace.stdout, self.trace.stderr, self.trace.code), (stdout, stderr, code))

    def test_nothing_recorded_after_the_process_ended(self):
        kinds = [e[5] for e in self.trace.events]
        self.assertEqual(kinds[-1], 'proc_end', kinds[-5:])


if __name__ == '__main__':
    unittest.main()
