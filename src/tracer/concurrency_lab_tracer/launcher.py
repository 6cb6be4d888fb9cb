"""The launcher behind launch.py (see there for the launch contract), and on 3.12+, where the program
file runs itself, what the launcher does around it (start_direct and below)."""
import builtins
import os
import sys

# Files whose frames an uncaught exception's traceback leaves out (launch.py is added by main).
_own_files = {os.path.abspath(__file__)}

# A program exception's fields as BaseException keeps them, and its methods as BaseException's: its
# class's properties, __getattr__/__getattribute__ and overrides are program code, which Python itself
# never runs to end the program with it (it reads the C fields; an except clause matches by type).
_traceback_of = BaseException.__dict__['__traceback__'].__get__
_context = BaseException.__dict__['__context__']
_with_traceback = BaseException.with_traceback
_exit_code_slot = SystemExit.__dict__['code']
_syntax_lineno = SyntaxError.__dict__['lineno'].__get__
_mro = type.__dict__['__mro__'].__get__
_class_dict = type.__dict__['__dict__'].__get__


def _start_tracer(tracer_dir):
    """The tracer, started by inject/sitecustomize.py (which also took the run's settings out of the
    environment), or here when this Python was started without it; None for an untraced run."""
    tracer = sys.modules.get('concurrency_lab_tracer')
    if tracer is not None and tracer.active:
        return tracer
    if not os.environ.get('CONCURRENCY_LAB_OUT'):
        return None
    if tracer_dir not in sys.path:
        sys.path.insert(0, tracer_dir)
    import concurrency_lab_tracer
    concurrency_lab_tracer.activate()
    from concurrency_lab_tracer import processes
    processes.take_run_settings()
    return concurrency_lab_tracer


def _too_old():
    """On a Python older than the engine's minimum, write preflight.py's "too old" report (when one is
    asked for) and say so. launch.py's check, made here (bytecode-cached) on 3.8+; launch_old.py makes
    it on older Pythons. Settings are read where they are: taken by the tracer, else the environment."""
    processes = sys.modules.get('concurrency_lab_tracer.processes')
    settings = getattr(processes, 'run_settings', None) or os.environ
    minimum = settings.get('CONCURRENCY_LAB_MIN_PYTHON', '')
    try:
        if tuple(sys.version_info[:minimum.count('.') + 1]) >= tuple(int(x) for x in minimum.split('.')):
            return False
    except ValueError:
        return False
    report = settings.get('CONCURRENCY_LAB_CHECK')
    if report:
        from concurrency_lab_tracer import preflight
        preflight.write(report, dict(preflight.base(), too_old=True))
    return True


def _strip_own_frames(tb):
    """Drop leading traceback entries that belong to the launcher."""
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) in _own_files:
        tb = tb.tb_next
    return tb


