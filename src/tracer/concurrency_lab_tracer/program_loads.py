"""Where a process gets the program file's code other than from the launcher, so that the call
mechanism can compile it its own way (calls_ast rewrites it) or see its code objects before they
run (calls_monitoring switches events on for them alone).

- Spawn and forkserver children re-run the program with runpy.run_path as __mp_main__: patched
  when multiprocessing.spawn is imported (since 3.11 runpy is frozen and is not seen being imported).
- Any process may import the program under a module name (`python -c "import prog"`): SourceLoader
  hands every imported module's code over, and a mechanism that wants it hooks there (watch_imports).
- A child interpreter may run the program file itself (runs_program_directly): nothing of ours
  compiles it, so the mechanism falls back to watching all code.

A mechanism that compiles the program itself has `compile_program(source, path)` -> (code, globals
to add) or None, and `compiled_elsewhere()`, called when the program's code is made where it cannot
take part (its file cannot be read here).
"""
import os
import sys

from . import core


def is_program(path):
    try:
        return bool(core.program) and os.path.realpath(path) == os.path.realpath(core.program)
    except (TypeError, ValueError):
        return False


_direct = None


def runs_program_directly():
    """A child interpreter started on the program file itself (not through launch.py). Asked at
    activation, by the tracer and by the mechanism: the two realpath() calls are made once."""
    global _direct
    if _direct is None:
        _direct = bool(getattr(sys, 'argv', None) and sys.argv[0] and is_program(sys.argv[0]))
    return _direct


def _mechanism():
    return getattr(sys.modules[__package__], 'calls', None)


_ours = set()  # the replacements made here (a module can be patched again; they carry no mark)


def patch_spawn(spawn):
    """runpy.run_path of the program file compiles it with the mechanism's compile_program."""
    runpy = spawn.runpy
    orig = runpy.run_path
    if orig in _ours:
        return

    def run_path(path_name, init_globals=None, run_name=None):
        calls = _mechanism()
        compile_program = getattr(calls, 'compile_program', None)
        if compile_program is None or not is_program(path_name):
            return orig(path_name, init_globals, run_name)
        try:
            with open(path_name, 'rb') as f:
                source = f.read()
        except OSError:
            calls.compiled_elsewhere()
            return orig(path_name, init_globals, run_name)
        compiled = compile_program(source, path_name)
        if compiled is None:
            return orig(path_name, init_globals, run_name)
        code, extra = compiled
        if run_name is None:
            run_name = '<run_path>'
        g = dict(init_globals or {})
        g.update(extra)
        return runpy._run_module_code(code, g, run_name, pkg_name=run_name.rpartition('.')[0], script_name=path_name)

    runpy.run_path = core.impersonate(run_path, orig)
    _ours.add(run_path)


def watch_imports(seen):
    """Call seen(code) with the module code of the program whenever it is imported under a module
    name (from source or from its cached bytecode: both go through SourceLoader.get_code). One
    call and a string comparison per imported module."""
    loaders = sys.modules.get('_frozen_importlib_external')
    base = getattr(loaders, 'SourceLoader', None)
    orig = getattr(base, 'get_code', None)
    if orig is None or orig in _ours:
        return False

    def get_code(self, fullname):
        code = orig(self, fullname)
        if code is not None and code.co_filename == core.program:
            seen(code)
        return code

    base.get_code = core.impersonate(get_code, orig)
    _ours.add(get_code)
    return True
