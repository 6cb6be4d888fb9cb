/**
 * The demo programs shipped in media/demos, for Open Demo… and the walkthrough. Pure data: no vscode.
 * Every demo runs on Python 3.8+ and finishes within a few seconds, except the deadlock demo, which
 * hangs on purpose until the run's timeout stops it.
 */

export interface Demo {
  /** Stable id, usable as a command argument ("race-condition"). */
  id: string;
  title: string;
  /** One or two sentences for the quick pick: what the timeline will show. */
  description: string;
  /** File name relative to media/demos. */
  file: string;
  /** True when the demo never finishes by itself and is meant to be stopped by the timeout. */
  expectsTimeout?: boolean;
}

export const DEMOS: readonly Demo[] = [
  {
    id: 'three-patterns',
    title: 'Threads, asyncio and processes side by side',
    description:
      'The same two jobs run with threading.Thread, asyncio.gather and multiprocessing.Process: compare their lanes.',
    file: 'three_patterns.py',
  },
  {
    id: 'io-bound',
    title: 'I/O-bound work: threads vs asyncio vs processes',
    description:
      'Six slow "requests" overlapped three ways: threads and asyncio beat running them one by one; processes pay for starting up.',
    file: 'io_bound.py',
  },
  {
    id: 'cpu-bound-gil',
    title: 'CPU-bound work: the GIL made visible',
    description: 'Counting threads take turns on the GIL while processes compute in parallel: watch the CPU shading.',
    file: 'cpu_bound_gil.py',
  },
  {
    id: 'race-condition',
    title: 'Race condition and the lock that fixes it',
    description: 'Two threads lose updates to a shared counter, then do the same work under a threading.Lock.',
    file: 'race_condition.py',
  },
  {
    id: 'deadlock',
    title: 'Deadlock: two locks taken in opposite order',
    description: 'Two threads each hold the lock the other needs and wait forever; the run timeout stops them.',
    file: 'deadlock.py',
    expectsTimeout: true,
  },
  {
    id: 'producer-consumer',
    title: 'Producer/consumer with queue.Queue',
    description: 'One producer, two consumers and a bounded queue: follow each item from put to get.',
    file: 'producer_consumer.py',
  },
  {
    id: 'asyncio-cancellation',
    title: 'Asyncio cancellation and cleanup',
    description: 'task.cancel(), a wait_for timeout and cancelling leftovers after a failure, with cleanup in finally.',
    file: 'asyncio_cancellation.py',
  },
  {
    id: 'executor-pools',
    title: 'Thread and process pools with as_completed',
    description:
      'ThreadPoolExecutor for waiting, ProcessPoolExecutor for computing; results arrive in finishing order.',
    file: 'executor_pools.py',
  },
  {
    id: 'asyncio-blocking',
    title: 'Blocking call inside a coroutine',
    description: 'time.sleep() in a coroutine freezes the event loop; moving it to a worker thread fixes it.',
    file: 'asyncio_blocking.py',
  },
];

export function findDemo(id: string): Demo | undefined {
  return DEMOS.find((d) => d.id === id);
}
