"""Blocking I/O: io_wait before the program's blocking call (socket, pipe, select, input), io_done after it,
on the lane that made it; asyncio's loop idle in its selector and a task waiting on a stream read
are the same wait. Python 3.12+ from sys.monitoring CALL events; 3.8-3.11 from the program's own call
sites (io_sites: the rewrite), asyncio's loop's select call (aio_idle) and the futures asyncio's I/O
coroutines make (aio_waits), also in a process traced with the settrace fallback."""
import unittest

from tracing import VERSION, TraceCase, marker_line, run_traced


class IoWaits(TraceCase):
    PROGRAM = 'io_waits.py'

    def waits(self):
        """(thread name or task serial, call, line, waited ns) of each io_wait, ended by its io_done."""
        names = self.trace.thread_names()
        names[(self.trace.main_pid(), 1)] = 'MainThread'
        open_, out = {}, []
        for e in self.trace.events:
            lane = (e[2], e[3], e[4])
            if e[5] == 'io_wait':
                self.assertNotIn(lane, open_, 'a lane waits on two I/O calls at once: %r' % (e,))
                open_[lane] = e
            elif e[5] == 'io_done':
                begin = open_.pop(lane)
                self.assertEqual(begin[6]['call'], e[6]['call'])
                who = e[4] or names.get((e[2], e[3]))
                out.append((who, begin[6]['call'], begin[6]['line'], e[1] - begin[1], begin[6].get('loop', False)))
        self.assertEqual(open_, {}, 'every wait ended')
        return out

    def test_the_program_cannot_tell(self):
        self.assertSameStdoutAsUntraced()

    def test_thread_io_calls_are_waits_on_their_lane(self):
        waits = self.waits()
        src = 'io_waits.py'

        def find(who, call):
            found = [w for w in waits if w[0] == who and w[1] == call]
            self.assertTrue(found, '%s %s() in %r' % (who, call, waits))
            return found[0]

        accept = find('server', 'socket.accept')
        self.assertEqual(accept[2], marker_line(src, 'accept'))
        recv = find('server', 'socket.recv')
        self.assertGreater(recv[3], 30e6, 'the server waited for the client (~50 ms)')
        find('client', 'socket.create_connection')
        read = find('MainThread', 'os.read')
        self.assertEqual(read[2], marker_line(src, 'read'))
        self.assertGreater(read[3], 30e6)
        # A multiprocessing pipe's recv, though the tracer wraps it (to flush first).
        recv = find('MainThread', 'Connection.recv')
        self.assertEqual(recv[2], marker_line(src, 'pipe_recv'))
        self.assertGreater(recv[3], 30e6)
        # Waiting for a subprocess is a process join (proc_join), not also an I/O wait drawn over it.
        self.assertNotIn('subprocess.run', {w[1] for w in waits})
        self.assertTrue(self.trace.kind('proc_join'))
        # time.sleep, Event.wait, print, socket() and the program's own functions are not I/O waits.
        self.assertFalse({w[1] for w in waits} & {'time.sleep', 'print', 'socket.socket'})

    def test_asyncio_loop_idle(self):
        """Every version: 3.12+ from sys.monitoring, 3.8-3.11 from BaseEventLoop._run_once's select call,
        rewritten as the program's I/O calls are (aio_idle)."""
        waits = self.waits()
        idle = [w for w in waits if w[4]]
        self.assertTrue(idle, 'the event loop waited in its selector')
        self.assertTrue(all(w[0] == 'MainThread' and w[1] == 'selector.select' for w in idle), idle)
        self.assertTrue(any(w[3] > 20e6 for w in idle), 'it waited for the delayed ping: %r' % (idle,))
        self.assertEqual({w[2] for w in idle}, {marker_line('io_waits.py', 'asyncio_run')},
                         'drawn at the program line that runs the loop')

    def test_asyncio_stream_reads(self):
        """Every version: 3.12+ sees asyncio's StreamReader._wait_for_data suspend (sys.monitoring), 3.8-3.11
        the program's task await the future it makes (aio_waits)."""
        waits = self.waits()
        reads = [w for w in waits if w[1] == 'StreamReader.read' and type(w[0]) is int]
        self.assertTrue(reads, 'a task awaited a stream read: %r' % (waits,))
        self.assertTrue(any(w[3] > 20e6 for w in reads), 'one waited for the delayed ping: %r' % (reads,))
        self.assertEqual({w[2] for w in reads}, {marker_line('io_waits.py', 'stream_read'),
                                                  marker_line('io_waits.py', 'echo_read')}, 'at the awaiting lines')
        connects = [w for w in waits if w[1] == 'loop.sock_connect']
        self.assertTrue(connects and all(type(w[0]) is int for w in connects), waits)


class IoCallSites(IoWaits):
    """Calls that raise, nest or only share a name with an I/O call (all Pythons; on 3.8-3.11 these are
    what the call-site rewrite has to get right: io_sites)."""
    PROGRAM = 'io_call_sites.py'
    test_thread_io_calls_are_waits_on_their_lane = None
    test_asyncio_loop_idle = None
    test_asyncio_stream_reads = None

    def test_the_program_cannot_tell(self):
        self.assertSameStdoutAsUntraced()

    def test_a_call_that_raises_ends_its_wait(self):
        src = self.PROGRAM
        waits = {(w[1], w[2]): w for w in self.waits()}
        done = [e[6] for e in self.trace.events if e[5] == 'io_done']
        self.assertIn(('socket.recv', marker_line(src, 'timeout')), waits)
        self.assertGreater(waits[('socket.recv', marker_line(src, 'timeout'))][3], 30e6)
        self.assertIn(('os.read', marker_line(src, 'fails')), waits)
        self.assertEqual(sum(1 for d in done if d.get('ok') is False), 2, done)

    def test_nested_calls_wait_in_turn(self):
        line = marker_line(self.PROGRAM, 'nested')
        calls = [w[1] for w in self.waits() if w[2] == line]  # (waits() checks no lane waits twice at once)
        self.assertEqual(calls, ['socket.recv', 'socket.recv', 'socket.sendall'])

    def test_only_blocking_reads_wait(self):
        src = self.PROGRAM
        lines = {w[2] for w in self.waits()}
        self.assertIn(marker_line(src, 'pipe'), lines)
        self.assertNotIn(marker_line(src, 'regular'), lines)
        self.assertEqual({w[1] for w in self.waits()},
                         {'socket.recv', 'socket.sendall', 'file.read', 'os.read'})


@unittest.skipIf(VERSION >= (3, 12), '3.12+ traces every process with sys.monitoring')
class IoWaitsSettrace(IoWaits):
    """The same program in a process traced with the settrace fallback (a child started on the program
    file itself, or CONCURRENCY_LAB_MECHANISM=settrace): asyncio's waits are drawn as in a rewritten one."""
    test_thread_io_calls_are_waits_on_their_lane = None  # (call sites are the rewrite's: io_sites)

    @classmethod
    def setUpClass(cls):
        cls.trace = run_traced(cls.PROGRAM, extra_env={'CONCURRENCY_LAB_MECHANISM': 'settrace'})

    def test_traced_with_settrace(self):
        meta = self.trace.kind('meta')[0][6]
        self.assertEqual(meta.get('mechanism'), 'settrace', meta)


if __name__ == '__main__':
    unittest.main()
