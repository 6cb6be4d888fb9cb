"""A thread blocked until a future's or a pool's results come: result_wait before, result_ready after, on the
waiting thread, named after the call the program made, though the stdlib waits on its own Event or Condition
(which the tracer does not follow)."""
from tracing import TraceCase, marker_line


class ResultWaits(TraceCase):
    PROGRAM = 'result_waits.py'

    def waits(self):
        """(what, line, future serial or None) of each result wait on the main thread, each checked to end."""
        main = self.trace.main_pid()
        out, open_ = [], None
        for e in self.trace.events:
            if e[2] != main or e[3] != 1:
                continue
            if e[5] == 'result_wait':
                self.assertIsNone(open_, 'one wait at a time: %r' % (e,))
                open_ = e
            elif e[5] == 'result_ready':
                self.assertIsNotNone(open_, e)
                self.assertTrue(e[6]['ok'], e)
                self.assertEqual(e[6]['line'], open_[6]['line'])
                self.assertGreater(e[6]['waited_ns'], 0)
                out.append((open_[6]['what'], open_[6]['line'], open_[6].get('obj')))
                open_ = None
        self.assertIsNone(open_, 'every wait ended')
        return out

    def at(self, marker):
        line = marker_line(self.PROGRAM, marker)
        return [(what, obj) for what, at, obj in self.waits() if at == line]

    def test_the_program_cannot_tell(self):
        self.assertSameStdoutAsUntraced()

    def test_future_result_waits_for_that_future(self):
        submits = {e[6]['obj']: e[6]['args'] for e in self.trace.kind('future_submit', self.trace.main_pid())}
        [(what, obj)] = self.at('result')
        self.assertEqual(what, 'result')
        self.assertEqual(submits[obj], "'slow', 0.2")

    def test_each_call_is_named(self):
        # Timing decides how often a call still has to wait (a result may already be there); each of these
        # waits at least once: the work (0.15 s or more) takes far longer than handing it over.
        for marker, what in (('as_completed', 'as_completed'), ('wait', 'wait'), ('executor_map', 'Executor.map'),
                             ('pool_map', 'pool.map'), ('pool_apply', 'pool.apply'),
                             ('async_wait', 'AsyncResult.wait'), ('async_get', 'AsyncResult.get'),
                             ('pool_imap', 'pool.imap')):
            found = {w for w, _ in self.at(marker)}
            self.assertEqual(found, {what}, marker)

    def test_a_result_already_there_is_no_wait(self):
        self.assertEqual(self.at('no_wait'), [])
        self.assertEqual(self.at('async_get_done'), [])
