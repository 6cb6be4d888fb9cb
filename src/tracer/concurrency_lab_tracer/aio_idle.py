"""asyncio's event loop idle in its selector on Python 3.8-3.11: the same io_wait/io_done ("selector.select",
loop true) that io_calls writes from sys.monitoring on 3.12+, so the Timeline draws the loop's wait for I/O
or timers alike on every version.

3.8-3.11 have no call events without a profile function on every call, and the selector's wait happens
inside asyncio, where the program rewrite (io_sites) does not reach. So BaseEventLoop._run_once gets
that rewrite's treatment of its one `self._selector.select(timeout)`: its code object is compiled again
from asyncio's own source, at its own lines and columns, with that call as

    __clab__.loop_woke(self._selector.select(__clab__.loop_wait(timeout)))

loop_wait writes io_wait when the loop will wait (timeout not 0) and passes the timeout on; the select
call is still made by _run_once's own frame (tracebacks, 3.11's carets, inspect.stack() and the
recursion depth are as untraced); loop_woke writes io_done and returns what select returned. The
function object stays asyncio's own (identity, name, signature, source): only its __code__ differs
(its co_names and bytecode), as the program's own rewritten functions do. It costs two small calls
per loop iteration, and only in processes that import asyncio; a loop whose _run_once is its own is
not watched. A process that runs the rewritten program has the __clab__ builtin the new code reads; in
one traced with the settrace fallback (no builtin of ours: the program was not rewritten) the code's
loads of that name are made loads of a constant holding the two helpers instead (_bound: the same
size, offsets and lines), so nothing is added to builtins there either.

The rewrite (ast, ~22M instructions on 3.8: ~4% of an asyncio program's traced run) is kept in the
program cache's private folder (program_cache.folder), one file per Python, used while this Python,
asyncio's base_events.py and this file are unchanged: a marshal load (~0.1 ms).
"""
import builtins
import marshal
import os
import sys
from _thread import get_ident

from . import core

FORMAT = 1  # bump when what is stored changes

_waiting = {}  # thread ident -> True while its loop waits in select
_DONE = '{"call":"selector.select","loop":true}'
_FAILED = '{"call":"selector.select","loop":true,"ok":false}'


def loop_wait(timeout):
    if _waiting and _waiting.pop(get_ident(), None):  # this thread's last select raised (a signal handler's
        core.emit_raw('io_done', _FAILED)  # exception, KeyboardInterrupt): its wait ended there
    if timeout == 0:  # (asyncio's own number or None) callbacks are ready: the loop does not wait
        return timeout
    _waiting[get_ident()] = True
    # (its line: where the program runs the loop, asyncio.run(...) say)
    line = core.program_line_from(sys._getframe(1))
    core.emit_raw('io_wait', f'{{"call":"selector.select","line":{line},"loop":true}}')
    core.flush_before_wait(timeout)  # every task waits: a Stop now loses nothing (a short wait: the time bound)
    return timeout


def loop_woke(events):
    if _waiting and _waiting.pop(get_ident(), None):
        core.emit_raw('io_done', _DONE)
    return events


def watch(base_events, helpers):
    """Rewrite BaseEventLoop._run_once's select call (see above); True when it is watched. `helpers`: the
    rewritten program's __clab__ namespace, when this process runs it (else None)."""
    fn = base_events.BaseEventLoop.__dict__.get('_run_once')
    code = getattr(fn, '__code__', None)
    try:
        new = _cached(code)
        if helpers is None or getattr(builtins, '__clab__', None) is not helpers:
            helpers = type(sys)('__clab__')  # (settrace: its code gets them as a constant)
            new = _bound(new, helpers)
    except Exception:
        new = None
    if new is None:
        return False
    helpers.loop_wait = loop_wait
    helpers.loop_woke = loop_woke
    fn.__code__ = new
    from . import processes
    processes.after_fork_hooks.append(_waiting.clear)
    return True


