"""stdout/stderr proxies: text goes to the real stream unchanged, and every completed line is
also recorded as a 'print' event on the thread/task that wrote it (partial lines are kept per
thread and task, so interleaved prints from several threads stay attributed correctly)."""
import sys
from _thread import get_ident

from . import core

_proxies = []


class StreamProxy(object):
    def __init__(self, stream, name):
        object.__setattr__(self, '_clab_stream', stream)
        object.__setattr__(self, '_clab_name', name)
        object.__setattr__(self, '_clab_parts', {})

    def write(self, s):
        n = self._clab_stream.write(s)
        if type(s) is str and s:
            try:
                self._clab_record(s)
            except Exception:
                pass
        return n

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def _clab_record(self, s):
        tid = core.tids.get(get_ident()) or core.tid_of(get_ident())
        task = core.current_task() if core.current_task is not None else 0
        key = (tid, task)
        parts = self._clab_parts
        if '\n' not in s:
            parts.setdefault(key, []).append(s)
            return
        pending = parts.pop(key, None)
        if pending:
            pending.append(s)
            s = ''.join(pending)
        lines = s.split('\n')
        tail = lines.pop()
        line_no = core.program_line(3)
        for text in lines:
            core.emit('print', {'stream': self._clab_name, 'text': text, 'line': line_no})
        if tail:
            parts[key] = [tail]

    def _clab_flush_key(self, match):
        parts = self._clab_parts
        if not parts:
            return
        for key in [k for k in list(parts) if match(k)]:
            pending = parts.pop(key, None)
            if pending:
                core.emit('print', {'stream': self._clab_name, 'text': ''.join(pending), 'line': 0})

    def __getattr__(self, name):
        return getattr(self._clab_stream, name)

    @property
    def __class__(self):
        # What the program sees: isinstance(sys.stdout, io.TextIOWrapper) holds as untraced (only
        # type(sys.stdout) tells the proxy).
        return type(self._clab_stream)

    def __setattr__(self, name, value):
        setattr(self._clab_stream, name, value)

    def __iter__(self):
        return iter(self._clab_stream)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def __repr__(self):
        return repr(self._clab_stream)


def install():
    for name in ('stdout', 'stderr'):
        stream = getattr(sys, name, None)
        # (by type: a stream set before the tracer starts, e.g. by a .pth file, may have a __class__ property)
        if stream is None or type(stream) is StreamProxy:
            continue
        proxy = StreamProxy(stream, name)
        _proxies.append(proxy)
        setattr(sys, name, proxy)
    core.end_hooks.append(flush_all)


def flush_thread(tid):
    for p in _proxies:
        p._clab_flush_key(lambda k: k[0] == tid)


def flush_task(task):
    for p in _proxies:
        if p._clab_parts:  # (every task_done asks; there is rarely a partial line)
            p._clab_flush_key(lambda k: k[1] == task)


def flush_all():
    for p in _proxies:
        p._clab_flush_key(lambda k: True)


def after_fork_child():
    for p in _proxies:
        p._clab_parts.clear()
