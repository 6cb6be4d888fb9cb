"""Python 3.8-3.11 trace the program by rewriting its source (calls_ast); settrace is the fallback.
The same checks run on 3.12+ (sys.monitoring), where they hold too."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from tracing import PY, TRACER_DIR, TraceCase, VERSION, marker_line, run_traced, run_untraced, untraced_env

REWRITES = VERSION < (3, 12)
SETTRACE = {'CONCURRENCY_LAB_MECHANISM': 'settrace'}


def mechanisms(trace):
    return {e[6]['mechanism'] for e in trace.kind('meta')}


class SpanChecks(object):
    """Checks on rewrite_cases.py, shared by the rewrite run and the settrace run."""
    PROGRAM = 'rewrite_cases.py'
    MECHANISM = 'ast'

    def code(self, name):
        found = [c for c in self.trace.codes(self.trace.main_pid()).values() if c['name'] == name]
        self.assertEqual(len(found), 1, name)
        return found[0]

    def events(self, kind, name):
        cid = self.code(name)['id']
        return [e for e in self.trace.kind(kind, self.trace.main_pid()) if e[6][0] == cid]

    def counts(self, name):
        return tuple(len(self.events(k, name)) for k in ('call', 'yield', 'resume', 'return'))

    def test_same_output_and_tracebacks_as_untraced(self):
        out, err, code = run_untraced(self.PROGRAM)
        self.assertEqual(self.trace.stdout, out)
        self.assertEqual(self.trace.stderr, err)
        self.assertEqual(self.trace.code, code)
        self.assertIn('child+base+Child', out, 'super() and __class__ work')
        self.assertIn('in fails\n    raise RuntimeError("async boom")', out, 'the await chain traceback is intact')
        self.assertIn("callee_line:%d ['who_called', 'callee_line', '<module>']" % marker_line(self.PROGRAM, 'who-called'),
                      out, 'frames and their lines seen by sys._getframe/inspect are unchanged')

    def test_mechanism(self):
        expected = 'monitoring' if VERSION >= (3, 12) else self.MECHANISM
        self.assertEqual(mechanisms(self.trace), {expected})

    def test_span_lines(self):
        self.assertEqual(self.code('decorated')['line'], marker_line(self.PROGRAM, 'decorated-def'))
        hello = {c['line'] for c in self.trace.codes().values() if c['name'] == 'hello'}
        self.assertIn(marker_line(self.PROGRAM, 'method-def'), hello)
        self.assertEqual(self.code('<module>')['line'], 1)
        calls = self.events('call', 'who_called')
        self.assertEqual([e[6][2] for e in calls], [marker_line(self.PROGRAM, 'who-called')], 'call line = call site')

    def test_exceptions_recorded_once_where_raised(self):
        exc = self.trace.kind('exc')
        key = [e[6] for e in exc if e[6]['type'] == 'KeyError']
        self.assertEqual([(e['line'], e['uncaught']) for e in key], [(marker_line(self.PROGRAM, 'raise'), False)])
        boom = [e[6] for e in exc if e[6]['type'] == 'RuntimeError']
        self.assertEqual([e['line'] for e in boom], [marker_line(self.PROGRAM, 'async-raise')])
        self.assertFalse([e for e in exc if e[6]['type'] in ('StopIteration', 'GeneratorExit', 'StopAsyncIteration')])

    def test_plain_functions_and_recursion(self):
        self.assertEqual(self.counts('fact'), (10, 0, 0, 10))
        self.assertEqual(self.counts('finally_return'), (1, 0, 0, 1))
        self.assertEqual(self.counts('inner'), (2, 0, 0, 2), 'nested function with nonlocal')

    def test_coroutines_yield_only_when_they_suspend(self):
        self.assertEqual(self.counts('no_suspend'), (1, 0, 0, 1))
        self.assertEqual(self.counts('leaf'), (4, 4, 4, 4))
        self.assertEqual(self.counts('fails'), (1, 1, 1, 1))

    def test_awaited_task_is_named(self):
        amain_task = [e for e in self.trace.kind('task_create') if e[6]['coro'] == 'leaf']
        self.assertEqual(len(amain_task), 1)
        target = amain_task[0][6]['obj']
        self.assertIn(target, [e[6][2] for e in self.events('yield', 'amain')], 'amain yields on the task it awaits')
        self.assertIn(target, [e[6]['target'] for e in self.trace.kind('await')])


class RewrittenProgram(SpanChecks, TraceCase):
    # Exact generator counts: settrace reports an async generator's aclose() as a yield, and
    # sys.monitoring (3.12+) reports no resume when close() throws GeneratorExit in.
    def test_generators_send_close_throw(self):
        if not REWRITES:
            self.skipTest('exact counts are checked where the program is rewritten')
        self.assertEqual(self.counts('squares'), (2, 5, 5, 2), 'squares(3) by next/send, squares(2) by yield from')
        self.assertEqual(self.counts('closing'), (1, 1, 1, 1), 'close() resumes it with GeneratorExit, then it returns')
        self.assertEqual(self.counts('thrown'), (1, 2, 2, 1), 'throw() resumes it; it yields again; close() ends it')

    def test_async_generators(self):
        if not REWRITES:
            self.skipTest('exact counts are checked where the program is rewritten')
        # ticks(3) and ticks(2) fully: 5 sleeps + 5 yields; ticks(5): 1 sleep + 1 yield, then aclose() resumes it.
        self.assertEqual(self.counts('ticks'), (3, 12, 12, 3))

    def test_lambdas_and_class_bodies_are_not_spans(self):
        names = {c['name'] for c in self.trace.codes().values()}
        if REWRITES:
            self.assertNotIn('<lambda>', names)
            self.assertNotIn('Child', names)
        self.assertIn('describe', names, 'methods of an Enum are spans; the rewrite adds no members')


class SettraceFallbackByEnv(SpanChecks, TraceCase):
    MECHANISM = 'settrace'

    @classmethod
    def setUpClass(cls):
        cls.trace = run_traced(cls.PROGRAM, extra_env=SETTRACE)


class Budget(TraceCase):
    PROGRAM = 'rewrite_cases.py'
    BUDGET = 3

    def test_suppressed_calls_counted(self):
        self.assertEqual(self.trace.code, 0, self.trace.stderr)
        codes = self.trace.codes(self.trace.main_pid())
        fact = [c for c in codes.values() if c['name'] == 'fact'][0]['id']
        bump = [c for c in codes.values() if c['name'] == 'bump'][0]['id']
        self.assertEqual(len([e for e in self.trace.kind('call') if e[6][0] == fact]), 3)
        self.assertEqual(len([e for e in self.trace.kind('return') if e[6][0] == fact]), 3)
        limits = [e[6]['code'] for e in self.trace.kind('limit') if e[6]['what'] == 'calls']
        self.assertEqual(limits.count(fact), 1)
        self.assertNotIn(bump, limits, 'called twice: within the budget')
        suppressed = self.trace.kind('summary')[0][6]['suppressed_calls']
        # Past its budget a module-level function runs its original code: its calls go uncounted.
        self.assertEqual(suppressed[str(fact)], -1)
        self.assertNotIn(str(bump), suppressed)

    def test_resumes_count_against_the_budget(self):
        codes = self.trace.codes(self.trace.main_pid())
        ticks = [c for c in codes.values() if c['name'] == 'ticks'][0]['id']
        resumes = [e for e in self.trace.kind('resume') if e[6][0] == ticks]
        calls = [e for e in self.trace.kind('call') if e[6][0] == ticks]
        self.assertEqual(len(calls) + len(resumes), 3)


def run_source(name, source, untraced=False):
    """Write `source` to a temporary program file; (untraced run or None, traced run) of it."""
    folder = tempfile.mkdtemp(prefix='clab-test-')
    try:
        path = os.path.join(folder, name)
        with open(path, 'w') as f:
            f.write(source)
        plain = subprocess.run([PY, path], env=untraced_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE) \
            if untraced else None
        return plain, run_traced(None, program=path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def deeply_nested_program():
    """19 nested loops: compiles as written, but not with the two blocks the 3.8-3.11 rewrite adds
    around a function body (CPython allows 20), so the tracer must fall back to settrace."""
    loops = ['%sfor _ in [0]:' % (' ' * (4 + i)) for i in range(19)]
    return '\n'.join(['def deep():'] + loops + [' ' * 23 + "return 'deep'", '', '', 'def main():',
                                                  '    print(deep(), deep())', '', '', 'main()', ''])


class RewriteFailureFallsBackToSettrace(unittest.TestCase):
    def test_spans_still_recorded(self):
        untraced, t = run_source('deep.py', deeply_nested_program(), untraced=True)
        self.assertEqual(untraced.stdout.decode(), 'deep deep\n')
        self.assertEqual((t.stdout, t.stderr, t.code), ('deep deep\n', '', 0))
        names = [c['name'] for c in t.codes().values()]
        self.assertEqual(sorted(set(names) - {'<module>'}), ['deep', 'main'])
        deep = [c['id'] for c in t.codes().values() if c['name'] == 'deep'][0]
        self.assertEqual(len([e for e in t.kind('call') if e[6][0] == deep]), 2)


SELF_AS_CHILD = """import subprocess
import sys


