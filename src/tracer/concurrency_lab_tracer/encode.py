"""Minimal JSON encoder for event data (str, int, float, bool, None, list/tuple, dict).

Importing the json package pulls in re and costs milliseconds per process start; the C string
escaper alone is enough. Output is ASCII, so program text cannot break a line.

Hot events build their data with f-strings instead of dumps(): `quote` for any string that is not
a literal of ours, `number` for a value the program passed (sleep seconds).

Every string the program supplies (names, print text, messages) is bounded to MAX_TEXT characters,
the rest replaced by a visible "…(truncated N chars)": a line stays far below what the reader
accepts (src/trace/readEvents.ts: 4 MiB; a character takes at most 12 bytes escaped), where a
1M-character thread name would otherwise have lost its whole event.
"""
from . import safe_text
from .safe_text import TEXT_INT

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
    return quote(v if type(v) is str else safe_text.text(v))


def integer(v):
    """JSON for an int (of any subclass: the builtin formatting, never the program's __str__/__repr__);
    null for one too large to format (see safe_text.TEXT_INT), as for a float that is not finite."""
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
    # the program's own __str__/__repr__ (see safe_text).
    if issubclass(t, bool):
        return 'true' if v else 'false'
    if issubclass(t, int):
        return integer(v)
    if issubclass(t, float):
        return float.__repr__(v) if float.__sub__(v, v) == 0 else 'null'
    if issubclass(t, str):
        return quote(str.__str__(v))
    return quote(safe_text.text(v))
