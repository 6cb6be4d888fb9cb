import os
import sys
import unittest

from tracing import TraceCase, VERSION, marker_line, run_traced


class AsyncioTasks(TraceCase):
    PROGRAM = 'asyncio_tasks.py'

    def tasks(self):
        return {e[6]['obj']: e for e in self.trace.kind('task_create')}

    def test_exit_and_output(self):
        self.assertRanOk()
        for line in ('gathered', 'awaited first', 'wait_for timed', 'executor 20', 'queue [0, 1, 2, 3, 4]',
                     'cancelled', 'caught task failed'):
            self.assertIn(line, self.trace.stdout)

    def test_task_lanes_named_as_python_names_them(self):
        names = {e[6]['name'] for e in self.tasks().values() if not e[6]['internal']}
        for n in ('first', 'waiter', 'sleeper', 'fails'):
            self.assertIn(n, names)
        if VERSION >= (3, 11):
            self.assertIn('tg1', names)
            self.assertIn('tg2', names)
        coros = {e[6]['coro'] for e in self.tasks().values()}
        self.assertIn('main', coros)
        self.assertIn('worker', coros)

    def test_runtime_tasks_are_internal(self):
        internal = [e for e in self.tasks().values() if e[6]['internal']]
        self.assertTrue(internal, 'asyncio.run creates shutdown tasks')
        for e in internal:
            self.assertIn('shutdown', e[6]['coro'])

    def test_parents(self):
        tasks = self.tasks()
        main = [s for s, e in tasks.items() if e[6]['coro'] == 'main']
        self.assertEqual(len(main), 1)
        first = [e for e in tasks.values() if e[6]['name'] == 'first'][0]
        self.assertEqual(first[6]['parent'], main[0])

    def test_done_states(self):
        tasks = self.tasks()
        done = {e[6]['obj']: e for e in self.trace.kind('task_done')}
        self.assertEqual(set(tasks), set(done), 'every task finishes')
        by_name = {tasks[o][6]['name']: d for o, d in done.items()}
        self.assertEqual(by_name['sleeper'][6]['state'], 'cancelled')
        self.assertEqual(by_name['fails'][6]['state'], 'error')
        self.assertIn('ValueError: task failed', by_name['fails'][6]['error'])
        self.assertEqual(by_name['first'][6]['state'], 'ok')

    def test_task_done_before_the_await_on_it_completes(self):
        done = {e[6]['obj']: e for e in self.trace.kind('task_done')}
        done.update({e[6]['obj']: e for e in self.trace.kind('future_done')})
        awakes = self.trace.kind('awake')
        self.assertTrue(awakes)
        for a in awakes:
            target = a[6]['target']
            if target in done:
                self.assertOrdered(done[target], a, 'done before the awaiting task wakes')
        awaits = self.trace.kind('await')
        whats = {e[6]['what'] for e in awaits}
        self.assertIn('gather', whats)
        self.assertIn('task', whats)

    def test_events_carry_their_task(self):
        tasks = self.tasks()
        for e in self.trace.prints():
            # wait_for runs its coroutine inside the caller's task from 3.12 on.
            if e[6]['text'].startswith('worker ') and 'timed' not in e[6]['text']:
                self.assertIn(e[4], tasks, 'worker prints come from a task lane')
                self.assertEqual(tasks[e[4]][6]['coro'], 'worker')
        yields = self.trace.kind('yield')
        self.assertTrue(yields)
        self.assertTrue(all(y[4] != 0 for y in yields), 'coroutines yield inside tasks')

    def test_task_column_of_asyncio_events(self):
        tasks = self.tasks()
        main = [s for s, e in tasks.items() if e[6]['coro'] == 'main'][0]
        for e in tasks.values():
            self.assertEqual(e[4], e[6]['parent'], 'task_create is written by the creating task')
        self.assertTrue(any(e[4] == main for e in tasks.values()))
        for e in self.trace.kind('task_done'):
            self.assertEqual(e[4], 0, 'done callbacks run between tasks')
        for kind in ('sleep', 'slept', 'await', 'awake'):
            events = [e for e in self.trace.kind(kind) if e[3] == 1]  # (executor threads' time.sleep)
            self.assertTrue(events, kind)
            for e in events:
                self.assertIn(e[4], tasks, kind + ' is written by the task that sleeps or awaits')
        for e in self.trace.kind('sleep') + self.trace.kind('slept'):
            if e[6]['secs'] == 10 and e[3] == 1:
                self.assertEqual(tasks[e[4]][6]['name'], 'sleeper')

    def test_executor_threads_and_awaited_future(self):
        names = self.trace.thread_names()
        self.assertTrue(any(n.startswith('asyncio') or n.startswith('ThreadPoolExecutor') for n in names.values()), names)
        awaited_futures = [e for e in self.trace.kind('await') if e[6]['what'] == 'future']
        self.assertTrue(awaited_futures, 'run_in_executor futures are linked to future_submit')
        submits = {e[6]['obj'] for e in self.trace.kind('future_submit')}
        for e in awaited_futures:
            self.assertIn(e[6]['target'], submits)

    def test_asyncio_primitives(self):
        prims = {e[6].get('prim') for e in self.trace.events if isinstance(e[6], dict) and 'prim' in e[6]}
        for p in ('asyncio.Lock', 'asyncio.Event', 'asyncio.Condition', 'asyncio.Semaphore', 'asyncio.Queue'):
            self.assertIn(p, prims)
        locks = sorted([e for e in self.trace.events if isinstance(e[6], dict) and e[6].get('prim') == 'asyncio.Lock'],
                       key=lambda e: e[0])
        self.assertIn('lock_wait', [e[5] for e in locks], 'the second holder waits')
        holder = None
        for e in locks:
            if e[5] == 'lock_acquired' and e[6]['ok']:
                self.assertIsNone(holder)
                holder = e[4]
            elif e[5] == 'lock_release':
                holder = None
        puts = {e[6]['item']: e for e in self.trace.kind('queue_put') if e[6]['prim'] == 'asyncio.Queue'}
        gets = [e for e in self.trace.kind('queue_get') if e[6]['prim'] == 'asyncio.Queue']
        self.assertEqual(sorted(g[6]['item'] for g in gets), [1, 2, 3, 4, 5])
        for g in gets:
            self.assertOrdered(puts[g[6]['item']], g)

    def test_sleep_events(self):
        sleeps = [e for e in self.trace.kind('sleep')]
        slept = [e for e in self.trace.kind('slept')]
        self.assertGreaterEqual(len(sleeps), 5)
        self.assertGreaterEqual(len(slept), len(sleeps) - 1, 'only the cancelled sleeper may not finish')

    def test_cancel_recorded(self):
        cancels = self.trace.kind('task_cancel')
        tasks = self.tasks()
        self.assertIn('sleeper', [tasks[e[6]['obj']][6]['name'] for e in cancels if e[6]['obj'] in tasks])


