"""Asyncio cancellation: cancel(), wait_for() timeouts, and cleanup in finally.

A task is cancelled by raising CancelledError inside it, at the await where it is suspended. That
gives the task a chance to clean up (close connections, release locks) in `except`/`finally` before
it ends. Three ways it happens:

1. task.cancel()                 - someone else decides the task should stop;
2. asyncio.wait_for(x, timeout)  - the awaited work is cancelled when the deadline passes;
3. a failing sibling              - asyncio.gather(..., return_exceptions=False) does NOT cancel the
                                    others, so here we cancel the leftovers ourselves.

On the timeline, each task lane ends with its outcome: done, cancelled or error.
"""
import asyncio


async def download(name, seconds):
    print(f"{name}: downloading for {seconds} s")
    try:
        await asyncio.sleep(seconds)
        print(f"{name}: finished")
        return name
    except asyncio.CancelledError:
        print(f"{name}: cancelled while waiting")
        raise  # always re-raise: swallowing it makes the task look like it finished normally
    finally:
        print(f"{name}: cleanup in finally")


async def explicit_cancel():
    task = asyncio.create_task(download("big-file", 10), name="big-file")
    await asyncio.sleep(0.1)  # let it start
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("main: big-file was cancelled:", task.cancelled())


async def timeout_cancel():
    try:
        await asyncio.wait_for(download("slow-mirror", 10), timeout=0.1)
    except asyncio.TimeoutError:
        print("main: slow-mirror took longer than 0.1 s and was cancelled")


async def failing(name):
    await asyncio.sleep(0.05)
    raise ConnectionError(f"{name}: connection reset")


async def cancel_leftovers():
    tasks = [
        asyncio.create_task(download("mirror-1", 0.02), name="mirror-1"),
        asyncio.create_task(failing("mirror-2"), name="mirror-2"),
        asyncio.create_task(download("mirror-3", 10), name="mirror-3"),
    ]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in done:
        if task.exception() is not None:
            print("main: a task failed:", task.exception())
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)  # wait for their cleanup to run
    print("main: cancelled", sorted(t.get_name() for t in pending))


async def main():
    await explicit_cancel()
    await timeout_cancel()
    await cancel_leftovers()


if __name__ == "__main__":
    asyncio.run(main())