def work(where):
    print("work in", where)


if sys.argv[1:] == ["child"]:
    work("child")
else:
    work("parent")
    subprocess.run([sys.executable, __file__, "child"])
"""


class WorkInParentAndChild(unittest.TestCase):
    def check(self, name, source):
        """The program's `work` ran in the main process and in one subprocess child, as a whole span in
        each; returns (trace, main pid, child pid)."""
        _, t = run_source(name, source)
        self.assertEqual((t.stdout, t.code), ('work in parent\nwork in child\n', 0), t.stderr)
        main = t.main_pid()
        child = [e[2] for e in t.kind('proc_begin') if e[6]['origin'] == 'subprocess']
        self.assertEqual(len(child), 1)
        codes = t.codes()
        spans = dict((kind, sorted(e[2] for e in t.kind(kind) if codes[(e[2], e[6][0])]['name'] == 'work'))
                     for kind in ('call', 'return'))
        self.assertEqual(spans['call'], sorted([main, child[0]]), 'work is a span in both processes')
        self.assertEqual(spans['return'], spans['call'])
        return t, main, child[0]


class ProgramRunDirectlyByAChild(WorkInParentAndChild):
    def test_child_falls_back_to_settrace(self):
        t, main, child = self.check('self_child.py', SELF_AS_CHILD)
        if REWRITES:
            meta = {e[2]: e[6]['mechanism'] for e in t.kind('meta')}
            self.assertEqual((meta[main], meta[child]), ('ast', 'settrace'))


IMPORTED_BY_A_CHILD = """import os
import subprocess
import sys


