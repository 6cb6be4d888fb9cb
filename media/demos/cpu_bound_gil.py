"""CPU-bound work: threads versus processes, or the GIL made visible.

Counting down in pure Python keeps the CPU busy. The Global Interpreter Lock lets only one thread
execute Python bytecode at a time, so two counting threads take turns: together they take about as
long as running both jobs one after another. Two processes each have their own interpreter and GIL,
so on a machine with two or more cores they really run at the same time.

On the timeline, the span shading shows on-CPU time: the thread spans are long but only about half
shaded (each waits for the GIL half the time); the process spans are short and fully shaded.
"""
import multiprocessing
import threading
import time

WORK = 2_000_000  # loop iterations per job: a few tenths of a second of pure Python


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


def timed(title, run):
    began = time.perf_counter()
    run()
    elapsed = time.perf_counter() - began
    print(f"{title:12} {elapsed:.2f} s")
    return elapsed


if __name__ == "__main__":
    print(f"{multiprocessing.cpu_count()} CPU cores")
    sequential = timed("sequential", run_sequential)
    threaded = timed("2 threads", run_threads)
    parallel = timed("2 processes", run_processes)
    # Other programs competing for the cores blur these numbers; the timeline's CPU shading does not lie.
    print(f"2 threads took {threaded / sequential:.1f}x the sequential time (expect about 1x: they take turns on the GIL)")
    print(f"2 processes took {parallel / sequential:.1f}x the sequential time (expect well under 1x on 2+ idle cores)")
