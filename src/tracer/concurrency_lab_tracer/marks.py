"""What the tracer knows about the program's objects (a lock's serial, a queue's put count, the
Process a child was started for), kept beside them rather than in them: an object's __dict__,
vars(), copies and pickles stay exactly the program's.

The tables are keyed by id(): a WeakKeyDictionary would hash the object and compare it with
__eq__, running the program's code (or failing on an unhashable subclass). A weak reference's
callback forgets an object's entries as it dies, before its id can be reused. An object that
cannot be weakly referenced is simply not traced.
"""
from _weakref import ref as _weak_ref  # (the C module: `weakref` costs ~1 ms to import at start-up)

serials = {}  # id(obj) -> the object's serial (hot paths bind serials.get: never rebind this dict)
_fields = {}  # id(obj) -> {name: value}: the rest of what we note about it
_refs = {}  # id(obj) -> weak reference whose callback forgets the entries


def _forget(key, tables=(serials, _fields, _refs)):
    # (no globals: the callback may run while the interpreter is clearing modules at exit)
    for table in tables:
        table.pop(key, None)


def _watch(obj, key):
    if key in _refs:
        return True
    try:
        _refs[key] = _weak_ref(obj, lambda _ref, key=key, forget=_forget: forget(key))
    except TypeError:
        return False
    return True


def serial(obj):
    """The object's serial, or None when it is not traced."""
    return serials.get(id(obj))


def set_serial(obj, value, **fields):
    """Trace the object under serial `value`, with other fields of ours about it."""
    key = id(obj)
    if not _watch(obj, key):
        return
    serials[key] = value
    if fields:
        _fields.setdefault(key, {}).update(fields)


fields_of = _fields.get  # id(obj) -> {name: value} or None (for hot paths; never rebind _fields)


def field(obj, name, default=None):
    entry = _fields.get(id(obj))
    return default if entry is None else entry.get(name, default)


def set_field(obj, name, value):
    key = id(obj)
    if _watch(obj, key):
        _fields.setdefault(key, {})[name] = value
