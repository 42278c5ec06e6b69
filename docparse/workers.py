"""Parsing in worker processes, each parse under a time limit and a memory cap.

Why processes: a hostile or merely unlucky file can make a reader loop, recurse
or allocate without end inside C code (pdfminer, lxml, a regex) where no
Python-level check reaches. The only stop that always works is killing the
process doing it, so parses that must be bounded (uploads to the service,
``docparse ingest``) run in a small pool of long-lived worker processes:

* **time**: each call has a wall-clock limit; a worker that has not answered
  by then is killed (SIGKILL) and replaced, and the caller gets a
  :class:`ParseLimitError` ("Quá thời gian xử lý ..."), a :class:`ReadError`
  like any unreadable file;
* **memory**: each worker runs under ``RLIMIT_AS`` (default 1 GB). An
  allocation past it raises ``MemoryError`` in the worker, which answers
  "Không đủ bộ nhớ ..." and exits to be replaced (a worker whose allocator
  failed half-way is not trusted with the next file); a crash in C code
  (segfault, abort) is reported the same way;
* **warm**: spaCy and underthesea take seconds to load, so workers are kept
  for many files and load the models once. The service's workers load them as
  soon as they start (``warm_up``), before taking a job: a call that reaches a
  worker still warming up waits, and is not charged for it (its deadline
  starts when the worker says it is warm). Not in a background thread beside
  the jobs: the parser's lazy caches were not written to be filled by two
  threads at once, and a batch must give the same result whatever the timing.
  A warm pool's workers are forked from one fork server that loaded the
  models once (:class:`_Zygote`): a worker replaced after a timeout is warm
  in milliseconds, and the models' pages are shared.
  A batch (``docparse ingest``) does not warm up: its first file loads the
  models, and the files refused before any model is needed (empty, zip bomb,
  ...) are answered at once.

Jobs are top-level functions called with their arguments (both pickled), so
the pool returns whatever the function returns: :meth:`Pool.parse` gives the
:class:`~docparse.model.ParsedFile`, and ingest asks for the rows it stores
(:func:`docparse.registry.ingest.extract`). The pool is thread-safe: each
calling thread borrows an idle worker, so parallelism is "one thread per
worker" (:meth:`Pool.imap` runs a batch that way, results in input order).

The service uses one module-level pool (:func:`shared_pool`), started on the
first upload and stopped when the app shuts down (:func:`serving`, from the
FastAPI lifespan). Settings come from the environment:

``DOCPARSE_WORKERS``
    worker processes (default: one per core available to this process);
``DOCPARSE_PARSE_TIMEOUT``
    seconds per file (default 180: a 500-page text PDF takes about a minute);
``DOCPARSE_WORKER_MEMORY_MB``
    address-space cap per worker, MB (default 1024; 0 = none);
``DOCPARSE_WORKER_STDERR``
    set (to anything) to let workers write to this process's stderr (debugging;
    by default their output is dropped so that the CLI prints one line per file);
``DOCPARSE_DEBUG_HANG``
    **for tests only**: workers started while it is set treat any job whose
    first argument is bytes starting with this marker as a parse that never
    ends (it sleeps forever), so that the time limit can be tested on a real
    stuck worker without touching the limit itself. Never set it in service.
"""

from __future__ import annotations

import atexit
import gc
import itertools
import os
import queue
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from typing import Any

from .readers import ReadError

__all__ = ["ParseLimitError", "Pool", "default_size", "serving", "settle_loaded", "shared_pool", "shutdown_shared"]

#: Seconds per file, unless the caller or ``DOCPARSE_PARSE_TIMEOUT`` says otherwise.
DEFAULT_TIMEOUT = 180.0
#: Address-space cap per worker (MB), unless ``DOCPARSE_WORKER_MEMORY_MB`` says otherwise.
DEFAULT_MEMORY_MB = 1024
#: How long a new worker may take to start (import, not warm-up) before it is given up.
START_TIMEOUT = 60.0
#: How long a warm-up may hold back a call's deadline.
WARM_UP_ALLOWANCE = 120.0
DEBUG_HANG_ENV = "DOCPARSE_DEBUG_HANG"
LOG_ENV = "DOCPARSE_WORKER_STDERR"


def default_size() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


