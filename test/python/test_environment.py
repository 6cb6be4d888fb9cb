"""The program's environment is the untraced one: os.environ, PYTHONPATH, sys.path, sys.flags and the
modules it can import are what `python program.py` gives (processes.take_run_settings), on the program's own Pythons too,
while its children are still traced."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from tracing import PY, TRACER_DIR, launch_command, load_events

INJECT = os.path.join(TRACER_DIR, 'inject')

REPORT = r'''
import json, os, sys
def report():
    import importlib.util
    return {"env": dict(os.environ), "path": sys.path, "utf8": sys.flags.utf8_mode,
            "file": __file__, "argv": sys.argv, "cwd": os.getcwd(),
            "ours": [m for m in ("sitecustomize", "launch", "check", "types_probe")
                     if m in sys.modules or importlib.util.find_spec(m) is not None]}
'''

PARENT = REPORT + r'''
import subprocess
if __name__ == "__main__":
    child = subprocess.run([sys.executable, __file__, "child"], stdout=subprocess.PIPE, check=True).stdout.decode()
    clean = subprocess.run([sys.executable, "-c", "import os, json; print(json.dumps(sorted(os.environ)))"],
                           env={"PATH": os.environ.get("PATH", "")}, stdout=subprocess.PIPE, check=True).stdout.decode()
    if sys.argv[1:] == ["child"]:
        pass
    print(json.dumps({"me": report(), "child": json.loads(child), "clean": json.loads(clean)}))
'''


def launch(argv, env, cwd):
    p = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


class SameEnvironment(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix='clab-env-')
        self.out = tempfile.mkdtemp(prefix='clab-env-out-')
        self.program = os.path.join(self.dir, 'prog.py')
        with open(self.program, 'w') as f:
            f.write(PARENT.replace('if __name__ == "__main__":', 'if __name__ == "__main__" and sys.argv[1:] != ["child"]:')
                    + '\nif sys.argv[1:] == ["child"]:\n    print(json.dumps(report()))\n')
        # A project sitecustomize: untraced, it is never imported (the script's folder joins sys.path
        # only after site has run); it was when the engine put the project folder on PYTHONPATH.
        with open(os.path.join(self.dir, 'sitecustomize.py'), 'w') as f:
            f.write('raise SystemExit("the project sitecustomize.py was imported at start-up")\n')
        self.base = {k: v for k, v in os.environ.items()
                     if not k.startswith(('CONCURRENCY_LAB_', 'PYTHON'))}
        self.base['CLAB_USER_VAR'] = 'kept'

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        shutil.rmtree(self.out, ignore_errors=True)

    def traced_env(self, user_pythonpath=None):
        env = dict(self.base)
        env.update({'CONCURRENCY_LAB_OUT': self.out, 'CONCURRENCY_LAB_FILE': self.program,
                    'PYTHONPATH': INJECT + (os.pathsep + user_pythonpath if user_pythonpath else '')})
        return env

    def compare(self, user_pythonpath=None):
        untraced_env = dict(self.base)
        if user_pythonpath:
            untraced_env['PYTHONPATH'] = user_pythonpath
        code, out, err = launch([PY, self.program], untraced_env, self.dir)
        self.assertEqual(code, 0, err)
        tcode, tout, terr = launch(launch_command(self.program), self.traced_env(user_pythonpath), self.dir)
        self.assertEqual(tcode, 0, terr)
        self.assertEqual(terr, err)
        untraced, traced = json.loads(out), json.loads(tout)
        self.assertEqual(traced['me'], untraced['me'])
        self.assertEqual(traced['child'], untraced['child'], 'a traced child Python sees the untraced environment too')
        self.assertEqual(traced['clean'], untraced['clean'], 'a child given a clean environment sees only that')
        pids = {e[2] for e in load_events(self.out)}
        self.assertGreaterEqual(len(pids), 3, 'both children were traced')

    def test_environment_sys_path_and_flags_are_the_untraced_ones(self):
        self.compare()

    def test_with_a_user_pythonpath(self):
        extra = tempfile.mkdtemp(prefix='clab-env-pp-')
        try:
            self.compare(extra)
        finally:
            shutil.rmtree(extra, ignore_errors=True)

    @unittest.skipUnless(sys.version_info >= (3, 11), 'PYTHONSAFEPATH is 3.11+')
    def test_with_pythonsafepath(self):
        """-P semantics: no script folder at the front of sys.path (launch.py used to put it there)."""
        self.base['PYTHONSAFEPATH'] = '1'
        self.compare()


if __name__ == '__main__':
    unittest.main()
