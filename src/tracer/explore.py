"""Entry point of the Interleaving Explorer: python explore.py FILE [--runs N] [--seed S] [--replay SEED]
[--timeout S] [--max-steps N] [--keep-going]. Prints one JSON line per schedule, then {"type": "done"}.

A seed must replay the same schedule on every run and machine, so hashing is fixed: without
PYTHONHASHSEED=0 the script re-executes itself with it (and, on Linux, without address randomisation)."""
import os
import sys

MARK = 'CONCURRENCY_LAB_EXPLORE_EXEC'
if os.environ.get(MARK) != '1':
    env = dict(os.environ, PYTHONHASHSEED='0')
    env[MARK] = '1'
    env['CONCURRENCY_LAB_EXPLORE_HASHSEED'] = os.environ.get('PYTHONHASHSEED', 'unset')
    if sys.platform.startswith('linux'):
        # Objects hashed by address (sets of futures, weak sets of tasks) iterate in address order:
        # without address randomisation that order is the same in every run on this machine.
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).personality(0x0040000)  # ADDR_NO_RANDOMIZE, for the exec
        except (OSError, AttributeError):
            pass
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

# The program sees the environment it was given (its subprocesses hash as they would have).
del os.environ[MARK]
_seed = os.environ.pop('CONCURRENCY_LAB_EXPLORE_HASHSEED', 'unset')
if _seed == 'unset':
    del os.environ['PYTHONHASHSEED']
else:
    os.environ['PYTHONHASHSEED'] = _seed

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from concurrency_lab_explore.server import main  # noqa: E402

sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != HERE]  # the program can't import our files

sys.exit(main(sys.argv[1:]))
