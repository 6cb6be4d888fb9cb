"""The launcher's checks before the program runs, reported to the engine in one JSON file (the
path in CONCURRENCY_LAB_CHECK) so that no separate Python has to start first:

    {"python": "3.12.1", "version": [3, 12, 1], "too_old": false, "executable": "...",
     "syntax_error": null | {"msg", "line", "col", "text"},
     "unguarded_process": [{"line": n, "call": "Process(...)"}], "start_method": "fork"}

launch.py writes {"python", "version", "too_old": true} itself on a Python older than the engine's
minimum (it must parse on any Python). unguarded_process lists module-level creations of
multiprocessing Process/Pool/Manager or ProcessPoolExecutor (outside `if __name__ == "__main__":`,
functions and classes): a spawn or forkserver child re-imports the program and would run them again,
which fails; start_method says which method the program's processes will use. The launcher does not
run a program with a syntax error or (`refused`) one whose children would re-create processes.
"""
import os
import sys

from . import encode

# ast and re are imported only for a program that names a process factory (most name none), and the
# report is written with the tracer's own encoder rather than json: together they cost ~10-15 ms of
# every run's start (they pull in enum, functools, collections), and an untraced `python FILE` loads
# none of them, so the program could see them in sys.modules.

PROCESS_FACTORIES = ('Process', 'Pool', 'ProcessPoolExecutor', 'Manager', 'SyncManager')


def _dotted(node):
    import ast
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(_dotted(node.func) + '(...)')
    return '.'.join(reversed(parts))


def _is_main_guard(test):
    import ast
    if not isinstance(test, ast.Compare) or len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
        return False
    sides = [test.left, test.comparators[0]]
    has_name = any(isinstance(s, ast.Name) and s.id == '__name__' for s in sides)
    has_main = any(isinstance(s, ast.Constant) and s.value == '__main__' for s in sides)
    return has_name and has_main


def _calls_outside_scopes(node, found):
    """Process-creating calls in `node`, not descending into functions, classes or lambdas."""
    import ast
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
        return
    if isinstance(node, ast.Call):
        name = _dotted(node.func)
        if name.rsplit('.', 1)[-1] in PROCESS_FACTORIES:
            found.append({'line': node.lineno, 'call': name + '(...)'})
    for child in ast.iter_child_nodes(node):
        _calls_outside_scopes(child, found)


def _module_statements(body):
    """Statements that run on import, with `if __name__ == "__main__":` bodies left out."""
    import ast
    for stmt in body:
        if isinstance(stmt, ast.If) and _is_main_guard(stmt.test):
            for s in _module_statements(stmt.orelse):  # runs exactly when imported by a child
                yield s
            continue
        if isinstance(stmt, (ast.If, ast.For, ast.While, ast.With, ast.Try)):
            yield _Header(stmt)
            for field in ('body', 'orelse', 'finalbody'):
                for s in _module_statements(getattr(stmt, field, []) or []):
                    yield s
            for handler in getattr(stmt, 'handlers', []) or []:
                for s in _module_statements(handler.body):
                    yield s
            continue
        yield stmt


class _Header(object):
    """The parts of a compound statement that are not its nested bodies (test, iter, items)."""

    def __init__(self, stmt):
        import ast
        self.nodes = []
        for field in ('test', 'iter', 'target'):
            value = getattr(stmt, field, None)
            if isinstance(value, ast.AST):
                self.nodes.append(value)
        for item in getattr(stmt, 'items', []) or []:
            self.nodes.append(item)


def unguarded_process(tree):
    import ast
    found = []
    for stmt in _module_statements(tree.body):
        nodes = stmt.nodes if isinstance(stmt, _Header) else [stmt]
        for node in nodes:
            _calls_outside_scopes(node, found)
    found.sort(key=lambda d: d['line'])
    return found


_ASKED = r"""(?:set_start_method|get_context)\(\s*(?:method\s*=\s*)?['"](fork|spawn|forkserver)['"]"""


def likely_start_method(source_text, version=None, platform=None):
    """The start method the program's processes will use: the one its text asks for, else the
    platform's default (fork on Linux before 3.14, forkserver from 3.14, spawn on macOS and Windows)."""
    import re
    asked = re.search(_ASKED, source_text)
    if asked:
        return asked.group(1)
    platform = platform or sys.platform
    if platform == 'win32' or platform == 'darwin':
        return 'spawn'
    version = version or sys.version_info
    return 'forkserver' if tuple(version[:2]) >= (3, 14) else 'fork'


def base():
    v = sys.version_info
    return {'python': '%d.%d.%d' % (v[0], v[1], v[2]), 'version': [v[0], v[1], v[2]],
            'executable': sys.executable, 'too_old': False}


def too_old(minimum):
    """True when this Python is older than `minimum` ("3.8"; launch.py checks the same on any Python)."""
    try:
        wanted = tuple(int(x) for x in minimum.split('.'))
    except ValueError:
        return False
    return tuple(sys.version_info[:len(wanted)]) < wanted


def syntax_error(e):
    """The report on a program that does not compile."""
    result = base()
    result.update({'syntax_error': {'msg': getattr(e, 'msg', None) or str(e), 'line': getattr(e, 'lineno', None),
                                    'col': getattr(e, 'offset', None),
                                    'text': (getattr(e, 'text', None) or '').rstrip('\n') or None},
                   'unguarded_process': [], 'start_method': None, 'refused': True})
    return result


def check(source, path):
    """The report on a program that compiles; `refused` when it must not run. Only a program that
    names a process factory is parsed again (most have none, and parsing costs)."""
    result = base()
    result.update({'syntax_error': None, 'unguarded_process': [], 'start_method': None, 'refused': False})
    if not any(name.encode() in source for name in PROCESS_FACTORIES):
        return result
    import ast
    try:
        tree = compile(source, path, 'exec', ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        return syntax_error(e)
    result['unguarded_process'] = unguarded_process(tree)
    result['start_method'] = likely_start_method(source.decode('utf-8', 'replace'))
    result['refused'] = bool(result['unguarded_process']) and result['start_method'] != 'fork'
    return result


def write(path, result):
    """Write the report whole (a reader never sees half of it); errors are the engine's to notice."""
    if not path:
        return
    tmp = path + '.tmp'
    try:
        with open(tmp, 'w') as f:
            f.write(encode.dumps(result))
        os.replace(tmp, path)
    except OSError:
        pass
