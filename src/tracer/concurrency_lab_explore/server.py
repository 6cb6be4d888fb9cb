"""Start Python once, compile the program once, fork one child per schedule.

The server prints one JSON line per schedule ({"type": "run", ...}) and a last {"type": "done"}.
A child runs the program under a fresh Scheduler seeded with the schedule's seed, with stdout and
stderr in files, virtual time, and an alarm for the wall-clock timeout; it writes its result (exit
code, failure, races, decisions) to a file and leaves with os._exit, so nothing of the server's runs.
"""
import builtins
import gc
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import traceback
import types

from . import accesses, aio, prims, replay_trace
from .dpor import Follow, Search
from .scheduler import Scheduler, Stop, strategy_for

OUTPUT_CAP = 1 << 20
# Schedule k of the systematic search has seed DPOR_SEED + k; lower seeds are PCT and random walks.
DPOR_SEED = 1000000000
PREWARM = ('collections', 'dataclasses', 'functools', 'itertools', 'json', 'typing', 'enum', 'contextlib',
           'logging', 'random', 'time', 'concurrent.futures', 'asyncio')


def _read_capped(path):
    try:
        with open(path, 'rb') as f:
            data = f.read(OUTPUT_CAP + 1)
    except OSError:
        return ''
    text = data[:OUTPUT_CAP].decode('utf-8', 'replace')
    return text + ('\n[output cut at 1 MB]' if len(data) > OUTPUT_CAP else '')


# The systematic search orders the program's own shared accesses and our model primitives. asyncio's
# event loop and concurrent.futures' executors also hand work over through structures it does not see
# (the loop's ready queue and selector, an executor's C-level work queue), so on such a program it would
# miss orders and claim a complete search it did not do. Those programs get PCT and random walks only.
UNSEEN_HANDOFFS = ('asyncio', 'concurrent')


def _search_is_sound(source):
    import ast
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or '']
        else:
            continue
        if any(n.split('.')[0] in UNSEEN_HANDOFFS for n in names):
            return False
    return True