class ParseLimitError(ReadError):
    """A parse stopped by the pool: ``kind`` is ``"timeout"``, ``"memory"`` or ``"crash"``."""

    def __init__(self, message: str, kind: str, detail: str | None = None) -> None:
        super().__init__(message, detail=detail)
        self.kind = kind


# ----------------------------------------------------------------- inside a worker


def _warm_up() -> None:
    """Load what every parse needs (spaCy, underthesea, the respelling model) once per worker."""
    try:
        from . import pipeline  # noqa: F401 - the rules and readers' imports
        from .restore import model
        from .tasks.gazetteer import gazetteer

        gazetteer()
        model()
    except Exception:  # noqa: BLE001, S110 - a broken model shows up in the first parse, with its own message
        pass
    settle_loaded()


def settle_loaded() -> None:
    """Put what is loaded now (models, rules, compiled patterns) out of the cyclic collector's reach.

    Measured on the parse bench: a full collection walks the models' big
    containers (lexicons, word lists) and takes 70-90 ms, every few files; a
    pass over the .docx set that meets one is 25 % slower (51 against 39 ms a
    file). After ``gc.freeze`` it takes 2 ms. Frozen objects are still freed
    by reference counting; only reference cycles among them would never be
    collected, and the models live as long as the process anyway. Before a
    fork it also keeps the collector from writing to the pages the workers
    share (copy-on-write).
    """
    gc.collect()
    gc.freeze()


def _child_main(fd: int, memory_bytes: int, warm_up: bool) -> None:
    """Entry point of a worker process (``python -c``), talking to the parent over the socket ``fd``."""
    _worker_main(Connection(fd), memory_bytes, warm_up)


def _limits(memory_bytes: int) -> None:
    """One core per process, no core dumps, the address-space cap; Ctrl-C left to the parent."""
    import resource

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # one core per worker; BLAS threads would also eat address space
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops the pool
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


#: A small document of every part the parser reads (header, basis, articles, tasks), parsed by the fork server.
_SAMPLE = """ỦY BAN NHÂN DÂN TỈNH CAO BẰNG
Số: 12/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Cao Bằng, ngày 05 tháng 3 năm 2021
KẾ HOẠCH
Triển khai thực hiện Quyết định số 2168/QĐ-BTP ngày 26/10/2020 của Bộ Tư pháp
Căn cứ Luật Hộ tịch năm 2014; Nghị định số 87/2020/NĐ-CP ngày 28/7/2020 của Chính phủ;
I. NHIỆM VỤ
1. Rà soát dữ liệu hộ tịch
- Cơ quan chủ trì: Sở Tư pháp
- Cơ quan phối hợp: UBND cấp huyện
- Thời gian thực hiện: Quý IV/2021
II. TỔ CHỨC THỰC HIỆN
Sở Tư pháp chịu trách nhiệm hướng dẫn, kiểm tra việc thực hiện Kế hoạch này.
Nơi nhận:
- Bộ Tư pháp;
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn An
"""


def _zygote_main(fd: int, memory_bytes: int) -> None:
    """Entry point of a pool's fork server (``python -c``): load the models once, then fork warm workers.

    Single-threaded on purpose: it loads the models under the workers' limits
    (so what it holds fits their cap), starts no thread, and forks a worker
    for each request of the parent, who sends one byte and the worker's end
    of a new socket (SCM_RIGHTS); the answer is the worker's pid. A forked
    worker shares the loaded models copy-on-write and answers at once.
    Workers are reaped by the kernel (SIGCHLD ignored) and killed by the
    parent by pid; the fork server ends when the parent closes its socket.
    """
    _limits(memory_bytes)
    _warm_up()
    try:  # one small parse fills the lazy caches (rules, compiled patterns) every worker would fill again
        from .pipeline import parse_text

        parse_text(_SAMPLE)
    except Exception:  # noqa: BLE001, S110 - an optimisation: a real parse reports its own errors
        pass
    settle_loaded()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # no zombies: the parent watches workers by their socket
    ctrl = socket.socket(fileno=fd)
    ctrl.sendall(b"R" + struct.pack("!i", os.getpid()))
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(ctrl, 1, 1)
        except (OSError, EOFError):
            break
        if msg != b"F" or len(fds) != 1:
            for f in fds:
                os.close(f)
            break
        pid = os.fork()
        if pid == 0:  # the worker
            try:
                ctrl.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _worker_main(Connection(fds[0]), memory_bytes, False)
            finally:
                os._exit(1)
        os.close(fds[0])
        try:
            ctrl.sendall(struct.pack("!i", pid))
        except OSError:
            break
    os._exit(0)


