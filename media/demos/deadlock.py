"""A deadlock: two threads, two locks, taken in opposite order.

Thread "alice" takes lock A then wants lock B; thread "bob" takes lock B then wants lock A. Each ends
up holding the lock the other one needs, and both wait forever. This program never finishes on its
own: the run's timeout stops it, and the timeline shows both threads stuck in their lock wait.
Before blocking, each thread prints who it waits on, so the output tells the story too.
Explore step: right-click > Explore Interleavings... tries schedule after schedule and stops at the deadlock.
The fix: make every thread take the locks in the same order (see the deadlock-fixed snippet).
"""
import threading
import time

lock_a = threading.Lock()
lock_b = threading.Lock()
holder = {}  # lock name -> thread holding it, only to print who waits on whom


def take(lock, name):
    me = threading.current_thread().name
    if name in holder:
        print(f"{me} waits for lock {name}, held by {holder[name]}", flush=True)
    else:
        print(f"{me} takes lock {name}", flush=True)
    lock.acquire()  # blocks forever once both threads hold one lock each
    holder[name] = me


def transfer(first, first_name, second, second_name):
    take(first, first_name)
    time.sleep(0.1)  # gives the other thread time to take its first lock: the deadlock is certain
    take(second, second_name)
    print(threading.current_thread().name, "never gets here")


if __name__ == "__main__":
    alice = threading.Thread(target=transfer, args=(lock_a, "A", lock_b, "B"), name="alice")
    bob = threading.Thread(target=transfer, args=(lock_b, "B", lock_a, "A"), name="bob")
    alice.start()
    bob.start()
    alice.join()  # waits forever: stop it with the timeout (or the Stop button)
    bob.join()
