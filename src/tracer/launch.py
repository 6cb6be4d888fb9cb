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
code are those of an untraced `python program.py`; an uncaught exception's traceback omits this
file's frames. Internal variables passed to children: CONCURRENCY_LAB_ROOT,
CONCURRENCY_LAB_PARENT_OBJ, CONCURRENCY_LAB_PROC_INFO.
"""
import os
import sys


def _start_tracer(tracer_dir):
    if not os.environ.get('CONCURRENCY_LAB_OUT'):
        return None
    if tracer_dir not in sys.path:
        sys.path.insert(0, tracer_dir)
    import concurrency_lab_tracer
    concurrency_lab_tracer.activate()
    return concurrency_lab_tracer


def _strip_own_frames(tb):
    """Drop leading traceback entries that belong to this launcher."""
    here = os.path.abspath(__file__)
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) == here:
        tb = tb.tb_next
    return tb


def main():
    if len(sys.argv) < 2:
        sys.stderr.write('usage: launch.py <program.py> [args...]\n')
        return 2
    tracer_dir = os.path.dirname(os.path.abspath(__file__))
    given = sys.argv[1]
    program = os.environ.get('CONCURRENCY_LAB_FILE') or os.path.abspath(given)
    if os.path.realpath(program) != os.path.realpath(given):
        program = os.path.abspath(given)
    tracer = _start_tracer(tracer_dir)
    if tracer is not None and not tracer.core.program:
        tracer.core.program = program

    sys.argv = sys.argv[1:]
    sys.path[0] = os.path.dirname(program)
    if tracer_dir in sys.path:
        sys.path.remove(tracer_dir)

    main_module = type(sys)('__main__')  # types.ModuleType without importing types
    main_module.__dict__.update({'__file__': program, '__cached__': None, '__builtins__': __builtins__,
                                 '__loader__': None, '__spec__': None, '__package__': None})
    sys.modules['__main__'] = main_module

    try:
        with open(program, 'rb') as f:
            source = f.read()
    except OSError as e:
        sys.stderr.write("%s: can't open file %r: [Errno %d] %s\n" % (sys.executable, given, e.errno, e.strerror))
        return 2

    try:
        compile_program = getattr(tracer and tracer.calls, 'compile_program', None)
        rewritten = compile_program(source, program) if compile_program is not None else None
        if rewritten is not None:  # 3.8-3.11: the program rewritten to report its own calls
            code, extra = rewritten
            main_module.__dict__.update(extra)
        else:
            code = compile(source, program, 'exec', dont_inherit=True)
        exec(code, main_module.__dict__)
    except SystemExit as e:
        _note_exit(tracer, e.code)
        raise
    except KeyboardInterrupt as e:
        # Python itself must end the process (it re-raises SIGINT after finalising, which gives the
        # untraced exit status), so let it propagate with a hook that prints the program's frames only.
        _note_uncaught(tracer, e, program)
        sys.excepthook = _without_own_frames(sys.excepthook)
        raise
    except BaseException as e:
        tb = _note_uncaught(tracer, e, program)
        e.with_traceback(tb)  # the default hook prints the exception's own __traceback__
        sys.excepthook(type(e), e, tb)
        _note_exit(tracer, 1)
        return 1
    _note_exit(tracer, 0)
    return 0


def _note_uncaught(tracer, e, program):
    """Record an exception that ends the program; returns its traceback without launcher frames."""
    tb = _strip_own_frames(e.__traceback__)
    if tracer is not None:
        from concurrency_lab_tracer import threads
        tracer.core.emit('exc', {'type': type(e).__name__, 'msg': str(e)[:500], 'file': program,
                                 'line': threads.tb_program_line(tb) or getattr(e, 'lineno', 0) or 0,
                                 'uncaught': True, 'where': 'main'})
    return tb


def _without_own_frames(hook):
    def excepthook(exc_type, exc, tb):
        tb = _strip_own_frames(tb)
        hook(exc_type, exc.with_traceback(tb) if exc is not None else exc, tb)
    return excepthook


def _note_exit(tracer, code):
    if tracer is None:
        return
    if code is None:
        code = 0
    elif not isinstance(code, int):
        code = 1
    tracer.processes.exit_hint = code


if __name__ == '__main__':
    sys.exit(main())