class AsyncioSleeps(TraceCase):
    """asyncio.sleep is replaced by a twin that records sleep/slept (and sleeps itself when it can)."""
    PROGRAM = 'asyncio_sleeps.py'

    def test_results_and_timing_as_untraced(self):
        self.assertRanOk()
        self.assertIn('cancelled CancelledError True', self.trace.stdout)
        self.assertIn('results None r z None None waited True', self.trace.stdout)

    def test_each_sleep_recorded_with_its_duration(self):
        sleeps = self.trace.kind('sleep')
        slept = self.trace.kind('slept')
        self.assertEqual([e[6]['secs'] for e in sleeps], [0.05, 0.01, 0, 0, 0.02, 0, 10])
        self.assertEqual([e[6]['secs'] for e in slept], [0.05, 0.01, 0, 0, 0.02, 0, 10])
        by_task = {}
        for e in sorted(sleeps + slept, key=lambda e: e[0]):
            by_task.setdefault(e[4], []).append(e)
        for events in by_task.values():
            for begin, end in zip(events[::2], events[1::2]):
                self.assertEqual((begin[5], end[5]), ('sleep', 'slept'))
                if begin[6]['secs'] != 10:  # the cancelled one ends early
                    self.assertGreaterEqual(end[1] - begin[1], begin[6]['secs'] * 0.9e9)

    def test_cancelled_sleep_ends_the_task_cancelled(self):
        tasks = {e[6]['obj']: e[6]['name'] for e in self.trace.kind('task_create')}
        done = {tasks.get(e[6]['obj']): e[6]['state'] for e in self.trace.kind('task_done')}
        self.assertEqual(done['long'], 'cancelled')


