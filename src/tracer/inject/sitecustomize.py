"""Starts the Concurrency Lab tracer in every Python of a traced run (only when
CONCURRENCY_LAB_OUT is set), then runs any sitecustomize this file shadows."""
import os
import sys


def _clab_start():
    if not os.environ.get('CONCURRENCY_LAB_OUT'):
        return
    tracer_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path.insert(0, tracer_dir)
    try:
        import concurrency_lab_tracer
        concurrency_lab_tracer.activate()
    except Exception:
        pass  # never let the tracer stop the program from starting
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
        if me is not None:
            sys.modules['sitecustomize'] = me
    finally:
        sys.path[:] = saved_path


_clab_start()
_clab_chain()
