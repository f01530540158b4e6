"""A CP-SAT search on a thread of its own, its progress relayed on the caller's thread.

The optimisers (the campaign allocation, the séjour commun planner) are pure, but the job that
runs them reports progress to a ``Job`` row and honours "Annuler". CP-SAT calls its solution
callback on its own thread, where the database must not be touched; so the solver runs on a
worker thread and posts each better solution to a queue, and the caller's thread — the one
that may talk to the database — hears of it through ``on_solution`` (or ``on_wait`` about once
a second without news). If either raises (a cancelled job), the search is stopped, the worker
joined and the exception propagates. No Django, no ORM: only ortools.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ortools.sat.python.cp_model import CpModel, CpSolver, CpSolverStatus

# progress(fraction in [0, 1], message in French): what a job's progress bar shows.
ProgressCallback = Callable[[float, str], None]

WAIT_SECONDS = 1.0  # how long the caller waits for news before ``on_wait``


def search(
    solver: CpSolver,
    model: CpModel,
    *,
    on_solution: Callable[[float, float], None],
    on_wait: Callable[[], None],
    thread_name: str = "cp-sat",
) -> CpSolverStatus:
    """``solver.solve(model)`` on a worker thread; returns CP-SAT's status.

    ``on_solution(objective, bound)`` gets the objective value and best bound of each solution
    found (CP-SAT's raw values), ``on_wait()`` is called when a second passes without one; both
    run on the caller's thread. An error of the solver is re-raised on the caller's thread.
    """
    from ortools.sat.python import cp_model  # heavy import, only when solving

    events: queue.Queue[tuple[float, float] | None] = queue.Queue()

    class OnSolution(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            events.put((self.objective_value, self.best_objective_bound))

    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["status"] = solver.solve(model, OnSolution())
        except BaseException as error:  # re-raised on the caller's thread
            outcome["error"] = error
        finally:
            events.put(None)  # wakes the caller at once

    thread = threading.Thread(target=run, name=thread_name, daemon=True)
    thread.start()
    try:
        while True:
            try:
                event = events.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                on_wait()
                continue
            if event is None:
                break
            on_solution(*event)
    except BaseException:
        solver.stop_search()
        thread.join()
        raise
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    status: CpSolverStatus = outcome["status"]
    return status
