"""The trace's text for values: JSON for event data, and text of the program's values that never
runs the program's code. (One module, not two: every process imports it, and each module imported
costs ~0.4M instructions at start-up.)

JSON: a minimal encoder for event data (str, int, float, bool, None, list/tuple, dict). Importing the
json package pulls in re and costs milliseconds per process start; the C string escaper alone is
enough. Output is ASCII, so program text cannot break a line. Hot events build their data with
f-strings instead of dumps(): `quote` for any string that is not a literal of ours, `number` for a
value the program passed (sleep seconds). Every string the program supplies (names, print text,
messages) is bounded to MAX_TEXT characters, the rest replaced by a visible "…(truncated N chars)": a
line stays far below what the reader accepts (src/trace/readEvents.ts: 4 MiB; a character takes at
most 12 bytes escaped), where a 1M-character thread name would otherwise have lost its whole event.

Text of the program's values, without ever running the program's code: an untraced program never has
str()/repr() taken of its exceptions, callables or values unless it asks, so neither may the tracer:
a __str__ can raise (a ThreadPoolExecutor job would never finish), sleep, print or count its calls,
and a repr of a large object costs its size. So text is only made from builtin values whose
formatting is C code that runs no Python (str, int, float, bytes, None, bool, and tuples/lists of
them), bounded in length; anything else is described by its type alone. Exceptions get their message
when their type formats it in C from such arguments; otherwise the message is left out (the type is
still recorded). Every hook that puts a program value into an event uses this module.
"""
from sys import modules as _modules

LIMIT = 500  # characters of text for one value
_ITEMS = 20  # elements of a tuple/list shown before '...'
# str() of an int strictly between -TEXT_INT and TEXT_INT never raises and is quick: Python's lowest
# int_max_str_digits is 640 (3.11+ raise ValueError past the limit, which a program may lower), and a
# huge int's str() is slow before 3.11. Larger ints are shown as <int> (JSON: null, see integer).
TEXT_INT = 10 ** 600

# The builtin types (besides int) whose text is C code that runs no Python are told by identity: `t in
# (str, ...)` would compare t with each, running a program metaclass's __eq__.
_NoneType = type(None)
SMALL_INT = 10 ** 50  # its repr is under short_repr's limit


def _shown(v, limit, quoted):
    t = type(v)
    if t is str:
        return repr(v[:limit]) if quoted else v[:limit]
    if t is int:
        return repr(v) if -TEXT_INT < v < TEXT_INT else '<int>'
    if t is bool or t is float or t is _NoneType or t is bytes:
        if t is bytes:
            v = v[:limit]
        return repr(v)
    if t is tuple or t is list:
        parts = [_shown(x, limit, True) for x in v[:_ITEMS]]
        if len(v) > _ITEMS:
            parts.append('...')
        if t is tuple:
            return '(' + ', '.join(parts) + (',)' if len(v) == 1 else ')')
        return '[' + ', '.join(parts) + ']'
    return '<%s object>' % type_name(v)


def plain_text(v, limit=LIMIT):
    """str(v) for builtin values (bounded); '<TypeName object>' for anything else. Never raises."""
    try:
        return _shown(v, limit, False)[:limit]
    except Exception:
        return '<%s object>' % type_name(v)


def short_repr(v, limit=60):
    """repr(v) for builtin values, short ('hello' quoted, as the program would print it in a list; cut
    with an ellipsis); '<TypeName object>' for anything else. For the values a queue carries. Never raises."""
    if type(v) is int and -SMALL_INT < v < SMALL_INT:  # (the commonest item, without _shown's tests)
        return repr(v)
    try:
        shown = _shown(v, limit, True)
        return shown if len(shown) <= limit else shown[:limit - 1] + '\u2026'
    except Exception:
        return '<%s object>' % type_name(v)


class_name = type.__dict__['__name__'].__get__  # (a metaclass's __name__/__module__ properties never run)
class_module = type.__dict__['__module__'].__get__
class_mro = type.__dict__['__mro__'].__get__
class_dict = type.__dict__['__dict__'].__get__
_type_getattribute = type.__getattribute__
_str_copy = str.__str__  # (of a str subclass: a plain copy, without running its methods)
_SlotWrapper = type(object.__str__)
_MethodWrapper = type(object().__str__)


