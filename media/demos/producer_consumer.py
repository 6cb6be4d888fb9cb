"""Producer/consumer with queue.Queue.

One producer thread makes work items faster than one consumer could handle them; two consumer
threads take items from a shared queue.Queue. The queue does all the locking: put() and get() are
thread-safe, get() blocks while the queue is empty and put() blocks while it is full (maxsize=3),
which keeps a fast producer from running far ahead.

The producer ends the stream with one sentinel (None) per consumer, so each consumer knows when to
stop. On the timeline, follow the arrows from each put to the get that received that item.
"""
import queue
import threading
import time

ITEMS = 8
CONSUMERS = 2
SENTINEL = None


def producer(q):
    for item in range(ITEMS):
        time.sleep(0.02)  # making an item takes a little time
        q.put(item)  # blocks while the queue already holds maxsize items
        print(f"produced {item}")
    for _ in range(CONSUMERS):
        q.put(SENTINEL)  # one "no more work" marker per consumer


def consumer(q, done):
    name = threading.current_thread().name
    while True:
        item = q.get()  # blocks while the queue is empty
        if item is SENTINEL:
            print(f"{name} stops")
            return
        time.sleep(0.05)  # handling an item is slower than making one
        done.append((name, item))
        print(f"{name} handled {item}")


if __name__ == "__main__":
    q = queue.Queue(maxsize=3)
    done = []  # list.append is atomic in CPython, so the consumers can share it
    threads = [threading.Thread(target=producer, args=(q,), name="producer")]
    threads += [threading.Thread(target=consumer, args=(q, done), name=f"consumer-{n}") for n in range(CONSUMERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    per_consumer = {}
    for name, _ in done:
        per_consumer[name] = per_consumer.get(name, 0) + 1
    print(f"handled {len(done)} of {ITEMS} items:", per_consumer)