def _worker_main(conn: Connection, memory_bytes: int, warm_up: bool) -> None:
    """A worker's life: limits, warm-up, then one job at a time until told to stop."""
    _limits(memory_bytes)
    hang = os.environ.get(DEBUG_HANG_ENV, "").encode()
    send = conn.send
    send(("ready", os.getpid(), not warm_up))  # alive: the parent's start timeout ends here
    if warm_up:
        _warm_up()
        send(("warm",))
    settled = warm_up  # a worker that did not warm up loads the models in its first job, and settles them after it
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            break  # the parent is gone
        if msg[0] != "call":
            break
        _, job, func, args = msg
        fatal = False
        try:
            if hang and args and isinstance(args[0], bytes) and args[0].startswith(hang):
                while True:  # DOCPARSE_DEBUG_HANG: a parse that never ends
                    time.sleep(3600)
            reply: tuple[Any, ...] = ("ok", job, func(*args))
        except MemoryError:
            reply, fatal = ("memory", job, "MemoryError"), True
        except ReadError as e:
            if e.detail == "MemoryError":  # read_bytes turns MemoryError into a ReadError
                reply, fatal = ("memory", job, e.detail), True
            else:
                reply = ("read-error", job, e.message, e.detail)
        except BaseException as e:  # noqa: BLE001 - a parser bug is the caller's to report
            reply = ("raised", job, e)
        try:
            send(reply)
        except MemoryError:
            send(("memory", job, "MemoryError while sending the result"))
            fatal = True
        except Exception as e:  # noqa: BLE001 - an unpicklable exception or result
            send(("raised", job, RuntimeError(f"{type(e).__name__}: {e}")))
        if fatal:
            break
        if not settled and reply[0] == "ok":
            settle_loaded()
            settled = True
    os._exit(0)  # no interpreter teardown: nothing to flush, and a worker must not linger


# ----------------------------------------------------------------- the parent's side


def _python(code: str, fd: int) -> subprocess.Popen[bytes]:
    """A fresh interpreter running ``code`` with this process's sys.path, holding the socket ``fd``."""
    code = f"import sys; sys.path[:0] = {[p for p in sys.path if p]!r}; {code}"
    return subprocess.Popen([sys.executable, "-c", code], pass_fds=[fd], stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=None if os.environ.get(LOG_ENV) else subprocess.DEVNULL)


