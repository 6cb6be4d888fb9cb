"""I/O-bound work three ways: threads, asyncio, processes.

The "I/O" here is a sleep standing in for a network call or a disk read: the program waits and the
CPU is idle. Six requests of 0.1 s each take 0.6 s one after another. All three approaches overlap
the waiting; threads and asyncio finish in roughly 0.1-0.2 s:

- threads:   a blocking call releases the GIL, so other threads run while one waits;
- asyncio:   one thread, and every await hands the loop to the next ready task (cheapest per job);
- processes: overlap the waits too, but starting six processes costs more than the wait they save
             here: on a small or busy machine they can even be slower than one after another.

On the timeline, look at how many lanes each part needs and how long each lane lives.
"""
import asyncio
import concurrent.futures
import time

REQUESTS = 6
LATENCY = 0.1  # seconds each pretend request waits


def blocking_request(n):
    time.sleep(LATENCY)  # a blocking wait, like requests.get() or file.read()
    return n


async def async_request(n):
    await asyncio.sleep(LATENCY)  # a non-blocking wait, like an aiohttp call
    return n


def with_threads():
    with concurrent.futures.ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        return list(pool.map(blocking_request, range(REQUESTS)))


async def with_asyncio():
    return await asyncio.gather(*(async_request(n) for n in range(REQUESTS)))


def with_processes():
    with concurrent.futures.ProcessPoolExecutor(max_workers=3) as pool:
        return list(pool.map(blocking_request, range(REQUESTS)))


def timed(title, run):
    began = time.perf_counter()
    results = run()
    print(f"{title:10} {len(results)} requests in {time.perf_counter() - began:.2f} s")


if __name__ == "__main__":  # the process pool's workers re-import this file under spawn
    print(f"one after another this would take {REQUESTS * LATENCY:.1f} s")
    timed("threads", with_threads)
    timed("asyncio", lambda: asyncio.run(with_asyncio()))
    timed("processes", with_processes)
