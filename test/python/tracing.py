"""Test helpers: run a fixture program under the tracer exactly as the run engine does (launch.py, or
on 3.12+ the program file itself: see launch_command), then load every events-<pid>.jsonl it left
behind."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRACER_DIR = os.path.join(ROOT, 'src', 'tracer')
PROGRAMS = os.path.join(ROOT, 'test', 'fixtures', 'programs')
PY = sys.executable
VERSION = sys.version_info[:2]


def declared_event_kinds():
    """The kinds of EVENT_KINDS in src/shared/eventKinds.ts, the one declaration both sides follow."""
    with open(os.path.join(ROOT, 'src', 'shared', 'eventKinds.ts'), encoding='utf-8') as f:
        text = f.read()
    body = text[text.index('export const EVENT_KINDS = {'):text.index('} as const')]
    return frozenset(re.findall(r"^\s*(\w+): '(?:marker|model)',", body, re.M))


EVENT_KINDS = declared_event_kinds()


def _supervisor():
    import importlib.util
    spec = importlib.util.spec_from_file_location('concurrency_lab_supervisor',
                                                  os.path.join(TRACER_DIR, 'concurrency_lab_supervisor.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_program_args = _supervisor().program_args


def launch_command(program, args=(), launcher=False):
    """The command the engine's supervisor starts the traced program with on this Python
    (concurrency_lab_supervisor.program_args: launch.py before 3.12, the program file itself after);
    launch.py whatever the version with `launcher` (as on Windows, which has no supervisor)."""
    launch = [os.path.join(TRACER_DIR, 'launch.py'), program] + list(args)
    return [PY] + (launch if launcher else _program_args(launch))


# True when the program's Python is started on the program file itself (3.12+)
DIRECT = launch_command('program.py')[1] == 'program.py'


def program_path(name):
    return os.path.join(PROGRAMS, name)


def marker_line(name, marker):
    """Line number of the fixture line carrying `# L:<marker>`."""
    with open(program_path(name), encoding='utf-8') as f:
        for i, line in enumerate(f, 1):
            if line.rstrip().endswith('# L:' + marker):
                return i
    raise AssertionError('no marker ' + marker)


def traced_env(out_dir, program, budget=0, cap=0, extra=None):
    env = dict(os.environ)
    for key in [k for k in env if k.startswith('CONCURRENCY_LAB_')]:
        del env[key]
    env.update({
        'CONCURRENCY_LAB_OUT': out_dir,
        'CONCURRENCY_LAB_FILE': program,
        'CONCURRENCY_LAB_CALL_BUDGET': str(budget),
        'CONCURRENCY_LAB_EVENT_CAP': str(cap),
        'PYTHONPATH': os.pathsep.join([os.path.join(TRACER_DIR, 'inject')] + ([env['PYTHONPATH']] if env.get('PYTHONPATH') else [])),
        'PYTHONUNBUFFERED': '1',
        'PYTHONUTF8': '1',
    })
    if extra:
        env.update(extra)
    return env


def untraced_env():
    env = dict(os.environ)
    for key in [k for k in env if k.startswith('CONCURRENCY_LAB_')]:
        del env[key]
    env.update({'PYTHONUNBUFFERED': '1', 'PYTHONUTF8': '1'})
    return env


class Run(object):
    def __init__(self, stdout, stderr, code, events, out_dir):
        self.stdout = stdout
        self.stderr = stderr
        self.code = code
        self.raw = events  # all events of all processes as written, sorted by (ts, pid, seq)
        self.events = unfold(events)  # ... with folded events spelled out (see unfold)
        self.out_dir = out_dir

    def by_pid(self):
        out = {}
        for e in self.events:
            out.setdefault(e[2], []).append(e)
        for evs in out.values():
            evs.sort(key=lambda e: e[0])
        return out

    def kind(self, kind, pid=None):
        return [e for e in self.events if e[5] == kind and (pid is None or e[2] == pid)]

    def main_pid(self):
        begins = [e for e in self.kind('proc_begin') if e[6]['origin'] == 'main']
        assert len(begins) == 1, begins
        return begins[0][2]

    def prints(self, stream='stdout'):
        return [e for e in self.kind('print') if e[6]['stream'] == stream]

    def thread_names(self, pid=None):
        """tid -> thread name, from thread_begin (tid 1 is the main thread)."""
        names = {}
        for e in self.kind('thread_begin', pid):
            names[(e[2], e[3])] = e[6]['name']
        return names

    def codes(self, pid=None):
        out = {}
        for e in self.kind('code', pid):
            out[(e[2], e[6]['id'])] = e[6]
        return out

    def before(self, a, b):
        """Event a is ordered before b (same process: seq; across processes: ts)."""
        if a[2] == b[2]:
            return a[0] < b[0]
        return (a[1], a[2], a[0]) < (b[1], b[2], b[0])


def unfold(events):
    """The events as the model reads them (src/trace/buildModel.ts), for tests that check what
    happened rather than how it was written: a 'sleep'/'slept' with array data [codeId, cpuNs, secs,
    line?] also stands for that frame's yield (right after it) / resume (right before it), and a
    'return' [codeId, cpuNs, 1] for its task's task_done (state ok, written between tasks). What
    an event stands for gets its seq + 0.5."""
    out = []
    for e in events:
        kind, data = e[5], e[6]
        head = e[:5]
        if kind == 'sleep' and isinstance(data, list):
            out.append(head + ['sleep', {'secs': data[2], 'line': data[3]}])
            out.append([e[0] + 0.5] + e[1:5] + ['yield', [data[0], data[1], 0]])
        elif kind == 'slept' and isinstance(data, list):
            out.append(head + ['resume', [data[0], data[1]]])
            out.append([e[0] + 0.5] + e[1:5] + ['slept', {'secs': data[2]}])
        elif kind == 'return' and len(data) > 2 and data[2] == 1:
            out.append(head + ['return', data[:2]])
            out.append([e[0] + 0.5, e[1], e[2], e[3], 0, 'task_done', {'obj': e[4], 'state': 'ok'}])
        else:
            out.append(e)
    return out


def load_events(out_dir):
    events = []
    for name in sorted(os.listdir(out_dir)):
        if not (name.startswith('events-') and name.endswith('.jsonl')):
            continue
        with open(os.path.join(out_dir, name), 'rb') as f:
            lines = f.read().decode('utf-8').split('\n')
        for i, line in enumerate(lines):
            if not line:
                continue
            try:
                ev = json.loads(line)
            except ValueError:
                if i == len(lines) - 1 or (i == len(lines) - 2 and lines[-1] == ''):
                    continue  # a torn last line after a kill
                raise
            if ev[5] not in EVENT_KINDS:
                raise AssertionError('%s: event kind %r is not declared in src/shared/eventKinds.ts' % (name, ev[5]))
            events.append(ev)
    events.sort(key=lambda e: (e[1], e[2], e[0]))
    return events


def run_traced(name, args=(), budget=0, cap=0, timeout=60, extra_env=None, cwd=None, program=None, launcher=False):
    program = program or program_path(name)
    out_dir = tempfile.mkdtemp(prefix='clab-test-')
    try:
        p = subprocess.run(launch_command(program, args, launcher),
                           env=traced_env(out_dir, program, budget, cap, extra_env), cwd=cwd or PROGRAMS,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=timeout)
        events = load_events(out_dir)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return Run(p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace'), p.returncode, events, out_dir)


def _all_threads_asleep(pid, only=None):
    """Every thread of `pid` (or thread `only`) is in interruptible sleep (Linux /proc); True where
    /proc is missing."""
    task_dir = '/proc/%d/task' % pid
    if not os.path.isdir(task_dir):
        return True
    try:
        for tid in [only] if only else os.listdir(task_dir):
            with open(os.path.join(task_dir, tid, 'stat')) as f:
                state = f.read().rsplit(')', 1)[1].split()[0]
            if state != 'S':
                return False
    except OSError:
        return False
    return True


def main_thread_asleep(pid):
    """The main thread of `pid` is in interruptible sleep (Linux /proc); True where /proc is missing."""
    return _all_threads_asleep(pid, only=str(pid))


def run_traced_until_blocked(name, sig, args=(), wait_s=60, asleep_when=_all_threads_asleep, polls=5):
    """Start a traced run; once it has printed its first line and every thread of it sleeps in the
    kernel (`polls` polls in a row: it is stuck; or whatever `asleep_when(pid)` says), send `sig` (as
    the engine's Stop does). Not timed: a slow machine only takes longer to get there (wait_s is for a
    program that never blocks)."""
    import time
    program = program_path(name)
    out_dir = tempfile.mkdtemp(prefix='clab-test-')
    try:
        p = subprocess.Popen(launch_command(program, args),
                             env=traced_env(out_dir, program), cwd=PROGRAMS, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        try:
            first = p.stdout.readline()  # (blocks until the line, or EOF if the program failed)
            deadline = time.monotonic() + wait_s
            asleep = 0
            while first and asleep < polls and time.monotonic() < deadline:
                asleep = asleep + 1 if asleep_when(p.pid) else 0
                time.sleep(0.05)
            p.send_signal(sig)
            out, err = p.communicate(timeout=30)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        events = load_events(out_dir)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return Run((first + out).decode('utf-8', 'replace'), err.decode('utf-8', 'replace'), p.returncode, events, out_dir)


def run_untraced(name, args=(), timeout=60):
    program = program_path(name)
    p = subprocess.run([PY, program] + list(args), env=untraced_env(), cwd=PROGRAMS, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=timeout)
    return p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace'), p.returncode


class TraceCase(unittest.TestCase):
    """Base class: a fixture run once per test class (runs are the slow part)."""
    PROGRAM = None
    ARGS = ()
    BUDGET = 0
    CAP = 0
    trace = None

    @classmethod
    def setUpClass(cls):
        if cls.PROGRAM:
            cls.trace = run_traced(cls.PROGRAM, cls.ARGS, budget=cls.BUDGET, cap=cls.CAP)

    def assertRanOk(self):
        self.assertEqual(self.trace.code, 0, 'exit %s\nstderr:\n%s' % (self.trace.code, self.trace.stderr))

    def assertSameStdoutAsUntraced(self):
        """Exit 0 and the very stdout of an untraced run."""
        self.assertRanOk()
        out, _, code = run_untraced(self.PROGRAM, self.ARGS)
        self.assertEqual(code, 0)
        self.assertEqual(self.trace.stdout, out)

    def assertOrdered(self, a, b, msg=''):
        self.assertTrue(self.trace.before(a, b), '%s\nexpected %r\nbefore   %r' % (msg, a, b))
