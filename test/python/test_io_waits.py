"""Blocking I/O: io_wait before the program's blocking call (socket, pipe, select, input), io_done after it,
on the lane that made it; asyncio's loop idle in its selector and a task waiting on a stream read
are the same wait. Python 3.12+ (sys.monitoring CALL events); before, no I/O events are written."""
import unittest

from tracing import VERSION, TraceCase, marker_line


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

    @unittest.skipIf(VERSION >= (3, 12), 'I/O calls are seen on 3.12+')
    def test_no_io_events_before_312(self):
        self.assertRanOk()
        self.assertEqual(self.trace.kind('io_wait') + self.trace.kind('io_done'), [])

    @unittest.skipUnless(VERSION >= (3, 12), 'sys.monitoring is 3.12+')
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

    @unittest.skipUnless(VERSION >= (3, 12), 'sys.monitoring is 3.12+')
    def test_asyncio_loop_idle_and_stream_reads(self):
        waits = self.waits()
        idle = [w for w in waits if w[4]]
        self.assertTrue(idle, 'the event loop waited in its selector')
        self.assertTrue(all(w[0] == 'MainThread' and w[1] == 'selector.select' for w in idle), idle)
        reads = [w for w in waits if w[1] == 'StreamReader.read' and type(w[0]) is int]
        self.assertTrue(reads, 'a task awaited a stream read: %r' % (waits,))
        self.assertTrue(any(w[3] > 20e6 for w in reads), 'one waited for the delayed ping: %r' % (reads,))


if __name__ == '__main__':
    unittest.main()