def work(where):
    print("work in", where)


if __name__ == "__main__":
    work("parent")
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run([sys.executable, "-c", "import by_name; by_name.work('child')"], cwd=here)
"""


class ProgramImportedByNameInAChild(WorkInParentAndChild):
    """The child gets the program's code from the import system (not from the tracer's compile):
    3.12+ switches events on for it as it is loaded, 3.8-3.11 trace that process with settrace."""

    def test_its_functions_are_spans_in_the_child(self):
        self.check('by_name.py', IMPORTED_BY_A_CHILD)


class SpawnChildrenReimportTheProgram(unittest.TestCase):
    def check(self, extra_env, mechanism):
        t = run_traced('processes_mp.py', ('spawn',), extra_env=extra_env)
        self.assertEqual(t.code, 0, t.stderr)
        children = {e[2] for e in t.kind('proc_begin') if e[6]['origin'] == 'multiprocessing' and not e[6]['internal']}
        self.assertTrue(children)
        codes = t.codes()
        square = {e[2] for e in t.kind('call') if codes[(e[2], e[6][0])]['name'] == 'square'}
        self.assertTrue(square and square <= children, 'square runs (and is recorded) in the spawned workers')
        if VERSION < (3, 12):
            self.assertEqual({e[6]['mechanism'] for e in t.kind('meta') if e[2] in children}, {mechanism})

    def test_rewritten_in_children(self):
        self.check(None, 'ast')

    def test_settrace_in_children(self):
        self.check(SETTRACE, 'settrace')


class PastTheBudget(TraceCase):
    """Past its budget a module- or class-level function gets its original code back (so its calls
    cost nothing); closures made on each call of their parent keep the rewritten code."""
    PROGRAM = 'budget_untrace.py'
    BUDGET = 3

    def test_functions_past_the_budget_run_their_original_code(self):
        self.assertRanOk()
        rewritten = VERSION < (3, 12)  # 3.12+ uses sys.monitoring and rewrites nothing
        self.assertEqual(self.trace.stdout.splitlines(), [
            'total 2450 method 20 closure 45',
            'rewritten: tiny False, Box.method False, called twice %s, closure %s' % (rewritten, rewritten),
        ])

    def test_spans_stop_at_the_budget_and_are_announced(self):
        codes = self.trace.codes(self.trace.main_pid())
        names = {c['id']: c['name'] for c in codes.values()}
        calls = [names[e[6][0]] for e in self.trace.kind('call', self.trace.main_pid())]
        for name in ('tiny', 'method', 'inner'):
            self.assertEqual(calls.count(name), 3, name)
        self.assertEqual(calls.count('twice'), 2)
        main = self.trace.main_pid()
        limited = sorted(names[e[6]['code']] for e in self.trace.kind('limit', main) if e[6]['what'] == 'calls')
        self.assertEqual(limited, ['inner', 'method', 'rewritten', 'tiny'])
        summary = self.trace.kind('summary', main)[0][6]
        suppressed = {names[int(k)]: v for k, v in summary['suppressed_calls'].items()}
        self.assertEqual(suppressed['tiny'], -1)
        self.assertEqual(suppressed['inner'], -1 if VERSION >= (3, 12) else 7)  # still rewritten: counted

    def test_a_fork_child_records_its_own_calls_again(self):
        pids = [p for p in self.trace.by_pid() if p != self.trace.main_pid()]
        if not pids:
            self.skipTest('no fork on this platform')
        names = {c['id']: c['name'] for c in self.trace.codes(pids[0]).values()}
        calls = [names[e[6][0]] for e in self.trace.kind('call', pids[0])]
        self.assertEqual(calls.count('tiny'), 3)


CACHED = """import threading  # %s


