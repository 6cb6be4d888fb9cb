"""aio_idle (3.8-3.11): BaseEventLoop._run_once's code compiled again with its select call between the
rewrite's helpers, as invisible as the program's own rewrite: same lines (and 3.11's caret positions) for
every instruction asyncio's code had, the same locals, and the select call made by _run_once's frame.
(The Timeline's side of it, the idle band, is test_io_waits' test_asyncio_loop_idle.)"""
import dis
import marshal
import os
import shutil
import sys
import tempfile
import unittest
from unittest import mock

from tracing import TRACER_DIR

sys.path.insert(0, TRACER_DIR)
from concurrency_lab_tracer import aio_idle, program_cache  # noqa: E402

from asyncio import base_events  # noqa: E402

ORIGINAL = base_events.BaseEventLoop._run_once.__code__


def lines(code):
    return sorted({line for _, line in dis.findlinestarts(code) if line is not None})


@unittest.skipIf(sys.version_info >= (3, 12), '3.12+ sees the select call with sys.monitoring (io_calls)')
class RunOnceRewrite(unittest.TestCase):
    def setUp(self):
        self.new = aio_idle._rewritten(ORIGINAL)
        self.assertIsNotNone(self.new, 'asyncio\'s _run_once has its one self._selector.select(timeout) call')

    def test_same_code_shape(self):
        for attr in ('co_name', 'co_filename', 'co_firstlineno', 'co_varnames', 'co_argcount', 'co_freevars',
                     'co_cellvars', 'co_flags'):
            self.assertEqual(getattr(self.new, attr), getattr(ORIGINAL, attr), attr)
        if hasattr(ORIGINAL, 'co_qualname'):
            self.assertEqual(self.new.co_qualname, ORIGINAL.co_qualname)
        self.assertEqual(lines(self.new), lines(ORIGINAL), 'no line gained or lost (a settrace sees the same lines)')
        self.assertEqual(set(self.new.co_names) - set(ORIGINAL.co_names), {'__clab__', 'loop_wait', 'loop_woke'})

    @unittest.skipUnless(hasattr(ORIGINAL, 'co_positions'), '3.11: tracebacks underline by column')
    def test_same_positions(self):
        self.assertLessEqual(set(ORIGINAL.co_positions()), set(self.new.co_positions()),
                             'every position of asyncio\'s code is still there (the select call\'s carets)')

    def test_same_traceback_when_select_raises(self):
        """A signal handler's exception in select (a KeyboardInterrupt): the _run_once frame's lines, 3.11's
        carets included, read as asyncio's."""
        import builtins
        import collections
        import traceback
        import types

        class Interrupted(Exception):
            pass

        class Selector(object):
            def select(self, timeout):
                raise Interrupted()

        loop = types.SimpleNamespace(_scheduled=[], _ready=collections.deque(), _stopping=False,
                                     _timer_cancelled_count=0, _debug=False, _selector=Selector())

        def text(code):
            run_once = types.FunctionType(code, base_events.__dict__, '_run_once')
            try:
                run_once(loop)
            except Interrupted:
                return traceback.format_exc().split('\n', 3)[3]  # (from the _run_once frame down)
            self.fail('select raised')

        helpers = types.SimpleNamespace(loop_wait=aio_idle.loop_wait, loop_woke=aio_idle.loop_woke)
        with mock.patch.object(builtins, '__clab__', helpers, create=True), \
                mock.patch.object(aio_idle.core, 'emit_raw'), mock.patch.object(aio_idle.core, 'program_line_from'), \
                mock.patch.object(aio_idle.core, 'flush_before_wait'):
            self.assertEqual(text(self.new), text(ORIGINAL))
            aio_idle._waiting.clear()

    def test_bound_for_a_process_without_the_builtin(self):
        """A process traced with the settrace fallback has no __clab__ builtin: _bound makes the helpers a
        constant of the code, which keeps its size, lines and positions, runs them around the select call,
        and reads as asyncio's in a traceback."""
        import builtins
        import collections
        import traceback
        import types

        calls = []
        helpers = types.SimpleNamespace(loop_wait=lambda t: calls.append(('wait', t)) or t,
                                        loop_woke=lambda events: calls.append(('woke', events)) or events)
        bound = aio_idle._bound(self.new, helpers)
        self.assertIsNotNone(bound)
        self.assertFalse(hasattr(builtins, '__clab__'))
        self.assertEqual(len(bound.co_code), len(self.new.co_code))
        self.assertEqual(list(dis.findlinestarts(bound)), list(dis.findlinestarts(self.new)))
        if hasattr(ORIGINAL, 'co_positions'):
            self.assertEqual(list(bound.co_positions()), list(self.new.co_positions()))
        self.assertNotIn('__clab__', [i.argval for i in dis.get_instructions(bound) if i.opname == 'LOAD_GLOBAL'])

        class Interrupted(Exception):
            pass

        class Selector(object):
            fail = False

            def select(self, timeout):
                if self.fail:
                    raise Interrupted()
                return []

        loop = types.SimpleNamespace(_scheduled=[], _ready=collections.deque(), _stopping=False,
                                     _timer_cancelled_count=0, _debug=False, _selector=Selector(),
                                     _process_events=lambda events: None, time=lambda: 0.0, _clock_resolution=1e-9)

        def run(code):
            types.FunctionType(code, base_events.__dict__, '_run_once')(loop)

        run(bound)
        self.assertEqual(calls, [('wait', None), ('woke', [])])
        loop._selector.fail = True

        def text(code):
            try:
                run(code)
            except Interrupted:
                return traceback.format_exc().split('\n', 3)[3]  # (from the _run_once frame down)
            self.fail('select raised')

        self.assertEqual(text(bound), text(ORIGINAL))

    def test_cached_once_then_loaded(self):
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        with mock.patch.object(program_cache, 'folder', lambda create: folder), \
                mock.patch.object(sys, 'dont_write_bytecode', False), \
                mock.patch.object(aio_idle, '_rewritten', wraps=aio_idle._rewritten) as rewritten:
            first = aio_idle._cached(ORIGINAL)
            second = aio_idle._cached(ORIGINAL)
        self.assertEqual(rewritten.call_count, 1, 'the second process loads what the first stored')
        self.assertEqual(first, second)
        (name,) = os.listdir(folder)
        self.assertEqual(os.stat(os.path.join(folder, name)).st_mode & 0o777, 0o600)
        with open(os.path.join(folder, name), 'rb') as f:
            stamp, code = marshal.loads(f.read())
        self.assertEqual(code, first)