class _Forked:
    """A worker forked by the fork server: the part of :class:`subprocess.Popen` the pool uses.

    Not this process's child (the fork server's, which the kernel reaps), so
    it is watched by pid: gone once ``kill(pid, 0)`` fails.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = -1  # the exit status went to the fork server
            except PermissionError:  # pragma: no cover - the pid was reused by another user's process
                self.returncode = -1
        return self.returncode

    def kill(self) -> None:
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0.0)
            time.sleep(0.005)
        return code


class _Zygote:
    """A pool's fork server (:func:`_zygote_main`): one process that loads the models, then forks workers.

    Loading spaCy and underthesea takes seconds per process; forked from a
    process that loaded them once, a worker is warm in milliseconds and
    shares the models' memory copy-on-write. The fork server is a fresh
    interpreter like the workers (never this process forked: the service's
    threads and locks would be copied) and starts no thread itself, so
    forking it is safe.
    """

    def __init__(self, memory_bytes: int) -> None:
        mine, theirs = socket.socketpair()
        with theirs:
            self.proc = _python(f"from docparse.workers import _zygote_main; _zygote_main({theirs.fileno()}, "
                                f"{memory_bytes})", theirs.fileno())
        self.sock = mine
        self.pid: int | None = None  # set when the models are loaded
        self.dead = False
        self._lock = threading.Lock()

    def _recv(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = self.sock.recv(n - len(data))
            if not part:
                raise EOFError("the fork server is gone")
            data += part
        return data

    def is_ready(self) -> bool:
        """Has it loaded the models (without waiting)?"""
        if self.pid is not None or self.dead:
            return self.pid is not None
        with self._lock:
            if self.pid is None and not self.dead:
                import select

                if select.select([self.sock], [], [], 0)[0]:
                    self._wait_ready(time.monotonic() + 1)
        return self.pid is not None

    def _wait_ready(self, deadline: float) -> None:
        self.sock.settimeout(max(0.01, deadline - time.monotonic()))
        head = self._recv(5)
        if head[:1] != b"R":
            raise EOFError("the fork server said something else")
        self.pid = struct.unpack("!i", head[1:])[0]

    def fork(self, deadline: float) -> tuple[int, socket.socket] | None:
        """A new warm worker: (pid, the parent's end of its socket); None if the fork server failed."""
        with self._lock:
            if self.dead:
                return None
            try:
                if self.pid is None:
                    self._wait_ready(deadline)
                mine, theirs = socket.socketpair()
                with theirs:
                    self.sock.settimeout(START_TIMEOUT)
                    socket.send_fds(self.sock, [b"F"], [theirs.fileno()])
                    pid = struct.unpack("!i", self._recv(4))[0]
                return pid, mine
            except (OSError, EOFError, struct.error):
                self.dead = True
                self._stop()
                return None

    def _stop(self) -> None:
        with suppress(OSError):
            self.sock.close()
        if self.proc.poll() is None:
            self.proc.kill()
        with suppress(subprocess.TimeoutExpired):
            self.proc.wait(10)

    def close(self) -> None:
        """Stop it (not under the lock: a caller waiting for its warm-up gets EOF, then spawns or fails)."""
        self.dead = True
        self._stop()


class _Worker:
    """One worker process and the parent's end of its socket; used by one thread at a time.

    A fresh interpreter (``python -c``), not :mod:`multiprocessing`: a forked
    child would inherit the service's threads and locks, and a spawned one
    re-imports the caller's main module (a script without a ``__main__``
    guard would start workers forever). Its output goes nowhere: the CLI's
    stderr keeps one line per file, and what a worker has to say comes back
    as an answer. With a ``zygote`` (a warm pool), the worker is forked by
    it instead, warm, at once if it is ready, else on the first call.
    """

    def __init__(self, memory_bytes: int, warm_up: bool, zygote: _Zygote | None = None) -> None:
        self.memory_bytes, self.warm_up, self.zygote = memory_bytes, warm_up, zygote
        self.proc: subprocess.Popen[bytes] | _Forked | None = None
        self.conn: Connection | None = None
        self.ready = False
        self.warm = not warm_up
        self.pid: int | None = None
        if zygote is None:
            self._spawn()
        elif zygote.is_ready():
            self._fork(time.monotonic() + START_TIMEOUT)

    def _spawn(self) -> None:
        mine, theirs = socket.socketpair()
        with theirs:
            self.proc = _python(f"from docparse.workers import _child_main; _child_main({theirs.fileno()}, "
                                f"{self.memory_bytes}, {self.warm_up})", theirs.fileno())
        # only the worker holds its end now: its death shows here as EOF
        self.conn = Connection(mine.detach())

    def _fork(self, deadline: float) -> None:
        """From the fork server; a fresh interpreter that warms itself if the fork server failed."""
        got = self.zygote.fork(deadline) if self.zygote is not None else None
        if got is None:
            self._spawn()
            return
        pid, mine = got
        self.proc = _Forked(pid)
        self.conn = Connection(mine.detach())

    def _take(self, msg: tuple[Any, ...]) -> bool:
        """Note a status message; True if it was one."""
        if msg[0] == "ready":
            self.ready, self.pid, warm = True, msg[1], msg[2]
            self.warm = self.warm or warm
            return True
        if msg[0] == "warm":
            self.warm = True
            return True
        return False

    def call(self, job: int, func: Callable[..., Any], args: tuple[Any, ...], limit: float) -> Any:
        """Run one job; raise :class:`ParseLimitError` if the worker must be replaced."""
        if self.proc is None:  # a warm pool's worker, forked when the fork server is ready
            self._fork(time.monotonic() + START_TIMEOUT + WARM_UP_ALLOWANCE)
        assert self.conn is not None and self.proc is not None
        start_by = time.monotonic() + START_TIMEOUT
        while not self.ready:
            self._take(self._wait(start_by, "start"))
        self.conn.send(("call", job, func, args))
        started = time.monotonic()
        was_warm = self.warm
        deadline = started + limit + (0 if was_warm else WARM_UP_ALLOWANCE)
        while True:
            msg = self._wait(deadline, "timeout", limit)
            if self._take(msg):
                if msg[0] == "warm" and not was_warm:
                    deadline = max(started, time.monotonic()) + limit
                continue
            kind, got = msg[0], msg[1]
            if got != job:
                continue  # pragma: no cover - a stale answer cannot happen: one job at a time
            if kind == "ok":
                return msg[2]
            if kind == "read-error":
                raise ReadError(msg[2], detail=msg[3])
            if kind == "raised":
                raise msg[2]
            raise _limit("memory", detail=msg[2])

    def _wait(self, deadline: float, kind: str, limit: float = 0.0) -> tuple[Any, ...]:
        assert self.conn is not None and self.proc is not None
        remaining = deadline - time.monotonic()
        try:
            if remaining > 0 and self.conn.poll(remaining):
                return self.conn.recv()
        except (EOFError, OSError) as e:
            raise _limit("crash", detail=f"{type(e).__name__}: worker exit code {self.proc.poll()}") from None
        if kind == "start":
            raise _limit("crash", detail="worker did not start")
        raise _limit("timeout", limit)

    def take_status(self) -> None:
        """Read the status messages waiting in the pipe (an idle worker's ``warm``)."""
        if self.conn is None:
            return
        try:
            while self.conn.poll(0):
                self._take(self.conn.recv())
        except (EOFError, OSError):
            pass

    def stop(self, grace: float = 2.0) -> None:
        if self.proc is not None and self.conn is not None and self.proc.poll() is None:
            with suppress(OSError, ValueError):
                self.conn.send(("stop",))
            with suppress(subprocess.TimeoutExpired):
                self.proc.wait(grace)
        self.kill()

    def kill(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            with suppress(subprocess.TimeoutExpired):
                self.proc.wait(10)
        if self.conn is not None:
            self.conn.close()


def _limit(kind: str, limit: float = 0.0, detail: str | None = None) -> ParseLimitError:
    if kind == "timeout":
        return ParseLimitError(f"Quá thời gian xử lý ({limit:g} giây): tệp quá phức tạp hoặc bị hỏng, "
                               "đã dừng phân tích", "timeout", detail=f"no answer in {limit:g} s")
    if kind == "memory":
        return ParseLimitError("Không đủ bộ nhớ để phân tích tệp này (vượt giới hạn bộ nhớ của tiến trình "
                               "phân tích)", "memory", detail=detail)
    return ParseLimitError("Tiến trình phân tích dừng đột ngột khi đọc tệp này (tệp hỏng hoặc quá phức tạp)",
                           "crash", detail=detail)


class Pool:
    """``size`` long-lived worker processes; :meth:`call` runs one job on an idle one, within the limits.

    ``timeout`` is seconds per call (default ``$DOCPARSE_PARSE_TIMEOUT``, else
    180); ``memory_mb`` the address-space cap of each worker (default
    ``$DOCPARSE_WORKER_MEMORY_MB``, else 1024; 0 = none). Workers start at
    once (in the background); use as a context manager, or :meth:`close`.

    ``warm_up``: workers load the models before their first job. They are
    then forked from one fork server (:class:`_Zygote`) that loads the models
    once for all of them (``fork_server``, default: when warming up): a
    worker replaced after a timeout is warm in milliseconds, not seconds,
    and the models' memory is shared. Without it each worker is a fresh
    interpreter loading what its first job needs.
    """

    def __init__(self, size: int | None = None, *, timeout: float | None = None,
                 memory_mb: int | None = None, warm_up: bool = True, fork_server: bool | None = None) -> None:
        self.size = max(1, size or int(_env_number("DOCPARSE_WORKERS", 0)) or default_size())
        self.timeout = timeout if timeout is not None else _env_number("DOCPARSE_PARSE_TIMEOUT", DEFAULT_TIMEOUT)
        mb = memory_mb if memory_mb is not None else int(_env_number("DOCPARSE_WORKER_MEMORY_MB",
                                                                      DEFAULT_MEMORY_MB))
        self.memory_bytes = max(0, mb) * 1024 * 1024
        self.warm_up = warm_up
        self.replaced = 0  # workers killed or lost and started anew
        self._jobs = itertools.count(1)
        self._idle: queue.SimpleQueue[_Worker | None] = queue.SimpleQueue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        use_fork_server = warm_up if fork_server is None else fork_server
        self._zygote = _Zygote(self.memory_bytes) if use_fork_server else None
        for _ in range(self.size):
            self._idle.put(self._start())
        atexit.register(self.close)

    def _start(self) -> _Worker:
        w = _Worker(self.memory_bytes, self.warm_up, self._zygote)
        with self._lock:
            self._all.add(w)
        return w

    def pids(self) -> list[int]:
        """The worker processes alive now (for tests and monitoring)."""
        with self._lock:
            return [w.proc.pid for w in self._all if w.proc is not None and w.proc.pid is not None]

    def call(self, func: Callable[..., Any], *args: Any, timeout: float | None = None) -> Any:
        """``func(*args)`` in a worker; its result, or its exception, or :class:`ParseLimitError`."""
        if self._closed:
            raise RuntimeError("the parse pool is closed")
        worker = self._idle.get()
        if worker is None:  # closed while waiting
            self._idle.put(None)
            raise RuntimeError("the parse pool is closed")
        try:
            worker.take_status()
            return worker.call(next(self._jobs), func, args, self.timeout if timeout is None else timeout)
        except ParseLimitError:
            with self._lock:
                self._all.discard(worker)
            worker.kill()
            if not self._closed:
                self.replaced += 1
                worker = self._start()
            else:
                worker = None  # type: ignore[assignment]
            raise
        finally:
            if worker is not None:
                if self._closed:
                    worker.stop()
                else:
                    self._idle.put(worker)

    def parse(self, data: bytes, filename: str, *, timeout: float | None = None) -> Any:
        """:func:`~docparse.pipeline.parse_bytes` in a worker: the :class:`~docparse.model.ParsedFile`."""
        from .pipeline import parse_bytes

        return self.call(parse_bytes, data, filename, timeout=timeout)

    def imap(self, func: Callable[..., Any], argsets: Iterable[tuple[Any, ...]], *,
             window: int | None = None) -> Iterator[Future[Any]]:
        """Run ``func(*args)`` for each ``args`` on all workers; yield the futures done, in input order.

        At most ``window`` calls are in flight or waiting to be consumed
        (default ``4 * size``), so a long batch holds only that many inputs.
        """
        window = window or 4 * self.size
        with ThreadPoolExecutor(self.size, thread_name_prefix="docparse-pool") as ex:
            pending: deque[Future[Any]] = deque()
            for args in argsets:
                pending.append(ex.submit(self.call, func, *args))
                while len(pending) >= window:
                    yield _done(pending.popleft())
            while pending:
                yield _done(pending.popleft())

    def close(self) -> None:
        """Stop every worker (a busy one is killed; its caller gets an error)."""
        if self._closed:
            return
        self._closed = True
        atexit.unregister(self.close)
        self._idle.put(None)
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            w.stop()
        if self._zygote is not None:
            self._zygote.close()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _done(fut: Future[Any]) -> Future[Any]:
    fut.exception()  # wait for it
    return fut


# ----------------------------------------------------------------- the service's pool

_shared: Pool | None = None
_shared_lock = threading.Lock()
_users = 0


def shared_pool() -> Pool:
    """The process's pool for the service, started on first use with the environment's settings."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared._closed:
            _shared = Pool()
        return _shared


def shutdown_shared() -> None:
    """Stop the shared pool, if it was started (the next :func:`shared_pool` starts a new one)."""
    global _shared
    with _shared_lock:
        pool, _shared = _shared, None
    if pool is not None:
        pool.close()


@contextmanager
def serving() -> Iterator[None]:
    """For an app's lifespan: the shared pool is stopped when the last app using it shuts down."""
    global _users
    with _shared_lock:
        _users += 1
    try:
        yield
    finally:
        with _shared_lock:
            _users -= 1
            last = _users == 0
        if last:
            shutdown_shared()
