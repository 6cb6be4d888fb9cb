// Process hygiene for the harness: stop whole process groups and prove nothing we started survived.
import { readdirSync, readFileSync } from 'node:fs';

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is already empty
  }
}

function groupAlive(pid) {
  return signalGroup(pid, 0);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGTERM the group led by pid, wait for the leader and the group to go, then SIGKILL what is left, and every
 * process that descended from the leader while we watched: a child may have left the group (code-server
 * resolves the shell environment with `bash -i -l`, an interactive shell that makes its own group, ignores
 * SIGTERM, and whose login scripts start more under it, possibly while we stop it); once its parent is gone
 * such a process is re-parented and untraceable, so the tree is re-read while it is alive, and frozen
 * (SIGSTOP: a stopped process cannot fork) before anything in it is killed.
 */
export async function killGroup(pid, leaderExited, graceMs = 3000) {
  if (!pid) return;
  const tree = new Set(descendants(pid));
  const grow = (signal) => {
    let added = 0;
    for (const p of descendants([pid, ...tree]))
      // (one read of /proc for the whole tree)
      if (!tree.has(p)) {
        tree.add(p);
        signalPid(p, signal);
        added += 1;
      }
    return added;
  };
  signalGroup(pid, 'SIGTERM');
  for (const p of tree) signalPid(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let left = false;
  void (leaderExited ?? Promise.resolve()).then(() => (left = true));
  while (!left && Date.now() < deadline) {
    grow('SIGTERM');
    await sleep(100);
  }
  while (groupAlive(pid) && Date.now() < deadline) {
    grow('SIGTERM'); // (the leader gone, its group's processes may still start more)
    await sleep(100);
  }
  for (const p of tree) signalPid(p, 'SIGSTOP');
  for (let i = 0; i < 10 && grow('SIGSTOP') > 0; i++);
  if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
  for (const p of tree) signalPid(p, 'SIGKILL');
  for (let i = 0; i < 20 && groupAlive(pid); i++) await sleep(100);
}

function signalPid(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

/**
 * Every living descendant of pid, or of any of several pids, each once (Linux: parent links read from /proc, once;
 * elsewhere none).
 */
export function descendants(pid) {
  if (process.platform !== 'linux') return [];
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so read after the last ')'.
    const stat = readProc(name, 'stat');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(ppid)) continue;
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(name));
  }
  const out = [];
  const seen = new Set(Array.isArray(pid) ? pid : [pid]);
  const todo = [...seen];
  while (todo.length > 0) {
    for (const c of children.get(todo.pop()) ?? []) {
      if (seen.has(c)) continue; // (a root that descends from another root)
      seen.add(c);
      out.push(c);
      todo.push(c);
    }
  }
  return out;
}

function readProc(pid, file) {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return ''; // exited meanwhile, or not ours to read
  }
}

/**
 * Processes (other than this one) whose command line or environment contains any of the markers, e.g. a
 * temp folder we created: children inherit the environment even when they leave the process group.
 */
export function processesMatching(markers) {
  const found = [];
  const wanted = markers.filter(Boolean);
  if (process.platform !== 'linux' || wanted.length === 0) return found;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmdline = readProc(name, 'cmdline');
    // Zombies have an empty cmdline and are reaped by their parent; they hold nothing worth reporting.
    if (!cmdline) continue;
    const environ = readProc(name, 'environ');
    if (wanted.some((m) => cmdline.includes(m) || environ.includes(m)))
      found.push({ pid: Number(name), cmdline: cmdline.trim() });
  }
  return found;
}

/**
 * After cleanup: report survivors matching the markers, kill them so the machine stays clean, and
 * return them (the caller counts this as a failure).
 */
export async function reapOrphans(markers) {
  await sleep(300);
  const left = processesMatching(markers);
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  return left;
}
