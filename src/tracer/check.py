"""Preflight for a traced run: `python check.py <program.py>` prints ONE line of JSON:

    {"python": "3.12.1", "version": [3, 12, 1], "too_old": false, "executable": "...",
     "syntax_error": null | {"msg", "line", "col", "text"},
     "unguarded_process": [{"line": n, "call": "Process(...)"}]}

unguarded_process lists module-level creations of multiprocessing Process/Pool/Manager or
ProcessPoolExecutor (outside `if __name__ == "__main__":`, functions and classes): a spawn or
forkserver child re-imports the program and would run them again, which fails.

This file must stay parseable by Python 2.7 and 3.6/3.7 (no f-strings, no walrus) so that an
old interpreter can still report {"too_old": true}.
"""
import json
import sys

MIN_VERSION = (3, 8)
PROCESS_FACTORIES = ('Process', 'Pool', 'ProcessPoolExecutor', 'Manager', 'SyncManager')


def _emit(result):
    sys.stdout.write(json.dumps(result) + '\n')
    sys.stdout.flush()


def _base():
    v = sys.version_info
    return {'python': '%d.%d.%d' % (v[0], v[1], v[2]), 'version': [v[0], v[1], v[2]],
            'executable': sys.executable}


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
    found = []
    for stmt in _module_statements(tree.body):
        nodes = stmt.nodes if isinstance(stmt, _Header) else [stmt]
        for node in nodes:
            _calls_outside_scopes(node, found)
    found.sort(key=lambda d: d['line'])
    return found


def main():
    result = _base()
    if tuple(sys.version_info[:2]) < MIN_VERSION:
        result['too_old'] = True
        _emit(result)
        return 0
    result['too_old'] = False
    result['syntax_error'] = None
    result['unguarded_process'] = []
    if len(sys.argv) < 2:
        _emit(result)
        return 0
    import ast
    path = sys.argv[1]
    try:
        with open(path, 'rb') as f:
            source = f.read()
    except (IOError, OSError) as e:
        result['error'] = 'cannot read %s: %s' % (path, e)
        _emit(result)
        return 0
    try:
        tree = compile(source, path, 'exec', ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError) as e:
        result['syntax_error'] = {'msg': getattr(e, 'msg', None) or str(e), 'line': getattr(e, 'lineno', None),
                                  'col': getattr(e, 'offset', None),
                                  'text': (getattr(e, 'text', None) or '').rstrip('\n') or None}
        _emit(result)
        return 0
    result['unguarded_process'] = unguarded_process(tree)
    _emit(result)
    return 0


if __name__ == '__main__':
    sys.exit(main())
