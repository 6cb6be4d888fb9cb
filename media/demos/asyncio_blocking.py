"""The most common asyncio mistake: a blocking call inside a coroutine.

An event loop runs one task at a time and switches only at an await. time.sleep() (or requests.get(),
or a long computation) does not await: while it runs, every other task is frozen.

Part 1 shows a heartbeat task that should tick every 50 ms starving while another task blocks.
Part 2 moves the same blocking call to a worker thread with run_in_executor (asyncio.to_thread on
3.9+), and the heartbeat keeps its rhythm.

On the timeline, look at the gap in the heartbeat lane during part 1.
"""
import asyncio
import time


async def heartbeat(label, beats):
    last = time.perf_counter()
    for _ in range(beats):
        await asyncio.sleep(0.05)
        now = time.perf_counter()
        print(f"{label}: tick after {(now - last) * 1000:.0f} ms")
        last = now


def blocking_work():
    time.sleep(0.2)  # stands for any call that blocks: I/O without await, or heavy computing
    return "done"


async def blocks_the_loop():
    await asyncio.sleep(0.06)
    print("blocking the loop for 200 ms...")
    print("blocking work:", blocking_work())  # BUG: runs on the event loop's thread


async def uses_a_thread():
    await asyncio.sleep(0.06)
    print("sending the blocking work to a thread...")
    loop = asyncio.get_running_loop()
    print("blocking work:", await loop.run_in_executor(None, blocking_work))


async def main():
    print("part 1: blocking call in a coroutine")
    await asyncio.gather(heartbeat("starved", 5), blocks_the_loop())
    print("part 2: blocking call in a worker thread")
    await asyncio.gather(heartbeat("steady", 5), uses_a_thread())


if __name__ == "__main__":
    asyncio.run(main())