def class_lookup(cls, name, missing=None):
    """What `cls.<name>` finds in its MRO, read from the classes' own dicts: the value in the first that
    has the name, as Python's type slots find it (a subclass's `__aenter__ = None` hides its base's: None
    is returned, and Python calls it), `missing` when none has it. A metaclass's
    __mro__/__dict__/__getattribute__ and the attribute's own descriptor never run."""
    mro = class_mro(cls)
    if mro is None:  # a C type Python readies on first use (3.8: an async generator's asend awaitable)
        _type_getattribute(cls, '__mro__')  # (type's own: that readies it)
        mro = class_mro(cls)
    for klass in mro:
        value = class_dict(klass).get(name, _MISSING)
        if value is not _MISSING:
            return value
    return missing


_MISSING = object()


def type_name(v):
    """The name of v's type, read from the type itself (a class may not lie about it: no __getattr__ runs)."""
    try:
        return class_text(type(v))
    except Exception:
        return '?'


def class_text(cls):
    """cls's __name__ as a plain str: one the program set as a str subclass of its own is copied, so that
    no __eq__/__hash__/__len__/__add__ of its runs where the tracer compares, looks up or joins it."""
    name = class_name(cls)
    return name if type(name) is str else _str_copy(name)


def _formats_in_c(cls):
    """Is the __str__ this exception class uses one of CPython's own (a slot wrapper, not Python code)?"""
    kind = type(class_lookup(cls, '__str__'))  # (by identity: its __name__ read, or compared, could be program code)
    return kind is _SlotWrapper or kind is _MethodWrapper


def _safe_arg(v, depth=0):
    t = type(v)
    if t is int:
        return -TEXT_INT < v < TEXT_INT
    if t is str or t is bool or t is float or t is _NoneType or t is bytes:
        return True
    if (t is tuple or t is list) and depth < 2 and len(v) <= _ITEMS:
        return all(_safe_arg(x, depth + 1) for x in v)
    return False


_args_of = BaseException.__dict__['args'].__get__


def exception_message(exc, limit=LIMIT):
    """str(exc) when Python would compute it in C from builtin values only (a builtin or plain
    subclassed exception raised with strings and numbers); '' when that could run program code."""
    try:
        if not _formats_in_c(type(exc)):
            return ''
        if not all(_safe_arg(a) for a in _args_of(exc)):
            return ''
        if issubclass(type(exc), OSError):  # (its type: isinstance reads a __class__ property)
            for name in ('filename', 'filename2'):
                if not _safe_arg(OSError.__dict__[name].__get__(exc)):
                    return ''
        return str(exc)[:limit]
    except Exception:
        return ''


def exception_text(exc, limit=LIMIT):
    """'TypeName: message' (or just 'TypeName' when the message is left out; see exception_message)."""
    message = exception_message(exc, limit)
    name = type_name(exc)
    return ('%s: %s' % (name, message) if message else name)[:limit]


def callable_name(fn, limit=80):
    """A name for a callable without calling or repr-ing it: a function's own __qualname__, a partial's
    function's, else its type's."""
    try:
        # (functools.partial is _functools' C type; not imported yet, there is none: importing it here would
        # cost every process ~0.3M instructions)
        functools = _modules.get('_functools')
        partial = functools.partial if functools is not None else None
        for _ in range(10):  # (partials of partials)
            if type(fn) is partial:
                fn = fn.func
                continue
            break
        qualname = getattr(fn, '__qualname__', None) if _is_builtin_callable(fn) else None
        if type(qualname) is str:
            return qualname[:limit]
        return type_name(fn)[:limit]
    except Exception:
        return '?'


def module_of(fn):
    """The module a callable comes from, read as callable_name reads its name: a function's (method's,
    builtin's, class's) own __module__, anything else's type's. '' when unknown."""
    try:
        module = getattr(fn, '__module__', None) if _is_builtin_callable(fn) else class_module(type(fn))
        return module if type(module) is str else ''
    except Exception:
        return ''