def main(launch_file):
    """Run the program named by sys.argv[1]; launch_file is launch.py's __file__."""
    if _too_old():
        return 2
    if len(sys.argv) < 2:
        sys.stderr.write('usage: launch.py <program.py> [args...]\n')
        return 2
    launch_file = os.path.abspath(launch_file)
    _own_files.add(launch_file)
    tracer_dir = os.path.dirname(launch_file)
    given = sys.argv[1]
    tracer = _start_tracer(tracer_dir)
    program = (tracer and tracer.core.program) or os.path.abspath(given)
    if os.path.realpath(program) != os.path.realpath(given):
        program = os.path.abspath(given)
    if tracer is not None and not tracer.core.program:
        tracer.core.program = program

    sys.argv = sys.argv[1:]
    orig_argv = getattr(sys, 'orig_argv', None)  # (3.10+) [python, launch.py, program, ...]: as `python program`
    if orig_argv and len(orig_argv) > 2 and os.path.abspath(orig_argv[1]) == launch_file:
        del orig_argv[1]
    if not getattr(sys.flags, 'safe_path', False):  # (3.11+ -P/PYTHONSAFEPATH: Python puts no folder there)
        sys.path[0] = os.path.dirname(os.path.realpath(program))  # as Python sets it: symlinks resolved
    if tracer_dir in sys.path:
        sys.path.remove(tracer_dir)

    main_module = type(sys)('__main__')  # types.ModuleType without importing types
    # The globals `python FILE` gives a script (its __main__ has __annotations__ from the start).
    main_module.__dict__.update({'__file__': program, '__cached__': None, '__builtins__': builtins,
                                 '__loader__': _script_loader(program), '__spec__': None, '__package__': None,
                                 '__annotations__': {}})
    sys.modules['__main__'] = main_module

    try:
        with open(program, 'rb') as f:
            source = f.read()
    except OSError as e:
        sys.stderr.write("%s: can't open file %r: [Errno %d] %s\n" % (sys.executable, given, e.errno, e.strerror))
        return 2

    report = _report_path(tracer)
    try:
        compile_program = getattr(tracer and tracer.calls, 'compile_program', None)
        compiled = compile_program(source, program) if compile_program is not None else None
        if compiled is not None:  # cached, and on 3.8-3.11 rewritten to report its own calls
            code, extra = compiled
            main_module.__dict__.update(extra)
        else:
            code = compile(source, program, 'exec', dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        if report:
            from concurrency_lab_tracer import preflight
            preflight.write(report, preflight.syntax_error(e))
            return 2
        code, not_compiled = None, e  # reported below as Python reports it
    if report:
        from concurrency_lab_tracer import preflight
        result = preflight.check(source, program)
        preflight.write(report, result)
        if result['refused']:
            return 2

    # (one try in this function, not a function of its own: no frame of ours more below <module>)
    try:
        try:
            if code is None:
                raise not_compiled
            exec(code, main_module.__dict__)
        except SystemExit as e:
            _note_exit(tracer, _exit_code(e))
            raise
        except KeyboardInterrupt as e:
            # Python itself must end the process (it re-raises SIGINT after finalising, which gives the
            # untraced exit status), so let it propagate with a hook that prints the program's frames only.
            _note_uncaught(tracer, e, program)
            sys.excepthook = _without_own_frames(sys.excepthook)
            raise
        except BaseException as e:
            tb = _note_uncaught(tracer, e, program)
            _with_traceback(e, tb)  # the default hook prints the exception's own __traceback__
            _call_excepthook(e, tb)
            _note_exit(tracer, 1)
            return 1
        _note_exit(tracer, 0)
        return 0
    finally:
        main_ended()


def main_ended():
    """The program's last line has run (or an exception left it): write what is pending now. Python's
    shutdown may then wait a long time for a non-daemon thread, and a thread that only computes records
    nothing that would write the main thread's last events before a Stop (the time bound writes only
    when an event is recorded). Called here, and by the call hooks when the program runs directly."""
    tracer = sys.modules.get('concurrency_lab_tracer')
    if tracer is not None and tracer.active:
        tracer.core.flush()


def _call_excepthook(e, tb):
    """sys.excepthook(e) as Python calls it for an uncaught exception: a hook that raises is reported
    as Python reports it (once, with the original exception after it), not run again."""
    try:
        sys.excepthook(type(e), e, tb)
    except BaseException as failure:
        try:
            sys.stdout.flush()
        except Exception:
            pass
        if _context.__get__(failure) is e:  # (Python calls the hook outside any handler)
            _context.__set__(failure, None)
        failure_tb = _strip_own_frames(_traceback_of(failure))
        sys.stderr.write('Error in sys.excepthook:\n')
        sys.__excepthook__(type(failure), _with_traceback(failure, failure_tb), failure_tb)
        sys.stderr.write('\nOriginal exception was:\n')
        sys.__excepthook__(type(e), e, tb)


def _script_loader(program):
    """The loader Python gives a script run by path (importlib's, already loaded: no import)."""
    external = sys.modules.get('_frozen_importlib_external')
    try:
        return external.SourceFileLoader('__main__', program)
    except Exception:
        return None


def _report_path(tracer):
    """Where the pre-run report goes (preflight.py), if the engine asked for one."""
    if tracer is not None:
        from concurrency_lab_tracer import processes
        return processes.run_settings.get('CONCURRENCY_LAB_CHECK')
    return os.environ.get('CONCURRENCY_LAB_CHECK')


def _note_uncaught(tracer, e, program):
    """Record an exception that ends the program; returns its traceback without launcher frames."""
    tb = _strip_own_frames(_traceback_of(e))
    if tracer is not None:
        from concurrency_lab_tracer import encode, threads
        line = threads.tb_program_line(tb)
        if not line and issubclass(type(e), SyntaxError):
            line = _syntax_lineno(e)
        tracer.core.emit('exc', {'type': encode.type_name(e), 'msg': encode.exception_message(e), 'file': program,
                                 'line': line if type(line) is int else 0, 'uncaught': True, 'where': 'main'})
    return tb


def _without_own_frames(hook):
    def excepthook(exc_type, exc, tb):
        tb = _strip_own_frames(tb)
        hook(exc_type, _with_traceback(exc, tb) if exc is not None else exc, tb)
    return excepthook


def _exit_code(e):
    """The code a SystemExit ends the program with (Python reads its `code` once, itself), read
    without running program code: its C field, unless its class overrides `code` or attribute lookup;
    then _UNKNOWN (the process's end then gives no exit code)."""
    for klass in _mro(type(e)):
        if klass is SystemExit:
            return _exit_code_slot.__get__(e)
        own = _class_dict(klass)
        if 'code' in own or '__getattribute__' in own:
            return _UNKNOWN
    return _UNKNOWN


_UNKNOWN = object()


def _note_exit(tracer, code):
    if tracer is None:
        return
    if code is _UNKNOWN:
        code = None
    elif code is None:
        code = 0
    elif issubclass(type(code), int):  # (as Python tells an exit status: by type, no __class__ property runs)
        code = int.__int__(code)  # (an exact int: no subclass __int__/__repr__ runs when it is written)
    else:
        code = 1  # (Python prints it and ends with status 1)
    tracer.processes.exit_hint = code


# The program run directly (3.12+: `python FILE`, see concurrency_lab_supervisor.program_args). Python
# itself runs the file, reports an uncaught exception and sets the exit status; what launch.py does
# around the program is done here instead, without a frame of ours below the program's <module>:
# the pre-run check before it (start_direct, from inject/sitecustomize.py), the uncaught exception
# as it leaves <module> (main_unwound, from the call hooks) and a syntax error at exit.
direct = False
_main_unwound = False


def start_direct(tracer):
    """The run's first Python was started on the program file itself: write the pre-run report and
    end here (status 2, as launch.py) when the program must not run. Called by sitecustomize once the
    tracer is on and the run's settings are out of the environment."""
    global direct
    direct = True
    program = tracer.core.program
    report = _report_path(tracer)
    try:
        with open(program, 'rb') as f:
            source = f.read()
    except OSError:
        source = b''  # Python then says it cannot open the file, as untraced
    if report:
        from concurrency_lab_tracer import preflight, processes
        if preflight.too_old(processes.run_settings.get('CONCURRENCY_LAB_MIN_PYTHON', '')):  # (as launch.py checks it)
            preflight.write(report, dict(preflight.base(), too_old=True))
            tracer.core.end_process(2)
            os._exit(2)
        result = preflight.check(source, program)
        preflight.write(report, result)
        if result['refused']:
            tracer.core.end_process(2)
            os._exit(2)
    # The names the program gives its objects, known now: once the program runs, its audit hook would
    # see a compile of ours. Kept in program_cache with the source, so a run of the same source parses
    # nothing (launch.py gets them with the compiled code from there too).
    from concurrency_lab_tracer import program_cache
    program_cache.names(source, program)
    if hasattr(tracer.calls, 'main_unwound'):
        tracer.calls.main_unwound = main_unwound
    import atexit
    atexit.register(_at_direct_exit, tracer, report)  # (runs before the tracer's own: proc_end is last)


def main_unwound(exc):
    """The exception `exc` leaves the program's <module> frame (run directly): the program ends with
    it. SystemExit gives the exit status; anything else is the uncaught exception Python reports."""
    global _main_unwound
    tracer = sys.modules.get('concurrency_lab_tracer')
    if not direct or _main_unwound or tracer is None:
        return
    _main_unwound = True
    if issubclass(type(exc), SystemExit):  # (by type, as Python matches it: isinstance reads __class__)
        _note_exit(tracer, _exit_code(exc))
    else:
        _note_uncaught(tracer, exc, tracer.core.program)
        if not issubclass(type(exc), KeyboardInterrupt):  # (that one ends the process by SIGINT)
            _note_exit(tracer, 1)
    main_ended()


def _is_program_name(name, program):
    return type(name) is str and name == program  # (a str's own ==: another object's __eq__ never runs)


def _at_direct_exit(tracer, report):
    """A program that does not compile never started: Python printed the error (as untraced); the
    report says so, as launch.py's does. Otherwise the program returned, unless it was seen to end
    by an exception."""
    exc = getattr(sys, 'last_exc', None)
    if (report and issubclass(type(exc), SyntaxError) and _traceback_of(exc) is None
            and _is_program_name(SyntaxError.__dict__['filename'].__get__(exc), tracer.core.program)):
        from concurrency_lab_tracer import preflight
        preflight.write(report, preflight.syntax_error(exc))
        return
    if not _main_unwound and not tracer.core._cap_hit:  # (past the cap the call hooks are off: unknown)
        _note_exit(tracer, 0)
