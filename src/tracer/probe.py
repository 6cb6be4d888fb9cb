"""The interpreter probe: `python probe.py` prints one JSON line, {"v": [major, minor, micro], "exe":
sys.executable}. The extension runs it on each candidate interpreter (src/host/interpreter.ts) to show
its version and to refuse one that is too old, so it must run on any Python, 2.7 included: stdlib only,
no f-strings, nothing else printed.
"""
import json
import sys

print(json.dumps({'v': list(sys.version_info[:3]), 'exe': sys.executable}))
