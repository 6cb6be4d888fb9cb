"""Minimal JSON encoder for event data (str, int, float, bool, None, list/tuple, dict).

Importing the json package pulls in re and costs milliseconds per process start; the C string
escaper alone is enough. Output is ASCII, so program text cannot break a line.
"""
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


def dumps(v):
    if v is None:
        return 'null'
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    t = type(v)
    if t is str:
        return _quote(v)
    if t is int:
        return str(v)
    if t is dict:
        return '{' + ','.join(_quote(str(k)) + ':' + dumps(x) for k, x in v.items()) + '}'
    if t is list or t is tuple:
        return '[' + ','.join(dumps(x) for x in v) + ']'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return repr(v) if v == v and v not in (float('inf'), float('-inf')) else 'null'
    if isinstance(v, str):
        return _quote(str(v))
    return _quote(repr(v))
