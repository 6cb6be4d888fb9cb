"""concurrent.futures: the same job on a ThreadPoolExecutor and a ProcessPoolExecutor.

An executor keeps a pool of workers; submit() hands it a call and returns a Future at once;
as_completed() yields the futures in the order they finish, not the order they were submitted.
The `with` block waits for every job and shuts the pool down.

- ThreadPoolExecutor suits waiting (network, disk): here, jobs that sleep.
- ProcessPoolExecutor suits computing: here, summing squares in several processes at once.

On the timeline, each pool's workers get their own lanes; arrows lead from each submit to the worker
that ran the job, and from the finished future back to the code waiting on it.
"""
import concurrent.futures
import time


def fetch(name, seconds):
    time.sleep(seconds)  # waiting, not computing: threads are enough
    return name


def sum_of_squares(n):
    total = 0
    for i in range(n):  # pure computation: processes run it in parallel
        total += i * i
    return n, total


def thread_pool():
    jobs = {"slow": 0.15, "medium": 0.1, "fast": 0.05}
    with concurrent.futures.ThreadPoolExecutor(max_workers=3, thread_name_prefix="fetcher") as pool:
        futures = [pool.submit(fetch, name, seconds) for name, seconds in jobs.items()]
        for future in concurrent.futures.as_completed(futures):
            print("thread pool finished:", future.result())  # fast, medium, slow


def process_pool():
    sizes = [300_000, 100_000, 200_000]
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(sum_of_squares, n) for n in sizes]
        for future in concurrent.futures.as_completed(futures):
            n, total = future.result()
            print(f"process pool finished: sum of squares below {n} = {total}")


if __name__ == "__main__":  # required: the process pool's workers re-import this file
    began = time.perf_counter()
    thread_pool()
    print(f"thread pool: {time.perf_counter() - began:.2f} s")
    began = time.perf_counter()
    process_pool()
    print(f"process pool: {time.perf_counter() - began:.2f} s")
