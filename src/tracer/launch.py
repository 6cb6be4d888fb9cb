"""Run a Python program under the Concurrency Lab tracer.

Launch contract (the Node run engine relies on exactly this):

    command:  [python, <tracerDir>/launch.py, <program.py>]     cwd chosen by the engine
              (the POSIX supervisor starts [python, <program.py>] instead on 3.12+: see
              concurrency_lab_supervisor.program_args and launcher.start_direct, which do the same
              as below from inject/sitecustomize.py, with no frame of ours below the program's)
    env:      the user's environment, plus:
              CONCURRENCY_LAB_OUT=<dir>        events-<pid>.jsonl files go here; its presence enables tracing
              CONCURRENCY_LAB_FILE=<abs path>  only functions whose co_filename is this file are traced
              CONCURRENCY_LAB_CALL_BUDGET=<n>  calls recorded per function (0 = unlimited; default 2000)
              CONCURRENCY_LAB_EVENT_CAP=<n>    events written per process (0 = unlimited; default 200000)
              CONCURRENCY_LAB_CHECK=<file>     where the pre-run report goes (see preflight.py)
              CONCURRENCY_LAB_MIN_PYTHON=3.8   the oldest Python the engine accepts (its home is the engine)
              CONCURRENCY_LAB_MECHANISM=settrace   (optional, 3.8-3.11) trace with sys.settrace instead of
                                                    rewriting the program's source (see calls_ast.py)
              PYTHONPATH=<tracerDir>/inject[:<the user's PYTHONPATH>]   its sitecustomize.py starts the
                                                    tracer in every Python of the run (spawn/forkserver/
                                                    subprocess children too)

Before the program runs, all of that is taken out again (processes.take_run_settings): the
program's os.environ, PYTHONPATH and sys.path are what `python program.py` gives. The program runs
as __main__ with __file__ set, sys.argv[0] = the program path and sys.path[0] = its (real) directory,
so spawn/forkserver children can re-import it; sys.orig_argv (3.10+) leaves launch.py out. Its
stdout/stderr bytes and exit code are those of an untraced `python program.py`; an uncaught
exception's traceback omits the launcher's frames. A
program that must not run (too old a Python, a syntax error, see preflight.py) is not run: the
launcher writes its report and exits with status 2. Internal variables passed to children:
CONCURRENCY_LAB_ROOT, CONCURRENCY_LAB_PARENT_OBJ, CONCURRENCY_LAB_PROC_INFO.

This file (and launch_old.py, which it runs on a Python older than 3.8) must stay parseable by
Python 2.7 and 3.6/3.7 (no f-strings, no walrus) so that an old interpreter can still report that it
is too old.
"""
import os
import sys

# Python compiles this file from source on every start (only imported modules' bytecode is cached):
# each statement here costs every run, so the version check and the launcher live in modules.
if sys.version_info < (3, 8):  # (the tracer's own syntax: an older Python can only report it is too old)
    exec(open(os.path.join(os.path.dirname(__file__), 'launch_old.py')).read())
if 'concurrency_lab_tracer' not in sys.modules:  # (sitecustomize imports it in a traced run)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from concurrency_lab_tracer import launcher  # noqa: E402

if __name__ == '__main__':
    sys.exit(launcher.main(__file__))
