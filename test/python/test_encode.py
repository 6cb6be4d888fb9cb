"""Event data text must be valid JSON for whatever strings a program supplies: the encoder and the
hot events formatted with f-strings (task, thread, future names; sleep seconds)."""
import json
import math
import sys
import unittest

from tracing import TRACER_DIR, TraceCase

sys.path.insert(0, TRACER_DIR)
from concurrency_lab_tracer import encode  # noqa: E402

sys.path.remove(TRACER_DIR)

HOSTILE = [
    '', 'plain', '"', '\\', '\\"', '"\\', ''.join(chr(c) for c in range(0x20)), '\x7f', '\u2028\u2029',
    '\ud800', '\udfff', 'a\udc80b', '\ud83d', 'héllo wörld ✓ 😀', '\U0010ffff', '</script>', '{"x":1}', '\n]\n[',
]


class Encoder(unittest.TestCase):
    def assertAsciiLine(self, text):
        self.assertTrue(all(ord(c) < 0x7f for c in text), repr(text))
        self.assertNotIn('\n', text)

    def test_quote_round_trips_hostile_strings(self):
        for s in HOSTILE:
            out = encode.quote(s)
            self.assertAsciiLine(out)
            self.assertEqual(json.loads(out), s)

    def test_dumps_round_trips_hostile_strings_as_keys_and_values(self):
        for s in HOSTILE:
            data = {'name': s, s: [s, 1, None, True, False], 'n': {'inner': s}}
            out = encode.dumps(data)
            self.assertAsciiLine(out)
            self.assertEqual(json.loads(out), data)

    def test_text_accepts_non_strings(self):
        self.assertEqual(json.loads(encode.text(42)), '42')
        self.assertEqual(json.loads(encode.text(HOSTILE[6])), HOSTILE[6])

    def test_number(self):
        for v in (0, -3, 10 ** 30, 0.5, 1e-300, 1.5e300, -0.0, True, False):
            self.assertEqual(json.loads(encode.number(v)), v)
        for v in (float('inf'), float('-inf'), float('nan')):
            self.assertIsNone(json.loads(encode.number(v)))
        self.assertTrue(math.isfinite(json.loads(encode.number(2.5))))


class HostileNamesInEvents(TraceCase):
    PROGRAM = 'hostile_names.py'

    def test_every_line_parses_and_names_round_trip(self):
        self.assertRanOk()
        self.assertIn('ok', self.trace.stdout)
        from_fixture = 'q"uo\\te\n\t\x00\x1f\x7f \u2028 \ud800 héllo ✓ 😀'
        tasks = [e[6] for e in self.trace.kind('task_create') if e[6]['name'] == from_fixture]
        self.assertEqual(len(tasks), 1, self.trace.kind('task_create'))
        self.assertEqual(tasks[0]['coro'], 'job')
        done = [e[6] for e in self.trace.kind('task_done') if e[6]['obj'] == tasks[0]['obj']]
        self.assertEqual(done[0]['state'], 'error')
        self.assertEqual(done[0]['error'], 'ValueError: ' + from_fixture)
        partial = [e for e in self.trace.prints() if e[6]['text'] == 'partial line of the task']
        self.assertEqual(len(partial), 1)
        ended = [e for e in self.trace.kind('task_done') if e[6]['obj'] == tasks[0]['obj']][0]
        self.assertOrdered(partial[0], ended, "a task's unfinished line is written when it ends")
        self.assertIn(from_fixture, [e[6]['name'] for e in self.trace.kind('thread_start')])
        self.assertIn(from_fixture, [e[6]['fn'] for e in self.trace.kind('future_submit')])
        self.assertIn(1e-300, [e[6]['secs'] for e in self.trace.kind('sleep')])
        self.assertIn(1e-300, [e[6]['secs'] for e in self.trace.kind('slept')])



class PrimitiveNames(unittest.TestCase):
    """prim_name is asked on every put/get/release, so it caches per (type, names): a cached
    answer must still depend on both."""

    def test_stdlib_base_name_per_type_and_name_set(self):
        import queue
        import threading
        sys.path.insert(0, TRACER_DIR)
        try:
            from concurrency_lab_tracer.sync import prim_name
        finally:
            sys.path.remove(TRACER_DIR)

        class Jobs(queue.LifoQueue):
            pass

        class Gate(threading.BoundedSemaphore):
            pass

        sems = ('Semaphore', 'BoundedSemaphore')
        for _ in range(2):
            self.assertEqual(prim_name(Jobs(), ('Queue', 'LifoQueue')), 'LifoQueue')
            self.assertEqual(prim_name(queue.Queue(), ('Queue', 'LifoQueue')), 'Queue')
            self.assertEqual(prim_name(Gate(), sems), 'BoundedSemaphore')
            self.assertEqual(prim_name(Gate(), ('Semaphore',)), 'Semaphore')
            self.assertEqual(prim_name(Gate(), ('Lock',)), 'Gate')


if __name__ == '__main__':
    unittest.main()
