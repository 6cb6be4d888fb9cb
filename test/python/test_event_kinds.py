"""The tracer writes exactly the event kinds declared in src/shared/eventKinds.ts (EVENT_KINDS), the one
list the TypeScript side is built from. Read from the tracer's source: every string given to a parameter
named `kind`, `begin` or `end` of a tracer function (emit, emit_raw, blocking_call, announcing, ...), or
assigned to a variable of such a name. Every Python test also checks each event it reads (tracing.py)."""
import ast
import os
import unittest

from tracing import EVENT_KINDS, TRACER_DIR

KIND_PARAMS = ('kind', 'begin', 'end')


def tracer_trees():
    for base, dirs, files in os.walk(TRACER_DIR):
        # The explorer (concurrency_lab_explore) reports schedules, not trace events: its 'kind's are its own,
        # except in its traced replay (replay_trace.py), which writes the Timeline's events.
        explorer = os.path.basename(base) == 'concurrency_lab_explore'
        for name in sorted(files):
            if name.endswith('.py') and (not explorer or name == 'replay_trace.py'):
                path = os.path.join(base, name)
                with open(path, encoding='utf-8') as f:
                    yield path, ast.parse(f.read(), path)


def strings_in(node):
    """String constants a kind argument can take: a literal, or either branch of `a if c else b`."""
    if isinstance(node, ast.IfExp):
        return strings_in(node.body) + strings_in(node.orelse)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    return []


def callee_name(call):
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def kinds_written():
    trees = list(tracer_trees())
    # Which positional arguments of which tracer functions name an event kind.
    positions = {}
    for _path, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names = [a.arg for a in node.args.args]
                at = [i for i, n in enumerate(names) if n in KIND_PARAMS]
                if at:
                    positions[node.name] = at
    found = {}
    for path, tree in trees:
        for node in ast.walk(tree):
            values = []
            if isinstance(node, ast.Call) and callee_name(node) in positions:
                for i in positions[callee_name(node)]:
                    if i < len(node.args):
                        values += strings_in(node.args[i])
                for k in node.keywords:
                    if k.arg in KIND_PARAMS:
                        values += strings_in(k.value)
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in KIND_PARAMS for t in node.targets):
                values += strings_in(node.value)
            for v in values:
                found.setdefault(v, '%s:%d' % (os.path.relpath(path, TRACER_DIR), node.lineno))
    return found


class EventKinds(unittest.TestCase):
    def test_the_declaration_is_read(self):
        self.assertIn('call', EVENT_KINDS)
        self.assertIn('lock_acquired', EVENT_KINDS)
        self.assertGreater(len(EVENT_KINDS), 40)

    def test_every_kind_the_tracer_writes_is_declared(self):
        undeclared = {k: where for k, where in kinds_written().items() if k not in EVENT_KINDS}
        self.assertEqual(undeclared, {}, 'written by the tracer but missing from src/shared/eventKinds.ts')

    def test_every_declared_kind_is_written_by_the_tracer(self):
        unused = sorted(set(EVENT_KINDS) - set(kinds_written()))
        self.assertEqual(unused, [], 'declared in src/shared/eventKinds.ts but never written by the tracer')


if __name__ == '__main__':
    unittest.main()
