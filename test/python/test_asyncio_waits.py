"""A task suspended in an asyncio function that waits on a future of its own making (asyncio.wait, shield,
as_completed, Queue.join, a TaskGroup's end; wait_for before 3.12) writes an 'await' naming that function and
an 'awake' when it resumes, so its lane has a wait band. Before, the await had no target: no band at all."""
import sys

from tracing import TraceCase


class AsyncioStdlibWaits(TraceCase):
    PROGRAM = 'asyncio_stdlib_waits.py'

    def main_task(self):
        [create] = [e for e in self.trace.kind('task_create') if e[6]['coro'] == 'main']
        return create[6]['obj']

    def awaits(self):
        """The main task's awaits, in order, each checked to end with an awake of the same target."""
        me = self.main_task()
        out, open_ = [], None
        for e in self.trace.events:
            if e[4] != me:
                continue
            if e[5] == 'await':
                self.assertIsNone(open_, 'one await at a time: %r' % (e,))
                open_ = e
            elif e[5] == 'awake':
                self.assertIsNotNone(open_, e)
                self.assertEqual(e[6]['target'], open_[6]['target'])
                self.assertGreater(e[1], open_[1])
                out.append(open_[6])
                open_ = None
        self.assertIsNone(open_, 'every await ended')
        return out

    def test_the_program_cannot_tell(self):
        self.assertSameStdoutAsUntraced()

    def test_each_wait_is_an_await_named_after_its_function(self):
        expected = (['wait_for'] if sys.version_info < (3, 12) else []) + ['wait', 'shield', 'as_completed', 'join']
        expected += ['TaskGroup'] if sys.version_info >= (3, 11) else []
        expected += ['future']  # the program's own loop.create_future()
        # (3.12+ wait_for runs the coroutine in the awaiting task itself: its own sleep is the wait)
        self.assertEqual([d['what'] for d in self.awaits()], expected)

    def test_what_each_was_given(self):
        by_what = {d['what']: d for d in self.awaits()}
        if 'wait_for' in by_what:
            self.assertEqual(by_what['wait_for'].get('call'), 'work()')
        self.assertEqual(by_what['wait']['count'], 2)
        shielded = by_what['shield']['task']
        self.assertEqual([e[6]['coro'] for e in self.trace.kind('task_create') if e[6]['obj'] == shielded], ['work'])
        puts = {e[6]['obj'] for e in self.trace.kind('queue_put')}
        self.assertEqual(puts, {by_what['join']['obj']})
        if 'TaskGroup' in by_what:
            self.assertEqual(by_what['TaskGroup']['count'], 1)

    def test_the_programs_own_future_is_named_as_the_program_names_it(self):
        # Both tasks that await it wait on it, named after the variable it was assigned to.
        own = [e for e in self.trace.kind('await') if e[6].get('what') == 'future']
        self.assertEqual(len(own), 2, own)
        [obj] = {e[6]['obj'] for e in own}
        [made] = [e[6] for e in self.trace.kind('obj_new') if e[6]['obj'] == obj]
        self.assertEqual(made['name'], 'fut')
        echo = [e[6]['obj'] for e in self.trace.kind('task_create') if e[6]['coro'] == 'echo']
        self.assertEqual({e[4] for e in own}, {self.main_task()} | set(echo))

    def test_targets_are_fresh(self):
        targets = [d['target'] for d in self.awaits()]
        self.assertEqual(len(set(targets)), len(targets))
        tasks = {e[6]['obj'] for e in self.trace.kind('task_create')}
        self.assertEqual(tasks & set(targets), set(), 'a wait of its own, not the task it waits for')