_FunctionType = type(_shown)
_BUILTIN_CALLABLES = (_FunctionType, type(_FunctionType.__get__(_shown, 1)), type(len), type(str.join), _SlotWrapper,
                      _MethodWrapper, type(dict.__dict__['fromkeys']), type)


def _is_builtin_callable(fn):
    """Functions, methods and builtins: reading their __qualname__ runs no program code. (Their types are
    told by identity: a program class's __module__ or __name__ may be a str subclass of its own, whose
    __eq__ a comparison of names would run.)"""
    t = type(fn)
    for kind in _BUILTIN_CALLABLES:
        if t is kind:
            return True
    return False


_LOW = -TEXT_INT  # (computed once: the dict path below compares every int field)

try:
    from _json import encode_basestring_ascii as _quote
except ImportError:  # pragma: no cover - CPython always has _json
    def _quote(s):
        out = ['"']
        for ch in s:
            o = ord(ch)
            if ch == '"' or ch == '\\':
                out.append('\\' + ch)
            elif o < 0x20 or o > 0x7e:
                if o > 0xffff:
                    o -= 0x10000
                    out.append('\\u%04x\\u%04x' % (0xd800 | (o >> 10), 0xdc00 | (o & 0x3ff)))
                else:
                    out.append('\\u%04x' % o)
            else:
                out.append(ch)
        out.append('"')
        return ''.join(out)


MAX_TEXT = 65536


def truncated(s):
    """s cut to MAX_TEXT characters, marked (callers check the length first: this is the rare path)."""
    return s[:MAX_TEXT] + '\u2026(truncated %d chars)' % (len(s) - MAX_TEXT)


def quote(s):
    """JSON for a str, bounded (see MAX_TEXT)."""
    return _quote(s if len(s) <= MAX_TEXT else truncated(s))


def text(v):
    """JSON for a name that should be a str (task names, qualnames) but need not be."""
    return quote(v if type(v) is str else plain_text(v))


def integer(v):
    """JSON for an int (of any subclass: the builtin formatting, never the program's __str__/__repr__);
    null for one too large to format (see TEXT_INT), as for a float that is not finite."""
    if type(v) is not int:
        v = int.__index__(v)  # (an exact int: a subclass's own comparisons would run its code)
    return str(v) if _LOW < v < TEXT_INT else 'null'


def number(v):
    """JSON for an int/float the program supplied (what dumps() writes for it)."""
    t = type(v)
    if t is int:
        return integer(v)
    if t is float and v - v == 0:  # finite (inf - inf and nan - nan are nan)
        return repr(v)
    return dumps(v)


_keys = {}  # quoted dict keys ('"obj":'); event data uses a handful of literal keys


def dumps(v):
    t = type(v)
    if t is dict:
        parts = []
        append = parts.append
        for k, x in v.items():
            qk = _keys.get(k)
            if qk is None:
                qk = _keys[k] = _quote(str(k)) + ':'
            tx = type(x)
            if tx is str:
                append(qk + _quote(x if len(x) <= MAX_TEXT else truncated(x)))
            elif tx is int:
                append(qk + (str(x) if _LOW < x < TEXT_INT else 'null'))
            elif x is None:
                append(qk + 'null')
            elif x is True:
                append(qk + 'true')
            elif x is False:
                append(qk + 'false')
            else:
                append(qk + dumps(x))
        return '{' + ','.join(parts) + '}'
    if t is str:
        return quote(v)
    if t is int:
        return integer(v)
    if v is None:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if t is list or t is tuple:
        return '[' + ','.join([dumps(x) for x in v]) + ']'
    # Subclasses (IntEnum, str subclasses...) and anything else: the builtin C formatting only, never
    # the program's own __str__/__repr__ (see plain_text).
    if issubclass(t, bool):
        return 'true' if v else 'false'
    if issubclass(t, int):
        return integer(v)
    if issubclass(t, float):
        return float.__repr__(v) if float.__sub__(v, v) == 0 else 'null'
    if issubclass(t, str):
        return quote(str.__str__(v))
    return quote(plain_text(v))
