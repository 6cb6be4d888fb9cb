"""Processes: the meta record and begin/end in every process, multiprocessing start/join, fork children,
spawn/forkserver helpers and subprocess-launched Pythons, os._exit.

How a child learns who it is: a fork child inherits `_pending` (set by Process.start in the
forking thread); a spawned interpreter reads CONCURRENCY_LAB_PARENT_OBJ and
CONCURRENCY_LAB_PROC_INFO, which the parent puts in the child's environment only (and which a
grandchild ignores because the recorded parent pid is not its own parent). The root process is the
one started without CONCURRENCY_LAB_ROOT: every launch path below adds it, with the run's other
settings, to the child's environment alone (for_child); the program's own os.environ never
holds any of them (take_run_settings, at the end of this module).
"""
import os
import sys
import time

from . import core, encode  # (io_calls: imported by the patch that uses it, applied when the
#                                     program imports what it patches, so an empty program loads none)

PARENT_OBJ = 'CONCURRENCY_LAB_PARENT_OBJ'
PROC_INFO = 'CONCURRENCY_LAB_PROC_INFO'  # "ppid|origin|internal(0/1)|name"
ROOT = 'CONCURRENCY_LAB_ROOT'

_pending = None  # dict describing the Process being started by this (forking) thread
role = 'main'  # 'forkserver' in multiprocessing's fork server
_deferred_begin = None  # fork children of the fork server learn their Process in _bootstrap
exit_hint = None  # exit code when known before atexit (launch.py sets it)
after_fork_hooks = []


def start_method_of(proc):
    """The Process's _start_method (its context's Process class sets it), looked up as Python would
    but in the instance's and its classes' own dicts: no property or __getattribute__ of the program's runs."""
    method = dict.get(_fields(proc), '_start_method')
    if method is None:
        for klass in encode.class_mro(type(proc)):
            own = encode.class_dict(klass)
            if '_start_method' in own:
                method = own['_start_method']
                break
    if type(method) is str and method:
        return method
    try:
        import multiprocessing
        return multiprocessing.get_start_method()
    except Exception:
        return None


def identity_from_env():
    """(origin, parent_obj, internal, name) for a new interpreter."""
    if not os.environ.get(ROOT):
        return 'main', None, False, 'MainProcess'
    info = os.environ.pop(PROC_INFO, '')
    obj = os.environ.pop(PARENT_OBJ, '')
    parts = info.split('|', 3)
    if len(parts) == 4 and parts[0] == str(os.getppid()):
        return parts[1], int(obj) if obj.isdigit() else None, parts[2] == '1', parts[3]
    return 'subprocess', None, False, os.path.basename(sys.argv[0]) if getattr(sys, 'argv', None) else 'python'


def child_env(obj, origin, internal, name):
    """Who the child is (added to the run's settings, which for_child adds)."""
    return {PARENT_OBJ: str(obj) if obj is not None else '',
            PROC_INFO: '%d|%s|%d|%s' % (os.getpid(), origin, 1 if internal else 0, name)}


VERSION = '0.1.0'
mechanism = 'none'  # how calls are traced in this process: 'ast', 'settrace' or 'monitoring'


def emit_meta():
    """The 'meta' record that opens every process's event file."""
    mp = sys.modules.get('multiprocessing')
    method = None
    if mp is not None:
        try:
            method = mp.get_start_method(allow_none=True)
        except Exception:
            method = None
    ts = core.perf_ns()
    epoch = time.time_ns()
    core.emit('meta', {
        'python': '%d.%d.%d' % sys.version_info[:3], 'impl': sys.implementation.name, 'platform': sys.platform,
        'clock': 'perf_counter_ns', 'perf_ns': ts, 'epoch_ns': epoch, 'tracer': VERSION, 'file': core.program,
        'argv': list(getattr(sys, 'argv', []) or []), 'start_method': method, 'mechanism': mechanism,
        'call_budget': core.call_budget, 'event_cap': core.event_cap,
        # The run's token: the engine reads only event files that open with it (see eventTail.ts).
        'run': run_setting('CONCURRENCY_LAB_RUN', ''),
    })


def emit_begin(origin, parent_obj, internal, name, parent_pid=None):
    if parent_pid is None:
        parent_pid = os.getppid()
    core.emit('proc_begin', {'ppid': parent_pid, 'name': name, 'parent_obj': parent_obj, 'parent_pid': parent_pid,
                             'origin': origin, 'internal': internal})
    core.flush()  # (at once, as a thread's begin: a process that then only computes must still get its lane)


