"""A light open-loop HTTP/1.1 client: one asyncio process, raw sockets, no library.

Enough HTTP for the benchmark (GET and form POST, Content-Length or chunked bodies,
keep-alive, cookies by name), and nothing else, so that the client costs little CPU
and the figures measure the server. Latencies are counted from a request's scheduled
arrival time, not from when the client got round to sending it."""

import asyncio
import time
from urllib.parse import urlencode, urlsplit


class HTTPError(Exception):
    pass


class Connection:
    """One keep-alive HTTP/1.1 connection to host:port."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(
            self.host, self.port, limit=1 << 20
        )

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.reader = self.writer = None

    async def request(
        self,
        method: str,
        path: str,
        *,
        cookies: dict[str, str] | None = None,
        form: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], list[str], bytes]:
        """Send one request; returns (status, headers, set-cookie lines, body)."""
        if self.writer is None:
            await self.open()
        body = urlencode(form).encode() if form is not None else b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if form is not None:
            lines.append("Content-Type: application/x-www-form-urlencoded")
        if body or method == "POST":
            lines.append(f"Content-Length: {len(body)}")
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status_line = await self.reader.readline()
        if not status_line:
            self.close()
            raise HTTPError("connection closed by the server")
        status = int(status_line.split()[1])
        response_headers: dict[str, str] = {}
        set_cookies: list[str] = []
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _sep, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                set_cookies.append(value)
            response_headers[name] = value
        if response_headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readline()
            payload = b"".join(chunks)
        else:
            payload = await self.reader.readexactly(int(response_headers.get("content-length", 0)))
        if response_headers.get("connection", "").lower() == "close":
            self.close()
        return status, response_headers, set_cookies, payload


def update_cookies(jar: dict[str, str], set_cookies: list[str]) -> None:
    """Apply Set-Cookie lines to a name → value jar (a deleted cookie leaves the jar)."""
    for line in set_cookies:
        pair, *attributes = line.split(";")
        name, _sep, value = pair.strip().partition("=")
        expired = any(
            a.strip().lower() in ("max-age=0",)
            or a.strip().lower().startswith("expires=thu, 01 jan 1970")
            for a in attributes
        )
        if expired or value in ('""', ""):
            jar.pop(name, None)
        else:
            jar[name] = value


async def fetch(
    connection: Connection,
    method: str,
    path: str,
    jar: dict[str, str],
    *,
    form: dict | None = None,
    headers: dict[str, str] | None = None,
    follow: bool = False,
) -> tuple[int, bytes, int]:
    """A request with the jar's cookies; with follow=True, a redirect is followed as a
    browser does (GET, same connection, cookies updated). Returns (final status, final
    body, first status)."""
    status, response_headers, set_cookies, body = await connection.request(
        method, path, cookies=jar, form=form, headers=headers
    )
    update_cookies(jar, set_cookies)
    first = status
    while follow and status in (301, 302, 303) and "location" in response_headers:
        location = urlsplit(response_headers["location"])
        target = location.path + (f"?{location.query}" if location.query else "")
        status, response_headers, set_cookies, body = await connection.request(
            "GET", target, cookies=jar
        )
        update_cookies(jar, set_cookies)
    return status, body, first


class Recorder:
    """Latencies and errors of one phase, with the client's own CPU time."""

    def __init__(self, label: str):
        self.label = label
        self.latencies: list[float] = []
        self.first_latencies: list[float] = []
        self.errors: list[str] = []
        self.start = time.perf_counter()
        self.cpu = time.process_time()
        self.end = self.start
        self.cpu_used = 0.0
        self.origin_wall = 0.0  # open loop: the wall-clock time of arrival 0

    def done(self) -> None:
        self.end = time.perf_counter()
        self.cpu_used = time.process_time() - self.cpu

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def count(self) -> int:
        return len(self.latencies) + len(self.errors)


async def closed_loop(
    host: str, port: int, make_request, total: int, concurrency: int, label: str
) -> Recorder:
    """`total` requests by `concurrency` keep-alive connections, each sending its next
    request when the previous answer is in (the ceiling and the pages' throughput).
    make_request(connection, index) -> awaitable raising on a wrong answer."""
    recorder = Recorder(label)
    counter = iter(range(total))

    async def worker():
        connection = Connection(host, port)
        try:
            for index in counter:
                started = time.perf_counter()
                try:
                    await make_request(connection, index)
                except Exception as error:  # noqa: BLE001 (counted as an error of the run)
                    recorder.errors.append(repr(error))
                    connection.close()
                    continue
                recorder.latencies.append(time.perf_counter() - started)
        finally:
            connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    recorder.done()
    return recorder


async def open_loop(arrivals: list[float], make_request, label: str) -> Recorder:
    """One request per arrival time (seconds after the start), sent at that time whatever
    the other answers; latency from the scheduled arrival to the end of the answer.
    make_request(index) -> awaitable returning the loop time its first response ended
    (the POST alone; None if it has no such step), or raising on a wrong answer."""
    recorder = Recorder(label)
    loop = asyncio.get_running_loop()
    origin = loop.time() + 0.05
    # The same origin on the wall clock, to compare arrivals with times the server
    # records (the booking queue's decisions).
    recorder.origin_wall = time.time() + (origin - loop.time())

    async def one(index: int, offset: float) -> None:
        await asyncio.sleep(max(0.0, origin + offset - loop.time()))
        arrival = origin + offset
        try:
            first_done = await make_request(index)
        except Exception as error:  # noqa: BLE001 (counted as an error of the run)
            recorder.errors.append(repr(error))
            return
        recorder.latencies.append(loop.time() - arrival)
        if first_done is not None:  # the end of the first response (the POST alone)
            recorder.first_latencies.append(first_done - arrival)

    recorder.start = time.perf_counter()
    recorder.cpu = time.process_time()
    await asyncio.gather(*(one(i, offset) for i, offset in enumerate(arrivals)))
    recorder.done()
    return recorder
