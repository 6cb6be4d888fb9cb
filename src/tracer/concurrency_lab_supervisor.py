"""The run's supervisor (POSIX), started as `python -E -s -S supervisor.py RUN_DIR GRACE_MS -- LAUNCH_ARGS...`

The engine starts this instead of launch.py. It starts the traced program (`sys.executable
LAUNCH_ARGS...`, the same interpreter without a second trip through a pyenv shim; on 3.12+ without
launch.py, see program_args) as its child and guarantees that nothing of the run outlives it:

- On Linux it is a child subreaper (prctl PR_SET_CHILD_SUBREAPER): every process of the run whose
  parent ends is re-parented to it, whatever it did to leave (setsid, a double fork, a clean
  environment, posix_spawn). So the run's processes are exactly its descendants, found in /proc.
  Elsewhere (macOS) that is not possible: it ends its process group only, as before.
- When the program ends, every process of the run still alive is killed (SIGKILL) and reaped, and the
  supervisor exits with the program's status (the same exit code, or the same signal).
- SIGTERM (the engine's Stop or time limit) goes to every process of the run; those still alive after
  GRACE_MS get SIGKILL (before the engine's own SIGKILL of the group, which would end the supervisor too).
- Its file descriptor 3 is a pipe whose other end only the engine holds: when the engine dies (a
  window reload, a crashed extension host, a SIGKILLed CLI) the pipe reads end-of-file; the supervisor
  then ends the run the same way and removes RUN_DIR, the run's temp folder.

-E -s -S keep the run's settings (PYTHONPATH) and site out of this interpreter: it is not traced, and
imports only the standard library. It must parse on Python 2.7 (no f-strings): an interpreter too old
for the tracer still gets to launch.py, which reports that.

A spare (`supervisor.py --spare GRACE_MS`) is started before the run it will serve, so that a Run does
not wait for an interpreter to start (through a pyenv shim: ~0.4 s). It waits for its order on fd 3, one
JSON line {"dir": RUN_DIR, "argv": LAUNCH_ARGS, "env": {CONCURRENCY_LAB_...: ...}}, then runs exactly as
above. The engine started it with the run's working folder and environment, less the run's own
CONCURRENCY_LAB_ settings, which the order adds. It exits when fd 3 reads end-of-file first.
"""
import errno
import os
import select
import sys

try:
    import _signal as signal  # the C module: `signal` imports enum, ~9 ms of every run's start (3.8-3.13)
except ImportError:  # Python 2.7 (which only gets as far as launch.py's "too old")
    import signal

ENGINE_FD = 3
PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """True when this process now adopts the run's orphans (Linux only)."""
    if not sys.platform.startswith('linux'):
        return False
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except Exception:
        return False


def descendants(root):
    """Pids below `root` in the process tree, from /proc (parents before children)."""
    children = {}
    try:
        names = os.listdir('/proc')
    except OSError:
        return []
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % name, 'rb') as f:
                stat = f.read()
        except (IOError, OSError):
            continue
        fields = stat[stat.rfind(b')') + 2:].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(name))
    out, todo = [], [root]
    while todo:
        for pid in children.get(todo.pop(), []):
            out.append(pid)
            todo.append(pid)
    return out


class Supervisor(object):
    def __init__(self, run_dir, grace_s, subreaper):
        self.run_dir = run_dir
        self.grace_s = grace_s
        self.subreaper = subreaper
        self.program = None
        self.status = None
        self.stop_at = None  # monotonic time after which everything left gets SIGKILL

    def others(self):
        """The processes of the run other than this one."""
        if not self.subreaper or not _has_children():
            return []  # (no child: no descendant either, and no need to read all of /proc)
        return descendants(os.getpid())

    def signal_all(self, sig):
        targets = self.others()
        if self.status is None and self.program is not None and self.program not in targets:
            targets.append(self.program)
        for pid in targets:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        if not self.subreaper and sig != signal.SIGKILL:
            try:
                os.killpg(0, sig)  # the group, this process included (its SIGTERM handler ignores it)
            except OSError:
                pass

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except OSError as e:
                if e.errno == errno.EINTR:
                    continue
                return
            if pid == 0:
                return
            if pid == self.program:
                self.status = status

    def kill_the_rest(self):
        """SIGKILL every process of the run until none is left, reaping them."""
        for _ in range(100):
            self.signal_all(signal.SIGKILL)
            self.reap()
            if not self.others():
                return
            _sleep(0.01)

    def on_sigterm(self, signum, frame):
        import time
        if self.stop_at is None:
            self.stop_at = time.time() + self.grace_s
            self.signal_all(signal.SIGTERM)

    def run(self, argv, engine):
        wake_r, wake_w = os.pipe()
        for fd in (wake_r, wake_w):
            _nonblocking(fd)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *a: None)
        signal.signal(signal.SIGTERM, self.on_sigterm)
        self.program = _start(argv)
        watched = [wake_r] + ([engine] if engine is not None else [])
        import time
        while self.status is None:
            self.reap()
            if self.status is not None:
                break
            timeout = None if self.stop_at is None else max(0.0, self.stop_at - time.time())
            try:
                ready = select.select(watched, [], [], timeout)[0]
            except (OSError, select.error):
                ready = []
            if wake_r in ready:
                _drain(wake_r)
            if engine is not None and engine in ready and not _read(engine):
                self.engine_gone(engine, watched)
            if self.stop_at is not None and time.time() >= self.stop_at:
                self.kill_the_rest()
        self.kill_the_rest()
        return self.status

    def engine_gone(self, engine, watched):
        import shutil
        import time
        watched.remove(engine)
        self.signal_all(signal.SIGTERM)
        deadline = time.time() + min(self.grace_s, 0.5)
        while time.time() < deadline and (self.status is None or self.others()):
            self.reap()
            _sleep(0.02)
        self.kill_the_rest()
        try:
            os.chmod(self.run_dir, 0o700)  # the engine closes it to listing while the program runs
        except OSError:
            pass
        shutil.rmtree(self.run_dir, ignore_errors=True)
        if not self.subreaper:
            os.killpg(0, signal.SIGKILL)  # what is left of the group, and this process
        if self.status is None:
            self.status = signal.SIGKILL  # as a wait status: killed by SIGKILL


