/** Every rule: samples it must flag (at the line marked `# <-`) and idiomatic code it must leave alone. */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RULES } from '../../../src/checks/catalog';
import { found, py } from './helpers';

interface Case {
  /** Each must produce the rule on every line ending with `# <-`, and nowhere else. */
  flagged: string[];
  /** Each must produce no finding of this rule. */
  clean: string[];
}

const CASES: Record<string, Case> = {
  CL101: {
    flagged: [
      py`
        import time
        async def f():
            time.sleep(1)  # <-
      `,
      py`
        from time import sleep
        async def f():
            sleep(1)  # <-
      `,
      py`
        import time as t
        async def f():
            x = [t.sleep(0.1)]  # <-
      `,
      py`
        import time
        def work():
            time.sleep(0.2)
            return 1
        async def f():
            print(work())  # <-
      `,
    ],
    clean: [
      py`
        import time
        def f():
            time.sleep(1)
      `,
      py`
        import asyncio
        async def f():
            await asyncio.sleep(1)
      `,
      py`
        from time import sleep
        async def f(sleep):
            sleep(1)
      `,
      py`
        import time
        async def f():
            def inner():
                time.sleep(1)
            await asyncio.to_thread(inner)
      `,
      py`
        async def f():
            time.sleep(1)
      `,
      py`
        import time
        def sleep(x): pass
        async def f():
            sleep(1)
      `,
    ],
  },
  CL102: {
    flagged: [
      py`
        import requests
        async def f(url):
            return requests.get(url, timeout=5)  # <-
      `,
      py`
        from urllib.request import urlopen
        async def f(url):
            with urlopen(url) as r:  # <-
                return r.read()
      `,
    ],
    clean: [
      py`
        import requests
        def f(url):
            return requests.get(url)
      `,
      py`
        import requests, asyncio
        async def f(url):
            return await asyncio.to_thread(requests.get, url)
      `,
    ],
  },
  CL103: {
    flagged: [
      py`
        import subprocess
        async def f():
            subprocess.run(["ls"])  # <-
      `,
      py`
        import os
        async def f():
            os.system("ls")  # <-
      `,
    ],
    clean: [
      py`
        import asyncio
        async def f():
            p = await asyncio.create_subprocess_exec("ls")
            await p.wait()
      `,
    ],
  },
  CL104: {
    flagged: [
      py`
        import queue
        q = queue.Queue()
        async def f():
            item = q.get()  # <-
      `,
      py`
        from queue import Queue
        async def f():
            jobs = Queue()
            jobs.join()  # <-
      `,
    ],
    clean: [
      py`
        import queue
        q = queue.Queue()
        async def f():
            return q.get_nowait(), q.get(block=False), q.get(False)
      `,
      py`
        import asyncio
        q = asyncio.Queue()
        async def f():
            return await q.get()
      `,
    ],
  },
  CL105: {
    flagged: [
      py`
        async def f():
            name = input("name? ")  # <-
      `,
    ],
    clean: [
      py`
        def f():
            return input("name? ")
      `,
      py`
        async def f(input):
            return input("x")
      `,
    ],
  },
  CL106: {
    flagged: [
      py`
        import threading
        async def f():
            t = threading.Thread(target=print)
            t.start()
            t.join()  # <-
      `,
      py`
        import threading
        done = threading.Event()
        async def f():
            done.wait()  # <-
      `,
    ],
    clean: [
      py`
        import threading, asyncio
        async def f():
            t = threading.Thread(target=print)
            t.start()
            await asyncio.to_thread(t.join)
      `,
      py`
        import asyncio
        done = asyncio.Event()
        async def f():
            await done.wait()
      `,
    ],
  },
  CL110: {
    flagged: [
      py`
        async def fetch(): pass
        async def main():
            fetch()  # <-
      `,
      py`
        class C:
            async def save(self): pass
            async def run(self):
                self.save()  # <-
      `,
      py`
        async def main(): pass
        main()  # <-
      `,
    ],
    clean: [
      py`
        import asyncio
        async def fetch(): pass
        async def main():
            await fetch()
            t = asyncio.create_task(fetch())
            await t
        asyncio.run(main())
      `,
      py`
        def fetch(): pass
        async def main():
            fetch()
      `,
    ],
  },
  CL111: {
    flagged: [
      py`
        import asyncio
        async def f():
            asyncio.sleep(1)  # <-
      `,
    ],
    clean: [
      py`
        import asyncio
        async def f():
            await asyncio.sleep(1)
            await asyncio.wait_for(f(), 1)
      `,
    ],
  },
  CL112: {
    flagged: [
      py`
        import asyncio
        async def job(): pass
        async def f():
            asyncio.create_task(job())  # <-
      `,
      py`
        import asyncio
        async def job(): pass
        async def f():
            loop = asyncio.get_running_loop()
            loop.create_task(job())  # <-
      `,
    ],
    clean: [
      py`
        import asyncio
        async def job(): pass
        async def f():
            t = asyncio.create_task(job())
            await t
      `,
      py`
        import asyncio
        async def job(): pass
        async def f():
            async with asyncio.TaskGroup() as tg:
                tg.create_task(job())
      `,
    ],
  },
  CL113: {
    flagged: [
      py`
        import asyncio
        async def g(): pass
        async def f():
            asyncio.run(g())  # <-
      `,
    ],
    clean: [
      py`
        import asyncio
        async def main(): pass
        if __name__ == "__main__":
            asyncio.run(main())
      `,
    ],
  },
  CL114: {
    flagged: [
      py`
        import asyncio
        lock = asyncio.Lock()
        async def f():
            with lock:  # <-
                pass
      `,
      py`
        import threading
        lock = threading.Lock()
        async def f():
            async with lock:  # <-
                pass
      `,
    ],
    clean: [
      py`
        import asyncio
        lock = asyncio.Lock()
        async def f():
            async with lock:
                pass
      `,
    ],
  },
  CL115: {
    flagged: [
      py`
        import threading
        async def poll(): pass
        t = threading.Thread(target=poll)  # <-
      `,
      // Through a helper's parameter: reported once where it is passed, positionally or by keyword.
      py`
        import threading
        async def poll(): pass
        def plain(): pass
        def run(worker, n=2):
            for _ in range(n):
                threading.Thread(target=worker).start()
        run(plain)
        run(poll)  # <-
        run(n=1, worker=poll)  # <-
      `,
      py`
        from concurrent.futures import ThreadPoolExecutor
        async def poll(): pass
        def off(fn):
            with ThreadPoolExecutor() as ex:
                return ex.submit(fn).result()
        off(poll)  # <-
      `,
      // Every call that runs a function in another thread or a worker: Timer, to_thread, run_in_executor, pools.
      py`
        import asyncio, threading
        from multiprocessing.pool import ThreadPool
        from concurrent.futures import ThreadPoolExecutor
        async def poll(): pass
        async def main():
            await asyncio.to_thread(poll)  # <-
            await asyncio.get_running_loop().run_in_executor(None, poll)  # <-
        t = threading.Timer(1, poll)  # <-
        u = threading.Timer(1, function=poll)  # <-
        with ThreadPool(2) as pool:
            r = pool.apply_async(poll)  # <-
        with ThreadPoolExecutor() as ex:
            print(list(ex.map(poll, [1])))  # <-
      `,
      // A method of the class itself, and functools.partial of a coroutine function.
      py`
        import threading, functools
        async def fetch(n): pass
        class Poller:
            async def poll(self): pass
            def start(self):
                threading.Thread(target=self.poll).start()  # <-
                threading.Thread(target=functools.partial(fetch, 1)).start()  # <-
      `,
    ],
    clean: [
      // A helper that runs the coroutine function itself and starts a thread with something else.
      py`
        import asyncio, threading
        async def poll(): pass
        def run(coro_fn, other):
            threading.Thread(target=other).start()
            asyncio.run(coro_fn())
        run(poll, print)
      `,
      py`
        import threading, asyncio
        async def poll(): pass
        def run_poll():
            asyncio.run(poll())
        t = threading.Thread(target=run_poll)
      `,
    ],
  },
  CL120: {
    flagged: [
      py`
        import asyncio
        async def main(): pass
        loop = asyncio.get_event_loop()  # <-
        loop.run_until_complete(main())
      `,
    ],
    clean: [
      py`
        import asyncio
        async def main():
            loop = asyncio.get_running_loop()
        asyncio.run(main())
      `,
      py`
        import asyncio
        def start():
            loop = asyncio.new_event_loop()
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()
      `,
    ],
  },
  CL121: {
    flagged: [
      py`
        import asyncio
        async def f():
            loop = asyncio.get_event_loop()  # <-
      `,
    ],
    clean: [
      py`
        import asyncio
        async def f():
            loop = asyncio.get_running_loop()
      `,
    ],
  },
  CL201: {
    flagged: [
      py`
        import threading
        def work(n):
            print(n)
        t = threading.Thread(target=work(1))  # <-
      `,
      py`
        from concurrent.futures import ThreadPoolExecutor
        def work():
            print(1)
        with ThreadPoolExecutor() as ex:
            fut = ex.submit(work())  # <-
      `,
      py`
        import threading
        from multiprocessing.pool import ThreadPool
        def work(n):
            print(n)
        t = threading.Timer(1.0, function=work(1))  # <-
        with ThreadPool(2) as pool:
            r = pool.apply_async(work(2))  # <-
      `,
    ],
    clean: [
      py`
        import threading, functools
        def work(n):
            print(n)
        def make():
            return work
        a = threading.Thread(target=work, args=(1,))
        b = threading.Thread(target=make())
        c = threading.Thread(target=functools.partial(work, 1))
      `,
    ],
  },
  CL202: {
    flagged: [
      py`
        import threading
        lock = threading.Lock()
        def f():
            lock.acquire()  # <-
            print(1)
            lock.release()
      `,
      py`
        def f(state_lock):
            state_lock.acquire()  # <-
            state_lock.release()
      `,
    ],
    clean: [
      py`
        import threading
        lock = threading.Lock()
        def f():
            lock.acquire()
            try:
                print(1)
            finally:
                lock.release()
            if lock.acquire(timeout=1):
                lock.release()
      `,
      py`
        def f(conn):
            conn.acquire()
      `,
    ],
  },
  CL203: {
    flagged: [
      py`
        import threading, asyncio
        lock = threading.Lock()
        async def f():
            with lock:  # <-
                await asyncio.sleep(1)
      `,
    ],
    clean: [
      py`
        import threading, asyncio
        lock = threading.Lock()
        async def f():
            with lock:
                x = 1
            await asyncio.sleep(1)
      `,
      py`
        import asyncio
        lock = asyncio.Lock()
        async def f():
            async with lock:
                await asyncio.sleep(1)
      `,
    ],
  },
  CL204: {
    flagged: [
      py`
        import threading
        a = threading.Lock()
        b = threading.Lock()
        def one():
            with a:
                with b:  # <-
                    pass
        def two():
            with b, a:  # <-
                pass
      `,
      py`
        import threading
        a = threading.Lock()
        b = threading.Lock()
        def one():
            a.acquire()
            b.acquire()  # <-
            b.release()
            a.release()
        def two():
            b.acquire()
            try:
                a.acquire()  # <-
                a.release()
            finally:
                b.release()
      `,
      py`
        import threading
        a = threading.Lock()
        b = threading.Lock()
        def one():
            with a:
                b.acquire()  # <-
                b.release()
        def two():
            b.acquire()
            with a:  # <-
                pass
            b.release()
      `,
    ],
    clean: [
      py`
        import threading
        a = threading.Lock()
        b = threading.Lock()
        def one():
            with a:
                with b:
                    pass
        def two():
            with a, b:
                pass
      `,
      py`
        import threading
        a = threading.Lock()
        b = threading.Lock()
        def one():
            a.acquire()
            b.acquire()
            b.release()
            a.release()
        def two():
            b.acquire()
            b.release()
            a.acquire()
            a.release()
      `,
    ],
  },
  CL205: {
    flagged: [
      py`
        import threading
        count = 0
        def work():
            global count
            for _ in range(1000):
                count += 1  # <-
        threads = [threading.Thread(target=work) for _ in range(4)]
      `,
      py`
        import threading
        def work(stats):
            stats.total += 1  # <-
        a = threading.Thread(target=work, args=(s,))
        b = threading.Thread(target=work, args=(s,))
      `,
      py`
        import threading
        def deposit(acct):
            x = acct.balance
            acct.balance = x + 10  # <-
        threads = [threading.Thread(target=deposit, args=(a,)) for _ in range(4)]
      `,
      py`
        import threading
        total = 0
        def work(n):
            global total
            total = total + n  # <-
        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
      `,
      py`
        import threading
        counts = {}
        def work(key):
            seen = counts[key]
            seen += 1
            counts[key] = seen  # <-
        a = threading.Thread(target=work, args=("a",))
        b = threading.Thread(target=work, args=("a",))
      `,
      // The target is a parameter: the functions passed to the helper are what the threads run.
      py`
        import threading
        def unsafe(c):
            v = c.value
            c.value = v + 1  # <-
        def run(worker, label):
            threads = [threading.Thread(target=worker, args=(c,)) for _ in range(2)]
        run(unsafe, "unsafe")
      `,
      py`
        import threading
        def unsafe(c):
            c.hits += 1  # <-
        def run(label, worker=None):
            a = threading.Thread(target=worker)
            a.start()
            a.join()
        run("one", worker=unsafe)
        run("two", worker=unsafe)
      `,
      py`
        from concurrent.futures import ThreadPoolExecutor
        def unsafe(c):
            c.hits += 1  # <-
        def fan_out(fn, items):
            with ThreadPoolExecutor() as ex:
                for item in items:
                    ex.submit(fn, item)
        fan_out(unsafe, [1, 2, 3])
      `,
      // Every call that runs a function in another thread counts: a Timer, to_thread, run_in_executor,
      // a thread pool's apply_async/map, a concurrent.futures executor.
      py`
        import threading
        count = 0
        def tick():
            global count
            count += 1  # <-
        timers = [threading.Timer(0.1, tick) for _ in range(3)]
      `,
      py`
        import threading
        def tick(c):
            c.hits += 1  # <-
        threading.Timer(1.0, function=tick, args=(c,)).start()
        threading.Thread(target=tick, args=(c,)).start()
      `,
      py`
        import asyncio
        def work(c):
            c.hits += 1  # <-
        async def main(c):
            await asyncio.gather(*(asyncio.to_thread(work, c) for _ in range(4)))
      `,
      py`
        import asyncio
        stats = {"n": 0}
        def work():
            stats["n"] += 1  # <-
        async def main():
            loop = asyncio.get_running_loop()
            a = loop.run_in_executor(None, work)
            b = loop.run_in_executor(None, work)
            await asyncio.gather(a, b)
      `,
      py`
        from multiprocessing.pool import ThreadPool
        def work(c):
            c.hits += 1  # <-
        with ThreadPool(4) as pool:
            results = [pool.apply_async(work, (c,)) for _ in range(4)]
      `,
      py`
        import concurrent.futures
        stats = {"n": 0}
        def work(i):
            stats["n"] += 1  # <-
        with concurrent.futures.ThreadPoolExecutor() as ex:
            list(ex.map(work, range(4)))
      `,
      // Coroutines that each await their own run, gathered: they run at once.
      py`
        import asyncio
        def work(c):
            c.hits += 1  # <-
        async def off(fn, c):
            return await asyncio.to_thread(fn, c)
        async def main(c):
            await asyncio.gather(off(work, c), off(work, c))
      `,
      // A method of the class itself, on the same instance in every thread.
      py`
        import threading
        class Counter:
            def __init__(self):
                self.n = 0
            def bump(self):
                self.n += 1  # <-
            def run(self):
                threads = [threading.Thread(target=self.bump) for _ in range(4)]
      `,
      // functools.partial, a thread pool passed to a helper, _thread, multiprocessing.dummy's Pool.
      py`
        import threading, functools, _thread
        from concurrent.futures import ThreadPoolExecutor
        from multiprocessing.dummy import Pool
        def add(c, n):
            c.total += n  # <-
        def hit(c):
            c.hits += 1  # <-
        def tick(c):
            c.ticks += 1  # <-
        def fan_out(ex, fn, items):
            return [ex.submit(fn, i) for i in items]
        threads = [threading.Thread(target=functools.partial(add, c, 1)) for _ in range(2)]
        with ThreadPoolExecutor() as ex:
            fan_out(ex, hit, [c, c])
        _thread.start_new_thread(tick, (c,))
        with Pool(2) as pool:
            pool.apply_async(tick, (c,))
      `,
    ],
    clean: [
      // A helper that calls what it is given, in this thread: no thread runs unsafe.
      py`
        import threading
        def unsafe(c):
            c.hits += 1
        def twice(fn, c):
            for _ in range(2):
                fn(c)
            threads = [threading.Thread(target=print) for _ in range(2)]
        twice(unsafe, c)
      `,
      // The demo's locked worker, through the same helper as a racy one.
      py`
        import threading
        def unsafe(c):
            c.hits += 1
        def safe(c):
            with c.lock:
                v = c.value
                c.value = v + 1
        def run(worker):
            threads = [threading.Thread(target=worker, args=(c,)) for _ in range(2)]
        run(safe)
        run(print)
        def other(unsafe_fn):
            threading.Thread(target=unsafe_fn).start()
        other(unsafe)
      `,
      py`
        import threading
        count = 0
        lock = threading.Lock()
        def work():
            global count
            with lock:
                count += 1
        threads = [threading.Thread(target=work) for _ in range(4)]
      `,
      py`
        import threading
        def work():
            local = 0
            local += 1
        threads = [threading.Thread(target=work) for _ in range(4)]
      `,
      py`
        import threading
        count = 0
        def work():
            global count
            count += 1
        t = threading.Thread(target=work)
      `,
      py`
        import threading
        lock = threading.Lock()
        def deposit(acct):
            with lock:
                x = acct.balance
                acct.balance = x + 10
        threads = [threading.Thread(target=deposit, args=(a,)) for _ in range(4)]
      `,
      py`
        import threading
        def work(acct, out):
            x = acct.balance
            out.result = x * 2
            acct.name = acct.name_template
        threads = [threading.Thread(target=work, args=(a, o)) for _ in range(4)]
      `,
      // A Timer whose function only reads the shared state.
      py`
        import threading
        count = 0
        def report():
            print(count)
            seen = count + 1
        timers = [threading.Timer(0.1, report) for _ in range(3)]
      `,
      // Awaited one at a time: one thread runs it at a time.
      py`
        import asyncio
        def work(c):
            c.hits += 1
        async def main(c):
            for _ in range(3):
                await asyncio.to_thread(work, c)
            loop = asyncio.get_running_loop()
            for _ in range(3):
                await loop.run_in_executor(None, work, c)
            await asyncio.to_thread(work, c)
      `,
      py`
        from multiprocessing.pool import ThreadPool
        def work(c):
            c.hits += 1
        def sync(c):
            with ThreadPool(2) as pool:
                for _ in range(3):
                    pool.apply(work, (c,))
      `,
      // A process pool's workers each have their own copy of the state.
      py`
        import asyncio
        from concurrent.futures import ProcessPoolExecutor
        stats = {"n": 0}
        def work():
            stats["n"] += 1
        async def main():
            loop = asyncio.get_running_loop()
            with ProcessPoolExecutor() as pool:
                await asyncio.gather(*(loop.run_in_executor(pool, work) for _ in range(4)))
      `,
      // A helper that waits for the run before it returns, called in a loop: one run at a time.
      py`
        from concurrent.futures import ThreadPoolExecutor
        def work(c):
            c.hits += 1
        def run_one(ex, fn, c):
            return ex.submit(fn, c).result()
        with ThreadPoolExecutor() as ex:
            for _ in range(3):
                run_one(ex, work, c)
            run_one(ex, work, c)
      `,
      // Each worker starts one thread on its own method; a process pool through the helper.
      py`
        import threading
        from concurrent.futures import ProcessPoolExecutor
        class Worker:
            def __init__(self):
                self.done = 0
            def run(self):
                self.done += 1
            def start(self):
                threading.Thread(target=self.run).start()
        workers = [Worker() for _ in range(4)]
        for w in workers:
            w.start()
        def hit(c):
            c.hits += 1
        def fan_out(ex, fn, items):
            return [ex.submit(fn, i) for i in items]
        with ProcessPoolExecutor() as ex:
            fan_out(ex, hit, [c, c])
      `,
    ],
  },
  CL206: {
    flagged: [
      py`
        import threading
        t = threading.Thread(target=print)
        t.run()  # <-
      `,
    ],
    clean: [
      py`
        import threading
        t = threading.Thread(target=print)
        t.start()
        class W(threading.Thread):
            def run(self): pass
      `,
    ],
  },
  CL207: {
    flagged: [
      py`
        import threading
        def f():
            with threading.Lock():  # <-
                pass
      `,
    ],
    clean: [
      py`
        import threading
        lock = threading.Lock()
        def f():
            with lock:
                pass
      `,
    ],
  },
  CL301: {
    flagged: [
      py`
        import multiprocessing
        def work(): pass
        p = multiprocessing.Process(target=work)  # <-
        p.start()
      `,
      py`
        from concurrent.futures import ProcessPoolExecutor as PPE
        with PPE() as ex:  # <-
            pass
      `,
      py`
        import multiprocessing as mp
        ctx = mp.get_context("spawn")
        pool = ctx.Pool(2)  # <-
        pool.close()
      `,
    ],
    clean: [
      py`
        import multiprocessing
        def work(): pass
        def main():
            p = multiprocessing.Process(target=work)
            p.start()
        if __name__ == "__main__":
            main()
            q = multiprocessing.Process(target=work)
      `,
      py`
        from threading import Thread
        t = Thread(target=print)
      `,
    ],
  },
  CL302: {
    flagged: [
      py`
        from multiprocessing import Pool
        def sq(x): return x * x
        def main():
            pool = Pool(2)  # <-
            print(pool.map(sq, range(3)))
      `,
    ],
    clean: [
      py`
        from multiprocessing import Pool
        def sq(x): return x * x
        def main():
            with Pool(2) as pool:
                print(pool.map(sq, range(3)))
            other = Pool(2)
            other.close()
            other.join()
      `,
    ],
  },
  CL303: {
    flagged: [
      py`
        import multiprocessing
        def main():
            p = multiprocessing.Process(target=lambda: print(1))  # <-
      `,
      py`
        import multiprocessing
        def main():
            def work(): pass
            p = multiprocessing.Process(target=work)  # <-
      `,
      py`
        import multiprocessing
        def start(fn):
            p = multiprocessing.Process(target=fn)
            p.start()
            return p
        def main():
            def job(): pass
            start(job).join()  # <-
      `,
      // A lambda through a helper's parameter: reported once, where it is passed, however often it starts.
      py`
        import multiprocessing
        def work(n): pass
        def start(fn, n=2):
            ps = [multiprocessing.Process(target=fn) for _ in range(n)]
            extra = multiprocessing.Process(target=fn)
            return ps
        def main():
            start(lambda: work(1))  # <-
            start(n=1, fn=lambda: work(2))  # <-
      `,
      py`
        import multiprocessing, functools
        def main():
            def work(n): pass
            p = multiprocessing.Process(target=functools.partial(work, 1))  # <-
      `,
    ],
    clean: [
      py`
        import multiprocessing
        def work(): pass
        def main():
            p = multiprocessing.Process(target=work)
      `,
      // A module-level def through the helper; a nested one passed where no process runs it.
      py`
        import multiprocessing
        def start(fn, log):
            log()
            p = multiprocessing.Process(target=fn)
            p.start()
            p.join()
        def work(): pass
        def main():
            def note(): pass
            start(work, note)
      `,
      // A lambda given to a helper that starts a thread, not a process.
      py`
        import threading
        def in_background(fn, name="bg"):
            threading.Thread(target=fn, name=name, daemon=True).start()
        def main():
            in_background(lambda: print(1))
            in_background(fn=lambda: print(2), name="two")
      `,
      // A bound method is pickled with its instance.
      py`
        import multiprocessing
        class Job:
            def work(self): pass
            def start(self):
                p = multiprocessing.Process(target=self.work)
                p.start()
                return p
      `,
    ],
  },
  CL304: {
    flagged: [
      py`
        from multiprocessing import Pool
        def main():
            with Pool() as pool:
                pool.map(lambda x: x, range(3))  # <-
      `,
      py`
        from concurrent.futures import ProcessPoolExecutor
        def main():
            def sq(x): return x * x
            with ProcessPoolExecutor() as ex:
                f = ex.submit(sq, 2)  # <-
      `,
      py`
        from concurrent.futures import ProcessPoolExecutor
        def fan_out(fn, items):
            with ProcessPoolExecutor() as ex:
                return list(ex.map(fn, items))
        def main():
            def square(x): return x * x
            print(fan_out(square, range(3)))  # <-
      `,
      // The pool is a parameter too: what the caller passes there makes it a process pool.
      py`
        from multiprocessing import Pool
        def submit_all(pool, fn):
            return pool.map(fn, [1, 2])
        def main():
            def sq(x): return x * x
            with Pool() as pool:
                submit_all(pool, sq)  # <-
                submit_all(pool, lambda x: x)  # <-
      `,
      py`
        from concurrent.futures import ProcessPoolExecutor
        def fan_out(fn, items):
            with ProcessPoolExecutor() as ex:
                return [ex.submit(fn, i) for i in items]
        def main():
            fan_out(lambda i: i * 2, range(3))  # <-
      `,
      py`
        import asyncio
        from concurrent.futures import ProcessPoolExecutor
        async def main():
            loop = asyncio.get_running_loop()
            with ProcessPoolExecutor() as pool:
                await loop.run_in_executor(pool, lambda: 2 * 2)  # <-
      `,
    ],
    clean: [
      py`
        from concurrent.futures import ThreadPoolExecutor
        def main():
            with ThreadPoolExecutor() as ex:
                print(list(ex.map(lambda x: x, range(3))))
      `,
      // The same helper given a thread pool; a lambda the helper calls itself.
      py`
        from concurrent.futures import ThreadPoolExecutor
        def submit_all(pool, fn):
            return list(pool.map(fn, [1, 2]))
        def twice(fn):
            return [fn(1), fn(2)]
        def main():
            def sq(x): return x * x
            with ThreadPoolExecutor() as ex:
                submit_all(ex, sq)
                submit_all(ex, lambda x: x)
            twice(lambda x: x)
      `,
    ],
  },
  CL401: {
    flagged: [
      py`
        from concurrent.futures import ThreadPoolExecutor
        def work(): pass
        with ThreadPoolExecutor() as ex:
            ex.submit(work)  # <-
      `,
      py`
        from concurrent.futures import ThreadPoolExecutor
        def work(): pass
        def main():
            with ThreadPoolExecutor() as ex:
                for _ in range(3):
                    fut = ex.submit(work)  # <-
      `,
    ],
    clean: [
      py`
        from concurrent.futures import ThreadPoolExecutor
        def work(): pass
        with ThreadPoolExecutor() as ex:
            fut = ex.submit(work)
            fut.result()
            for r in ex.map(work, []):
                print(r)
      `,
      py`
        from concurrent.futures import ThreadPoolExecutor, wait
        def work(): pass
        def main():
            with ThreadPoolExecutor() as ex:
                fut = ex.submit(work)
                done = wait([fut])
                later = ex.submit(work)
                def report():
                    print(later.result())
                report()
      `,
    ],
  },
};

void describe('every rule has flagged and clean samples', () => {
  void test('the catalog and the samples cover the same rules', () => {
    assert.deepEqual(Object.keys(CASES).sort(), RULES.map((r) => r.code).sort());
    assert.ok(RULES.length >= 20);
  });
  for (const [code, c] of Object.entries(CASES)) {
    void test(`${code} flags its samples`, () => {
      for (const sample of c.flagged) {
        const want = sample
          .split('\n')
          .map((l, i) => (l.endsWith('# <-') ? `${code}:${i + 1}` : ''))
          .filter(Boolean);
        assert.deepEqual(
          found(sample).filter((f) => f.startsWith(`${code}:`)),
          want,
          sample,
        );
      }
    });
    void test(`${code} leaves idiomatic code alone`, () => {
      for (const sample of c.clean)
        assert.deepEqual(
          found(sample).filter((f) => f.startsWith(`${code}:`)),
          [],
          sample,
        );
    });
  }
});

void test('half-typed code still gets findings and never throws', () => {
  const text = py`
    import time
    async def f():
        time.sleep(1)
        x = (
    def g(
  `;
  assert.ok(found(text).includes('CL101:3'));
  for (let i = 0; i < text.length; i++) found(text.slice(0, i));
});