def install():
    if hasattr(os, 'register_at_fork'):
        os.register_at_fork(before=core.flush, after_in_child=_after_fork_child)
    real_exit = os._exit

    def _exit(code):
        core.end_process(code)
        real_exit(code)

    os._exit = core.impersonate(_exit, real_exit, 'os')
    core.end_hooks.append(lambda: _finish_deferred_begin(None))
    _patch_launchers()


def _patch_launchers():
    """os-level ways to start a program: the new program gets the run's settings in its environment
    (so a Python there is traced too); exec first writes this process's events, as it ends it."""
    real_execv, real_execve = os.execv, os.execve

    def execv(path, args):
        core.end_process(None)
        return real_execve(path, args, environ_for_child(None))

    def execve(path, args, env):
        core.end_process(None)
        return real_execve(path, args, environ_for_child(env))

    os.__dict__['execv'] = core.impersonate(execv, real_execv, 'os')
    os.__dict__['execve'] = core.impersonate(execve, real_execve, 'os')
    for name in ('posix_spawn', 'posix_spawnp'):
        real = getattr(os, name, None)
        if real is not None:
            os.__dict__[name] = core.impersonate(_spawning(real), real, 'os')
    real_system = os.system

    def system(command):
        return _with_env({}, lambda: real_system(command))

    os.__dict__['system'] = core.impersonate(system, real_system, 'os')


def _spawning(real):
    def posix_spawn(path, argv, env, *args, **kwargs):
        return real(path, argv, environ_for_child(env), *args, **kwargs)
    return posix_spawn


def _after_fork_child():
    # No asyncio task runs in a fork child, but on 3.12+ asyncio clears the inherited running loop
    # in its own after-fork hook, which runs after this one (it is registered when asyncio is
    # imported): until then the running-task lookup would take the forking task for the child's.
    current_task = core.current_task
    core.current_task = None
    try:
        _begin_fork_child()
    finally:
        core.current_task = current_task


def _begin_fork_child():
    global _deferred_begin
    # The forking process, as known before the fork: os.getppid() may already name init or a
    # subreaper (a daemon's middle process exits right after its second fork).
    parent = core.pid
    core.open_sink()
    core.reset_threads_after_fork()
    for hook in after_fork_hooks:
        hook()
    emit_meta()
    if _pending is not None:
        p = _pending
        emit_begin('multiprocessing', p['obj'], p['internal'], p['name'], parent_pid=p['pid'])
    elif role == 'forkserver':
        _deferred_begin = core.reserve_seq()
    else:
        emit_begin('fork', None, False, 'fork of %d' % parent, parent_pid=parent)


def _finish_deferred_begin(proc):
    global _deferred_begin
    carried = _fields(proc) if proc is not None else {}
    parent_obj, internal = carried.pop(_CARRIED_OBJ, None), carried.pop(_CARRIED_INTERNAL, False)
    if _deferred_begin is None:
        return
    seq, ts = _deferred_begin
    _deferred_begin = None
    from .encode import dumps
    if proc is None:  # ended before its Process object arrived (e.g. terminated while starting)
        data = {'ppid': os.getppid(), 'name': 'forkserver child', 'parent_obj': None, 'parent_pid': None,
                'origin': 'multiprocessing', 'internal': False}
    else:
        data = {'ppid': os.getppid(), 'name': dict.get(carried, '_name'), 'parent_obj': parent_obj,
                'parent_pid': dict.get(carried, '_parent_pid'), 'origin': 'multiprocessing',
                'internal': bool(internal)}
    core.insert_reserved(seq, ts, 'proc_begin', dumps(data))


# A fork server's child learns its Process (serial, internal) from the pickled Process object, the
# only thing that reaches it: these keys are in the object's __dict__ only while start() pickles it,
# and the child takes them out before the program's run() (_finish_deferred_begin).
_CARRIED_OBJ = '_clab_obj'
_CARRIED_INTERNAL = '_clab_internal'


def _is_manager_server(proc):
    target = dict.get(_fields(proc), '_target')  # (the program's target is only looked at: no __getattr__ of its runs)
    return target is not None and encode.callable_name(target).endswith('_run_server')


_fields = None  # a Process's attribute dict, where multiprocessing keeps its fields (set by patch_process)


def _popen_of(proc):
    return dict.get(_fields(proc), '_popen')


def _pid_of(proc):
    """Process.pid as multiprocessing computes it, from its fields (a subclass's pid or __getattribute__
    is program code, as are a name property and a __dict__ property: never run by the tracer)."""
    popen = _popen_of(proc)
    return popen.pid if popen is not None else None