class AsyncioTaskEnds(TraceCase):
    """A task whose coroutine is the program's ends when that coroutine returns or raises, with the
    state asyncio gives it, and without a done callback of ours (an extra event-loop step); other
    tasks, and tasks whose coroutine ran out of call budget before starting, end by callback."""
    PROGRAM = 'asyncio_task_ends.py'
    BUDGET = 5

    def ends(self):
        """task serial -> state text as the program printed it (ok / cancelled / error Type: msg)."""
        done = {}
        for e in self.trace.kind('task_done'):
            self.assertNotIn(e[6]['obj'], done, 'a task ends once')
            d = e[6]
            done[d['obj']] = d['state'] if d['state'] != 'error' else 'error ' + d['error']
        return done

    def test_runs_as_untraced(self):
        self.assertRanOk()
        from tracing import run_untraced
        out, _, code = run_untraced(self.PROGRAM)
        self.assertEqual(code, 0)
        strip = lambda text: [line for line in text.splitlines() if not line.startswith('callbacks')]
        self.assertEqual(strip(self.trace.stdout), strip(out))

    def test_each_task_ends_as_asyncio_says(self):
        created = [e[6] for e in self.trace.kind('task_create') if not e[6]['internal'] and e[6]['coro'] != 'main']
        ends = self.ends()
        printed = [line.split(' ', 2)[2] for line in self.trace.stdout.splitlines() if line.startswith('end ')]
        self.assertEqual(printed, ['ok', 'error ValueError: bad value', 'cancelled', 'cancelled',
                                   'error RuntimeError: coroutine raised StopIteration', 'ok', 'ok',
                                   'error Unprintable: <unprintable>'])
        # The trace never runs the program's __str__ (see encode.plain_text): the unprintable one is its type alone.
        self.assertEqual([ends.get(t['obj']) for t in created[:8]], printed[:7] + ['error Unprintable'])
        self.assertEqual(len(created), 8 + 12)
        self.assertEqual([ends.get(t['obj']) for t in created[8:]], ['ok'] * 12)

    def test_program_coroutine_tasks_carry_no_done_callback_of_ours(self):
        line = [x for x in self.trace.stdout.splitlines() if x.startswith('callbacks')][0]
        self.assertEqual(line, 'callbacks [0, 0, 0, 0, 0, 0, 1, 0]')  # the last task runs asyncio.sleep

    def test_a_task_ends_right_after_its_coroutine_returns(self):
        by_seq = sorted(self.trace.events, key=lambda e: e[0])
        first = [e[6]['obj'] for e in self.trace.kind('task_create') if e[6]['coro'] == 'returns'][0]
        i = [k for k, e in enumerate(by_seq) if e[5] == 'task_done' and e[6]['obj'] == first][0]
        self.assertEqual((by_seq[i - 1][5], by_seq[i - 1][4]), ('return', first))


class AsyncioCreatePaths(TraceCase):
    """asyncio.create_task is done in one call of ours where the loop's create_task is asyncio's:
    it still names tasks as untraced (before 3.13 a named task uses up a default name first), goes
    through a loop class's own create_task and a task factory, and fails the same with no loop."""
    PROGRAM = 'asyncio_create_paths.py'

    def test_runs_as_untraced(self):
        self.assertSameStdoutAsUntraced()
        self.assertIn('no loop: no running event loop', self.trace.stdout)

    def test_each_task_recorded_with_its_name_parent_and_line(self):
        created = [e[6] for e in self.trace.kind('task_create') if not e[6]['internal']]
        by_coro = {}
        for d in created:
            by_coro.setdefault(d['coro'], []).append(d)
        main = by_coro['main'][0]['obj']
        jobs = by_coro['job']
        expect = [('Task-2', main, 28), ('named', main, 29)]
        if VERSION >= (3, 11):
            expect.append(('in-context', main, 32))
        counted = by_coro['on_counting_loop'][0]['obj']
        expect.append(('counted' if VERSION >= (3, 13) else None, counted, None))
        expect.append(('factory-named', by_coro['with_factory'][0]['obj'], 44))
        self.assertEqual(len(jobs), len(expect))
        for d, (name, parent, line) in zip(jobs, expect):
            if name is not None:
                self.assertEqual(d['name'], name)
            self.assertEqual(d['parent'], parent)
            if line is not None:
                self.assertEqual(d['line'], line)


