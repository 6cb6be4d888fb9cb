"""The Interleaving Explorer: runs a program's threads one at a time under a controlled scheduler.

Stdlib only, Python 3.8-3.13. Kept apart from concurrency_lab_tracer: tracing watches a free run;
exploring replaces the program's synchronisation primitives with models that ask a scheduler who
runs next. Modules:

  scheduler  the baton, lanes, the choice strategies (PCT, random walk), virtual time, deadlocks
  dpor       systematic exploration with partial-order reduction (the search, and the child's side)
  races      vector clocks and FastTrack-style happens-before race detection
  prims      model Lock/RLock/Condition/Semaphore/Event/Barrier/Thread/Timer and the patched modules
  accesses   the ast rewrite that makes the program's shared reads and writes scheduling points
  aio        asyncio's selector under the scheduler (virtual clock, thread hand-offs, I/O delivery)
  server     start Python once, compile once, fork one child per schedule
"""