def patch_process(mod):
    """multiprocessing.process.BaseProcess: start/join in the parent, _bootstrap in the child."""
    Base = mod.BaseProcess
    global _fields
    _fields = Base.__dict__['__dict__'].__get__
    orig_start, orig_join, orig_bootstrap = Base.start, Base.join, Base._bootstrap

    def start(self):
        global _pending
        obj = core.new_serial()
        internal = _is_manager_server(self)
        core.set_serial(self, obj, internal=internal)
        method = start_method_of(self)
        carried = _fields(self)
        name = dict.get(carried, '_name')
        core.emit('proc_start', {'obj': obj, 'name': name, 'method': method, 'internal': internal,
                                 'line': core.program_line()})
        core.flush()
        _pending = {'obj': obj, 'name': name, 'internal': internal, 'pid': os.getpid()}
        if method == 'forkserver':  # see _CARRIED_OBJ
            carried[_CARRIED_OBJ], carried[_CARRIED_INTERNAL] = obj, internal
        try:
            orig_start(self)
        finally:
            _pending = None
            carried.pop(_CARRIED_OBJ, None)
            carried.pop(_CARRIED_INTERNAL, None)
        core.emit('proc_started', {'obj': obj, 'child_pid': _pid_of(self)})

    def join(self, timeout=None):
        obj = core.serial(self)
        if obj is None:
            return orig_join(self, timeout)
        core.emit('proc_join', {'obj': obj, 'child_pid': _pid_of(self), 'line': core.program_line()})
        core.flush()
        try:
            return orig_join(self, timeout)
        finally:
            popen = _popen_of(self)  # (Process.exitcode: its Popen's poll())
            core.emit('proc_joined', {'obj': obj, 'child_pid': _pid_of(self),
                                      'exitcode': popen.poll() if popen is not None else None})

    def _bootstrap(self, *args, **kwargs):
        _finish_deferred_begin(self)
        _note_uncaught_via_print_exc(orig_bootstrap)
        code = 1
        try:
            code = orig_bootstrap(self, *args, **kwargs)
            return code
        finally:
            core.end_process(code)

    Base.start, Base.join, Base._bootstrap = start, join, _bootstrap


def _note_uncaught_via_print_exc(bootstrap):
    """Record the exception that ends a multiprocessing child: its _bootstrap prints it with
    traceback.print_exc(), which is where we see it (wrapping run() would put a frame of ours in
    the traceback the child prints)."""
    import traceback
    real = traceback.print_exc
    code = getattr(bootstrap, '__code__', None)

    def print_exc(*args, **kwargs):
        try:
            if sys._getframe(1).f_code is code:
                e = sys.exc_info()[1]
                # (by type and BaseException's own field, as Python matches and prints it: a __class__ or
                # __traceback__ property of the program's exception class never runs)
                if e is not None and not issubclass(type(e), SystemExit):
                    from .threads import tb_program_line
                    tb = BaseException.__dict__['__traceback__'].__get__(e)
                    core.emit('exc', {'type': encode.type_name(e), 'msg': encode.exception_message(e),
                                      'file': core.program, 'line': tb_program_line(tb),
                                      'uncaught': True, 'where': 'process'})
        except Exception:
            pass
        return real(*args, **kwargs)

    traceback.print_exc = core.impersonate(print_exc, real)


def patch_util(util):
    """spawnv_passfds starts spawn children and the resource tracker / fork server."""
    orig = util.spawnv_passfds

    def spawnv_passfds(path, args, passfds):
        joined = ' '.join(str(a) for a in args)
        if '--multiprocessing-fork' in args and _pending is not None:
            env = child_env(_pending['obj'], 'multiprocessing', _pending['internal'], _pending['name'])
            return _with_env(env, lambda: orig(path, args, passfds))
        helper = 'forkserver' if 'forkserver' in joined else ('resource_tracker' if 'resource_tracker' in joined else None)
        if helper is None:
            return _with_env({}, lambda: orig(path, args, passfds))
        obj = core.new_serial()
        core.emit('proc_start', {'obj': obj, 'name': helper, 'method': 'spawn', 'internal': True})
        core.flush()
        pid = _with_env(child_env(obj, 'multiprocessing', True, helper), lambda: orig(path, args, passfds))
        core.emit('proc_started', {'obj': obj, 'child_pid': pid})
        return pid

    util.spawnv_passfds = core.impersonate(spawnv_passfds, orig)