def _cached(code):
    """_rewritten(code), from the cache when it holds it for this Python and these files (else stored)."""
    from . import program_cache
    if code is None:
        return None
    stamp = (FORMAT, sys.hexversion, sys.flags.optimize, code.co_filename, code.co_firstlineno) + tuple(
        (st.st_mtime_ns, st.st_size) for st in (os.stat(code.co_filename), os.stat(__file__)))
    where = program_cache.folder(not sys.dont_write_bytecode)
    path = os.path.join(where, 'asyncio-run-once.%s.bin' % sys.implementation.cache_tag) if where else None
    if path is not None:
        try:
            stored, new = program_cache.read(path)
            if stored == stamp and type(new) is type(code):
                return new
        except Exception:  # missing, unreadable, torn or from another format: rewrite
            pass
    new = _rewritten(code)
    if new is not None and path is not None and not sys.dont_write_bytecode:
        program_cache.write(path, lambda: marshal.dumps((stamp, new)))
    return new


def _rewritten(code):
    """_run_once's code compiled again from its source, the select call wrapped; None if its source is not
    the one expected (one `self._selector.select(x)` call, no closure)."""
    import ast
    if code is None or code.co_freevars or code.co_firstlineno < 2:
        return None
    with open(code.co_filename, 'rb') as f:
        lines = f.read().decode('utf-8').splitlines(True)
    first = code.co_firstlineno - 1
    indent = len(lines[first]) - len(lines[first].lstrip())
    if indent < 4:
        return None
    end = first + 1
    while end < len(lines):
        text = lines[end].strip()
        if text and not text.startswith('#') and len(lines[end]) - len(lines[end].lstrip()) <= indent:
            break
        end += 1
    # Inside its class (so names mangle and its qualname read as in asyncio), every line and column where
    # it is in the file.
    source = '\n' * (first - 1) + ' ' * (indent - 4) + 'class BaseEventLoop:\n' + ''.join(lines[first:end])
    tree = ast.parse(source, code.co_filename)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and _is_select(n)]
    if len(calls) != 1:
        return None
    select = calls[0]
    arg = select.args[0]
    select.args[0] = ast.copy_location(_helper('loop_wait', arg), arg)

    class Wrap(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            return ast.copy_location(_helper('loop_woke', node), node) if node is select else node

    tree = Wrap().visit(tree)
    ast.fix_missing_locations(tree)
    module = compile(tree, code.co_filename, 'exec', dont_inherit=True)
    new = _const(_const(module, 'BaseEventLoop'), code.co_name)
    if new is None or new.co_freevars != code.co_freevars or new.co_varnames != code.co_varnames:
        return None
    return new


def _is_select(n):
    import ast
    f = n.func
    return (isinstance(f, ast.Attribute) and f.attr == 'select' and isinstance(f.value, ast.Attribute)
            and f.value.attr == '_selector' and len(n.args) == 1 and not n.keywords)


def _helper(name, arg):
    import ast
    helpers = ast.Name(id='__clab__', ctx=ast.Load())
    return ast.Call(func=ast.Attribute(value=helpers, attr=name, ctx=ast.Load()), args=[arg], keywords=[])


def _bound(code, helpers):
    """code with each load of the global __clab__ made a load of the constant `helpers`: LOAD_GLOBAL and
    LOAD_CONST have the same size and stack effect (3.11: LOAD_GLOBAL's inline caches become NOPs, and one
    that also pushes NULL is not changed: None is returned)."""
    import dis
    import opcode
    if code is None or '__clab__' not in code.co_names:
        return None
    consts = code.co_consts + (helpers,)
    index = len(consts) - 1
    if index > 255:
        return None
    caches = getattr(opcode, '_inline_cache_entries', None)
    load_global = opcode.opmap['LOAD_GLOBAL']
    skip = caches[load_global] if caches else 0
    raw = bytearray(code.co_code)
    found = 0
    for ins in dis.get_instructions(code):
        if ins.opcode != load_global or ins.argval != '__clab__':
            continue
        at = ins.offset
        if (caches and ins.arg & 1) or (at >= 2 and raw[at - 2] == opcode.EXTENDED_ARG):
            return None
        raw[at:at + 2] = bytes((opcode.opmap['LOAD_CONST'], index))
        for k in range(skip):
            raw[at + 2 + 2 * k:at + 4 + 2 * k] = bytes((opcode.opmap['NOP'], 0))
        found += 1
    return code.replace(co_code=bytes(raw), co_consts=consts) if found == 2 else None


def _const(code, name):
    if code is None:
        return None
    return next((c for c in code.co_consts if type(c) is type(code) and c.co_name == name), None)
