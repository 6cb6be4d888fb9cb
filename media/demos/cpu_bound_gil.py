"""CPU-bound work: threads versus processes, or the GIL made visible.

Counting down in pure Python keeps the CPU busy. The Global Interpreter Lock lets only one thread
execute Python bytecode at a time, so two counting threads take turns: together they take about as
long as running both jobs one after another. Two processes each have their own interpreter and GIL,
so on a machine with two or more cores they really run at the same time.

The program measures both ways of running the jobs by wall time and by CPU time: CPU seconds per
second of wall time is how many cores were busy at once. Threads never keep more than one busy.
Processes keep two busy only when two cores are free; on a loaded machine (other programs on the
cores, or a 1-core machine) they cannot run in parallel, and the program says so.

On the timeline, the span shading shows on-CPU time: the thread spans are long but only about half
shaded (each waits for the GIL half the time); the process spans are short and fully shaded.
"""
import multiprocessing
import os
import sys
import threading
import time

WORK = 6_000_000  # loop iterations per job: about half a second of pure Python (enough to dwarf start-up noise)


def count_down(n):
    # A plain loop with no function calls: all of its time is bytecode under the GIL.
    while n > 0:
        n -= 1


def run_sequential():
    count_down(WORK)
    count_down(WORK)


def run_threads():
    threads = [threading.Thread(target=count_down, args=(WORK,), name=f"cpu-thread-{n}") for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def run_processes():
    procs = [multiprocessing.Process(target=count_down, args=(WORK,), name=f"cpu-process-{n}") for n in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()


def cpu_seconds():
    # This process's threads, plus the child processes that have ended (join() reaps them).
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(title, run):
    wall_began, cpu_began = time.perf_counter(), cpu_seconds()
    run()
    wall, cpu = time.perf_counter() - wall_began, cpu_seconds() - cpu_began
    print(f"{title:12} {wall:.2f} s, {cpu:.2f} s of CPU: {cpu / wall:.1f} cores busy")
    return wall, cpu / wall


if __name__ == "__main__":
    cores = multiprocessing.cpu_count()
    print(f"{cores} CPU cores")
    sequential, _ = timed("sequential", run_sequential)
    threaded, thread_cores = timed("2 threads", run_threads)
    parallel, process_cores = timed("2 processes", run_processes)
    print(f"2 threads: {threaded / sequential:.1f}x the sequential time, {thread_cores:.1f} cores busy: they take turns on the GIL")
    if sys.platform == "win32":
        # Windows does not report the CPU time of ended child processes.
        print(f"2 processes: {parallel / sequential:.1f}x the sequential time (under 1x when two cores are free)")
    elif process_cores >= 1.5:
        print(f"2 processes: {parallel / sequential:.1f}x the sequential time, {process_cores:.1f} cores busy: each has its own GIL, so they ran in parallel")
    else:
        why = "this machine has one core" if cores < 2 else "other programs kept the other cores busy"
        print(f"2 processes: {parallel / sequential:.1f}x the sequential time, only {process_cores:.1f} cores busy: {why}, so they could not run in parallel (on two free cores they take about half the time)")
