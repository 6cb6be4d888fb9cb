"""The source rewrite behind calls_ast (see there): every function of the program reports its own
calls, returns, yields and resumes. Imported only when a program is not in program_cache: `ast`
and the rewrite cost several ms per process."""
import ast
import copy


HELPERS = '__clab__'  # the one builtins name the rewritten code reads (calls_ast's helper namespace)

# Call sites that may block in I/O, by the name called (an attribute, or a name imported bare): the
# callee is checked when the call runs (io_sites), so any other callable of these names only pays that.
IO_ATTRS = frozenset((
    'recv', 'recv_into', 'recvfrom', 'recvfrom_into', 'recvmsg', 'recvmsg_into', 'send', 'sendall', 'sendto',
    'sendmsg', 'connect', 'connect_ex', 'accept', 'read', 'write', 'readv', 'writev', 'select', 'poll', 'control',
    'input', 'read1', 'readline', 'readlines', 'readinto', 'readall', 'communicate', 'urlopen', 'create_connection',
    'recv_bytes'))
IO_NAMES = frozenset(('input', 'select', 'urlopen', 'create_connection'))
# (Not `wait`: Event/Condition/Barrier/Popen waits are the program's commonest calls, and waits of their
# own; os.wait*() are process joins, which 3.12+ records as I/O.)


def _name(id_, ctx=None):
    return ast.Name(id=id_, ctx=ctx or ast.Load())


def _call(fn, *args):
    """HELPERS.fn(*args)"""
    return ast.Call(func=ast.Attribute(value=_name(HELPERS), attr=fn, ctx=ast.Load()), args=list(args), keywords=[])


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

    def __init__(self, outer, index):
        self.outer = outer
        self.index = index  # the function's state number (a constant: see Rewriter._instrument)

    def visit_FunctionDef(self, node):
        return self.outer.visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):
        return node  # a lambda's body is its own scope; left as it is

    def visit_GeneratorExp(self, node):
        return node  # consumed lazily, maybe after the function returned: its awaits are not the function's

    def _wrap(self, node, fn, *args):
        new = _call(fn, ast.Constant(value=self.index), *args)
        return ast.copy_location(new, node)

    def visit_Yield(self, node):
        self.generic_visit(node)
        value = node.value if node.value is not None else ast.copy_location(ast.Constant(value=None), node)
        node.value = self._wrap(node, 'yielding', value)
        return self._wrap(node, 'resumed', node)

    def visit_YieldFrom(self, node):
        self.generic_visit(node)
        node.value = self._wrap(node, 'yielding', node.value)
        return self._wrap(node, 'resumed', node)

    def visit_Await(self, node):
        self.generic_visit(node)
        node.value = self._wrap(node, 'await_', node.value)
        return node

    def visit_AsyncWith(self, node):
        self.generic_visit(node)
        for item in node.items:
            item.context_expr = self._wrap(item.context_expr, 'awith', item.context_expr)
        return node

    def visit_AsyncFor(self, node):
        self.generic_visit(node)
        node.iter = self._wrap(node.iter, 'afor', node.iter)
        return node

    def visit_comprehension(self, node):
        self.generic_visit(node)
        if node.is_async:
            node.iter = self._wrap(node.iter, 'afor', node.iter)
        return node

    def visit_Call(self, node):
        """A call of an I/O name, `f(args)`: `__clab__.io_end(__clab__.io(f)(args))`. io returns f itself
        (the call is made from the program's frame: same traceback, stack and evaluation order) and, when
        f is an I/O callable, writes io_wait; io_end writes io_done and returns the call's value. When
        the arguments call anything, io_wait waits for them: the last one evaluated goes through
        `__clab__.io_go(...)` (io is told so by its second argument)."""
        self.generic_visit(node)
        func = node.func
        if not ((isinstance(func, ast.Attribute) and func.attr in IO_ATTRS)
                or (isinstance(func, ast.Name) and func.id in IO_NAMES)):
            return node
        last = node.keywords[-1] if node.keywords else node.args[-1] if node.args else None
        late = last is not None and any(isinstance(n, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom))
                                        for a in node.args + node.keywords for n in ast.walk(a))
        if late and isinstance(last, (ast.keyword, ast.Starred)):  # (f(*xs), f(k=v), f(**kw): the value)
            last.value = ast.copy_location(_call('io_go', last.value), last.value)
        elif late:
            node.args[-1] = ast.copy_location(_call('io_go', last), last)
        node.func = ast.copy_location(_call('io', func, *([ast.Constant(value=1)] if late else [])), func)
        return ast.copy_location(_call('io_end', node), node)

    def visit_ExceptHandler(self, node):
        self.generic_visit(node)
        node.body.insert(0, _at(node.body[0], ast.Expr(value=_call('caught', ast.Constant(value=self.index)))))
        return node


