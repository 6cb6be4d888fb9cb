"""The last compiled program, kept next to our bytecode in __pycache__: as rewritten by calls_ast
(3.8-3.11), or compiled as it is (3.12+).

Importing `ast` and rewriting cost ~2 ms per process for an empty program and ~7 ms for a 100-line
one (3.8), and a run pays it again in every spawn/forkserver child, and again when the same program
is run again. Even a plain compile() costs ~1.3 ms the first time in a process on 3.10, 3.12 and
3.13 (it builds the `ast` module's classes), where a marshal load costs ~0.05 ms. One file per Python
version holds the last program: it is used only when the source bytes are identical and neither
this Python, its -O level nor the rewriter (rewrite.py, calls_ast.py) has changed since. The engine
runs each copy of the program from a new temporary directory, so the cached code gets the file name
of this run. Like Python's own bytecode cache, nothing is written when sys.dont_write_bytecode is
set, and a cache that cannot be read or written is simply not used.
"""
import marshal
import os
import sys

FORMAT = 1  # bump when what is stored changes
_here = os.path.dirname(os.path.abspath(__file__))
# the rewriter and the helpers its output calls
_sources = (os.path.join(_here, 'rewrite.py'), os.path.join(_here, 'calls_ast.py'))


def _path():
    return os.path.join(_here, '__pycache__', 'program-code.%s.bin' % sys.implementation.cache_tag)


def _stamp():
    """What the rewrite depends on besides the source."""
    stats = [os.stat(path) for path in _sources]
    return (FORMAT, sys.hexversion, sys.flags.optimize) + tuple((st.st_mtime_ns, st.st_size) for st in stats)


def get(source, filename, make):
    """(code, state specs) for this source: the stored ones, else make() (which may raise), stored."""
    cached = load(source, filename)
    if cached is not None:
        return cached
    code, specs = make()
    store(source, filename, code, specs)
    return code, specs


def load(source, filename):
    """(code, state specs) as stored for this source (see store), or None."""
    try:
        with open(_path(), 'rb') as f:
            stamp, cached_source, cached_filename, code, specs = marshal.loads(f.read())
        if cached_source != source or stamp != _stamp():
            return None
        return _renamed(code, cached_filename, filename), specs
    except Exception:  # missing, unreadable, torn or from another format: rewrite instead
        return None


def store(source, filename, code, specs):
    """Keep the program's code (rewritten: with its functions' state specs; else specs is ())."""
    if sys.dont_write_bytecode:
        return
    path = _path()
    tmp = '%s.%d.tmp' % (path, os.getpid())
    try:
        data = marshal.dumps((_stamp(), source, filename, code, specs))
        with open(tmp, 'wb') as f:
            f.write(data)
        os.replace(tmp, path)  # atomic: a concurrent reader sees the old file or the new one
    except Exception:
        try:
            os.remove(tmp)
        except OSError:
            pass


def _renamed(code, old, new):
    """`code` and the code objects nested in it, compiled as if from file `new`."""
    if old == new:
        return code
    consts = tuple(_renamed(c, old, new) if type(c) is type(code) else c for c in code.co_consts)
    return code.replace(co_filename=new, co_consts=consts)
