"""Patch stdlib modules when the program imports them (never import them eagerly: asyncio alone
costs ~0.1 s per process)."""
import sys


# module imported by the program -> (our module, function that patches it); ours are imported only then.
PATCHES = {
    'threading': ('threads', 'patch_threading'),
    'asyncio': ('aio', 'patch'),
    'queue': ('queues', 'patch_queue_module'),
    'multiprocessing.process': ('processes', 'patch_process'),
    'multiprocessing.util': ('processes', 'patch_util'),
    'multiprocessing.connection': ('processes', 'patch_connection'),
    'multiprocessing.forkserver': ('processes', 'patch_forkserver'),
    'multiprocessing.synchronize': ('mpsync', 'patch_synchronize'),
    'multiprocessing.queues': ('mpsync', 'patch_queues'),
    'multiprocessing.pool': ('work_items', 'pool_patched'),
    'concurrent.futures._base': ('futures', 'patch_base'),
    'concurrent.futures.thread': ('futures', 'patch_thread'),
    'concurrent.futures.process': ('futures', 'patch_process'),
    'subprocess': ('processes', 'patch_subprocess'),
    'multiprocessing.spawn': ('program_loads', 'patch_spawn'),
}


def _patcher(name):
    module_name, func = PATCHES[name]
    return getattr(__import__(__package__ + '.' + module_name, fromlist=[func]), func)


PATCHERS = {}
_done = set()


def _apply(name, module):
    if name in _done:
        return
    _done.add(name)
    try:
        _patcher(name)(module)
    except Exception:
        pass  # a patch that does not fit this Python must never break the program


class _PatchOnImport(object):
    """Meta-path finder that lets the real finders do the work, then patches after exec_module."""

    def find_spec(self, name, path=None, target=None):
        if name not in PATCHERS or name in _done:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, 'find_spec'):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, 'exec_module'):
            return spec
        real_exec = loader.exec_module

        def exec_module(module):
            real_exec(module)
            _apply(name, module)

        try:
            loader.exec_module = exec_module
        except (AttributeError, TypeError):
            pass
        return spec

    def invalidate_caches(self):
        pass


def install():
    PATCHERS.update(PATCHES)
    for name in list(PATCHERS):
        module = sys.modules.get(name)
        if module is not None:
            _apply(name, module)
    sys.meta_path.insert(0, _PatchOnImport())