class _Declarations(ast.NodeTransformer):
    """Takes the global/nonlocal statements out of one function's own scope (they become `pass`)."""

    def __init__(self):
        self.globals = []
        self.nonlocals = []

    def visit_Global(self, node):
        self.globals += [n for n in node.names if n not in self.globals]
        return ast.copy_location(ast.Pass(), node)

    def visit_Nonlocal(self, node):
        self.nonlocals += [n for n in node.names if n not in self.nonlocals]
        return ast.copy_location(ast.Pass(), node)

    def _leave(self, node):
        return node  # a nested scope declares for itself

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = _leave


def _hoisted_declarations(body, where):
    """The body appears twice in the rewrite (see _instrument), and a global/nonlocal statement must
    come before every use of its names: so they move to the top of the function, where they mean the
    same (a declaration holds for the whole scope wherever it stands)."""
    decl = _Declarations()
    body[:] = [decl.visit(s) for s in body]
    out = []
    if decl.globals:
        out.append(_at(where, ast.Global(names=decl.globals)))
    if decl.nonlocals:
        out.append(_at(where, ast.Nonlocal(names=decl.nonlocals)))
    return out


def _at(where, stmt):
    """Give an inserted statement (and its children) the line of `where`."""
    for n in ast.walk(stmt):
        if 'lineno' in n._attributes:
            n.lineno = where.lineno
            n.col_offset = where.col_offset
            n.end_lineno = where.lineno
            n.end_col_offset = where.col_offset
    return stmt


class Rewriter(ast.NodeTransformer):
    def __init__(self):
        self.states = []
        self.qual = []  # enclosing qualname parts

    def _state(self, name, qualname, line):
        self.states.append((name, qualname, line))
        return len(self.states) - 1

    def _instrument(self, body, where, index, generator, module=False):
        """body -> the body inside `with __clab__.span(index):` (see calls_ast). A function's
        original body is kept beside it for a Python where __clab__ does not exist (its code was
        shipped by value, e.g. marshalled to an untraced worker): there it runs as written."""
        start = 1 if body and _is_docstring(body[0]) else 0
        if module:
            while start < len(body) and isinstance(body[start], ast.ImportFrom) and body[start].module == '__future__':
                start += 1
        head, rest = body[:start], body[start:]
        if not rest:
            rest = [ast.Pass()]
            _at(where, rest[0])
        anchor = rest[0] if module else where
        if not module:
            head += _hoisted_declarations(rest, where)
        original = None if module else copy.deepcopy(rest)
        scope = _OwnScope(self, index)
        rewritten = [scope.visit(s) for s in rest]
        span = _call('gspan' if generator else 'span', ast.Constant(value=index))
        with_stmt = _at(anchor, ast.With(items=[ast.withitem(context_expr=span, optional_vars=None)], body=[]))
        with_stmt.body = rewritten
        if module:
            return head + [with_stmt]
        # try: __clab__ / except NameError: pass / else: (with ...: <rewritten>), return / <original>
        # (the original runs after the handler, not in it: no NameError as its exceptions' context)
        guard = _at(anchor, ast.Try(body=[ast.Expr(value=_name(HELPERS))],
                                    handlers=[ast.ExceptHandler(type=_name('NameError'), name=None, body=[ast.Pass()])],
                                    orelse=[ast.Return(value=None)], finalbody=[]))
        guard.orelse.insert(0, with_stmt)
        return head + [guard] + original

    def visit_Module(self, node):
        index = self._state('<module>', '<module>', 1)
        node.body = self._instrument(node.body, node.body[0] if node.body else None, index, False, module=True) \
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
        index = self._state(node.name, qualname, line)
        own = list(_own_nodes(node.body))
        generator = isinstance(node, ast.AsyncFunctionDef) or any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own)
        made_once = '<locals>' not in self.qual  # not a closure made on every call of its parent
        self.qual += [node.name, '<locals>']
        node.body = self._instrument(node.body, node, index, generator)
        del self.qual[-2:]
        if made_once:  # innermost decorator, so it sees the function itself (see calls_ast's State.adopt)
            adopt = _call('adopt', ast.Constant(value=index))
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
    """(code object, [(name, qualname, line)] of the functions it reports, by state number)."""
    tree = ast.parse(source, filename)
    rw = Rewriter()
    tree = rw.visit(tree)
    ast.fix_missing_locations(tree)
    return compile(tree, filename, 'exec', dont_inherit=True), rw.states
