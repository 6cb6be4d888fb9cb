"""The run's supervisor (POSIX): `python -E -s -S supervisor.py RUN_DIR GRACE_MS -- LAUNCH_ARGS...`.
See concurrency_lab_supervisor.py, which does the work: it lives in a module so that its bytecode is
cached (a script run by path is compiled from source at every start: ~10 ms of every run). This
folder is sys.path[0] here, and this file must parse on Python 2.7.
"""
from concurrency_lab_supervisor import main

if __name__ == '__main__':
    main()
