"""queue.Queue/LifoQueue/PriorityQueue/SimpleQueue and the asyncio queues.

Each put gets a number (1-based, per queue); the get reports the number of the item it
received, which is how a put is linked to its get. queue_put is written inside _put, under the
queue's own lock and before the item is stored, so it always precedes the matching queue_get.
"""
from _thread import get_ident

from . import core
from .encode import SMALL_INT, quote, short_repr
from .naming import new_named_serial
from .sync import mark_if_program, obj_head, prim_name

_serial_of = core.serials.get  # (bound once, as sync's: every traced put and get asks)

perf_ns = core.perf_ns
emit_raw = core.emit_raw
program_line = core.program_line
QUEUE_NAMES = ('Queue', 'LifoQueue', 'PriorityQueue', 'SimpleQueue')
_our_classes = set()  # the SimpleQueue subclass, once made (the module can be patched again)
_got = {}  # thread ident -> (put number, short repr) of the item its last traced _get removed


class ItemLog(object):
    """Put numbers of the items still in a queue, to tell a get which put it received, and how many
    items it holds (puts - gets: the queue's own _qsize()/qsize() may be a subclass's, see looks_empty).
    Also the queue's event head (obj_head), made once: every put and get starts its event with it."""
    __slots__ = ('puts', 'gets', 'pending', 'lifo', 'head', 'head_obj', 'head_cls')

    def __init__(self, lifo):
        self.puts = 0
        self.gets = 0
        self.pending = []  # (item, number) in insertion order
        self.lifo = lifo
        self.head = None
        self.head_obj = self.head_cls = None  # the serial and class head was made for

    def add(self, item):
        self.puts = n = self.puts + 1
        self.pending.append((item, n))
        return n

    def take(self, item):
        self.gets += 1
        pending = self.pending
        if not pending:
            return 0
        end = -1 if self.lifo else 0
        if pending[end][0] is item:  # (the queue's own order: every get of a Queue or LifoQueue)
            return pending.pop(end)[1]
        order = range(len(pending) - 1, -1, -1) if self.lifo else range(len(pending))
        for i in order:
            if pending[i][0] is item:
                return pending.pop(i)[1]
        return 0


_logs = core.mark_table()  # id(queue) -> its ItemLog (made by _new_log at its first traced put or get)
_log_of = _logs.get  # (bound once: every traced put and get looks up its queue's log)


def _new_log(q):
    log = ItemLog(prim_name(q, QUEUE_NAMES) == 'LifoQueue')
    core.set_mark(_logs, q, log)
    return log


def _head(log, q, obj, prim_of):
    """obj_head(obj, prim_of(q)), kept in the queue's log while its serial and class stay the same."""
    if log.head_cls is not type(q) or log.head_obj != obj:  # (the class by identity: a metaclass's __eq__ never runs)
        log.head = obj_head(obj, prim_of(q))
        log.head_obj = obj
        log.head_cls = type(q)
    return log.head


def looks_empty(q):
    """Does the queue hold no item, as its traced puts and gets tell (a get that finds it so waits)?
    Not asked of the queue: its _qsize()/qsize()/empty() may be a subclass's, and untraced Python
    calls them only as often as its own put and get do (put only for a bounded queue)."""
    log = _log_of(id(q))
    return log is None or log.puts == log.gets


def _value_text(item):
    """short_repr(item) as JSON text; a small int (the commonest item) in one step."""
    if type(item) is int and -SMALL_INT < item < SMALL_INT:
        return f'"{item}"'
    return quote(short_repr(item))


def wrap_store(cls, prim_of):
    """Wrap _put/_get (they run under the queue's lock) to number items and emit queue_put."""
    orig_put = cls.__dict__['_put']
    orig_get = cls.__dict__['_get']

    def _put(self, item):
        obj = _serial_of(id(self))
        if obj is not None:
            log = _log_of(id(self)) or _new_log(self)
            n = log.add(item)
            emit_raw('queue_put', f'{_head(log, self, obj, prim_of)}"item":{n},"size":{n - log.gets},'
                                  f'"value":{_value_text(item)},"line":{program_line()}}}')
        return orig_put(self, item)

    def _get(self):
        item = orig_get(self)
        if _serial_of(id(self)) is not None:
            _got[get_ident()] = ((_log_of(id(self)) or _new_log(self)).take(item), _value_text(item))
        return item

    cls._put = _put
    cls._get = _get