class FlushUnlessReady(unittest.TestCase):
    """Where the loop's idle wait is not seen (3.12+: the program took the sys.monitoring ids, which the
    catalogue's event_loop_ready_reads checks; 3.8-3.11: _run_once could not be rewritten, which no program
    can cause), a task's wait writes pending events unless the loop has callbacks ready: asked of the
    loop's own instance dict, never through a program loop class's attributes."""

    def setUp(self):
        import asyncio
        from concurrency_lab_tracer import aio, core
        self.asyncio = asyncio
        self.flushes = []
        patcher = mock.patch.object(core, 'flush_before_wait', lambda timeout=None: self.flushes.append(timeout))
        patcher.start()
        self.addCleanup(patcher.stop)
        self.loop = None
        self.flush = aio._flush_unless_ready(lambda: self.loop, asyncio.AbstractEventLoop)

    def test_flushes_only_when_nothing_is_ready(self):
        self.loop = self.asyncio.new_event_loop()
        self.addCleanup(self.loop.close)
        self.flush(1.5)
        self.loop.call_soon(print)
        self.flush(2.5)
        self.assertEqual(self.flushes, [1.5])
        self.loop = None
        self.flush()
        self.assertEqual(self.flushes, [1.5, None], 'no running loop: written')

    def test_program_loop_attributes_never_run(self):
        reads = []

        class Noting(self.asyncio.SelectorEventLoop):
            @property
            def _ready(self):
                reads.append('_ready')
                return self.__dict__['_queue']

            @_ready.setter
            def _ready(self, value):
                self.__dict__['_queue'] = value

            def __getattr__(self, name):
                reads.append(name)
                raise AttributeError(name)

        class Bare(object):  # (a duck-typed loop: no AbstractEventLoop)
            def __getattr__(self, name):
                reads.append(name)
                raise AttributeError(name)

        self.loop = Noting()
        self.addCleanup(self.loop.close)
        self.loop.call_soon(print)
        reads.clear()
        self.flush()
        self.loop = Bare()
        self.flush()
        self.assertEqual(reads, [])
        self.assertEqual(len(self.flushes), 2, 'a loop whose _ready is not its own plain deque: written')


if __name__ == '__main__':
    unittest.main()
