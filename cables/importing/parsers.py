"""Parser processes, each talking to the importing process over a pipe of its own.

concurrent.futures' ProcessPoolExecutor sends every worker's results down one shared pipe,
whose writing end the parent holds open too. A parcel's records are several hundred KB, more
than a pipe holds, so a worker spends a good part of its time halfway through writing one; if
it is killed then (out of memory, an operator), half a message stays in the pipe and the
executor's thread waits for the rest of it for ever, and so does the import. Here only the
worker holds the other end of its pipe: when it dies, reading from the pipe ends at once,
half a message or not, and so does writing to it, and the run stops with a reason.

Two threads of the importing process serve each worker: one hands it parcels, at most
IN_FLIGHT at a time so that it never waits for work, the other takes its results. The worker
process itself is a plain loop: receive a parcel, parse it, send back the outcomes.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import queue
import threading
import traceback

# Parcels handed to a worker before it has returned the first: the next one waits in its pipe.
IN_FLIGHT = 2
# What the importing process waits for a worker to finish once it has been told to stop.
STOP_TIMEOUT = 30


class ParserLost(Exception):
    """A parser process ended before its work was done."""


class ParserFailed(Exception):
    """A parser raised on a parcel (a bug: a document the parser cannot read is rejected)."""


LOST = (
    "a parser process ended before its work was done (killed, or out of memory); "
    "the cables written so far are kept: run the import again to go on"
)


def described(error):
    """An exception with its traceback, as text: what crosses between the processes."""
    return "".join(traceback.format_exception(error))


def serve(connection, parse, started):
    """A parser process: parses each parcel received until told to stop (None). When the
    importing process goes away or the run is interrupted, it just ends: the importing process
    says what happened."""
    with connection, contextlib.suppress(EOFError, OSError, KeyboardInterrupt):
        if started is not None:
            started()
        while (parcel := connection.recv()) is not None:
            try:
                answer = (True, parse(parcel))
            except Exception as error:  # sent back, raised in the importing process
                answer = (False, described(error))
            connection.send(answer)


class Parcel:
    """Documents handed to a worker, and what became of them."""

    __slots__ = ("_done", "_error", "_outcomes", "documents")

    def __init__(self, documents):
        self.documents = documents
        self._done = threading.Event()
        self._outcomes = None
        self._error = None

    def finish(self, outcomes=None, error=None):
        self._outcomes, self._error = outcomes, error
        self.documents = None  # no longer needed; a run keeps only a few parcels at a time
        self._done.set()

    def outcomes(self):
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._outcomes


class Worker:
    """One parser process and the two threads that serve it."""

    def __init__(self, context, parse, started, todo):
        self.todo = todo
        self.connection, theirs = context.Pipe()
        self.process = context.Process(
            target=serve, args=(theirs, parse, started), name="cable-parser", daemon=True
        )
        self.process.start()
        theirs.close()  # the worker's end is the worker's alone: its death ends the pipe
        self.in_flight = collections.deque()
        self.slots = threading.Semaphore(IN_FLIGHT)
        self.lock = threading.Lock()
        self.lost = False
        self.threads = [
            threading.Thread(target=self.hand_out, name="parser-hand-out", daemon=True),
            threading.Thread(target=self.take_back, name="parser-take-back", daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    def hand_out(self):
        while True:
            self.slots.acquire()
            parcel = self.todo.get()
            if parcel is None:
                if not self.lost:
                    with contextlib.suppress(OSError):  # it died after its last parcel
                        self.connection.send(None)
                return
            with self.lock:
                if self.lost:
                    parcel.finish(error=ParserLost(LOST))
                    self.slots.release()
                    continue
                self.in_flight.append(parcel)
            try:
                self.connection.send(parcel.documents)
            except OSError:
                self.lose()
            except Exception as error:  # documents that do not pickle: a bug, said as such
                self.lose(ParserFailed(described(error)))

    def take_back(self):
        while True:
            try:
                ok, answer = self.connection.recv()
            except (EOFError, OSError):
                self.lose()
                return
            except Exception as error:  # outcomes that do not unpickle: a bug, said as such
                self.lose(ParserFailed(described(error)))
                return
            with self.lock:
                parcel = self.in_flight.popleft() if self.in_flight else None
            if parcel is None:  # its parcel was already given up for lost
                continue
            if ok:
                parcel.finish(answer)
            else:
                parcel.finish(error=ParserFailed(answer))
            self.slots.release()

    def lose(self, error=None):
        """The worker is gone (or stopped): what it held is lost, and what it would be handed
        next too; the parcels waiting for it fail instead of waiting for ever."""
        with self.lock:
            self.lost = True
            lost, self.in_flight = list(self.in_flight), collections.deque()
        for parcel in lost:
            parcel.finish(error=error or ParserLost(LOST))
        for _ in range(IN_FLIGHT + len(lost)):
            self.slots.release()


class ParserProcesses:
    """``count`` parser processes (spawned: they start clean, without the importing process's
    connections and tables) parsing parcels in the order handed over.

    Used as a context manager: leaving it normally lets the workers finish and stop; leaving
    it on an exception stops them at once."""

    def __init__(self, count, parse, started=None):
        context = multiprocessing.get_context("spawn")
        self.todo = queue.SimpleQueue()
        self.workers = [Worker(context, parse, started, self.todo) for _ in range(count)]

    def parse(self, documents) -> Parcel:
        """Hands ``documents`` over to be parsed; the parcel gives back their outcomes."""
        parcel = Parcel(documents)
        self.todo.put(parcel)
        return parcel

    def __enter__(self):
        return self

    def __exit__(self, kind, error, trace):
        if kind is not None:
            for worker in self.workers:
                worker.process.kill()
        for _ in self.workers:
            self.todo.put(None)
        for worker in self.workers:
            worker.process.join(STOP_TIMEOUT)
            if worker.process.is_alive():  # a parser stuck on a document: it is not waited for
                worker.process.kill()
                worker.process.join()
            for thread in worker.threads:
                thread.join(STOP_TIMEOUT)
            worker.connection.close()
        return False
