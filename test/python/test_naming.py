"""Objects are named as the program names them (the variable a primitive was assigned to when it was
made, else nothing and the creating line), and queue values are short safe reprs (naming.py,
encode.short_repr)."""
import unittest

from tracing import TraceCase, marker_line

PROGRAM = 'named_objects.py'


class Naming(TraceCase):
    PROGRAM = PROGRAM

    def test_exit_and_no_repr_called(self):
        self.assertRanOk()
        self.assertIn('got 7', self.trace.stdout)
        self.assertIn('repr calls 0', self.trace.stdout)

    def names_by_line(self):
        out = {}
        for e in self.trace.kind('obj_new'):
            out.setdefault(e[6]['line'], []).append(e[6].get('name'))
        return out

    def test_assigned_objects_take_their_variable_name(self):
        names = self.names_by_line()
        for marker, name in (('lock_a', 'lock_a'), ('lock_b', 'lock_b'), ('done', 'done'), ('inbox', 'inbox')):
            self.assertEqual(names.get(marker_line(PROGRAM, marker)), [name], marker)
        self.assertEqual(names.get(marker_line(PROGRAM, 'self_lock')), ['self.lock', 'self.lock'])

    def test_a_call_spread_over_lines_is_named(self):
        named = [n for line, ns in self.names_by_line().items() for n in ns if n == 'jobs']
        self.assertEqual(named, ['jobs'])

    def test_ambiguous_lines_name_nothing_but_keep_their_line(self):
        names = self.names_by_line()
        for marker, count in (('unnamed', 2), ('tuple', 2), ('nested', 1)):
            self.assertEqual(names.get(marker_line(PROGRAM, marker)), [None] * count, marker)

    def test_every_named_object_is_the_one_its_events_use(self):
        named = {e[6]['obj']: e[6].get('name') for e in self.trace.kind('obj_new')}
        used = {e[6]['obj'] for e in self.trace.events if e[5] in ('lock_acquired', 'queue_put', 'event_set')}
        self.assertTrue(used <= set(named), used - set(named))
        lock_a = [o for o, n in named.items() if n == 'lock_a']
        self.assertTrue(any(e[6]['obj'] in lock_a for e in self.trace.kind('lock_acquired')))

    def test_values_put_and_got_are_short_safe_reprs(self):
        jobs = [o for o, e in ((e[6]['obj'], e) for e in self.trace.kind('obj_new')) if e[6].get('name') == 'jobs']
        puts = [e[6]['value'] for e in self.trace.kind('queue_put') if e[6]['obj'] in jobs]
        gets = [e[6]['value'] for e in self.trace.kind('queue_get') if e[6]['obj'] in jobs]
        expected = ['0', "'job-1'", "(2, 'x')", '<Hostile object>', "'" + 'y' * 58 + '\u2026', 'None']
        self.assertEqual(puts, expected)
        self.assertEqual(gets, puts)
        self.assertTrue(all(len(v) <= 60 for v in puts))
        inbox = [e[6]['value'] for e in self.trace.kind('queue_put') if e[6]['prim'].startswith('asyncio.')]
        self.assertEqual(inbox, ['7'])


if __name__ == '__main__':
    unittest.main()
