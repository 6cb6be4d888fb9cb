"""A deadlock: two threads, two locks, taken in opposite order.

Thread "alice" takes lock A then wants lock B; thread "bob" takes lock B then wants lock A. Each ends
up holding the lock the other one needs, and both wait forever. This program never finishes on its
own: the run's timeout stops it, and the timeline shows both threads stuck in their lock wait.
Before blocking, each thread prints who it waits on, so the output tells the story too.

A threading.Barrier makes the deadlock certain: each thread waits there, holding its first lock,
until the other one holds its own. (Without it, a thread that starts late, on a busy machine, could
find both locks free and take them one after the other: then nothing deadlocks.)

Explore step: right-click > Explore Interleavings... runs this demo under a controlled scheduler and
stops at the deadlock in its first schedule.
The fix: make every thread take the locks in the same order (see the deadlock-fixed snippet).
"""
import threading

lock_a = threading.Lock()
lock_b = threading.Lock()
both_hold_one = threading.Barrier(2)  # each thread passes once both hold their first lock
holder = {}  # lock name -> thread holding it, only to print who waits on whom


def take(lock, name):
    me = threading.current_thread().name
    if name in holder:
        line = f"{me} waits for lock {name}, held by {holder[name]}"
    else:
        line = f"{me} takes lock {name}"
    # One write per line: both threads print at the same moment, and print() writes the newline apart.
    print(line + "\n", end="", flush=True)
    lock.acquire()  # blocks forever once both threads hold one lock each
    holder[name] = me


def transfer(first, first_name, second, second_name):
    take(first, first_name)
    both_hold_one.wait()  # until the other thread holds its first lock too: the deadlock is certain
    take(second, second_name)
    print(threading.current_thread().name, "never gets here")


if __name__ == "__main__":
    alice = threading.Thread(target=transfer, args=(lock_a, "A", lock_b, "B"), name="alice")
    bob = threading.Thread(target=transfer, args=(lock_b, "B", lock_a, "A"), name="bob")
    alice.start()
    bob.start()
    alice.join()  # waits forever: stop it with the timeout (or the Stop button)
    bob.join()