class AsyncioRenames(TraceCase):
    """Task.set_name after a task was made is a task_name event (in the task that called it, with
    its line); a name given at creation is not a rename."""
    PROGRAM = 'asyncio_renames.py'

    def test_runs_as_untraced(self):
        self.assertSameStdoutAsUntraced()

    def test_each_rename_recorded_once_where_it_happened(self):
        created = {e[6]['obj']: e[6] for e in self.trace.kind('task_create') if not e[6]['internal']}
        main = [o for o, d in created.items() if d['coro'] == 'main'][0]
        renames = [(created[e[6]['obj']]['coro'], e[6]['name'], e[4] == e[6]['obj'], e[4] == main, e[6]['line'])
                   for e in self.trace.kind('task_name')]
        self.assertEqual(sorted(renames), [
            ('idle', '42', False, True, 22),
            ('idle', 'first', False, True, 21),
            ('worker', 'worker-0', True, False, 7),
            ('worker', 'worker-1', True, False, 7),
        ])
        self.assertIn('given', [d['name'] for d in created.values()])


@unittest.skipUnless(VERSION >= (3, 12), 'eager tasks are 3.12+')
class AsyncioEagerTasks(TraceCase):
    """An eager task runs (and may end) inside create_task: it is registered as it starts, with the
    task that made it as parent and the creating line, and create_task does not register it again;
    a name given to create_task arrives as a rename (its first step ran under the default name)."""
    PROGRAM = 'asyncio_eager.py'

    def test_runs_as_untraced(self):
        self.assertSameStdoutAsUntraced()

    def test_one_task_each_made_by_main_at_its_line(self):
        created = [e[6] for e in self.trace.kind('task_create') if not e[6]['internal']]
        self.assertEqual([d['coro'] for d in created[:6]], ['main', 'quick', 'slow', 'fails', 'quick', 'slow'])
        main = created[0]['obj']
        self.assertEqual([(d['parent'], d['line']) for d in created[1:6]],
                         [(main, marker_line(self.PROGRAM, m)) for m in 'abfgh'])
        by_seq = sorted(self.trace.events, key=lambda e: e[0])
        for d in created[1:6]:
            first = [i for i, e in enumerate(by_seq) if e[4] == d['obj']][0]
            made = [i for i, e in enumerate(by_seq) if e[5] == 'task_create' and e[6]['obj'] == d['obj']][0]
            self.assertLess(made, first, 'made before its first step is written')

    def test_a_thread_making_an_eager_task_lends_no_creator_to_another(self):
        created = {e[6]['coro']: e for e in self.trace.kind('task_create')}
        a, b = created['blocks_in_its_eager_step'], created['quick']  # (the last quick: thread B's)
        self.assertEqual(a[6]['parent'], created['in_thread_a'][6]['obj'])
        self.assertEqual(a[6]['line'], marker_line(self.PROGRAM, 'thread-a-create'))
        self.assertNotEqual(a[3], b[3], 'two threads')
        self.assertNotEqual(b[6]['parent'], created['in_thread_a'][6]['obj'])
        self.assertNotEqual(b[6]['line'], a[6]['line'])

    def test_given_names_arrive_as_renames(self):
        created = {e[6]['obj']: e[6] for e in self.trace.kind('task_create') if not e[6]['internal']}
        final = {o: d['name'] for o, d in created.items()}
        for e in self.trace.kind('task_name'):
            final[e[6]['obj']] = e[6]['name']
        self.assertEqual(sorted(n for n in final.values() if not n.startswith('Task-') and n != 'None'),
                         ['eager-quick', 'eager-slow', 'tg-quick', 'tg-slow'])

    def test_each_task_ends_once(self):
        created = [e[6]['obj'] for e in self.trace.kind('task_create') if not e[6]['internal']]
        ends = [e[6]['obj'] for e in self.trace.kind('task_done')]
        ends += [e[4] for e in self.trace.kind('return') if len(e[6]) > 2 and e[6][2] == 1]
        self.assertEqual(sorted(o for o in ends if o in created), sorted(created))


