"""The program's own shared reads and writes become scheduling points (and race-checked accesses).

An `ast` rewrite of the program file (every Python version) turns
  obj.attr           -> __cle_ga__(obj, 'attr', line)
  obj.attr = v       -> __cle_sa__(obj, 'attr', v, line)
  obj.attr += v      -> __cle_aa__(__cle_ra__(obj, 'attr', line), '+=', v, line)   (read, point, v, write)
  c[k], c[k] = v, c[k] += v, del c[k]   likewise (__cle_gi__, __cle_si__, __cle_ai__(__cle_ri__(...)), __cle_di__)
  g (a module variable, read in a function)   -> __cle_rg__('g', line, g)
  g = v / g += v     -> g = __cle_wg__('g', line, v) / g = __cle_ag__('g', line, '+=', __cle_rg__('g', line, g), v)
Writes pass through the point after their value is computed and before it is stored, so a thread
can be preempted between `x = acct.balance` and `acct.balance = x + 10`. The helpers live in
builtins under dunder names (never mangled, never in the program's globals).

Module variables are the names the module assigns at top level or declares `global` (not those
bound by def, class or import); a name counts as one in a function only when no enclosing function
binds it. Evaluation order is Python's: in `obj.attr op= f()` the target is read (a scheduling point)
before f() is called, so the read helper's call is an argument that precedes f()'s.
"""
import ast
import builtins
import operator
import sys
import types

from . import prims

_AUG = {
    ast.Add: '+=', ast.Sub: '-=', ast.Mult: '*=', ast.Div: '/=', ast.FloorDiv: '//=', ast.Mod: '%=',
    ast.Pow: '**=', ast.LShift: '<<=', ast.RShift: '>>=', ast.BitOr: '|=', ast.BitXor: '^=', ast.BitAnd: '&=',
    ast.MatMult: '@=',
}
_AUG_FN = {
    '+=': operator.iadd, '-=': operator.isub, '*=': operator.imul, '/=': operator.itruediv,
    '//=': operator.ifloordiv, '%=': operator.imod, '**=': operator.ipow, '<<=': operator.ilshift,
    '>>=': operator.irshift, '|=': operator.ior, '^=': operator.ixor, '&=': operator.iand, '@=': operator.imatmul,
}


# --- the rewrite ---------------------------------------------------------------------------------
def _call(name, args, node):
    return ast.copy_location(ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=args, keywords=[]), node)


def _const(value, node):
    return ast.copy_location(ast.Constant(value=value), node)


