"""concurrent.futures: the first look at a finished future's outcome (result(), exception(), a done callback)
is written as future_read, once per future; a look that timed out before the future finished, or none at all,
writes nothing (that is how a run tells an exception nobody retrieved from one the program saw)."""
import unittest

from tracing import TraceCase, marker_line

PROGRAM = 'futures_reads.py'


class FutureReads(TraceCase):
    PROGRAM = PROGRAM

    def submitted_at(self):
        return {e[6]['line']: e[6]['obj'] for e in self.trace.kind('future_submit')}

    def test_same_output_as_untraced(self):
        self.assertRanOk()
        self.assertSameStdoutAsUntraced()

    def test_every_submitted_future_failed(self):
        done = {e[6]['obj']: e[6]['state'] for e in self.trace.kind('future_done')}
        self.assertEqual(len(self.submitted_at()), 6)
        for obj in self.submitted_at().values():
            self.assertEqual(done.get(obj), 'error')

    def test_each_look_is_one_read_after_the_future_finished(self):
        at = self.submitted_at()
        reads = {}
        for e in self.trace.kind('future_read'):
            reads.setdefault(e[6]['obj'], []).append(e)
        expected = {'result': 'result', 'exception': 'exception', 'callback': 'callback', 'as_completed': 'exception'}
        for mark, how in expected.items():
            obj = at[marker_line(PROGRAM, mark)]
            self.assertEqual([e[6]['how'] for e in reads.get(obj, [])], [how], mark)
        done = {e[6]['obj']: e for e in self.trace.kind('future_done')}
        for mark in ('result', 'exception', 'as_completed'):
            obj = at[marker_line(PROGRAM, mark)]
            self.assertOrdered(done[obj], reads[obj][0], mark)
        self.assertEqual(reads[at[marker_line(PROGRAM, 'exception')]][0][6]['line'], marker_line(PROGRAM, 'exception_read'))

    def test_no_read_of_a_future_never_looked_at_or_looked_at_too_early(self):
        at = self.submitted_at()
        read = {e[6]['obj'] for e in self.trace.kind('future_read')}
        for mark in ('timed_out', 'lost'):
            self.assertNotIn(at[marker_line(PROGRAM, mark)], read, mark)


if __name__ == '__main__':
    unittest.main()