class Explorer(object):
    def __init__(self, path, timeout, max_steps, trace_dir=None, mark=None):
        self.path = os.path.abspath(path)
        self.timeout = timeout
        self.max_steps = max_steps
        self.trace_dir = trace_dir  # a traced replay writes the Timeline's events here (replay_trace.py)
        self.mark = mark  # ... and marks this decision (Compare: where two schedules part)
        if trace_dir:
            replay_trace.load_tracer()
        with open(self.path, 'rb') as f:
            source = f.read().decode('utf-8')
        prims.PROGRAM_FILE = self.path
        prims.install_threading_model()
        aio.install()
        accesses.install_helpers()
        for name in PREWARM:
            try:
                __import__(name)
            except ImportError:
                pass
        self.code = accesses.rewrite(source, self.path)
        self.systematic_ok = _search_is_sound(source)
        # The children share the server's objects copy-on-write; a collection in a child would
        # touch (and copy) every page of them.
        gc.collect()
        gc.freeze()
        self.tmp = tempfile.mkdtemp(prefix='concurrency-lab-explore-')
        sys.path.insert(0, os.path.dirname(self.path))

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- the search ----------------------------------------------------------------------------
    def explore(self, runs, seed, systematic):
        """Yields the records of up to `runs` schedules: systematic ones first (up to half the runs),
        then PCT and random walks from `seed`. Sets self.complete when the systematic search covered
        every order of the program's dependent operations (nothing more to run)."""
        self.complete = False
        done = 0
        if systematic and self.systematic_ok:
            search = Search()
            while done < max(1, runs // 2):
                plan = search.next_schedule()
                if plan is None:
                    self.complete = search.abandoned is None
                    break
                record = self._systematic(search, plan)
                done += 1
                yield record
            else:
                if search.next_schedule() is None and search.abandoned is None:
                    self.complete = True
            if self.complete:
                return
        for s in range(seed, seed + runs - done):
            yield self.run(s)

    def _systematic(self, search, plan):
        record = self.run(DPOR_SEED + search.schedules, plan)
        trace = record.pop('trace', None)
        diverged = record.pop('diverged', False)
        if trace is not None:
            trace = [(lane, enabled, dict(touches)) for lane, enabled, touches in trace]
        search.add_trace(trace, diverged)
        return record

    def replay(self, seed):
        """The record of one seed's schedule; None when the seed names no schedule."""
        if seed < DPOR_SEED:
            return self.run(seed)
        search = Search()
        trace_dir = self.trace_dir
        self.trace_dir = None  # a traced replay records only its own schedule, not the search's way there
        try:
            while True:
                plan = search.next_schedule()
                if plan is None:
                    return None
                if search.schedules == seed - DPOR_SEED:
                    self.trace_dir = trace_dir
                    record = self.run(seed, plan)
                    record.pop('trace', None)
                    record.pop('diverged', None)
                    return record
                self._systematic(search, plan)
        finally:
            self.trace_dir = trace_dir

    def run(self, seed, plan=None):
        """One schedule in a forked child; its record. plan: (prefix, sleep) of a systematic schedule,
        whose record then carries its trace (popped by the caller)."""
        out, err, res = (os.path.join(self.tmp, n) for n in ('out', 'err', 'res'))
        for p in (out, err, res):
            if os.path.exists(p):
                os.unlink(p)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                self._child(seed, out, err, res, plan)
            finally:
                os._exit(70)
        _, status = os.waitpid(pid, 0)
        record = {'type': 'run', 'seed': seed, 'strategy': 'dpor' if plan is not None else strategy_for(seed).name,
                  'stdout': _read_capped(out), 'stderr': _read_capped(err)}
        try:
            with open(res, encoding='utf-8') as f:
                record.update(json.load(f))
        except (OSError, ValueError):
            record.update({'exitCode': None, 'races': [], 'decisions': [], 'steps': None})
            if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM:
                record['failure'] = {'kind': 'timeout', 'message': 'still running after %g s' % self.timeout}
            else:
                how = 'signal %d' % os.WTERMSIG(status) if os.WIFSIGNALED(status) else 'exit code %d' % os.WEXITSTATUS(status)
                record['failure'] = {'kind': 'exception', 'message': 'the Python process ended abruptly (%s)' % how}
        for race in record.get('races', []):
            for a in race['accesses']:
                a['file'] = self.path
        if record.get('failure') and record['failure'].get('line') is not None:
            record['failure']['file'] = self.path
        return record

    # --- in the child --------------------------------------------------------------------------
    def _child(self, seed, out, err, res, plan):
        fd_out = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        fd_err = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(fd_out, 1)
        os.dup2(fd_err, 2)
        os.dup2(null, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, self.timeout)
        random.seed(seed)
        prims.install_virtual_time()
        import threading as real_threading_proxy  # the stand-in; its internals are the real module's
        strategy = Follow(*plan) if plan is not None else strategy_for(seed)
        sched = Scheduler(strategy, max_steps=self.max_steps)
        main = sched.add_lane(real_threading_proxy.main_thread().name)
        sched.attach(main)
        sched.current = main
        sched.start_trace()
        state = {'exit': 0}
        if self.trace_dir:
            replay_trace.start(self.trace_dir, self.path, self.code, '', prims, sched,
                               self.mark)

        def finish(failure=None):
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except Exception:
                pass
            if sched.trace is not None:
                sched.close_trace()
            failures = list(prims.FAILURES)
            if failure is not None:
                failures.append(failure)
            if self.trace_dir:
                replay_trace.finish(1 if failures else state['exit'])
            result = {
                'exitCode': None if failure is not None else state['exit'],
                'failure': failures[0] if failures else None,
                'races': sched.detector.races,
                'decisions': sched.decisions[:20000],
                'steps': sched.steps,
                'lanes': [l.name for l in sched.lanes],
            }
            if plan is not None:
                result['trace'] = None if sched.trace is None else [
                    [lane, enabled, sorted(touches.items())] for lane, enabled, touches in sched.trace]
                result['diverged'] = strategy.diverged
            with open(res, 'w', encoding='utf-8') as f:
                json.dump(result, f)
            os._exit(0)

        sched.on_stop = finish
        sched.io_wait = aio.wait_for_io
        prims.SCHED = sched
        module = types.ModuleType('__main__')
        module.__file__ = self.path
        module.__builtins__ = builtins
        sys.modules['__main__'] = module
        sys.argv = [self.path]
        try:
            exec(self.code, module.__dict__)
        except SystemExit as e:
            state['exit'] = _exit_code(e)
        except Stop:
            pass
        except BaseException:
            etype, value, tb = sys.exc_info()
            tb = prims.strip_our_frames(tb.tb_next)
            value.__traceback__ = tb
            prims.FAILURES.append({'kind': 'exception', 'message': '%s: %s' % (main.name, prims._exc_text(etype, value)),
                                   'line': prims._last_program_line(tb)})
            sys.excepthook(etype, value, tb)
            state['exit'] = 1
        self._wait_for_threads(sched, main)
        finish()

    def _wait_for_threads(self, sched, main):
        """Interpreter shutdown: threading's atexit calls, then every non-daemon thread, then atexit."""
        import threading
        try:
            for call in reversed(list(getattr(threading, '_threading_atexits', []))):
                call()
            for lane in list(sched.lanes):
                while lane is not main and not lane.daemon and lane.state != 'done':
                    sched.block(lane)
            import atexit
            atexit._run_exitfuncs()
        except Stop:
            pass


def _exit_code(e):
    code = e.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    try:
        sys.stderr.write(str(code) + '\n')
    except Exception:
        pass
    return 1


def main(argv):
    import argparse
    p = argparse.ArgumentParser(prog='explore.py')
    p.add_argument('file')
    p.add_argument('--runs', type=int, default=100)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--replay', type=int, default=None)
    p.add_argument('--timeout', type=float, default=10.0)
    p.add_argument('--max-steps', type=int, default=200000)
    p.add_argument('--keep-going', action='store_true')
    p.add_argument('--trace-dir', default=None, help='with --replay: record the schedule for the Timeline here')
    p.add_argument('--mark-decision', type=int, default=None, help='with --trace-dir: mark this decision')
    # auto: systematic first (half the runs), then PCT and random walks; pct: those alone (the benchmark)
    p.add_argument('--search', choices=('auto', 'pct'), default='auto')
    args = p.parse_args(argv)
    emit = sys.stdout
    try:
        explorer = Explorer(args.file, args.timeout, args.max_steps, args.trace_dir if args.replay is not None else None,
                            args.mark_decision)
    except SyntaxError as e:
        emit.write(json.dumps({'type': 'error', 'message': 'SyntaxError: %s' % e.msg, 'line': e.lineno}) + '\n')
        return 2
    except (OSError, UnicodeDecodeError) as e:
        emit.write(json.dumps({'type': 'error', 'message': 'cannot read %s: %s' % (args.file, e)}) + '\n')
        return 2
    runs = 0
    complete = False
    try:
        if args.replay is not None:
            record = explorer.replay(args.replay)
            if record is None:
                emit.write(json.dumps({'type': 'error', 'message': 'seed %d names no schedule of this program' % args.replay}) + '\n')
                return 2
            emit.write(json.dumps(record) + '\n')
            runs = 1
        else:
            for record in explorer.explore(args.runs, args.seed, args.search == 'auto'):
                runs += 1
                emit.write(json.dumps(record) + '\n')
                emit.flush()
                if record.get('failure') and not args.keep_going:
                    break
            complete = explorer.complete
    finally:
        explorer.close()
    emit.write(json.dumps({'type': 'done', 'runs': runs, 'complete': complete}) + '\n')
    emit.flush()
    return 0


def _unused():  # pragma: no cover - keeps traceback imported for sys.excepthook's formatting
    return traceback
