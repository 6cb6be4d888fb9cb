"""launch.py's check on a Python older than the tracer's own syntax (3.8): run by launch.py there
(exec'd, not imported), it writes preflight.py's "too old" report and exits with status 2 when this
Python is older than the engine's minimum (CONCURRENCY_LAB_MIN_PYTHON). On 3.8+ the launcher makes
the same check (launcher._too_old). Must stay parseable by Python 2.7 and 3.6/3.7: no f-strings, no
walrus."""
import os
import sys


def _too_old(settings):
    """On a Python older than the engine's minimum, report it (preflight.py's format) and say so."""
    try:
        minimum = tuple(int(x) for x in settings.get('CONCURRENCY_LAB_MIN_PYTHON', '').split('.'))
    except ValueError:
        return False
    v = sys.version_info
    if tuple(v[:len(minimum)]) >= minimum:
        return False
    report = settings.get('CONCURRENCY_LAB_CHECK')
    if report:
        import json
        with open(report, 'w') as f:
            f.write(json.dumps({'python': '%d.%d.%d' % (v[0], v[1], v[2]), 'version': [v[0], v[1], v[2]],
                                'executable': sys.executable, 'too_old': True}))
    return True


if _too_old(os.environ):  # (the tracer, which takes the settings out of the environment, never started)
    sys.exit(2)
