"""A program's own profile/trace hooks are its business: they add nothing to the trace."""
import unittest

from tracing import TraceCase


class OwnProfileFunction(TraceCase):
    """The program's profile function keeps running in each thread after threading has ended it
    (while it winds down): that must not be taken for a new thread (it was two phantom lanes)."""
    PROGRAM = 'own_profile.py'

    def test_one_lane_per_real_thread(self):
        self.assertRanOk()
        main = self.trace.main_pid()
        lanes = {e[3] for e in self.trace.events if e[2] == main}
        self.assertEqual(len(lanes), 3, 'the main thread and the two threads it started')
        self.assertEqual(len(self.trace.kind('thread_begin')), 2)


if __name__ == '__main__':
    unittest.main()