class AsyncioAbandonedTask(TraceCase):
    """The tracer holds no reference to a task: an abandoned pending one is destroyed and its
    coroutine closed by the garbage collector as untraced (same output, same order).

    One detail is left out of the comparison: whether the task's repr says its coroutine is "running
    at" or "done". The collector finalises the task/coroutine cycle in the order the two sit in its
    lists, and that flips when a young-generation collection falls between the coroutine's and the
    task's creation - which any allocation of the tracer's at create_task can cause (the README's trust
    section lists it)."""
    PROGRAM = 'asyncio_abandoned.py'

    def test_same_stdout_and_stderr_as_untraced(self):
        import re
        from tracing import run_untraced
        out, err, code = run_untraced(self.PROGRAM)

        def stable(text):
            text = re.sub('0x[0-9a-f]+', '0x?', text)
            return re.sub(r'coro=<(\w+)\(\) (running at|done, defined at) ([^>]*):\d+>', r'coro=<\1() <state> \3>', text)
        self.assertEqual((self.trace.stdout, stable(self.trace.stderr), self.trace.code), (out, stable(err), code))
        self.assertEqual(out, 'closed\ncollected\n')
        self.assertIn('Task was destroyed but it is pending!', err)


class AsyncioSharedGenerator(TraceCase):
    """A coroutine's events carry the task it runs in; a generator's carry whichever task resumed it."""
    PROGRAM = 'asyncio_shared_generator.py'

    def test_each_step_of_the_generator_belongs_to_the_task_that_ran_it(self):
        self.assertRanOk()
        tasks = {e[6]['obj']: e[6]['name'] for e in self.trace.kind('task_create')}
        counter = [c['id'] for c in self.trace.codes().values() if c['name'] == 'counter'][0]
        step = [c['id'] for c in self.trace.codes().values() if c['name'] == 'step'][0]
        steps = [tasks.get(e[4]) for e in sorted(self.trace.events, key=lambda e: e[0])
                 if e[5] in ('call', 'resume') and e[6][0] == counter]
        self.assertEqual(steps, ['a', 'b', 'a', 'b'])
        for e in self.trace.events:
            if e[5] in ('call', 'yield', 'resume', 'return') and e[6][0] == step:
                self.assertIn(tasks.get(e[4]), ('a', 'b'))
        printed = [tasks.get(e[4]) + ' ' + e[6]['text'] for e in self.trace.prints()]
        self.assertEqual(sorted(printed), ['a a 1', 'a a 3', 'b b 2', 'b b 4'])


if __name__ == '__main__':
    unittest.main()


class AsyncioFoldedEvents(TraceCase):
    """Two events less per sleep and one less per task, as written: an asyncio.sleep awaited by a
    recorded coroutine carries that frame's code id and CPU clock and stands for its yield and
    resume; a task's coroutine that returns ends its task ok with its return ([codeId, cpuNs, 1])."""
    PROGRAM = 'asyncio_folded.py'

    def written(self, name):
        """Kinds and data of the raw events of the task named `name`, in order, and its serial."""
        serial = [e[6]['obj'] for e in self.trace.raw if e[5] == 'task_create' and e[6]['name'] == name][0]
        return [(e[5], e[6]) for e in sorted(self.trace.raw, key=lambda e: e[0])
                if e[4] == serial and e[5] not in ('code', 'limit')], serial

    def cid(self, name):
        return [e[6]['id'] for e in self.trace.raw if e[5] == 'code' and e[6]['name'] == name][0]

    def raw_done(self, serial):
        return [e[6] for e in self.trace.raw if e[5] == 'task_done' and e[6]['obj'] == serial]

    def test_runs_as_untraced(self):
        self.assertRanOk()
        self.assertEqual(self.trace.stdout, "['napped', 'outer', 'CancelledError', 'ValueError', 'ticked']\n")

    def test_a_sleeping_task_writes_call_sleep_slept_return(self):
        events, serial = self.written('nap')
        nap = self.cid('nap')
        self.assertEqual([k for k, _ in events], ['call', 'sleep', 'slept', 'return'])
        (_, call), (_, sleep), (_, slept), (_, ret) = events
        self.assertEqual((sleep[0], sleep[2], sleep[3]), (nap, 0.01, 7))
        self.assertEqual((slept[0], slept[2]), (nap, 0.01))
        self.assertEqual((ret[0], ret[2]), (nap, 1), 'the return ends the task ok')
        self.assertTrue(call[1] <= sleep[1] <= slept[1] <= ret[1], 'the CPU clock runs on through them')
        self.assertEqual(self.raw_done(serial), [], 'no task_done of its own')

    def test_only_the_frame_awaiting_the_sleep_folds_its_suspension(self):
        events, _ = self.written('outer')
        outer, inner = self.cid('outer'), self.cid('inner')
        self.assertEqual([(k, d[0]) for k, d in events], [
            ('call', outer), ('call', inner), ('sleep', inner), ('yield', outer),
            ('resume', outer), ('slept', inner), ('return', inner), ('return', outer)])
        self.assertEqual(len(events[6][1]), 2, "inner's return ends no task")
        self.assertEqual(events[7][1][2], 1)

    def test_other_ends_are_written_after_the_return(self):
        for name, state, raised in (('cancelled', 'cancelled', []), ('fails', 'error', ['exc'])):
            events, serial = self.written(name)
            self.assertEqual([k for k, _ in events], ['call', 'sleep', 'slept'] + raised + ['return'], name)
            self.assertEqual(len(events[-1][1]), 2, name)
            self.assertEqual([d['state'] for d in self.raw_done(serial)], [state])
        self.assertEqual(self.written('cancelled')[0][2][1][2], 10, 'a cancelled sleep still wakes')

    def test_every_sleep_of_a_recorded_frame_folds(self):
        events, _ = self.written('ticks')
        self.assertEqual([k for k, _ in events], ['call'] + ['sleep', 'slept'] * 3 + ['return'])
        self.assertTrue(all(type(d) is list for _, d in events))
        self.assertEqual([e for e in self.trace.raw if e[5] in ('yield', 'resume') and e[6][0] in (self.cid('ticks'), self.cid('nap'))], [])


