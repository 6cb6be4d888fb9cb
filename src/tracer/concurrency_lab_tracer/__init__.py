"""Concurrency Lab tracer: stdlib only, activated by sitecustomize (or launch.py) when
CONCURRENCY_LAB_OUT is set. See launch.py for the launch contract."""
import atexit
import os
import sys

from . import core

# Used only when the engine gave no limits (launch.py run by hand); RUN_LIMITS in src/run/limits.ts
# owns them (test/unit/limitDefaults.test.ts checks these match).
DEFAULT_CALL_BUDGET = 2000
DEFAULT_EVENT_CAP = 200000
# 3.8-3.11: "settrace" traces with sys.settrace instead of rewriting the program (see calls_ast)
MECHANISM_ENV = 'CONCURRENCY_LAB_MECHANISM'
active = False
calls = None  # the call-hook module in use; launch.py compiles the program with its compile_program if it has one


def _int_env(name, default):
    try:
        return int(os.environ[name])
    except (KeyError, ValueError):
        return default


def activate():
    global active, calls
    if active or not os.environ.get(core.TRACER_OUT_ENV):
        return active
    active = True
    core.out_dir = os.path.abspath(os.environ[core.TRACER_OUT_ENV])  # (the program may chdir)
    core.program = os.environ.get('CONCURRENCY_LAB_FILE', '')
    core.call_budget = _int_env('CONCURRENCY_LAB_CALL_BUDGET', DEFAULT_CALL_BUDGET)
    core.event_cap = _int_env('CONCURRENCY_LAB_EVENT_CAP', DEFAULT_EVENT_CAP)
    core.open_sink()

    from . import output, processes, threads
    origin, parent_obj, internal, name = processes.identity_from_env()
    if origin == 'multiprocessing' and name == 'forkserver':
        processes.role = 'forkserver'
    core.tid_of(__import__('_thread').get_ident())
    if sys.version_info >= (3, 12):
        from . import calls_monitoring as calls
        processes.mechanism = 'monitoring'
    elif os.environ.get(MECHANISM_ENV) == 'settrace':
        from . import calls_settrace as calls
        processes.mechanism = 'settrace'
    else:
        from . import calls_ast as calls, program_loads
        processes.mechanism = 'settrace' if program_loads.runs_program_directly() else 'ast'
    processes.emit_meta()
    processes.emit_begin(origin, parent_obj, internal, name)
    core.flush()

    output.install()
    threads.patch_sleep()
    processes.install()
    processes.after_fork_hooks.extend([calls.after_fork_child, output.after_fork_child])
    calls.install()  # before lazy patches: patching threading applies the hooks calls registered
    from . import lazy
    lazy.install()
    atexit.register(_at_exit)
    return True


def _at_exit():
    from . import processes
    core.end_process(processes.exit_hint)
