"""The program's own names for the synchronisation objects it makes: `lock_b`, `self.jobs`.

When the program constructs a traced primitive, obj_new records the line that made it and the
variable that line assigns it to, read from the program's source (parsed once per file, only when the
program makes its first primitive, or with its compiled code: see names_in_source), never from the
object: no program code runs. The parse is
compile()'s own AST, walked by hand: importing `ast` would show in the program's sys.modules.
A line that makes it inside a larger expression, or assigns more than one thing, names nothing;
the Timeline then says the type and the line ("Lock made at line 12").
"""
import sys

from . import core, program_cache
from .encode import quote

_names = {}  # file -> {line: name, or None when the line is ambiguous}
_ONLY_AST = 0x400  # ast.PyCF_ONLY_AST


def _walk(node):
    """Every node under node (ast.walk without the ast module)."""
    todo = [node]
    while todo:
        n = todo.pop()
        yield n
        for field in getattr(n, '_fields', ()):
            v = getattr(n, field, None)
            if isinstance(v, list):
                todo.extend(x for x in v if hasattr(x, '_fields'))
            elif hasattr(v, '_fields'):
                todo.append(v)


def _is(node, type_name):
    return type(node).__name__ == type_name


def new_named_serial():
    """A new object serial, announced with where the program made it and what it called it."""
    obj = core.new_serial()
    try:
        f = sys._getframe(1)
        limit = 12
        while f is not None and limit and f.f_code.co_filename != core.program:
            f = f.f_back
            limit -= 1
        if f is None or not limit:
            return obj
        line = f.f_lineno or 0
        name = _names_in(f.f_code.co_filename).get(line)
        named = '' if name is None else ',"name":' + quote(name)
        core.emit_raw('obj_new', f'{{"obj":{obj},"line":{line}{named}}}')
    except Exception:  # naming is a nicety: never let it break the program's constructor
        pass
    return obj


def _names_in(file):
    names = _names.get(file)
    if names is None:
        names = program_cache.object_names.get(file)
    if names is None:
        try:
            with open(file, 'rb') as f:
                source = f.read()
        except Exception:
            source = b''
        names = names_in_source(source, file)
    _names[file] = names
    return names


def names_in_source(source, file):
    """{line: name or None} of a program's source (kept with its compiled code: see program_cache,
    which hands them over in object_names, so a run from the cache parses nothing)."""
    names = {}
    try:
        tree = compile(source, file, 'exec', _ONLY_AST, True)
    except Exception:
        return names
    for node in _walk(tree):
        _learn(node, names)
    return names


def _learn(node, names):
    if _is(node, 'Assign') and len(node.targets) == 1:
        target = node.targets[0]
    elif _is(node, 'AnnAssign') and node.value is not None:
        target = node.target
    else:
        return
    value = node.value
    if not _is(value, 'Call'):
        return
    # The call must be the only one (a lock passed to a call names the call's result, not the lock).
    if any(_is(n, 'Call') for arg in value.args + [k.value for k in value.keywords] for n in _walk(arg)):
        return
    name = _dotted(target)
    for line in range(value.lineno, getattr(value, 'end_lineno', value.lineno) + 1):
        names[line] = None if line in names else name


def _dotted(target):
    """`jobs`, `self.jobs`; None for anything else (a tuple, a subscript)."""
    parts = []
    while _is(target, 'Attribute'):
        parts.append(target.attr)
        target = target.value
    if not _is(target, 'Name'):
        return None
    parts.append(target.id)
    return '.'.join(reversed(parts))[:80]
