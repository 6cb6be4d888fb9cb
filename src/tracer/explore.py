"""Entry point of the Interleaving Explorer: python explore.py FILE [--runs N] [--seed S] [--replay SEED]
[--timeout S] [--max-steps N] [--keep-going]. Prints one JSON line per schedule, then {"type": "done"}.

A seed must replay the same schedule on every run and machine, so hashing is fixed: without
PYTHONHASHSEED=0 the script re-executes itself with it."""
import os
import sys

if os.environ.get('PYTHONHASHSEED') != '0':
    env = dict(os.environ, PYTHONHASHSEED='0')
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from concurrency_lab_explore.server import main  # noqa: E402

sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != HERE]  # the program can't import our files

sys.exit(main(sys.argv[1:]))