def _bound_names(body_nodes):
    """Names a scope binds, not looking into nested scopes; and those it declares global."""
    bound, declared_global = set(), set()

    def visit(node):
        if isinstance(node, ast.Global):
            declared_global.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            bound.update(node.names)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for a in node.names:
                bound.add((a.asname or a.name).split('.')[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
            for d in node.decorator_list:
                visit(d)
            return
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    for n in body_nodes:
        visit(n)
    return bound - declared_global, declared_global


def _args_of(args):
    names = [a.arg for a in getattr(args, 'posonlyargs', []) + args.args + args.kwonlyargs]
    if args.vararg:
        names.append(args.vararg.arg)
    if args.kwarg:
        names.append(args.kwarg.arg)
    return set(names)


def module_variables(tree):
    """Names the module assigns at top level or that functions declare global, minus def/class/import."""
    assigned, not_data = set(), set()
    for node in tree.body:
        for sub in _top_level_walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                assigned.add(sub.id)
            elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                not_data.add(sub.name)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                for a in sub.names:
                    not_data.add((a.asname or a.name).split('.')[0])
    for sub in ast.walk(tree):
        if isinstance(sub, ast.Global):
            assigned.update(sub.names)
    return assigned - not_data


def _top_level_walk(node):
    yield node
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
        return
    for child in ast.iter_child_nodes(node):
        for sub in _top_level_walk(child):
            yield sub


class _Scope(object):
    def __init__(self, kind, bound, declared_global):
        self.kind = kind  # 'module' | 'function' | 'class' | 'comprehension'
        self.bound = bound
        self.declared_global = declared_global


class Rewriter(ast.NodeTransformer):
    def __init__(self, source, module_vars):
        self.source = source
        self.module_vars = module_vars
        self.scopes = [_Scope('module', set(), set())]

    # scope tracking
    def _is_global(self, name):
        if name not in self.module_vars:
            return False
        inner = self.scopes[-1]
        if name in inner.declared_global:
            return True
        for scope in reversed(self.scopes):
            if scope.kind == 'module':
                return True
            if scope.kind == 'class' and scope is not inner:
                continue  # class bodies don't enclose functions
            if name in scope.bound:
                return False
        return True

    def _enter(self, kind, body, extra=()):
        bound, declared = _bound_names(body)
        self.scopes.append(_Scope(kind, bound | set(extra), declared))

    def _function(self, node):
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args = self._visit_defaults(node.args)
        self._enter('function', node.body, _args_of(node.args))
        node.body = self._body(node.body)
        self.scopes.pop()
        return node

    def _visit_defaults(self, args):
        args.defaults = [self.visit(d) for d in args.defaults]
        args.kw_defaults = [self.visit(d) if d is not None else None for d in args.kw_defaults]
        return args

    def _body(self, stmts):
        out = []
        for s in stmts:
            r = self.visit(s)
            if isinstance(r, list):
                out.extend(r)
            elif r is not None:
                out.append(r)
        return out

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_ClassDef(self, node):
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.bases = [self.visit(b) for b in node.bases]
        self._enter('class', node.body)
        node.body = self._body(node.body)
        self.scopes.pop()
        return node

    def visit_Lambda(self, node):
        node.args = self._visit_defaults(node.args)
        self.scopes.append(_Scope('function', _args_of(node.args), set()))
        node.body = self.visit(node.body)
        self.scopes.pop()
        return node

    def _comprehension(self, node):
        targets = set()
        for gen in node.generators:
            for n in ast.walk(gen.target):
                if isinstance(n, ast.Name):
                    targets.add(n.id)
        self.scopes.append(_Scope('function', targets, set()))
        self.generic_visit(node)
        self.scopes.pop()
        return node

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    # annotations are never evaluated for their accesses
    def visit_arg(self, node):
        return node

    def visit_AnnAssign(self, node):
        if node.value is None:
            return node
        assign = ast.copy_location(ast.Assign(targets=[node.target], value=node.value), node)
        if not node.simple or not isinstance(node.target, ast.Name):
            return self.visit_Assign(assign)
        node.value = self.visit(node.value)
        if self._is_global(node.target.id):
            node.value = _call('__cle_wg__', [_const(node.target.id, node), _const(node.lineno, node), node.value], node)
        return node

    # loads
    def visit_Attribute(self, node):
        if not isinstance(node.ctx, ast.Load):
            node.value = self.visit(node.value)
            return node
        if node.attr in _MUTATORS:
            return _call('__cle_gm__', [self.visit(node.value), _const(node.attr, node), self._label(node.value),
                                        _const(node.lineno, node)], node)
        return _call('__cle_ga__', [self.visit(node.value), _const(node.attr, node), _const(node.lineno, node)], node)

    def visit_Subscript(self, node):
        if not isinstance(node.ctx, ast.Load):
            node.value = self.visit(node.value)
            node.slice = self.visit(node.slice)
            return node
        return _call('__cle_gi__', [self.visit(node.value), self._key(node.slice, node), self._label(node.value),
                                    _const(node.lineno, node)], node)

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and self._is_global(node.id):
            return _call('__cle_rg__', [_const(node.id, node), _const(node.lineno, node), node], node)
        return node

    def _key(self, sl, node):
        """A subscript's index as an expression (slices become slice(...) calls)."""
        if sys.version_info < (3, 9):
            if isinstance(sl, ast.Index):
                return self.visit(sl.value)
            if isinstance(sl, ast.ExtSlice):
                return ast.copy_location(ast.Tuple(elts=[self._key(d, node) for d in sl.dims], ctx=ast.Load()), node)
        if isinstance(sl, ast.Slice):
            parts = [self.visit(p) if p is not None else _const(None, node) for p in (sl.lower, sl.upper, sl.step)]
            return _call('__cle_slice__', parts, node)
        if isinstance(sl, ast.Tuple) and any(isinstance(e, ast.Slice) for e in sl.elts):
            return ast.copy_location(ast.Tuple(elts=[self._key(e, node) for e in sl.elts], ctx=ast.Load()), node)
        return self.visit(sl)

    def _label(self, value):
        text = None
        try:
            text = ast.get_source_segment(self.source, value)
        except Exception:
            pass
        return _const(text if text and len(text) <= 60 and '\n' not in text else '<container>', value)

    # stores
    def visit_Assign(self, node):
        if len(node.targets) != 1:
            return self.generic_visit(node)
        target = node.targets[0]
        value = self.visit(node.value)
        line = _const(node.lineno, node)
        if isinstance(target, ast.Attribute):
            return ast.copy_location(ast.Expr(_call('__cle_sa__', [self.visit(target.value), _const(target.attr, node), value, line], node)), node)
        if isinstance(target, ast.Subscript):
            return ast.copy_location(ast.Expr(_call('__cle_si__', [self.visit(target.value), self._key(target.slice, node), value,
                                                                   self._label(target.value), line], node)), node)
        if isinstance(target, ast.Name) and self._is_global(target.id):
            node.value = _call('__cle_wg__', [_const(target.id, node), line, value], node)
            return node
        node.value = value
        node.targets = [self.visit(target)]
        return node

    def visit_AugAssign(self, node):
        target = node.target
        op = _const(_AUG[type(node.op)], node)
        value = self.visit(node.value)
        line = _const(node.lineno, node)
        if isinstance(target, ast.Attribute):
            read = _call('__cle_ra__', [self.visit(target.value), _const(target.attr, node), line], node)
            return ast.copy_location(ast.Expr(_call('__cle_aa__', [read, op, value, line], node)), node)
        if isinstance(target, ast.Subscript):
            read = _call('__cle_ri__', [self.visit(target.value), self._key(target.slice, node), self._label(target.value), line], node)
            return ast.copy_location(ast.Expr(_call('__cle_ai__', [read, op, value, line], node)), node)
        if isinstance(target, ast.Name) and self._is_global(target.id):
            load = ast.copy_location(ast.Name(id=target.id, ctx=ast.Load()), node)
            read = _call('__cle_rg__', [_const(target.id, node), line, load], node)
            call = _call('__cle_ag__', [_const(target.id, node), line, op, read, value], node)
            return ast.copy_location(ast.Assign(targets=[target], value=call), node)
        node.value = value
        return node

    def visit_Delete(self, node):
        out = []
        for target in node.targets:
            line = _const(node.lineno, node)
            if isinstance(target, ast.Attribute):
                out.append(ast.Expr(_call('__cle_da__', [self.visit(target.value), _const(target.attr, node), line], node)))
            elif isinstance(target, ast.Subscript):
                out.append(ast.Expr(_call('__cle_di__', [self.visit(target.value), self._key(target.slice, node),
                                                          self._label(target.value), line], node)))
            else:
                if isinstance(target, ast.Name) and self._is_global(target.id):
                    out.append(ast.Expr(_call('__cle_wg__', [_const(target.id, node), line, _const(None, node)], node)))
                out.append(ast.Delete(targets=[target]))
        return [ast.copy_location(s, node) for s in out]


def rewrite(source, filename):
    """The program's code object, with its shared accesses made scheduling points."""
    tree = ast.parse(source, filename)
    tree = Rewriter(source, module_variables(tree)).visit(tree)
    ast.fix_missing_locations(tree)
    return compile(tree, filename, 'exec', dont_inherit=True)


# --- the runtime helpers -----------------------------------------------------------------------
_QUIET_VALUES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.ModuleType, type,
                 types.BuiltinMethodType)
_CONTAINERS = (list, dict, set, bytearray)
_MUTATORS = frozenset(['append', 'extend', 'insert', 'pop', 'remove', 'clear', 'sort', 'reverse', 'update',
                       'setdefault', 'popitem', 'add', 'discard', 'difference_update', 'intersection_update',
                       'symmetric_difference_update', 'appendleft', 'extendleft', 'popleft', 'rotate'])
_MODULE = 'global'
_CONTAINER_KEY = '[*]'


def _scheduler():
    s = prims.SCHED
    if s is None or s.lane_here() is not s.current:
        return None
    return s


def _class_name(obj):
    return obj.__name__ if isinstance(obj, type) else type(obj).__name__


def _record(s, key, is_write, line, target, obj):
    s.detector.access(s.current, key, is_write, (line, 'write' if is_write else 'read'), target, obj)
    s.touch(key, is_write)


def _is_container(obj):
    return isinstance(obj, _CONTAINERS) or type(obj).__name__ == 'deque'


def ga(obj, name, line):
    value = getattr(obj, name)
    s = _scheduler()
    if s is None or isinstance(obj, types.ModuleType):
        return value
    if isinstance(value, _QUIET_VALUES):
        if _is_container(obj):
            _reads_contents(s, obj)  # items.index, items.copy…: they read the container
        return value
    _record(s, (id(obj), name), False, line, lambda: '%s.%s' % (_class_name(obj), name), obj)
    _reads_contents(s, value)
    s.point()
    return value


def _reads_contents(s, value):
    """Whoever gets hold of a list, dict, set or deque may look at its contents next (`if items:`,
    len, in, a for loop: C code we don't see): for systematic exploration, that is a read of them."""
    if _is_container(value):
        s.touch((id(value), _CONTAINER_KEY), False)


def sa(obj, name, value, line):
    s = _scheduler()
    if s is not None and not isinstance(obj, types.ModuleType):
        s.point()
        _record(s, (id(obj), name), True, line, lambda: '%s.%s' % (_class_name(obj), name), obj)
    setattr(obj, name, value)


def ra(obj, name, line):
    """The read half of `obj.attr op= v`, before v is evaluated: (obj, name, old value)."""
    old = getattr(obj, name)
    s = _scheduler()
    if s is not None and not isinstance(obj, types.ModuleType):
        _record(s, (id(obj), name), False, line, lambda: '%s.%s' % (_class_name(obj), name), obj)
        s.point()
    return obj, name, old


def aa(read, op, value, line):
    """The write half of `obj.attr op= v`, once v is known."""
    obj, name, old = read
    new = _AUG_FN[op](old, value)
    s = _scheduler()
    if s is not None and not isinstance(obj, types.ModuleType):
        s.point()
        _record(s, (id(obj), name), True, line, lambda: '%s.%s' % (_class_name(obj), name), obj)
    setattr(obj, name, new)


def da(obj, name, line):
    s = _scheduler()
    if s is not None and not isinstance(obj, types.ModuleType):
        s.point()
        _record(s, (id(obj), name), True, line, lambda: '%s.%s' % (_class_name(obj), name), obj)
    delattr(obj, name)


def _item_key(obj, key):
    """One location per dict key or list index; slices and unhashable keys stand for the whole."""
    if isinstance(obj, dict):
        try:
            hash(key)
            return (id(obj), 'item', key)
        except TypeError:
            return (id(obj), _CONTAINER_KEY)
    if isinstance(key, int) and not isinstance(key, bool):
        try:
            n = len(obj)
        except TypeError:
            n = 0
        return (id(obj), 'item', key + n if key < 0 else key)
    return (id(obj), _CONTAINER_KEY)


def _item_name(obj, key, label):
    if isinstance(key, (str, int, float, bool, bytes, tuple)) and len(repr(key)) <= 40:
        return '%s[%r]' % (label, key)
    return '%s[…]' % label


def _item_access(s, obj, key, is_write, label, line):
    """An item access also reads the container's shape, which append/pop/update… write."""
    k = _item_key(obj, key)
    if k[1] == _CONTAINER_KEY:
        _record(s, k, is_write, line, lambda: '%s[…]' % label, obj)
    else:
        _record(s, k, is_write, line, lambda: _item_name(obj, key, label), obj)
        if not isinstance(obj, dict):
            _record(s, (id(obj), _CONTAINER_KEY), False, line, lambda: '%s[…]' % label, obj)


def gm(obj, name, label, line):
    """obj.append / .pop / .update…: on a list, dict, set or deque, a write of the whole container."""
    if not _is_container(obj):
        return ga(obj, name, line)
    value = getattr(obj, name)
    s = _scheduler()
    if s is not None:
        s.point()
        _record(s, (id(obj), _CONTAINER_KEY), True, line, lambda: '%s[…]' % label, obj)
    return value


def gi(obj, key, label, line):
    value = obj[key]
    s = _scheduler()
    if s is not None:
        _item_access(s, obj, key, False, label, line)
        _reads_contents(s, value)
        s.point()
    return value


def si(obj, key, value, label, line):
    s = _scheduler()
    if s is not None:
        s.point()
        _item_access(s, obj, key, True, label, line)
        _changes_shape(s, obj, key)
    obj[key] = value


def _changes_shape(s, obj, key):
    """A new dict key (or a deleted one) changes what len, in and iteration see."""
    if isinstance(obj, dict):
        try:
            new = key not in obj
        except TypeError:
            new = True
        if new:
            s.touch((id(obj), _CONTAINER_KEY), True)


def ri(obj, key, label, line):
    """The read half of `c[k] op= v`, before v is evaluated."""
    old = obj[key]
    s = _scheduler()
    if s is not None:
        _item_access(s, obj, key, False, label, line)
        s.point()
    return obj, key, label, old


def ai(read, op, value, line):
    """The write half of `c[k] op= v`, once v is known."""
    obj, key, label, old = read
    new = _AUG_FN[op](old, value)
    s = _scheduler()
    if s is not None:
        s.point()
        _item_access(s, obj, key, True, label, line)
    obj[key] = new


def di(obj, key, label, line):
    s = _scheduler()
    if s is not None:
        s.point()
        _record(s, (id(obj), _CONTAINER_KEY) if not isinstance(obj, dict) else _item_key(obj, key), True, line,
                lambda: _item_name(obj, key, label), obj)
        if isinstance(obj, dict):
            s.touch((id(obj), _CONTAINER_KEY), True)
    del obj[key]


def rg(name, line, value):
    s = _scheduler()
    if s is not None and not isinstance(value, _QUIET_VALUES):
        _record(s, (_MODULE, name), False, line, lambda: name, None)
        _reads_contents(s, value)
        s.point()
    return value


def wg(name, line, value):
    s = _scheduler()
    if s is not None:
        s.point()
        _record(s, (_MODULE, name), True, line, lambda: name, None)
    return value


def ag(name, line, op, old, value):
    """The write half of `g op= v` (its read went through rg before v was evaluated)."""
    new = _AUG_FN[op](old, value)
    s = _scheduler()
    if s is not None:
        s.point()
        _record(s, (_MODULE, name), True, line, lambda: name, None)
    return new


def install_helpers():
    for name, fn in (('ga', ga), ('gm', gm), ('sa', sa), ('ra', ra), ('aa', aa), ('da', da), ('gi', gi), ('si', si),
                     ('ri', ri), ('ai', ai), ('di', di), ('rg', rg), ('wg', wg), ('ag', ag)):
        setattr(builtins, '__cle_%s__' % name, fn)
    builtins.__cle_slice__ = slice