def _with_env(extra, fn):
    """Run fn (which starts a child that inherits os.environ) with the run's settings and `extra` in
    os.environ, then put os.environ back as it was."""
    env = for_child(os.environ, extra)
    env = {k: v for k, v in env.items() if os.environ.get(k) != v}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        return fn()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def patch_connection(mod):
    """Flush before multiprocessing pipes block or hand data over: that is where pool and
    executor workers wait, and where Pool.terminate() finds them."""
    Base = mod._ConnectionBase
    io_calls = None
    if sys.version_info >= (3, 12):  # (not imported before: it has nothing to do there)
        from . import io_calls

    def flushing_first(fn):
        def wrapper(self, *args, **kwargs):
            core.flush()
            return fn(self, *args, **kwargs)
        if io_calls is not None:
            io_calls.wrapped(wrapper, fn)  # (3.12+: the program's recv on a pipe is still an I/O wait)
        return core.impersonate(wrapper, fn)

    for name in ('send_bytes', 'send', 'recv_bytes', 'recv', 'poll'):
        setattr(Base, name, flushing_first(getattr(Base, name)))


def patch_forkserver(mod):
    orig_main = mod.main

    def main(*args, **kwargs):
        global role
        role = 'forkserver'
        return orig_main(*args, **kwargs)

    mod.main = core.impersonate(main, orig_main)


def _command_name(args):
    """The lane name of what Popen(args) runs: its command's first word, read as Popen reads it but
    without touching what Popen alone may (an iterator is consumed once, by Popen; a path object or a
    str subclass's own methods are not called here). 'subprocess' when that cannot be told."""
    if type(args) is list or type(args) is tuple:
        args = args[0] if args else None
    t = type(args)
    if issubclass(t, str):
        command = str.__str__(args)
    elif issubclass(t, bytes):
        command = bytes.decode(args, sys.getfilesystemencoding(), 'surrogateescape')
    elif encode.module_of(args) in ('pathlib', 'pathlib._local'):  # (the stdlib's own paths)
        command = os.fspath(args)
    else:
        return 'subprocess'
    words = command.split()
    return os.path.basename(words[0]) if words else 'subprocess'


def patch_subprocess(subprocess):
    Popen = subprocess.Popen
    orig_init, orig_wait = Popen.__init__, Popen.wait
    skip = (subprocess.__file__,)
    # (its pid and returncode from its own dict: a subclass's __getattribute__ or properties never run)
    fields = Popen.__dict__['__dict__'].__get__

    def __init__(self, args, *rest, **kwargs):
        if len(rest) >= 9:  # env given by position
            return orig_init(self, args, *rest, **kwargs)
        if not core.called_from_program(2, skip):
            kwargs['env'] = environ_for_child(os.environ if kwargs.get('env') is None else kwargs['env'])
            return orig_init(self, args, *rest, **kwargs)
        obj = core.new_serial()
        name = _command_name(args)
        core.emit('proc_start', {'obj': obj, 'name': name, 'method': 'subprocess', 'internal': False,
                                 'line': core.program_line()})
        core.flush()
        env = kwargs.get('env')
        kwargs['env'] = environ_for_child(os.environ if env is None else env, child_env(obj, 'subprocess', False, name))
        orig_init(self, args, *rest, **kwargs)
        core.set_serial(self, obj)
        core.emit('proc_started', {'obj': obj, 'child_pid': dict.get(fields(self), 'pid')})

    def wait(self, timeout=None, **kwargs):
        obj = core.serial(self)
        own = fields(self)
        if obj is None or dict.get(own, 'returncode') is not None:
            return orig_wait(self, timeout, **kwargs) if timeout is not None or kwargs else orig_wait(self)
        core.emit('proc_join', {'obj': obj, 'child_pid': dict.get(own, 'pid'), 'line': core.program_line(3)})
        core.flush()
        try:
            return orig_wait(self, timeout, **kwargs) if timeout is not None or kwargs else orig_wait(self)
        finally:
            code = dict.get(own, 'returncode')
            if code is not None:
                core.emit('proc_joined', {'obj': obj, 'child_pid': dict.get(own, 'pid'), 'exitcode': code})

    Popen.__init__, Popen.wait = __init__, wait


# --- the run's environment: the program sees exactly the environment it would see untraced ---------
#
# The engine hands the tracer its settings in CONCURRENCY_LAB_* variables and puts <tracer>/inject
# first on PYTHONPATH, so that inject/sitecustomize.py starts the tracer in every Python of the run.
# As soon as the tracer is on, take_run_settings() removes all of that from os.environ (and so from
# the C environment: os.environ's deletes unset the variable), gives PYTHONPATH back its own value
# and takes the inject folder off sys.path. The settings are kept in run_settings, and for_child()
# adds them back only in the environments of the children the tracer starts or sees started
# (subprocess, multiprocessing spawn/forkserver helpers, os.exec*, os.posix_spawn*, os.system), where
# the child's own sitecustomize takes them out again before its program runs.
#
# Consequences worth knowing: a non-Python child (a shell) sees our variables, and passes them on to
# the Pythons it starts, which is how those get traced; /proc/<pid>/environ still shows the variables
# a process was started with (the kernel keeps the original block).
#
# (This lived in a module of its own, runenv.py; each module imported at start-up costs every
# process ~0.43M instructions.)

