"""A billing run's chunks written by a second thread, with its own database connection,
while the first prices the next chunk: PostgreSQL's share of a chunk (the COPY, the
indexes, the foreign keys checked at commit) then runs on another core instead of
waiting for Python, and Python's share does not wait for it.

Only on PostgreSQL and outside any transaction (a run's task): inside one (the tests'),
or on SQLite, each chunk is written where it is priced. One chunk waits at most, so
memory stays that of two chunks."""

import queue
import threading

from django.db import connection


class ChunkWriter:
    def __init__(self, write):
        self.write = write
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        self.error: BaseException | None = None

    def __enter__(self) -> "ChunkWriter":
        if self.threaded:
            self.queue: queue.Queue = queue.Queue(maxsize=1)
            self.thread = threading.Thread(target=self._loop, name="billing-writer", daemon=True)
            self.thread.start()
        return self

    def put(self, *item) -> None:
        if not self.threaded:
            self.write(*item)
            return
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def _loop(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                if self.error is None:
                    try:
                        self.write(*item)
                    except BaseException as error:  # handed to the pricing thread
                        self.error = error
        finally:
            connection.close()  # this thread's own connection

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.threaded:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None and exc is None:
            raise self.error
