"""The last compiled program, kept in a private per-user folder: as rewritten by calls_ast
(3.8-3.11), or compiled as it is (3.12+).

Importing `ast` and rewriting cost ~2 ms per process for an empty program and ~7 ms for a 100-line
one (3.8), and a run pays it again in every spawn/forkserver child, and again when the same program
is run again. Even a plain compile() costs ~1.3 ms the first time in a process on 3.10, 3.12 and
3.13 (it builds the `ast` module's classes), where a marshal load costs ~0.05 ms. Each Python
version has SLOTS files, and a program's source picks its file (see _slot), so a user switching
between programs (or several runs at once) keeps each one's code; a file is used only when its
source bytes are identical and neither this Python, its -O level nor the rewriter (rewrite.py,
calls_ast.py) has changed since. The engine
runs each copy of the program from a new temporary directory, so the cached code gets the file name
of this run. Like Python's own bytecode cache, nothing is written when sys.dont_write_bytecode is
set, and a cache that cannot be read or written is simply not used.

The cache holds the user's source, so it lives where only its user can read it, never next to the
program or in the extension's folder: $XDG_CACHE_HOME (else ~/.cache; %LOCALAPPDATA% on Windows)
/concurrency-lab-tracer, a folder created 0700 and trusted only while it is a real folder (not a
symlink) owned by this user and closed to others; files in it are 0600 and opened without
following symlinks. Kept rather than dropped: for a 92-line program, checking the folder and
loading took 0.3 ms where a fresh process's rewrite (importing ast included) took 94-115 ms on
3.8/3.11 and a first compile 16-24 ms on 3.12/3.13 (medians of 9, on the shared 2-core machine
under load; the ratio is what counts).
"""
import marshal
import os
import stat
import sys

FORMAT = 2  # bump when what is stored changes
FOLDER_NAME = 'concurrency-lab-tracer'
SLOTS = 16  # programs kept per Python version (at most SLOTS small files)
_here = os.path.dirname(os.path.abspath(__file__))
# the rewriter, the helpers its output calls, and what names the program's objects
_sources = (os.path.join(_here, 'rewrite.py'), os.path.join(_here, 'calls_ast.py'), os.path.join(_here, 'naming.py'))
object_names = {}  # program file -> {line: name} of the program compiled through get (naming reads it)
_NOFOLLOW = getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_CLOEXEC', 0) | getattr(os, 'O_BINARY', 0)


def _base():
    """The user's cache folder, or None when there is no absolute one."""
    if os.name == 'nt':
        base = os.environ.get('LOCALAPPDATA')
    else:
        base = os.environ.get('XDG_CACHE_HOME')
        if not base or not os.path.isabs(base):
            home = os.environ.get('HOME')
            base = os.path.join(home, '.cache') if home else None
    return base if base and os.path.isabs(base) else None


def folder(create):
    """The private cache folder when it can be trusted (made now if `create`), else None."""
    base = _base()
    if base is None:
        return None
    path = os.path.join(base, FOLDER_NAME)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        if not create:
            return None
        try:
            os.makedirs(base, exist_ok=True)
            os.mkdir(path, 0o700)
            st = os.lstat(path)
        except OSError:
            return None
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode):  # (lstat: a symlink planted in its place is not a folder)
        return None
    if hasattr(os, 'getuid') and (st.st_uid != os.getuid() or st.st_mode & 0o077):
        return None
    return path


def _slot(source):
    """The file this source lives in: from its length and its last 1 KB, which is cheap (~10 us) and
    the same in every process (hash() of bytes is not). Two programs that share a slot take turns."""
    return (len(source) * 8191 + int.from_bytes(source[-1024:], 'little') % 65521) % SLOTS


def _path(source, create=False):
    where = folder(create)
    if where is None:
        return None
    return os.path.join(where, 'program-code.%s.%d.bin' % (sys.implementation.cache_tag, _slot(source)))


def _stamp():
    """What the rewrite depends on besides the source."""
    stats = [os.stat(path) for path in _sources]
    return (FORMAT, sys.hexversion, sys.flags.optimize) + tuple((st.st_mtime_ns, st.st_size) for st in stats)


def get(source, filename, make):
    """(code, state specs) for this source: the stored ones, else make() (which may raise), stored.
    Either way naming learns the names the program gives its objects (object_names): parsed here,
    when the program is compiled anyway, not while it runs (~0.5-1 ms, and a compile a program's
    audit hook would see)."""
    cached = load(source, filename)
    if cached is not None and cached[0] is not None:  # (names alone, stored by names(): compile)
        code, specs, names = cached
    else:
        code, specs = make()
        from . import naming
        names = naming.names_in_source(source, filename)
        store(source, filename, code, specs, names)
    object_names[filename] = names
    return code, specs


def names(source, filename):
    """The names the program gives its objects, for a run that compiles nothing of ours (3.12+, the
    program file run directly: Python compiles it). Parsed only when this source is not stored yet,
    and then stored without code (a later get() compiles and stores the code then)."""
    cached = load(source, filename)
    if cached is not None:
        found = cached[2]
    else:
        from . import naming
        found = naming.names_in_source(source, filename)
        store(source, filename, None, (), found)
    object_names[filename] = found
    return found


def load(source, filename):
    """(code, state specs, object names) as stored for this source (see store), or None. The code is
    None when only the names were stored (see names)."""
    path = _path(source)
    if path is None:
        return None
    try:
        stamp, cached_source, cached_filename, code, specs, names = read(path)
        if cached_source != source or stamp != _stamp():
            return None
        return (_renamed(code, cached_filename, filename) if code is not None else None), specs, names
    except Exception:  # missing, unreadable, torn or from another format: rewrite instead
        return None


def store(source, filename, code, specs, names):
    """Keep the program's code (rewritten: with its functions' state specs; else specs is (); None
    from names()) and the names of its objects (naming.names_in_source)."""
    if sys.dont_write_bytecode:
        return
    path = _path(source, create=True)
    if path is None:
        return
    write(path, lambda: marshal.dumps((_stamp(), source, filename, code, specs, names)))


def read(path):
    """The marshalled value in this cache file (not following a symlink); raises when there is none."""
    with open(os.open(path, os.O_RDONLY | _NOFOLLOW), 'rb') as f:
        return marshal.loads(f.read())


def write(path, data):
    """Store the bytes data() makes in this cache file, 0600, atomically; nothing when that fails."""
    tmp = '%s.%d.tmp' % (path, os.getpid())
    try:
        data = data()
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600), 'wb') as f:
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
