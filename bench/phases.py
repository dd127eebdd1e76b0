"""A phase of the opening-day bench: the client's recorder's figures plus the server's CPU
per request, read from /proc (the gunicorn workers, this database's PostgreSQL backends,
the booking queue's worker). Used by bench/opening.py."""

import os
from pathlib import Path

from readback import percentile

TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: str) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def server_cpu(master: int, db: str, worker: int | None = None) -> tuple[float, float, float]:
    """CPU seconds so far of the gunicorn workers, of this database's backends and of the
    booking queue's worker."""
    web = pg = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = stat.rsplit(")", 1)[1].split()[1]
        if ppid == str(master):
            web += _cpu_of(entry.name)
        elif cmdline.startswith(b"postgres: ") and f" {db} ".encode() in cmdline:
            pg += _cpu_of(entry.name)
    return web, pg, _cpu_of(str(worker)) if worker else 0.0


class Phase:
    """A phase's figures: the recorder's, plus the server's CPU per request."""

    def __init__(self, master: int, db: str, worker: int | None = None):
        self.master, self.db, self.worker = master, db, worker
        self.before = server_cpu(master, db, worker)

    def report(self, recorder, *, units: int | None = None) -> dict:
        web, pg, queue = server_cpu(self.master, self.db, self.worker)
        count = units if units is not None else recorder.count
        figures = {
            "label": recorder.label,
            "requests": count,
            "seconds": round(recorder.seconds, 2),
            "rps": round(count / recorder.seconds, 1) if recorder.seconds else 0.0,
            "p50_ms": round(percentile(recorder.latencies, 0.50) * 1000),
            "p95_ms": round(percentile(recorder.latencies, 0.95) * 1000),
            "p99_ms": round(percentile(recorder.latencies, 0.99) * 1000),
            "max_ms": round(max(recorder.latencies, default=0) * 1000),
            "errors": len(recorder.errors),
            "client_cpu_s": round(recorder.cpu_used, 2),
            "web_cpu_ms": round((web - self.before[0]) * 1000 / max(count, 1), 1),
            "db_cpu_ms": round((pg - self.before[1]) * 1000 / max(count, 1), 1),
            "worker_cpu_ms": round((queue - self.before[2]) * 1000 / max(count, 1), 2),
        }
        if recorder.first_latencies:
            figures["post_p50_ms"] = round(percentile(recorder.first_latencies, 0.5) * 1000)
            figures["post_p99_ms"] = round(percentile(recorder.first_latencies, 0.99) * 1000)
        print(
            f"{figures['label']:<30} {count:>5} in {figures['seconds']:>6.2f} s "
            f"{figures['rps']:>7.1f}/s  p50 {figures['p50_ms']:>6} ms  "
            f"p95 {figures['p95_ms']:>6} ms  p99 {figures['p99_ms']:>6} ms  "
            f"errors {figures['errors']}  client CPU {figures['client_cpu_s']} s  "
            f"server CPU/req {figures['web_cpu_ms']} + {figures['db_cpu_ms']} (PG)"
            + (f" + {figures['worker_cpu_ms']} (worker)" if self.worker else "")
            + " ms"
            + (
                f"  [POST alone p50 {figures['post_p50_ms']} p99 {figures['post_p99_ms']} ms]"
                if "post_p99_ms" in figures
                else ""
            )
        )
        for error in recorder.errors[:3]:
            print(f"    error: {error}")
        return figures
