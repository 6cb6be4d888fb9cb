import unittest

import signal

from tracing import TraceCase, VERSION, run_traced, run_traced_until_blocked


class KilledProcessesKeepTheirEvents(unittest.TestCase):
    def check(self, how, code):
        t = run_traced('kill_self.py', (how,))
        self.assertEqual(t.code, code)
        self.assertEqual(len(t.kind('proc_begin')), 1)
        tiny = [c for c in t.codes().values() if c['name'] == 'tiny'][0]
        calls = [e for e in t.kind('call') if e[6][0] == tiny['id']]
        return t, calls

    def test_sigkill_loses_at_most_the_last_buffer(self):
        t, calls = self.check('kill', -9)
        self.assertGreaterEqual(len(calls), 3000 - 1024)
        self.assertLess(len(calls), 3000, 'SIGKILL cannot flush: the last buffer is lost')

    def test_os_exit_flushes_everything(self):
        t, calls = self.check('exit', 3)
        self.assertEqual(len(calls), 3000)
        self.assertEqual(t.kind('proc_end')[-1][6]['exitcode'], 3)
        self.assertIn('about to die 3000', [e[6]['text'] for e in t.prints()])


class StoppedDeadlock(unittest.TestCase):
    def test_sigterm_finds_the_waits_of_a_deadlock_written(self):
        # (no handler writes anything at the SIGTERM: each wait was written before it blocked; test_stop)
        t = run_traced_until_blocked('deadlock.py', signal.SIGTERM)
        self.assertEqual(t.code, -signal.SIGTERM, 'dies of SIGTERM, as it would untraced')
        self.assertIn('started', t.stdout)
        waits = t.kind('lock_wait')
        self.assertEqual(len(waits), 2, 'each thread waits for the lock the other holds')
        self.assertEqual(len({w[3] for w in waits}), 2)


class CallBudget(TraceCase):
    PROGRAM = 'budget.py'
    BUDGET = 100

    def test_calls_stop_at_the_budget(self):
        self.assertRanOk()
        self.assertIn('total 24995000', self.trace.stdout)
        tiny = [c for c in self.trace.codes().values() if c['name'] == 'tiny'][0]
        calls = [e for e in self.trace.kind('call') if e[6][0] == tiny['id']]
        returns = [e for e in self.trace.kind('return') if e[6][0] == tiny['id']]
        self.assertEqual(len(calls), 100)
        self.assertEqual(len(returns), 100)
        limit = [e for e in self.trace.kind('limit') if e[6]['what'] == 'calls']
        self.assertEqual(len(limit), 1)
        self.assertEqual(limit[0][6]['code'], tiny['id'])
        summary = self.trace.kind('summary')
        self.assertEqual(len(summary), 1)
        suppressed = summary[0][6]['suppressed_calls'][str(tiny['id'])]
        # settrace still sees each call; sys.monitoring disables the function and the ast rewrite
        # gives it back its original code, so they cannot count.
        mechanism = self.trace.kind('meta')[0][6]['mechanism']
        self.assertEqual(suppressed, 4900 if mechanism == 'settrace' else -1)
        self.assertEqual(self.trace.kind('proc_end')[-1][6]['exitcode'], 0)


class EventCap(TraceCase):
    PROGRAM = 'budget.py'
    CAP = 300

    def test_events_stop_at_the_cap(self):
        self.assertRanOk()
        regular = [e for e in self.trace.events if e[5] not in ('limit', 'summary', 'proc_end')]
        self.assertEqual(len(regular), 300)
        limit = [e for e in self.trace.kind('limit') if e[6]['what'] == 'events']
        self.assertEqual(len(limit), 1)
        summary = self.trace.kind('summary')
        self.assertGreater(summary[0][6]['dropped_events'], 0)
        self.assertEqual(self.trace.kind('print')[-1:], [], 'prints after the cap are dropped')
        self.assertIn('total', self.trace.stdout, 'the program itself is unaffected')


if __name__ == '__main__':
    unittest.main()
