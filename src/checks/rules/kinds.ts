/** The library names rules recognise, by what they are. One home for each list. */

const set = (...names: string[]): ReadonlySet<string> => new Set(names);

export const THREAD_LOCKS = set(
  'threading.Lock',
  'threading.RLock',
  'threading.Semaphore',
  'threading.BoundedSemaphore',
  'threading.Condition',
  'multiprocessing.Lock',
  'multiprocessing.RLock',
  'multiprocessing.Semaphore',
  'multiprocessing.BoundedSemaphore',
  'multiprocessing.Condition',
);
export const ASYNC_LOCKS = set('asyncio.Lock', 'asyncio.Semaphore', 'asyncio.BoundedSemaphore', 'asyncio.Condition');
export const THREADS = set('threading.Thread', 'threading.Timer');
export const PROCESSES = set('multiprocessing.Process', 'multiprocessing.context.Process');
export const PROCESS_POOLS = set(
  'multiprocessing.Pool',
  'multiprocessing.pool.Pool',
  'concurrent.futures.ProcessPoolExecutor',
  'concurrent.futures.process.ProcessPoolExecutor',
);
export const MP_POOLS = set('multiprocessing.Pool', 'multiprocessing.pool.Pool');
export const EXECUTORS = set(
  'concurrent.futures.ThreadPoolExecutor',
  'concurrent.futures.ProcessPoolExecutor',
  'concurrent.futures.thread.ThreadPoolExecutor',
  'concurrent.futures.process.ProcessPoolExecutor',
);
export const THREAD_EXECUTORS = set(
  'concurrent.futures.ThreadPoolExecutor',
  'concurrent.futures.thread.ThreadPoolExecutor',
  'multiprocessing.pool.ThreadPool',
  'multiprocessing.dummy.Pool',
);
/** Methods of executors and pools that run their first argument in a worker. */
export const POOL_METHODS = set(
  'submit',
  'apply',
  'apply_async',
  'map',
  'map_async',
  'imap',
  'imap_unordered',
  'starmap',
  'starmap_async',
);
/** Those that run it once per item: several runs at once. */
export const MANY_POOL_METHODS = set('map', 'map_async', 'imap', 'imap_unordered', 'starmap', 'starmap_async');
/** Starting one of these at module level re-runs the module in every spawned child. */
export const PROCESS_STARTERS = set(...PROCESSES, ...PROCESS_POOLS, 'multiprocessing.Manager');
export const BLOCKING_QUEUES = set(
  'queue.Queue',
  'queue.LifoQueue',
  'queue.PriorityQueue',
  'queue.SimpleQueue',
  'multiprocessing.Queue',
  'multiprocessing.JoinableQueue',
);
export const EVENT_LOOPS = set('asyncio.get_event_loop', 'asyncio.get_running_loop', 'asyncio.new_event_loop');

/** Blocking calls in a coroutine, by rule. */
export const BLOCKING_CALLS: ReadonlyMap<string, string> = new Map([
  ['time.sleep', 'CL101'],
  ...['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request'].flatMap((m) => [
    [`requests.${m}`, 'CL102'] as [string, string],
    [`httpx.${m}`, 'CL102'] as [string, string],
  ]),
  ['urllib.request.urlopen', 'CL102'],
  ['socket.create_connection', 'CL102'],
  ['subprocess.run', 'CL103'],
  ['subprocess.call', 'CL103'],
  ['subprocess.check_call', 'CL103'],
  ['subprocess.check_output', 'CL103'],
  ['subprocess.getoutput', 'CL103'],
  ['subprocess.getstatusoutput', 'CL103'],
  ['os.system', 'CL103'],
  ['builtins.input', 'CL105'],
]);

/** asyncio coroutine functions that do nothing unless awaited. */
export const ASYNCIO_COROUTINES = set(
  'asyncio.sleep',
  'asyncio.wait_for',
  'asyncio.wait',
  'asyncio.to_thread',
  'asyncio.open_connection',
  'asyncio.start_server',
  'asyncio.create_subprocess_exec',
  'asyncio.create_subprocess_shell',
);