class AsyncioFoldedPastTheBudget(TraceCase):
    """A wake counts against the budget as a resume does; past it, a sleep no longer stands for a
    suspension (none is shown) and is written as a plain marker."""
    PROGRAM = 'asyncio_folded.py'
    BUDGET = 2

    def test_sleeps_past_the_budget_are_plain(self):
        self.assertRanOk()
        ticks = [e[6]['id'] for e in self.trace.raw if e[5] == 'code' and e[6]['name'] == 'ticks'][0]
        serial = [e[6]['obj'] for e in self.trace.raw if e[5] == 'task_create' and e[6]['name'] == 'ticks'][0]
        events = [e for e in sorted(self.trace.raw, key=lambda e: e[0]) if e[4] == serial and e[5] in ('sleep', 'slept')]
        self.assertEqual([(e[5], type(e[6]).__name__) for e in events],
                         [('sleep', 'list'), ('slept', 'list'), ('sleep', 'dict'), ('slept', 'dict'), ('sleep', 'dict'), ('slept', 'dict')])
        self.assertEqual(events[0][6][0], ticks)
        spans = [e[5] for e in self.trace.raw if e[5] in ('call', 'yield', 'resume', 'return') and e[6][0] == ticks]
        self.assertEqual(spans, ['call', 'return'])


class AsyncioCancelKinds(TraceCase):
    """cancel() is recorded for tasks made with create_task, asyncio.Task(...), ensure_future and
    (3.12+) the eager task factory, and the program still sees asyncio's own Task type. A task
    cancelled before it started (its coroutine never runs) ends too."""
    PROGRAM = 'asyncio_cancel_kinds.py'

    def test_same_output_as_untraced(self):
        from tracing import run_untraced
        out, _, code = run_untraced(self.PROGRAM)
        self.assertEqual((self.trace.stdout, self.trace.code), (out, code))
        self.assertIn('create_task True True CancelledError', out)

    def test_every_cancel_recorded(self):
        tasks = {e[6]['obj']: e[6] for e in self.trace.kind('task_create') if e[6]['coro'] == 'forever'}
        expected = 5 if sys.version_info >= (3, 12) else 4
        self.assertEqual(len(tasks), expected)
        cancelled = sorted(e[6]['obj'] for e in self.trace.kind('task_cancel'))
        self.assertEqual(cancelled, sorted(tasks))
        done = {e[6]['obj']: e[6]['state'] for e in self.trace.kind('task_done') if e[6]['obj'] in tasks}
        self.assertEqual(set(done.values()), {'cancelled'})
        self.assertEqual(len(done), expected)


