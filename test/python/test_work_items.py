"""Pool work items: work_begin/work_end around each item a pool worker runs, on the worker's lane, with
what it runs as short safe text (a program __repr__ never runs), for ThreadPoolExecutor,
ProcessPoolExecutor and multiprocessing.Pool."""
from tracing import TraceCase


class PoolWorkItems(TraceCase):
    PROGRAM = 'pool_items.py'

    def items(self):
        """(pid, tid, what it runs) of each work item, checked to end on the lane it began on."""
        submits = {(e[2], e[6]['obj']): '%s(%s)' % (e[6]['fn'], e[6]['args']) for e in self.trace.kind('future_submit')}
        open_, out = {}, []
        for e in self.trace.events:
            lane = (e[2], e[3])
            if e[5] == 'work_begin':
                self.assertNotIn(lane, open_, 'one item at a time per worker: %r' % (e,))
                d = e[6]
                if 'obj' in d:
                    what = submits[(e[2], d['obj'])]
                elif 'items' in d:
                    what = '%s x %d: %s' % (d['fn'], d['n'], d['items'])
                else:
                    what = '%s(%s)' % (d['fn'], d['args'])
                open_[lane] = what
            elif e[5] == 'work_end':
                out.append((e[2], e[3], open_.pop(lane)))
        self.assertEqual(open_, {}, 'every item ended')
        return out

    def test_the_program_cannot_tell(self):
        self.assertSameStdoutAsUntraced()
        self.assertNotIn('repr ran', self.trace.stderr)

    def test_thread_pool_items_run_on_its_workers(self):
        main = self.trace.main_pid()
        names = self.trace.thread_names(main)
        items = [(names.get((p, t)), what) for p, t, what in self.items() if p == main]
        self.assertEqual(sorted(what for _, what in items),
                         ['len([<Secret object>, \'ab\'])', 'work(1)', 'work(2)', 'work(3)'])
        self.assertTrue(all(n and n.startswith('ThreadPoolExecutor-') for n, _ in items), items)

    def test_process_pool_and_multiprocessing_pool_items_run_in_workers(self):
        main = self.trace.main_pid()
        items = sorted(what for p, _, what in self.items() if p != main)
        self.assertEqual(items, ['abs(-4)', 'abs(-5)', 'divmod(17, 5)',
                                 'work x 2: [0, 1]', 'work x 2: [2, 3]', 'work x 2: [4, 5]'])

    def test_each_item_spans_the_call_it_runs(self):
        # The program's own function runs inside its work item on the worker's lane.
        codes = self.trace.codes()
        depth = {}
        inside = []
        for e in self.trace.events:
            lane = (e[2], e[3])
            if e[5] == 'work_begin':
                depth[lane] = True
            elif e[5] == 'work_end':
                depth.pop(lane, None)
            elif e[5] == 'call' and codes.get((e[2], e[6][0]), {}).get('name') == 'work':
                inside.append(depth.get(lane, False))
        self.assertEqual(len(inside), 9, 'work() ran 3 times in threads and 6 in processes')
        self.assertTrue(all(inside), inside)
