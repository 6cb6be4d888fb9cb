"""The run's environment: the program sees exactly the environment it would see untraced.

The engine hands the tracer its settings in CONCURRENCY_LAB_* variables and puts <tracer>/inject
first on PYTHONPATH, so that inject/sitecustomize.py starts the tracer in every Python of the run.
As soon as the tracer is on, `take()` removes all of that from os.environ (and so from the C
environment: os.environ's deletes unset the variable), gives PYTHONPATH back its own value and
takes the inject folder off sys.path. The settings are kept here, and `for_child()` adds them back
only in the environments of the children the tracer starts or sees started (subprocess,
multiprocessing spawn/forkserver helpers, os.exec*, os.posix_spawn*, os.system), where the child's
own sitecustomize takes them out again before its program runs.

Consequences worth knowing: a non-Python child (a shell) sees our variables, and passes them on to
the Pythons it starts, which is how those get traced; /proc/<pid>/environ still shows the variables
a process was started with (the kernel keeps the original block).
"""
import os
import sys

PREFIX = 'CONCURRENCY_LAB_'
INJECT_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'inject')

# Our variables as this process received them (ROOT, PROC_INFO and PARENT_OBJ are per child: the
# launch path that starts a child sets them; see processes.child_env).
taken = {}
_PER_CHILD = ('CONCURRENCY_LAB_PROC_INFO', 'CONCURRENCY_LAB_PARENT_OBJ')


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


def take():
    """Remove every trace of the tracer from this process's environment and sys.path (once)."""
    if taken:
        return
    for key in [k for k in os.environ if k.startswith(PREFIX)]:
        taken[key] = os.environ.pop(key)
    for key in _PER_CHILD:
        taken.pop(key, None)
    taken.setdefault('CONCURRENCY_LAB_ROOT', str(os.getpid()))
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


def setting(name, default=None):
    """One of the run's settings, before or after take()."""
    return taken.get(name, os.environ.get(name, default))


def for_child(env, extra=None):
    """A copy of `env` (the environment a child is given) with the run's settings added back."""
    out = dict(env)
    out.update(taken)
    if extra:
        out.update(extra)
    user = _without_inject(out.get('PYTHONPATH') or '')
    out['PYTHONPATH'] = INJECT_DIR + (os.pathsep + user if user else '')
    return out


def environ_for_child(env, extra=None):
    """for_child() for a bytes or str mapping as os.execve/posix_spawn accept it."""
    if env is None:
        env = os.environ
    if any(issubclass(type(k), bytes) for k in env):  # (by type: a str subclass's __class__ property never runs)
        decoded = {os.fsdecode(k): os.fsdecode(v) for k, v in env.items()}
        return {os.fsencode(k): os.fsencode(v) for k, v in for_child(decoded, extra).items()}
    return for_child(env, extra)