@unittest.skipUnless(hasattr(os, 'fork'), 'needs fork')
class AsyncioForkWhileSleeping(TraceCase):
    """A sleep that began before a fork ends in the child too, where the parent's code ids mean
    nothing: the child writes a plain wake, not one that stands for a resume."""
    PROGRAM = 'asyncio_fork_sleep.py'

    def test_the_child_wakes_plainly(self):
        self.assertRanOk()
        self.assertEqual(sorted(self.trace.stdout.split('\n')), ['', 'child napped', 'parent napped'])
        parent = self.trace.main_pid()
        children = {e[2] for e in self.trace.raw} - {parent}
        self.assertEqual(len(children), 1)
        child = children.pop()
        slept = [e for e in self.trace.raw if e[5] == 'slept']
        self.assertEqual([type(e[6]).__name__ for e in slept if e[2] == child], ['dict'])
        self.assertEqual([type(e[6]).__name__ for e in slept if e[2] == parent], ['list', 'list'])


class AsyncioGathers(TraceCase):
    """A gather is named by its children, as the program wrote it ("await gather(3 tasks)"): the count is
    the awaitables the program passed (asyncio's _GatheringFuture holds one child per argument)."""
    PROGRAM = 'asyncio_gathers.py'

    def test_the_program_cannot_tell(self):
        self.assertSameStdoutAsUntraced()

    def test_awaits_and_ends_carry_the_child_count(self):
        awaits = [e for e in self.trace.kind('await') if e[6].get('what') == 'gather']
        # three, twice, the nested one's outer gather, failing (the inner gather is awaited by no task;
        # the empty one is done at once)
        self.assertEqual([e[6].get('count') for e in awaits], [3, 2, 2, 2], awaits)
        ends = {e[6]['obj']: e for e in self.trace.kind('future_done')}
        for a in awaits:
            end = ends.get(a[6]['target'])
            self.assertIsNotNone(end, 'every awaited gather ends: %r' % (a,))
            self.assertEqual((end[6].get('what'), end[6].get('count')), ('gather', a[6]['count']))
        inner = [e for e in ends.values() if e[6]['obj'] not in {a[6]['target'] for a in awaits}]
        self.assertEqual([(e[6].get('what'), e[6].get('count')) for e in inner], [('gather', 2), ('gather', 0)],
                         'the nested one\'s inner gather and the empty one (done at once) end named too')

    def test_each_end_carries_the_line_that_called_gather(self):
        # A gather ends in the event loop, outside the program's frames: its end says where asyncio.gather
        # was called (in the order they were made: the nested one's inner gather before its outer one).
        ends = sorted(self.trace.kind('future_done'), key=lambda e: e[6]['obj'])
        self.assertEqual([e[6].get('line') for e in ends],
                         [marker_line(self.PROGRAM, m) for m in ('three', 'twice', 'nested', 'nested', 'failing', 'empty')],
                         ends)


class AsyncioGatherAwaits(TraceCase):
    """The await of a gather links to the line of that await (the program's frame as it suspends), not to
    its coroutine's `async def` line; its end, to the line that called gather."""
    PROGRAM = 'asyncio_gather_awaits.py'

    def test_the_program_cannot_tell(self):
        self.assertSameStdoutAsUntraced()

    def test_each_await_carries_its_own_line(self):
        awaits = [e for e in self.trace.kind('await') if e[6].get('what') == 'gather']
        self.assertEqual([e[6].get('line') for e in awaits],
                         [marker_line(self.PROGRAM, m) for m in ('same', 'later', 'helper', 'multi')], awaits)
        # the end of the one made on an earlier line links to where it was made
        ends = {e[6]['obj']: e for e in self.trace.kind('future_done')}
        self.assertEqual(ends[awaits[1][6]['target']][6].get('line'), marker_line(self.PROGRAM, 'made'))

    def test_other_awaits_carry_no_line(self):
        # (the cost stays on gathers: a task's or a sleep's await is written as before)
        others = [e for e in self.trace.kind('await') if e[6].get('what') != 'gather']
        self.assertTrue(others)
        self.assertFalse([e for e in others if 'line' in e[6]], others)


@unittest.skipIf(VERSION >= (3, 12), '3.12+ traces every process with sys.monitoring')
class AsyncioGatherAwaitsSettrace(AsyncioGatherAwaits):
    """The same under the settrace fallback (3.8-3.11: a child started on the program file itself)."""

    @classmethod
    def setUpClass(cls):
        cls.trace = run_traced(cls.PROGRAM, extra_env={'CONCURRENCY_LAB_MECHANISM': 'settrace'})

    def test_traced_with_settrace(self):
        self.assertEqual(self.trace.kind('meta')[0][6].get('mechanism'), 'settrace')
