"""Starts the Concurrency Lab tracer in every Python of a traced run (only when
CONCURRENCY_LAB_OUT is set), takes the run's settings out of the environment and this folder off
sys.path (see concurrency_lab_tracer/processes.py, take_run_settings), then runs any sitecustomize this file shadows. The
program sees what it would untraced: when no sitecustomize of the user's took its place, this module
ends by raising the ImportError Python's site takes for "there is no sitecustomize", which also takes
it out of sys.modules. In the run's first Python started on the program file itself (3.12+, see
concurrency_lab_supervisor.program_args) it also makes launch.py's pre-run check (launcher.start_direct)."""
import os
import sys


def _clab_start():
    if not os.environ.get('CONCURRENCY_LAB_OUT'):
        return
    # Start-up makes objects that live as long as the process (modules, functions): a garbage
    # collection in the middle of it only walks them (~1.1M instructions of a 3.8 process). Python's
    # own start-up imports no gc, so it leaves sys.modules as it found it.
    imported = 'gc' in sys.modules
    import gc
    if not imported:
        del sys.modules['gc']
    collecting = gc.isenabled()
    gc.disable()
    try:
        _clab_start_tracer()
    finally:
        if collecting:
            gc.enable()


def _clab_start_tracer():
    tracer_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, tracer_dir)
    # The tracer's own bytecode is cached even when the user's environment asks Python not to write
    # any (PYTHONDONTWRITEBYTECODE, -B): that is about the user's files, and compiling the tracer from
    # source cost every run ~35 ms of CPU. The setting is back before anything of the program runs.
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    root = os.environ.get('CONCURRENCY_LAB_ROOT')  # (set for the run's other Pythons)
    tracer = None
    try:
        import concurrency_lab_tracer
        if concurrency_lab_tracer.activate():
            tracer = concurrency_lab_tracer
        if not root:  # the run's first Python: its launcher, and the pre-run check when one is asked for
            from concurrency_lab_tracer import launcher, program_loads  # noqa: F401
            if os.environ.get('CONCURRENCY_LAB_CHECK'):
                from concurrency_lab_tracer import preflight  # noqa: F401
        if dont_write:
            _cache_bytecode(os.path.join(tracer_dir, 'concurrency_lab_tracer'))
    except Exception:
        pass  # never let the tracer stop the program from starting
    finally:
        sys.dont_write_bytecode = dont_write
    try:
        from concurrency_lab_tracer import processes
        processes.take_run_settings()
    except Exception:
        pass
    finally:
        try:
            sys.path.remove(tracer_dir)
        except ValueError:
            pass
    try:
        if tracer is not None and not root and program_loads.runs_program_directly():
            launcher.start_direct(tracer)
    except Exception:
        pass


def _cache_bytecode(package):
    """Told not to write bytecode, write that of the tracer's modules not imported yet, and of this
    file, when it is missing or older than the source: they are imported later (when the program
    imports what they patch), once bytecode writing is off again, and each would be compiled from
    source on every run (several ms each). Two stats per file when the bytecode is there."""
    external = sys.modules.get('_frozen_importlib_external')
    files = [(__name__, os.path.abspath(__file__))]
    files += [('concurrency_lab_tracer.' + name[:-3], os.path.join(package, name))
              for name in os.listdir(package) if name.endswith('.py')]
    for module, path in files:
        if module in sys.modules and module != __name__:
            continue  # (imported just now: its bytecode was written then)
        folder = os.path.dirname(external.cache_from_source(path))
        if not os.access(folder if os.path.isdir(folder) else os.path.dirname(path), os.W_OK):
            continue  # (a read-only install: compiling it here would only cost, every run)
        try:
            if os.stat(external.cache_from_source(path)).st_mtime >= os.stat(path).st_mtime:
                continue
        except OSError:
            pass
        try:
            external.SourceFileLoader(module, path).get_code(module)  # (writes the bytecode)
        except Exception:
            pass


def _clab_chain():
    """Import the sitecustomize this one shadows; False when there is none."""
    here = os.path.dirname(os.path.abspath(__file__))
    me = sys.modules.pop('sitecustomize', None)
    saved_path = sys.path[:]
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != here]
    try:
        import sitecustomize  # noqa: F401  (the one we shadow, if any)
        return True
    except ImportError as e:
        if getattr(e, 'name', None) != 'sitecustomize':
            raise
        # The import system needs its entry for the module being imported until this one ends.
        if me is not None:
            sys.modules['sitecustomize'] = me
        return False
    finally:
        sys.path[:] = saved_path


_clab_start()
if not _clab_chain():
    # As when there is no sitecustomize at all: the import system drops this module from
    # sys.modules, and site ignores an ImportError naming sitecustomize.
    raise ImportError('no sitecustomize', name='sitecustomize')
