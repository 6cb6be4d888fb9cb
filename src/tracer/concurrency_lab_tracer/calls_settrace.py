"""Function spans on Python 3.8-3.11 with sys.settrace.

settrace rather than setprofile: the global hook runs once per new frame (not for every C call)
and returning None leaves a frame untraced, so a function past its budget costs one cheap call
and its suppressed calls are counted exactly. Recorded frames get a local hook with line events
off; it sees return/yield and exceptions.
"""
import sys

import opcode

from . import codes, core

emit_span = core.emit_span
suppressed = core.suppressed_calls
states = codes.states
GEN = codes.GENERATOR_FLAGS

_OP = opcode.opmap
YIELD_VALUE = _OP['YIELD_VALUE']
YIELD_FROM = _OP.get('YIELD_FROM', -1)
RESUME = _OP.get('RESUME', -1)
HAS_RESUME = RESUME >= 0


def _is_first_step(frame):
    lasti = frame.f_lasti
    if HAS_RESUME:  # 3.11: RESUME 0 starts a function, RESUME 1..3 continue after a yield/await
        code = frame.f_code.co_code
        return lasti < 0 or (code[lasti] == RESUME and code[lasti + 1] == 0)
    return lasti < 0


def _is_suspending(frame):
    lasti = frame.f_lasti
    code = frame.f_code.co_code
    if code[lasti] == YIELD_VALUE:
        return True
    # 3.8-3.10 `await`/`yield from` rewinds f_lasti to the instruction before YIELD_FROM.
    return lasti + 2 < len(code) and code[lasti + 2] == YIELD_FROM


def _global(frame, event, arg):
    code = frame.f_code
    st = states.get(id(code))
    if not st:
        if st is False or code.co_filename != core.program:
            return None
        st = codes.define(code, frame)
        if not st:
            return None
    left = st[1]
    if code.co_flags & GEN and not _is_first_step(frame):
        if frame.f_trace is not None and left != 0:
            st[1] = left - 1  # each resume counts against the budget like a call
            emit_span('resume', st[0])
            hook = resumed
            if hook is not None:
                hook()
        return None
    if left == 0:
        counted = suppressed.get(st[0])
        if counted is None:
            codes.budget_hit(st, exact=True)
        else:
            suppressed[st[0]] = counted + 1
        return None
    st[1] = left - 1
    back = frame.f_back
    line = back.f_lineno if back is not None and back.f_code.co_filename == core.program else code.co_firstlineno
    emit_span('call', st[0], line or 0)
    frame.f_trace_lines = False
    return _local


def _local(frame, event, arg):
    if event == 'return':
        code = frame.f_code
        st = states.get(id(code))
        if st:
            if code.co_flags & GEN and _is_suspending(frame):
                if st[1] != 0:
                    emit_span('yield', st[0], codes.awaited_serial(arg))
            else:
                emit_span('return', st[0])
    elif event == 'exception':
        exc = arg[1]
        tb = arg[2]
        if tb is not None and tb.tb_next is None and exc is not None and not codes.skippable_exception(exc):
            codes.emit_exc(exc, frame.f_lineno or 0, False)
    return _local


resumed = None  # asyncio patch: note that the running task woke up
_stopped = False


def install():
    sys.settrace(_global)
    from . import threads
    threads.threading_hooks.append(lambda threading: threading.settrace(_global))
    if 'threading' in sys.modules:
        sys.modules['threading'].settrace(_global)
    core.cap_hooks.append(stop)
    return True


def stop():
    global _stopped
    _stopped = True
    sys.settrace(None)
    threading = sys.modules.get('threading')
    if threading is not None:
        threading.settrace(None)


def after_fork_child():
    codes.reset()