PREFIX = 'CONCURRENCY_LAB_'
INJECT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'inject')

# Our variables as this process received them (ROOT, PROC_INFO and PARENT_OBJ are per child: the
# launch path that starts a child sets them; see child_env).
run_settings = {}
_PER_CHILD = (PROC_INFO, PARENT_OBJ)


# A sys.path entry can be the inject folder only if it names it, or if it is relative (to the working
# folder): the rest are passed over without the abspath/normcase of _same_dir (measured: ~0.4M
# instructions per process start on 3.8). Elsewhere than POSIX every entry is checked.
_INJECT_NAME = os.path.basename(INJECT_DIR).lower()
_ABSOLUTE = ('/',) if os.name == 'posix' else ()


def _same_dir(a, b):
    try:
        return os.path.normcase(os.path.abspath(a or '.')) == os.path.normcase(os.path.abspath(b))
    except (TypeError, ValueError):
        return False


def _without_inject(pythonpath):
    """PYTHONPATH as the user gave it: our inject folder was put first (see runTraced.ts)."""
    parts = pythonpath.split(os.pathsep)
    if parts and _same_dir(parts[0], INJECT_DIR):
        parts = parts[1:]
    return os.pathsep.join(parts)


def take_run_settings():
    """Remove every trace of the tracer from this process's environment and sys.path (once)."""
    if run_settings:
        return
    for key in [k for k in os.environ if k.startswith(PREFIX)]:
        run_settings[key] = os.environ.pop(key)
    for key in _PER_CHILD:
        run_settings.pop(key, None)
    run_settings.setdefault(ROOT, str(os.getpid()))
    given = os.environ.get('PYTHONPATH')
    if given is not None:
        user = _without_inject(given)
        if user:
            os.environ['PYTHONPATH'] = user
        else:
            del os.environ['PYTHONPATH']
    sys.path[:] = [p for p in sys.path
                   if type(p) is str and _INJECT_NAME not in p.lower() and p.startswith(_ABSOLUTE)
                   or not _same_dir(p, INJECT_DIR)]


def run_setting(name, default=None):
    """One of the run's settings, before or after take_run_settings()."""
    return run_settings.get(name, os.environ.get(name, default))


def for_child(env, extra=None):
    """A copy of `env` (the environment a child is given) with the run's settings added back."""
    out = _plain_keys(env)
    out.update(run_settings)
    if extra:
        out.update(extra)
    user = out.get('PYTHONPATH')
    if user is not None and type(user) is not str:
        try:
            user = _plain_text(user)
        except TypeError:  # not text: Python refuses it when it starts the child
            return out
    user = _without_inject(user or '')
    out['PYTHONPATH'] = INJECT_DIR + (os.pathsep + user if user else '')
    return out


_str_copy = str.__str__  # (of a str subclass: a plain str copy; its class's __str__ never runs)


def _plain_text(v):
    """A key or PYTHONPATH's value as the child gets it, as plain text: Python encodes each with
    os.fsencode, so the child sees plain strings. A program's str or bytes subclass is copied as the
    plain one without running its methods; anything else is what os.fsdecode makes of it (an
    os.PathLike's __fspath__ runs once, as it would when Python encodes it; the child gets our copy)."""
    t = type(v)
    if issubclass(t, str):
        return _str_copy(v)
    if issubclass(t, bytes):
        return os.fsdecode(bytes.__getitem__(v, slice(None)))  # (a plain bytes copy: its decode never runs)
    return os.fsdecode(v)


def _plain_keys(env):
    """env (a str or bytes mapping, as subprocess and os.exec*/posix_spawn accept) as a dict with plain
    str keys, so that looking ours up runs no __eq__/__hash__ of a program's key class. A dict is read
    through dict's own items (a dict subclass's methods never run, as before); of two keys that are the
    same text, the first is kept (a child's Python and getenv() take the first)."""
    items = dict.items(env) if issubclass(type(env), dict) else env.items()
    out = {}
    for k, v in items:
        if type(k) is not str:
            k = _plain_text(k)
        if k not in out:
            out[k] = v
    return out


def environ_for_child(env, extra=None):
    """for_child() for a bytes or str mapping as os.execve/posix_spawn accept it (None: os.environ)."""
    return for_child(os.environ if env is None else env, extra)
