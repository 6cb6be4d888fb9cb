"""The explorer's traced replay (concurrency_lab_explore/replay_trace.py, "Open in Timeline") records what
a traced run of the same program records: sleeps, queue traffic under the queue's own name, asyncio
tasks with their awaits, sleeps and cancellations, in the replayed order, on every Python. A traced
replay prints and ends as the untraced replay of its seed does."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from tracing import ROOT, TRACER_DIR, load_events, run_traced, unfold, untraced_env

EXPLORE = os.path.join(TRACER_DIR, 'explore.py')
FIXTURES = os.path.join(ROOT, 'test', 'fixtures', 'explore', 'traced')
SEEDS = (0, 1, 2, 3)  # two PCT depths, a deeper PCT and a random walk (see scheduler.strategy_for)
# What a lane shows as marks and waits (not spans, code records or the explorer's own sched_pick/races).
SHOWN = frozenset(('sleep', 'slept', 'queue_put', 'queue_get', 'queue_get_wait', 'task_create', 'task_cancel',
                   'task_done', 'task_name', 'await', 'awake', 'future_done', 'io_wait', 'io_done', 'print',
                   'thread_start', 'thread_begin', 'thread_end', 'thread_join', 'thread_joined', 'exc',
                   'lock_wait', 'lock_acquired', 'lock_release', 'event_set', 'event_wait', 'event_woken'))


def fixture(name):
    return os.path.join(FIXTURES, name)


def replay(path, seed, traced=True):
    """(record, events) of one seed's schedule replayed by the explorer; events None untraced."""
    out_dir = tempfile.mkdtemp(prefix='clab-replay-') if traced else None
    try:
        args = [sys.executable, EXPLORE, path, '--replay', str(seed)] + (['--trace-dir', out_dir] if traced else [])
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=untraced_env(),
                           cwd=os.path.dirname(path), timeout=120)
        records = [json.loads(line) for line in p.stdout.decode('utf-8').splitlines() if line.strip()]
        runs = [r for r in records if r['type'] == 'run']
        if len(runs) != 1:
            raise AssertionError('no schedule replayed: %r %s' % (records, p.stderr.decode('utf-8', 'replace')))
        return runs[0], (unfold(load_events(out_dir)) if traced else None)
    finally:
        if out_dir:
            shutil.rmtree(out_dir, ignore_errors=True)


def lanes_of(events):
    """Each event's lane name: its task's name (task_create) when a task wrote it, else its thread's."""
    threads = {1: 'MainThread'}
    tasks = {}
    out = []
    for e in events:
        if e[5] == 'thread_begin':
            threads[e[3]] = e[6]['name']
        elif e[5] == 'task_create':
            tasks[e[6]['obj']] = e[6]['name']
        out.append((tasks.get(e[4], '?') if e[4] else threads.get(e[3], '?'), e))
    return out


def kinds_by_lane(events, leave_out=()):
    lanes = {}
    for lane, e in lanes_of(events):
        if e[5] in SHOWN and e[5] not in leave_out:
            lanes.setdefault(lane, set()).add(e[5])
    return lanes


def counts(events, kinds):
    return dict((k, sum(1 for e in events if e[5] == k)) for k in kinds)


def names(events):
    """obj -> the name the program gave it (obj_new)."""
    return dict((e[6]['obj'], e[6].get('name')) for e in events if e[5] == 'obj_new')


class SameOutcome(object):
    """A traced replay is the schedule the untraced replay of its seed runs: the same decisions, output
    and end (what it records changes nothing the program or the scheduler sees)."""
    program = None

    def replays(self):
        """(seed, record, events) of the traced replay of each seed, and the events of a traced run."""
        real = run_traced(None, program=self.program).events
        return real, [(seed,) + replay(self.program, seed) for seed in SEEDS]

    def test_a_traced_replay_prints_and_ends_as_the_untraced_one(self):
        for seed in SEEDS:
            traced, _ = replay(self.program, seed)
            plain, _ = replay(self.program, seed, traced=False)
            for key in ('stdout', 'exitCode', 'failure', 'decisions'):
                self.assertEqual(traced[key], plain[key], (seed, key))


