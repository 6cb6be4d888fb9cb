"""The 'meta' record that opens every process's event file."""
import sys
import time

from . import core, runenv

VERSION = '0.1.0'
mechanism = 'none'


def emit_meta():
    mp = sys.modules.get('multiprocessing')
    method = None
    if mp is not None:
        try:
            method = mp.get_start_method(allow_none=True)
        except Exception:
            method = None
    ts = core.perf_ns()
    epoch = time.time_ns()
    core.emit('meta', {
        'python': '%d.%d.%d' % sys.version_info[:3], 'impl': sys.implementation.name, 'platform': sys.platform,
        'clock': 'perf_counter_ns', 'perf_ns': ts, 'epoch_ns': epoch, 'tracer': VERSION, 'file': core.program,
        'argv': list(getattr(sys, 'argv', []) or []), 'start_method': method, 'mechanism': mechanism,
        'call_budget': core.call_budget, 'event_cap': core.event_cap,
        # The run's token: the engine reads only event files that open with it (see eventTail.ts).
        'run': runenv.setting('CONCURRENCY_LAB_RUN', ''),
    })
