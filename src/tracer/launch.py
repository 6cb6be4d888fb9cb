"""Run a Python program under the Concurrency Lab tracer.

Launch contract (the Node run engine relies on exactly this):

    command:  [python, <tracerDir>/launch.py, <program.py>]     cwd chosen by the engine
    env:      CONCURRENCY_LAB_OUT=<dir>        events-<pid>.jsonl files go here; its presence enables tracing
              CONCURRENCY_LAB_FILE=<abs path>  only functions whose co_filename is this file are traced
              CONCURRENCY_LAB_CALL_BUDGET=<n>  calls recorded per function (0 = unlimited; default 2000)
              CONCURRENCY_LAB_EVENT_CAP=<n>    events written per process (0 = unlimited; default 200000)
              CONCURRENCY_LAB_MECHANISM=settrace   (optional, 3.8-3.11) trace with sys.settrace instead of
                                                    rewriting the program's source (see calls_ast.py)
              PYTHONPATH=<tracerDir>/inject[:...]   its sitecustomize.py starts the tracer in every Python
                                                    of the run (spawn/forkserver/subprocess children too)
              PYTHONUNBUFFERED=1  PYTHONUTF8=1

The program runs as __main__ with __file__ set, sys.argv[0] = the program path and sys.path[0]
= its directory, so spawn/forkserver children can re-import it. Its stdout/stderr bytes and exit
code are those of an untraced `python program.py`; an uncaught exception's traceback omits the
launcher's frames. Internal variables passed to children: CONCURRENCY_LAB_ROOT,
CONCURRENCY_LAB_PARENT_OBJ, CONCURRENCY_LAB_PROC_INFO.
"""
import os
import sys

# The launcher lives in a module so that its bytecode is cached: Python compiles a script run by
# path from source on every start, which cost ~1-2 ms per process here.
if 'concurrency_lab_tracer' not in sys.modules:  # (sitecustomize imports it in a traced run)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from concurrency_lab_tracer import launcher  # noqa: E402

if __name__ == '__main__':
    sys.exit(launcher.main(__file__))
