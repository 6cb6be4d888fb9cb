"""Thread CPU time on span events: a busy loop's span is mostly on-CPU, a sleep's is not, and
every span's CPU time stays within the tracer's CPU-clock resolution of its wall time, with each
thread's CPU clock never stepping back (the tracer extrapolates it between real reads)."""
import unittest

from tracing import TraceCase

# The tracer's core.CPU_RESOLUTION_NS, plus room for a garbage collection that runs between reading
# the two clocks: its CPU time lands in the span after the event (measured: up to ~120 us here).
SLACK_NS = 20000 + 5000000
SPAN_KINDS = ('call', 'return', 'yield', 'resume')


class CpuTimeOfSpans(TraceCase):
    PROGRAM = 'cpu_spans.py'

    def spans(self):
        """(name, wall ns, cpu ns) of every closed span, from call/return pairs per thread."""
        names = {e[6]['id']: e[6]['name'] for e in self.trace.kind('code')}
        stacks = {}
        out = []
        for e in sorted(self.trace.events, key=lambda e: e[0]):
            if e[5] == 'call':
                stacks.setdefault(e[3], []).append(e)
            elif e[5] == 'return':
                start = stacks[e[3]].pop()
                self.assertEqual(start[6][0], e[6][0], 'calls and returns nest per thread')
                out.append((names[e[6][0]], e[1] - start[1], e[6][1] - start[6][1]))
        return out

    def test_runs(self):
        self.assertRanOk()
        self.assertEqual(self.trace.stdout, 'done\n')

    def test_each_thread_cpu_clock_never_steps_back(self):
        last = {}
        checked = 0
        for e in sorted(self.trace.events, key=lambda e: e[0]):
            if e[5] in SPAN_KINDS:
                cpu = e[6][1]
                self.assertGreaterEqual(cpu, last.get(e[3], 0), e)
                last[e[3]] = cpu
                checked += 1
        self.assertGreater(checked, 12000)
        self.assertEqual(len(last), 2)

    def test_span_cpu_stays_close_to_wall(self):
        spans = self.spans()
        self.assertEqual(sum(1 for s in spans if s[0] == 'tiny'), 12000)
        for name, wall, cpu in spans:
            self.assertGreaterEqual(cpu, 0, name)
            self.assertLessEqual(cpu, wall + SLACK_NS, name)

    def test_busy_loop_is_on_cpu_and_sleep_is_not(self):
        spans = self.spans()
        spins = [s for s in spans if s[0] == 'spin']
        naps = [s for s in spans if s[0] == 'nap']
        self.assertEqual((len(spins), len(naps)), (2, 2))
        for _, wall, cpu in naps:
            self.assertGreaterEqual(wall, 45000000)
            self.assertLess(cpu, wall * 0.2)
        # Each spin runs until its thread has had 50 ms of CPU (time.thread_time), however loaded the
        # machine: its span says so, within the tracer's CPU-clock resolution.
        for _, wall, cpu in spins:
            self.assertGreaterEqual(cpu, 50000000 - SLACK_NS)
            self.assertLessEqual(cpu, wall + SLACK_NS)


if __name__ == '__main__':
    unittest.main()
