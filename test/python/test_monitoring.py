"""3.12+: only the events that cannot be local are global; program code gets start/return/yield/
resume (and CALL with its C_RETURN/C_RAISE, for the I/O calls it makes: io_calls.py) as local events
before it runs, so other code never calls back (not even once, to be
disabled), unless the program's code is made out of the tracer's sight."""
import sys
import unittest

from tracing import VERSION, TraceCase


@unittest.skipUnless(VERSION >= (3, 12), 'sys.monitoring is 3.12+')
class LocalEventsForProgramCode(TraceCase):
    PROGRAM = 'monitoring_events.py'

    def reported(self):
        return dict((line.split()[0], int(line.split()[1])) for line in self.trace.stdout.splitlines())

    def test_return_yield_resume_are_local_to_program_code(self):
        self.assertRanOk()
        E = sys.monitoring.events
        # (C_RETURN/C_RAISE are set with CALL, which controls them; get_local_events reports CALL only)
        local = E.PY_START | E.PY_RETURN | E.PY_YIELD | E.PY_RESUME | E.CALL
        got = self.reported()
        self.assertEqual(got['global'], E.PY_THROW | E.PY_UNWIND | E.RAISE)
        self.assertEqual(got['program'], local)
        self.assertEqual(got['stdlib'], 0)

    def test_spans_still_open_and_close(self):
        codes = {e[6]['id']: e[6]['name'] for e in self.trace.kind('code')}
        calls = [codes[e[6][0]] for e in self.trace.kind('call')]
        returns = [codes[e[6][0]] for e in self.trace.kind('return')]
        self.assertEqual(calls, ['<module>', 'main', 'traced'])
        self.assertEqual(sorted(returns), sorted(calls))


if __name__ == '__main__':
    unittest.main()
