"""The source rewrite behind calls_ast (see there): every function of the program reports its own
calls, returns, yields and resumes. Imported only when a program is not in program_cache: `ast`
and the rewrite cost several ms per process."""
import ast


def _name(id_, ctx=None):
    return ast.Name(id=id_, ctx=ctx or ast.Load())


def _call(fn, *args):
    return ast.Call(func=_name(fn), args=list(args), keywords=[])


def _is_docstring(stmt):
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _own_nodes(body):
    """Nodes of a function's own scope (not of nested functions, lambdas or classes)."""
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                continue
            stack.append(child)


class _OwnScope(ast.NodeTransformer):
    """Rewrites yields, awaits, async with/for and except handlers of one function's own scope."""

    def __init__(self, outer, token):
        self.outer = outer
        self.token = token  # the expression for the frame's token (see Rewriter._instrument)

    def visit_FunctionDef(self, node):
        return self.outer.visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):
        return node  # a lambda's body is its own scope; left as it is

    def visit_GeneratorExp(self, node):
        return node  # consumed lazily, maybe after the function returned: its awaits are not the function's

    def _wrap(self, node, fn, *args):
        new = _call(fn, self.token(), *args)
        return ast.copy_location(new, node)

    def visit_Yield(self, node):
        self.generic_visit(node)
        value = node.value if node.value is not None else ast.copy_location(ast.Constant(value=None), node)
        node.value = self._wrap(node, '_clab_yielding', value)
        return self._wrap(node, '_clab_resumed', node)

    def visit_YieldFrom(self, node):
        self.generic_visit(node)
        node.value = self._wrap(node, '_clab_yielding', node.value)
        return self._wrap(node, '_clab_resumed', node)

    def visit_Await(self, node):
        self.generic_visit(node)
        node.value = self._wrap(node, '_clab_await', node.value)
        return node

    def visit_AsyncWith(self, node):
        self.generic_visit(node)
        for item in node.items:
            item.context_expr = self._wrap(item.context_expr, '_clab_awith', item.context_expr)
        return node

    def visit_AsyncFor(self, node):
        self.generic_visit(node)
        node.iter = self._wrap(node.iter, '_clab_afor', node.iter)
        return node

    def visit_comprehension(self, node):
        self.generic_visit(node)
        if node.is_async:
            node.iter = self._wrap(node.iter, '_clab_afor', node.iter)
        return node

    def visit_ExceptHandler(self, node):
        self.generic_visit(node)
        node.body.insert(0, _at(node.body[0], ast.Expr(value=_call('_clab_caught', self.token()))))
        return node


def _at(where, stmt):
    """Give an inserted statement (and its children) the line of `where`."""
    for n in ast.walk(stmt):
        if 'lineno' in n._attributes:
            n.lineno = where.lineno
            n.col_offset = where.col_offset
            n.end_lineno = where.lineno
            n.end_col_offset = where.col_offset
    return stmt


def _parse_stmts(text, where):
    return [_at(where, s) for s in ast.parse(text).body]


class Rewriter(ast.NodeTransformer):
    def __init__(self):
        self.states = []
        self.qual = []  # enclosing qualname parts

    def _state(self, name, qualname, line):
        self.states.append((name, qualname, line))
        return '_clab_s%d' % (len(self.states) - 1)

    def _instrument(self, body, where, sname, generator, module=False):
        """body -> prologue + try/except/finally around the (rewritten) body."""
        start = 1 if body and _is_docstring(body[0]) else 0
        if module:
            while start < len(body) and isinstance(body[start], ast.ImportFrom) and body[start].module == '__future__':
                start += 1
        head, rest = body[:start], body[start:]
        if not rest:
            rest = [ast.Pass()]
            _at(where, rest[0])
        anchor = rest[0] if module else where
        call = '_clab_gcall' if generator else '_clab_call'
        # A function keeps its token in the local _clab_f; the module body on its state (a global
        # would show in the program's globals()).
        token = '%s.f' % sname if module else '_clab_f'

        def token_node():
            return ast.Attribute(value=_name(sname), attr='f', ctx=ast.Load()) if module else _name('_clab_f')

        if module:
            prologue = _parse_stmts('%s = %s(%s)' % (token, call, sname), anchor)
        else:
            prologue = _parse_stmts('if %s.on:\n    _clab_f = %s(%s)\nelse:\n    _clab_f = None\n    %s.n += 1'
                                    % (sname, call, sname, sname), anchor)
        wrapper = _parse_stmts('try:\n    pass\nexcept BaseException as _clab_e:\n    if %s:\n'
                               '        _clab_raised(%s, _clab_e)\n    raise\n'
                               'finally:\n    if %s:\n        _clab_ret(%s)' % ((token,) * 4), anchor)[0]
        scope = _OwnScope(self, token_node)
        wrapper.body = [scope.visit(s) for s in rest]
        return head + prologue + [wrapper]

    def visit_Module(self, node):
        sname = self._state('<module>', '<module>', 1)
        node.body = self._instrument(node.body, node.body[0] if node.body else None, sname, False, module=True) \
            if node.body else node.body
        return node

    def visit_ClassDef(self, node):
        # The class body is not a span; its methods are.
        self.qual.append(node.name)
        node.body = [self.visit(s) if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                     else _visit_nested_defs(self, s) for s in node.body]
        self.qual.pop()
        return node

    def visit_FunctionDef(self, node):
        qualname = '.'.join(self.qual + [node.name])
        line = min([node.lineno] + [d.lineno for d in node.decorator_list])
        sname = self._state(node.name, qualname, line)
        own = list(_own_nodes(node.body))
        generator = isinstance(node, ast.AsyncFunctionDef) or any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own)
        made_once = '<locals>' not in self.qual  # not a closure made on every call of its parent
        self.qual += [node.name, '<locals>']
        node.body = self._instrument(node.body, node, sname, generator)
        del self.qual[-2:]
        if made_once:  # innermost decorator, so it sees the function itself (see calls_ast's State.adopt)
            adopt = ast.Attribute(value=_name(sname), attr='adopt', ctx=ast.Load())
            node.decorator_list.append(_at(node.decorator_list[0] if node.decorator_list else node, adopt))
        return node

    visit_AsyncFunctionDef = visit_FunctionDef


def _visit_nested_defs(rewriter, node):
    """A class-body statement (if/try/with ...): rewrite the functions and classes it defines."""
    for _, value in ast.iter_fields(node):
        for i, child in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                value[i] = rewriter.visit(child)
            elif isinstance(child, ast.AST):
                _visit_nested_defs(rewriter, child)
    return node


def rewrite(source, filename):
    """(code object, [(name, qualname, line)] of the functions _clab_s0, _clab_s1 ... it reports)."""
    tree = ast.parse(source, filename)
    rw = Rewriter()
    tree = rw.visit(tree)
    ast.fix_missing_locations(tree)
    return compile(tree, filename, 'exec', dont_inherit=True), rw.states
