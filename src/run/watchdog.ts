/**
 * If the process that started a run dies without stopping it (the window reloads, the extension host
 * crashes, the CLI is SIGKILLed), the program must not live on. A tiny watchdog, in its own session so
 * it outlives us, holds the read end of a pipe whose write end only we have: when we die the pipe
 * closes, its read returns, and it kills the run's process group and the run's strays (traced processes
 * that left the group, recognised by the run's marker in their environment). After a normal end we kill
 * the watchdog instead. It runs on the interpreter of the run itself: it is known to work.
 */
import { spawn } from 'node:child_process';

const WATCHDOG = `
import os, signal, sys, time
pgid, out, marker = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
try:
    sys.stdin.buffer.read()
except Exception:
    pass
def strays():
    try:
        names = os.listdir(out)
    except OSError:
        return []
    pids = []
    for n in names:
        if n.startswith("events-") and n.endswith(".jsonl"):
            try:
                pid = int(n[7:-6])
                with open("/proc/%d/environ" % pid, "rb") as f:
                    if marker in f.read():
                        pids.append(pid)
            except (ValueError, OSError):
                pass
    return pids
def kill(sig):
    for target in [-pgid] + strays():
        try:
            os.kill(target, sig)
        except OSError:
            pass
kill(signal.SIGTERM)
time.sleep(0.3)
kill(signal.SIGKILL)
`;

export interface Watchdog {
  /** The run ended normally: the watchdog is no longer needed. */
  dispose(): void;
}

export function startWatchdog(python: string, pgid: number, outDir: string, marker: string): Watchdog | undefined {
  if (process.platform === 'win32' || pgid <= 0) return undefined; // no process groups; job objects would be needed
  try {
    const dog = spawn(python, ['-c', WATCHDOG, String(pgid), outDir, marker], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      windowsHide: true,
    });
    dog.on('error', () => undefined);
    dog.stdin?.on('error', () => undefined);
    // Neither the pipe nor the child may keep our event loop (the CLI) alive.
    dog.unref();
    (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return {
      dispose: () => {
        try {
          dog.kill('SIGKILL');
        } catch {
          // already gone
        }
      },
    };
  } catch {
    return undefined;
  }
}
