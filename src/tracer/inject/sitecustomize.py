"""Starts the Concurrency Lab tracer in every Python of a traced run (only when
CONCURRENCY_LAB_OUT is set), takes the run's settings out of the environment and this folder off
sys.path (see concurrency_lab_tracer/runenv.py), then runs any sitecustomize this file shadows. The
program sees what it would untraced (launcher.py also removes this module from sys.modules when no
sitecustomize of the user's replaced it)."""
_clab_inject = True
import os
import sys


def _clab_start():
    if not os.environ.get('CONCURRENCY_LAB_OUT'):
        return
    tracer_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, tracer_dir)
    # The tracer's own bytecode is cached even when the user's environment asks Python not to write
    # any (PYTHONDONTWRITEBYTECODE, -B): that is about the user's files, and compiling the tracer from
    # source cost every run ~35 ms of CPU. The setting is back before anything of the program runs.
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = False
    root = os.environ.get('CONCURRENCY_LAB_ROOT')  # (set for the run's other Pythons)
    try:
        import concurrency_lab_tracer
        concurrency_lab_tracer.activate()
        if not root:  # the run's first Python, which launch.py starts: its launcher and pre-run check
            from concurrency_lab_tracer import launcher, preflight  # noqa: F401
    except Exception:
        pass  # never let the tracer stop the program from starting
    finally:
        sys.dont_write_bytecode = dont_write
    try:
        from concurrency_lab_tracer import runenv
        runenv.take()
    except Exception:
        pass
    finally:
        try:
            sys.path.remove(tracer_dir)
        except ValueError:
            pass


def _clab_chain():
    here = os.path.dirname(os.path.abspath(__file__))
    me = sys.modules.pop('sitecustomize', None)
    saved_path = sys.path[:]
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != here]
    try:
        import sitecustomize  # noqa: F401  (the one we shadow, if any)
    except ImportError as e:
        if getattr(e, 'name', None) != 'sitecustomize':
            raise
        # The import system needs an entry for the module being imported; the launcher removes it
        # before the program runs (launcher.py). In other Pythons of the run it stays.
        if me is not None:
            sys.modules['sitecustomize'] = me
    finally:
        sys.path[:] = saved_path


_clab_start()
_clab_chain()
