"""The three basic ways to do two things at once in Python, side by side.

1. threading.Thread       - two threads in this process, started and joined.
2. asyncio.gather         - two coroutines sharing one thread, taking turns at each await.
3. multiprocessing.Process - two separate processes, each with its own interpreter.

Every part runs the same job: print a start line, wait a little, print an end line.
Run it with the timeline and compare the lanes: two thread lanes, two task lanes, two process lanes.
"""
import asyncio
import multiprocessing
import os
import threading
import time


# --- 1. Threads ------------------------------------------------------------------------------
def thread_job(name, delay):
    print(f"[thread {name}] start")
    time.sleep(delay)  # sleeping releases the GIL, so the other thread runs meanwhile
    print(f"[thread {name}] end after {delay} s")


def run_threads():
    first = threading.Thread(target=thread_job, args=("A", 0.2), name="thread-A")
    second = threading.Thread(target=thread_job, args=("B", 0.1), name="thread-B")
    first.start()  # start() returns at once; the thread runs on its own
    second.start()
    first.join()  # join() waits until that thread has finished
    second.join()


# --- 2. Asyncio ------------------------------------------------------------------------------
async def task_job(name, delay):
    print(f"[task {name}] start")
    await asyncio.sleep(delay)  # hands control back to the event loop until the delay is over
    print(f"[task {name}] end after {delay} s")
    return name


async def run_tasks():
    # gather wraps each coroutine in a task and waits for all of them; results keep argument order.
    results = await asyncio.gather(task_job("A", 0.2), task_job("B", 0.1))
    print("[asyncio] results:", results)


# --- 3. Processes ----------------------------------------------------------------------------
def process_job(name, delay):
    print(f"[process {name}] start in pid {os.getpid()}")
    time.sleep(delay)
    print(f"[process {name}] end after {delay} s")


def run_processes():
    first = multiprocessing.Process(target=process_job, args=("A", 0.2), name="process-A")
    second = multiprocessing.Process(target=process_job, args=("B", 0.1), name="process-B")
    first.start()
    second.start()
    first.join()
    second.join()
    print("[processes] exit codes:", first.exitcode, second.exitcode)


# The guard matters: with the "spawn" start method every child re-imports this file, and without
# it each child would start processes of its own.
if __name__ == "__main__":
    for title, part in (("threads", run_threads), ("asyncio", lambda: asyncio.run(run_tasks())), ("processes", run_processes)):
        began = time.perf_counter()
        part()
        # Both jobs overlap, so each part takes about as long as its slower job (0.2 s), not the sum.
        print(f"--- {title}: {time.perf_counter() - began:.2f} s\n")
