// A saved file runs as itself, in the environment an untraced `python FILE` gets, with one Python per run;
// and nothing a program can see tells it where the trace goes.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MAIN_PYTHON, OLD_PYTHON, run, withTempDir } from './engineHelpers';

/** What a program can see of how it was started. */
const SELF_REPORT = `import json, os, sys
print(json.dumps({"file": __file__, "argv0": sys.argv[0], "path": sys.path, "cwd": os.getcwd(),
                  "env": dict(os.environ), "utf8": sys.flags.utf8_mode, "write_through": getattr(sys.stdout, "write_through", None),
                  "site": "sitecustomize" in sys.modules}, sort_keys=True))
`;

function untraced(python: string, file: string, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, [file], { cwd, env: process.env }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(stdout),
    );
  });
}

const pythons = [MAIN_PYTHON, OLD_PYTHON].filter((p): p is string => p !== undefined);
const label = (python: string): string => python.split('/').slice(-3, -2)[0] ?? python;

for (const python of pythons) {
  void test(`a saved file runs as itself: __file__, argv, sys.path, cwd and environment as untraced (${label(python)})`, async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'app.py');
      await writeFile(file, SELF_REPORT);
      const expected = JSON.parse(await untraced(python, file, dir)) as Record<string, unknown>;
      const { stdout, stderr, model } = await run(SELF_REPORT, {
        python,
        cwd: dir,
        program: {
          text: SELF_REPORT,
          userFile: file,
          onDisk: true,
          startLine: 0,
          isSelection: false,
          displayName: 'app.py',
        },
      });
      assert.equal(stderr, '');
      assert.equal(model.error, null);
      assert.deepEqual(JSON.parse(stdout), expected);
    });
  });
}

void test('a saved file reads the data beside it, and the files it writes there stay', async () => {
  await withTempDir(async (dir) => {
    const file = join(dir, 'report.py');
    const text =
      'import os\nhere = os.path.dirname(__file__)\nrows = open(os.path.join(here, "data.csv")).read().split()\nopen(os.path.join(here, "out.txt"), "w").write(str(len(rows)))\nprint(len(rows))\n';
    await writeFile(file, text);
    await writeFile(join(dir, 'data.csv'), 'a,1\nb,2\nc,3\n');
    const { stdout, model } = await run(text, {
      cwd: dir,
      program: { text, userFile: file, onDisk: true, startLine: 0, isSelection: false, displayName: 'report.py' },
    });
    assert.equal(model.error, null, JSON.stringify(model.error));
    assert.equal(stdout, '3\n');
    assert.equal(await readFile(join(dir, 'out.txt'), 'utf8'), '3');
    assert.deepEqual(
      model.sources.map((s) => s.file),
      [file],
      'the timeline names the file itself',
    );
  });
});

void test('an unsaved document still runs from a private copy, and its paths read as the user file', async () => {
  const { stdout, stderr } = await run('print(__file__)\nraise ValueError("x")\n');
  assert.equal(stdout, '/work/user/app.py\n');
  assert.match(stderr, /File "\/work\/user\/app\.py", line 2, in <module>/);
});

void test('the program is not told where the trace goes, and cannot add lanes or errors to it', async () => {
  // A program that looks for the event folder where it used to be visible (the environment; the temp
  // folder's listing) and writes a fake process with an uncaught error into whatever it finds.
  const text = `import glob, json, os, tempfile
found = [v for k, v in os.environ.items() if k.startswith("CONCURRENCY_LAB")]
for run in glob.glob(os.path.join(tempfile.gettempdir(), "concurrency-lab-*")):
    try:
        found += [os.path.join(run, n) for n in os.listdir(run) if n.startswith("events")]
    except OSError:
        pass
    found.append(os.path.join(run, "events"))
fake = '[0,1,424242,1,0,"proc_begin",{"ppid":1,"name":"fake","origin":"main","internal":false}]\\n'
fake += '[1,2,424242,1,0,"exc",{"type":"Injected","msg":"fake","uncaught":true,"where":"main"}]\\n'
wrote = 0
for d in found:
    try:
        with open(os.path.join(d, "events-424242.jsonl"), "w") as f:
            f.write(fake)
        wrote += 1
    except OSError:
        pass
print(len([v for k, v in os.environ.items() if k.startswith("CONCURRENCY_LAB")]))
`;
  const { stdout, model } = await run(text);
  assert.equal(stdout.trim(), '0', 'no CONCURRENCY_LAB_* variable is visible');
  assert.equal(model.error, null, JSON.stringify(model.error));
  assert.equal(model.stats.processes.own + model.stats.processes.internal, 1);
});

void test('no Python starts before the program: the checks run inside the traced one', async () => {
  await withTempDir(async (dir) => {
    const log = join(dir, 'starts.log');
    const wrapper = join(dir, 'python');
    await writeFile(wrapper, `#!/bin/sh\necho "$@" >> '${log}'\nexec '${MAIN_PYTHON}' "$@"\n`);
    await chmod(wrapper, 0o755);
    const { stdout, model } = await run('print("hi")\n', { python: wrapper });
    assert.equal(stdout, 'hi\n');
    assert.equal(model.error, null);
    const starts = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    assert.equal(starts.filter((s) => s.includes('launch.py')).length, 1, starts.join('\n'));
    assert.deepEqual(
      starts.filter((s) => s.includes('check.py')),
      [],
      'no separate check',
    );
  });
});