class Box(object):
    def get(self):
        raise ValueError('from ' + __file__)

    def where(self):
        return 'from ' + __file__


def main():
    box_lock = threading.Lock()
    print(Box().where())
    Box().get()


main()
"""


class ProgramCache(unittest.TestCase):
    """A program compiled (3.8-3.11: rewritten) before is taken from program_cache, with the file
    name of this run; the cache is private to its user and never next to the program or in the
    tracer's folder."""

    def setUp(self):
        self.cache_home = tempfile.mkdtemp(prefix='clab-cache-home-')
        self.addCleanup(shutil.rmtree, self.cache_home, True)
        self.folder = os.path.join(self.cache_home, 'concurrency-lab-tracer')

    def stored(self):
        """{file name: mtime_ns} of this Python's cache files."""
        prefix = 'program-code.%s.' % sys.implementation.cache_tag
        names = os.listdir(self.folder) if os.path.isdir(self.folder) else []
        return {n: os.stat(os.path.join(self.folder, n)).st_mtime_ns for n in names if n.startswith(prefix)}

    @property
    def cache(self):
        names = sorted(self.stored())
        self.assertEqual(len(names), 1, 'one program, one cache file')
        return os.path.join(self.folder, names[0])

    def run_in(self, folder, source):
        path = os.path.join(folder, 'cached.py')
        with open(path, 'w') as f:
            f.write(source)
        # (through launch.py: on 3.12+ the engine's root runs the file itself, and only spawn children,
        # which re-run it with runpy, compile it with the cache)
        return path, run_traced(None, program=path, cwd=folder, launcher=True,
                                extra_env={'PYTHONDONTWRITEBYTECODE': '', 'XDG_CACHE_HOME': self.cache_home})

    def test_second_run_from_another_folder(self):
        import uuid
        source = CACHED % uuid.uuid4()
        folders = [tempfile.mkdtemp(prefix='clab-test-') for _ in range(2)]
        try:
            path_a, a = self.run_in(folders[0], source)
            cache = self.cache
            stored = os.stat(cache)
            path_b, b = self.run_in(folders[1], source)
            self.assertEqual(os.stat(cache).st_mtime_ns, stored.st_mtime_ns, 'the second run did not compile')
        finally:
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
        for path, t in ((path_a, a), (path_b, b)):
            self.assertEqual(t.stdout, 'from %s\n' % path)
            self.assertIn('File "%s", line 6, in get' % path, t.stderr)
            self.assertEqual(t.code, 1)
            self.assertEqual(mechanisms(t), {'ast' if REWRITES else 'monitoring'})
            self.assertEqual({c['file'] for c in t.codes().values()}, {path})
            self.assertEqual([e[6].get('name') for e in t.kind('obj_new')], ['box_lock'],
                             'the names of its objects come with the cached code')
        shape = [[(e[5], e[6][0]) if e[5] in ('call', 'return') else (e[5], e[6].get('line'))
                  for e in t.events if e[5] in ('call', 'return', 'exc', 'code')] for t in (a, b)]
        self.assertEqual(shape[0], shape[1])

    def test_object_names_come_from_the_cache(self):
        """The run as the engine starts it (3.12+: the program file itself, which compiles nothing of
        ours) stores the names of the program's objects with its source, and a later run of the same
        source takes them from there instead of parsing the program again. Seen by changing the stored
        names: the second run must name the lock as the cache says."""
        import marshal
        import uuid
        source = CACHED % uuid.uuid4()
        folder = tempfile.mkdtemp(prefix='clab-test-')
        self.addCleanup(shutil.rmtree, folder, True)
        path = os.path.join(folder, 'cached.py')
        with open(path, 'w') as f:
            f.write(source)
        env = {'PYTHONDONTWRITEBYTECODE': '', 'XDG_CACHE_HOME': self.cache_home}
        first = run_traced(None, program=path, cwd=folder, extra_env=env)
        self.assertEqual([e[6].get('name') for e in first.kind('obj_new')], ['box_lock'])
        cache = self.cache  # (one file: the first run stored what it parsed)
        with open(cache, 'rb') as f:
            record = list(marshal.loads(f.read()))
        record[-1] = {line: 'named_by_the_cache' for line in record[-1]}
        with open(cache, 'wb') as f:
            f.write(marshal.dumps(tuple(record)))
        second = run_traced(None, program=path, cwd=folder, extra_env=env)
        self.assertEqual(second.stdout, 'from %s\n' % path)
        self.assertEqual([e[6].get('name') for e in second.kind('obj_new')], ['named_by_the_cache'],
                         'the second run parsed the program again')

    def files_under(self, top):
        return sorted(os.path.relpath(os.path.join(d, n), top) for d, _, names in os.walk(top) for n in names)

    def test_private_and_nowhere_else(self):
        import uuid
        folder = tempfile.mkdtemp(prefix='clab-test-')
        self.addCleanup(shutil.rmtree, folder, True)
        tracer_before = self.files_under(TRACER_DIR)
        _, t = self.run_in(folder, CACHED % uuid.uuid4())
        self.assertEqual(t.code, 1, t.stderr)
        self.assertEqual(self.files_under(folder), ['cached.py'], 'nothing is written next to the program')
        self.assertEqual([f for f in self.files_under(TRACER_DIR) if f not in tracer_before
                          and not f.endswith('.pyc')], [], 'nothing but our own bytecode in the tracer folder')
        self.assertEqual(os.stat(os.path.dirname(self.cache)).st_mode & 0o777, 0o700)
        self.assertEqual(os.stat(self.cache).st_mode & 0o777, 0o600)

    def test_untrusted_folder_is_not_used(self):
        """A cache folder open to others, or a symlink planted in its place, is neither read nor
        written (the run works, uncached)."""
        import uuid
        source = CACHED % uuid.uuid4()
        folder = tempfile.mkdtemp(prefix='clab-test-')
        self.addCleanup(shutil.rmtree, folder, True)
        elsewhere = tempfile.mkdtemp(prefix='clab-elsewhere-')
        self.addCleanup(shutil.rmtree, elsewhere, True)
        os.symlink(elsewhere, self.folder)
        _, t = self.run_in(folder, source)
        self.assertEqual((t.code, t.stdout.startswith('from ')), (1, True), t.stderr)
        self.assertEqual(os.listdir(elsewhere), [], 'wrote through a planted symlink')
        os.remove(self.folder)
        os.mkdir(self.folder, 0o700)
        os.chmod(self.folder, 0o777)
        _, t = self.run_in(folder, source)
        self.assertEqual((t.code, t.stdout.startswith('from ')), (1, True), t.stderr)
        self.assertEqual(os.listdir(self.folder), [], 'used a folder others can write')

    def test_programs_run_in_turn_stay_cached(self):
        """Two programs run in turn (a user switching files, or two runs at once) each keep their
        compiled code: running the first again compiles nothing."""
        import uuid
        folder = tempfile.mkdtemp(prefix='clab-test-')
        self.addCleanup(shutil.rmtree, folder, True)
        first = CACHED % uuid.uuid4()
        second = first + '\n# the second program\n'
        self.run_in(folder, first)
        self.run_in(folder, second)
        before = self.stored()
        self.assertEqual(len(before), 2, 'each program has its own cache file')
        _, t = self.run_in(folder, first)
        self.assertEqual(t.code, 1, t.stderr)
        self.assertEqual(self.stored(), before, 'the first program was compiled again')


if __name__ == '__main__':
    unittest.main()