def emit_get(q, obj, prim, ok, t0):
    _emit_got(obj_head(obj, prim), ok, t0, 4)


def _emit_got(head, ok, t0, depth=3):
    """queue_get; `depth`: program_line's depth of the program's frame that called get."""
    n, value = _got.pop(get_ident(), (0, None)) if ok else (0, None)
    shown = '' if value is None else f'"value":{value},'
    emit_raw('queue_get', f'{head}"item":{n},{shown}'
                          f'"ok":{"true" if ok else "false"},"waited_ns":{perf_ns() - t0 if t0 else 0},'
                          f'"line":{program_line(depth)}}}')


def patch_queue_module(queue):
    def prim_of(q):
        return prim_name(q, QUEUE_NAMES)

    orig_init = queue.Queue.__dict__['__init__']

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        mark_if_program(self)

    queue.Queue.__init__ = __init__
    for cls in (queue.Queue, queue.LifoQueue, queue.PriorityQueue):
        wrap_store(cls, prim_of)
    orig_get = queue.Queue.get

    def get(self, block=True, timeout=None):
        obj = _serial_of(id(self))
        if obj is None:
            return orig_get(self, block, timeout)
        log = _log_of(id(self)) or _new_log(self)
        head = _head(log, self, obj, prim_of)
        t0 = 0
        if block and log.puts == log.gets:  # (looks_empty)
            emit_raw('queue_get_wait', f'{head}"line":{program_line()}}}')
            core.flush_before_wait(timeout)
            t0 = perf_ns()
        try:
            item = orig_get(self, block, timeout)
        except BaseException:
            _emit_got(head, False, t0)
            raise
        _emit_got(head, True, t0)
        return item

    queue.Queue.get = get
    _patch_simple_queue(queue)


def _patch_simple_queue(queue):
    base = queue.SimpleQueue
    if base in _our_classes:
        return
    try:
        class SimpleQueue(base):
            __slots__ = ()  # (no __dict__: the C SimpleQueue has none)

            def __new__(cls, *args, **kwargs):
                if cls is SimpleQueue and not core.called_from_program():
                    return base()
                self = base.__new__(cls)
                core.set_serial(self, new_named_serial(), puts=0, gets=0)
                return self

            def put(self, item, block=True, timeout=None):
                # FIFO: the n-th get receives the n-th put.
                obj = core.serial(self)
                if obj is None:
                    return base.put(self, item, block, timeout)
                n = core.field(self, 'puts') + 1
                core.set_field(self, 'puts', n)
                core.emit('queue_put', {'obj': obj, 'prim': 'SimpleQueue', 'item': n,
                                        'size': base.qsize(self) + 1, 'value': short_repr(item),
                                        'line': core.program_line()})
                return base.put(self, item, block, timeout)

            def put_nowait(self, item):
                # (our put, not self.put: the C SimpleQueue's put_nowait never runs a subclass's put override)
                return SimpleQueue.put(self, item, False)

            def get(self, block=True, timeout=None):
                obj = core.serial(self)
                if obj is None:
                    return base.get(self, block, timeout)
                t0 = 0
                if block and base.empty(self):
                    core.emit('queue_get_wait', {'obj': obj, 'prim': 'SimpleQueue', 'line': core.program_line()})
                    core.flush_before_wait(timeout)
                    t0 = perf_ns()
                try:
                    item = base.get(self, block, timeout)
                except BaseException:
                    core.emit('queue_get', {'obj': obj, 'prim': 'SimpleQueue', 'item': 0, 'ok': False,
                                            'waited_ns': perf_ns() - t0 if t0 else 0})
                    raise
                n = core.field(self, 'gets') + 1
                core.set_field(self, 'gets', n)
                core.emit('queue_get', {'obj': obj, 'prim': 'SimpleQueue', 'item': n, 'value': short_repr(item), 'ok': True,
                                        'waited_ns': perf_ns() - t0 if t0 else 0, 'line': core.program_line()})
                return item

            def get_nowait(self):
                return SimpleQueue.get(self, False)  # (as put_nowait)

        SimpleQueue.__module__ = 'queue'
        SimpleQueue.__qualname__ = 'SimpleQueue'
    except TypeError:
        return
    _our_classes.add(SimpleQueue)
    queue.SimpleQueue = SimpleQueue