class ThreadsAndQueues(SameOutcome, unittest.TestCase):
    program = fixture('queue_sleeps.py')

    def test_sleeps_and_queue_traffic_as_a_traced_run_records_them(self):
        real, replays = self.replays()
        self.assertEqual(counts(real, ('sleep', 'slept', 'queue_put', 'queue_get')),
                         {'sleep': 8, 'slept': 8, 'queue_put': 5, 'queue_get': 5})
        for seed, record, events in replays:
            self.assertIsNone(record['failure'], seed)
            self.assertEqual(counts(events, ('sleep', 'slept', 'queue_put', 'queue_get')),
                             counts(real, ('sleep', 'slept', 'queue_put', 'queue_get')), seed)
            # whether the consumer finds the queue empty is the schedule's (virtual time): compared alone below
            self.assertEqual(kinds_by_lane(events, ('queue_get_wait',)), kinds_by_lane(real, ('queue_get_wait',)), seed)
            # the queue is called what the program calls it, as when traced
            shown = names(events)
            self.assertEqual(set(shown[e[6]['obj']] for e in events if e[5].startswith('queue_')), {'jobs'}, seed)
            self.assertEqual(set(names(real)[e[6]['obj']] for e in real if e[5].startswith('queue_')), {'jobs'})

    def test_each_get_names_the_put_it_received_in_the_replayed_order(self):
        for seed in SEEDS:
            _, events = replay(self.program, seed)
            events = sorted(events, key=lambda e: e[0])  # one process: seq is the replayed order
            put_at = dict((e[6]['item'], e[0]) for e in events if e[5] == 'queue_put')
            gets = [e for e in events if e[5] == 'queue_get']
            self.assertEqual([g[6]['item'] for g in gets], [1, 2, 3, 4, 5], seed)  # FIFO: the n-th get, the n-th put
            for g in gets:
                self.assertLess(put_at[g[6]['item']], g[0], 'put %d before its get (seed %d)' % (g[6]['item'], seed))
            lanes = dict((e[0], lane) for lane, e in lanes_of(events))
            self.assertEqual(set(lanes[e[0]] for e in events if e[5] == 'queue_put'), {'producer'})
            self.assertEqual(set(lanes[g[0]] for g in gets), {'consumer'})
            # a get that waited was announced by a wait on its lane, the queue empty then (all puts taken)
            taken = 0
            for e in events:
                if e[5] == 'queue_get_wait':
                    self.assertEqual(lanes[e[0]], 'consumer')
                    self.assertEqual(sum(1 for x in events if x[5] == 'queue_put' and x[0] < e[0]), taken, seed)
                elif e[5] == 'queue_get':
                    taken += 1
            # sleeps on the lane that slept, each 'slept' after its 'sleep'
            for lane in ('producer', 'consumer'):
                mine = [e[5] for e in events if lanes[e[0]] == lane and e[5] in ('sleep', 'slept')]
                self.assertEqual(mine, ['sleep', 'slept'] * (len(mine) // 2), (seed, lane))
                self.assertTrue(mine, lane)


class AsyncioTasks(SameOutcome, unittest.TestCase):
    program = fixture('asyncio_tasks.py')

    def test_task_lanes_awaits_sleeps_and_the_cancel_as_a_traced_run_records_them(self):
        real, replays = self.replays()
        for seed, record, events in replays:
            self.assertIsNone(record['failure'], seed)
            self.assertEqual(record['stdout'], 'fast done\nslow cancelled\nmain done\n')
            created = [e[6]['name'] for e in events if e[5] == 'task_create']
            self.assertEqual(created, [e[6]['name'] for e in real if e[5] == 'task_create'], seed)
            self.assertIn('fast', created)
            self.assertIn('slow', created)
            self.assertEqual(kinds_by_lane(events), kinds_by_lane(real), seed)
            by_lane = dict((e[0], lane) for lane, e in lanes_of(events))
            tasks = dict((e[6]['obj'], e[6]['name']) for e in events if e[5] == 'task_create')
            self.assertEqual([tasks[e[6]['obj']] for e in events if e[5] == 'task_cancel'], ['slow'], seed)
            done = dict((tasks[e[6]['obj']], e[6]['state']) for e in events if e[5] == 'task_done')
            self.assertEqual((done['fast'], done['slow']), ('ok', 'cancelled'), seed)
            self.assertEqual(sorted(by_lane[e[0]] for e in events if e[5] == 'sleep'), ['fast', 'slow'], seed)
            # in the replayed order: the cancel comes after fast's sleep ended and before slow is done
            seq = dict((k, [e[0] for e in events if e[5] == k]) for k in ('slept', 'task_cancel'))
            slow_done = [e[0] for e in events if e[5] == 'task_done' and tasks[e[6]['obj']] == 'slow']
            self.assertLess(min(seq['slept']), seq['task_cancel'][0], seed)
            self.assertLess(seq['task_cancel'][0], slow_done[0], seed)


class ThreadPool(SameOutcome, unittest.TestCase):
    program = fixture('thread_pool.py')

    def test_submits_work_items_and_results_as_a_traced_run_records_them(self):
        real, replays = self.replays()
        kinds = ('future_submit', 'future_done', 'future_read', 'work_begin', 'work_end')
        self.assertEqual(counts(real, kinds), dict((k, 5) for k in kinds))
        for seed, record, events in replays:
            self.assertEqual(record['stdout'], '5\n[1, 4]\n', seed)
            self.assertEqual(counts(events, kinds), counts(real, kinds), seed)
            lanes = dict((e[0], lane) for lane, e in lanes_of(events))
            self.assertEqual(set(lanes[e[0]] for e in events if e[5] == 'future_submit'), {'MainThread'}, seed)
            workers = set(lanes[e[0]] for e in events if e[5] in ('work_begin', 'work_end', 'future_done'))
            self.assertTrue(workers and all(w.startswith('ThreadPoolExecutor-') for w in workers), workers)
            # a result wait names the future it waits for, as in a traced run
            for e in events:
                if e[5] == 'result_wait':
                    self.assertIn(e[6]['what'], ('result', 'Executor.map'), seed)


class SimpleQueues(SameOutcome, unittest.TestCase):
    program = fixture('simple_queue.py')

    def test_puts_and_gets_named_and_linked_as_a_traced_run_records_them(self):
        real, replays = self.replays()
        for seed, record, events in replays:
            self.assertEqual(record['stdout'], 'got 0\ngot 1\ngot 2\n', seed)
            self.assertEqual(counts(events, ('queue_put', 'queue_get')), counts(real, ('queue_put', 'queue_get')), seed)
            shown = names(events)
            self.assertEqual(set(shown[e[6]['obj']] for e in events if e[5].startswith('queue_')), {'inbox'}, seed)
            ordered = sorted(events, key=lambda e: e[0])
            put_at = dict((e[6]['item'], e[0]) for e in ordered if e[5] == 'queue_put')
            gets = [e for e in ordered if e[5] == 'queue_get']
            self.assertEqual([g[6]['item'] for g in gets], [1, 2, 3, 4], seed)
            for g in gets:
                self.assertLess(put_at[g[6]['item']], g[0], seed)


class Locks(unittest.TestCase):
    def test_a_wait_is_written_only_while_another_lane_holds_the_lock(self):
        """As a traced acquire writes 'lock_wait' only when it finds the lock held: a replayed acquire is
        also a scheduling point, where a lane passed over with the lock free has not waited for it."""
        program = os.path.join(ROOT, 'test', 'fixtures', 'explore', 'correct', 'locked_counter.py')
        waits = 0
        for seed in range(8):
            _, events = replay(program, seed)
            holder = {}  # lock serial -> the tid holding it
            for e in sorted(events, key=lambda e: e[0]):
                obj = e[6].get('obj') if isinstance(e[6], dict) else None
                if e[5] == 'lock_acquired' and e[6]['ok']:
                    holder[obj] = e[3]
                elif e[5] == 'lock_release':
                    holder.pop(obj, None)
                elif e[5] == 'lock_wait':
                    waits += 1
                    self.assertIn(obj, holder, 'a wait for a free lock (seed %d)' % seed)
                    self.assertNotEqual(holder[obj], e[3], seed)
            self.assertEqual(sum(1 for e in events if e[5] == 'lock_acquired'), 3, seed)
            self.assertEqual(set(names(events).values()), {'lock'}, seed)
        self.assertGreater(waits, 0, 'some schedule makes a thread wait for the lock')


if __name__ == '__main__':
    unittest.main()
