"""A race condition, and the lock that fixes it.

Two threads each add 1 to a shared counter many times. "counter = counter + 1" is really three steps:
read the counter, add one, write it back. If a thread is switched out between the read and the write,
the other thread's increments in the meantime are overwritten: updates are lost.

Two things make the switch happen on every run (in real programs it happens rarely, which is what
makes races so hard to find):
- time.sleep(0.001) between the read and the write, standing for slow work there: while one thread
  sleeps, the other one runs and reads the same old value, so one of the two writes is lost.
  (time.sleep(0) would only offer the switch, and on Python 3.8 to 3.10 the same thread often takes
  it straight back.)
- a threading.Barrier at the start of each thread: each waits there until both have arrived, so they
  count at the same time. Without it the first thread gets a head start, and could even finish its
  loop before the second one starts: then nothing is lost.

The second half does the same work while holding a threading.Lock around read+write, so no update is
lost.

On the timeline, the unsafe threads interleave freely; the safe ones take turns on the lock: follow
the arrows from each release to the next acquire.

Explore step: right-click > Explore Interleavings... runs this demo under a controlled scheduler, many
schedules in a row, and names the race on Counter.value in its first schedule: both lines get a warning.
"""
import threading
import time

INCREMENTS = 100  # per thread


class Counter:
    def __init__(self):
        self.value = 0
        self.lock = threading.Lock()


def unsafe_increment(counter, both_ready):
    both_ready.wait()  # until the other thread is here too
    for _ in range(INCREMENTS):
        current = counter.value  # read
        time.sleep(0.001)  # the other thread runs here and reads the same value
        counter.value = current + 1  # write: overwrites whatever the other thread wrote


def safe_increment(counter, both_ready):
    both_ready.wait()
    for _ in range(INCREMENTS):
        with counter.lock:  # only one thread at a time between read and write
            current = counter.value
            time.sleep(0.001)
            counter.value = current + 1


def run(worker, label):
    counter = Counter()
    both_ready = threading.Barrier(2)  # the two threads start counting together
    threads = [threading.Thread(target=worker, args=(counter, both_ready), name=f"{label}-{n}") for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = 2 * INCREMENTS
    lost = expected - counter.value
    print(f"{label}: expected {expected}, got {counter.value} ({lost} updates lost)")
    return lost


if __name__ == "__main__":
    lost_unsafe = run(unsafe_increment, "unsafe")
    lost_safe = run(safe_increment, "locked")
    print("race condition observed" if lost_unsafe > 0 else "no update lost this time: run it again")
    print("lock fixed it" if lost_safe == 0 else "the lock did not help?!")