def _start(argv):
    pid = os.fork()
    if pid == 0:
        try:
            signal.set_wakeup_fd(-1)
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    return pid


def _has_children():
    """True while this process has a child, exited or not (none is reaped here)."""
    try:
        os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        return True
    except ChildProcessError:
        return False
    except (OSError, AttributeError):
        return True


def _nonblocking(fd):
    import fcntl
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)


def _drain(fd):
    try:
        while os.read(fd, 512):
            pass
    except OSError:
        pass


def _read(fd):
    """False once the pipe reads end-of-file."""
    try:
        return os.read(fd, 512) != b''
    except OSError as e:
        return e.errno in (errno.EAGAIN, errno.EINTR)


def _sleep(s):
    select.select([], [], [], s)


def _engine_pipe():
    try:
        os.fstat(ENGINE_FD)
    except OSError:
        return None
    os.set_inheritable(ENGINE_FD, False)  # the program must not hold it (nor see it)
    return ENGINE_FD


def exit_like(status):
    """Exit as the program did: the same code, or the same signal."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            import resource
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # the program dumped core, if anyone did
        except Exception:
            pass
        try:
            signal.signal(sig, signal.SIG_DFL)  # (SIGKILL and SIGSTOP have no handler to reset)
        except (OSError, ValueError, RuntimeError):
            pass
        signal.set_wakeup_fd(-1)
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


ORDER_ENV_PREFIX = 'CONCURRENCY_LAB_'
LAUNCHER = 'launch.py'


def program_args(launch):
    """What the program's Python is started with, given the engine's LAUNCH_ARGS (launch.py, the
    program, its arguments). On 3.12+ the program file itself, exactly as `python FILE` runs it: its
    <module> frame is the bottom of the stack, and inject/sitecustomize.py starts the tracer and makes
    the pre-run check (launcher.start_direct). Before 3.12 launch.py, which runs the program rewritten
    (calls_ast): running the file directly there would need the rewrite hooked into Python's own
    compile of the script, which has no hook."""
    if sys.version_info >= (3, 12) and len(launch) >= 2 and os.path.basename(launch[0]) == LAUNCHER:
        return launch[1:]
    return launch


def await_order(fd):
    """A spare's order (see the module comment) as (run_dir, launch_args, env), or None at end-of-file."""
    import json  # (imported while the spare waits, not while a run waits)
    data = b''
    while not data.endswith(b'\n'):
        try:
            select.select([fd], [], [])
            chunk = os.read(fd, 65536)
        except (OSError, select.error) as e:
            if getattr(e, 'errno', None) in (errno.EAGAIN, errno.EINTR):
                continue
            return None
        if not chunk:
            return None
        data += chunk
    order = json.loads(data.decode('utf-8'))
    env = dict((k, v) for k, v in order['env'].items() if k.startswith(ORDER_ENV_PREFIX))
    return order['dir'], order['argv'], env


def main():
    if sys.argv[1:2] == ['--spare']:
        grace_ms = sys.argv[2]
        order = await_order(ENGINE_FD)
        if order is None:  # the engine is gone, or never needed this spare
            os._exit(0)
        run_dir, launch, env = order
        os.environ.update(env)  # (putenv: the program's Python gets them through execv)
        argv = [sys.executable] + program_args(launch)
    else:
        run_dir, grace_ms, sep = sys.argv[1:4]
        argv = [sys.executable] + program_args(sys.argv[4:])
        if sep != '--':
            os.execv(argv[0], argv)
    if sys.version_info < (3, 4):  # (too old: launch.py says so)
        os.execv(argv[0], argv)
    engine = _engine_pipe()
    supervisor = Supervisor(run_dir, int(grace_ms) / 1000.0, become_subreaper())
    exit_like(supervisor.run(argv, engine))


if __name__ == '__main__':
    main()
