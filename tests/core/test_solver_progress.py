"""The CP-SAT progress relay shared by the allocation and the camping planner."""

import threading

import pytest
from ortools.sat.python import cp_model

from partez.core import solver_progress


def _model(n: int = 12) -> tuple[cp_model.CpModel, list]:
    """Pick at most half of n weighted items: several improving solutions, then a proof."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(n)]
    model.add(sum(x) <= n // 2)
    model.maximize(sum((i + 1) * v for i, v in enumerate(x)))
    return model, x


def _solver() -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    return solver


def _relay_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "cp-sat-test"]


def test_solutions_reach_the_callers_thread_and_the_status_is_returned():
    model, _ = _model()
    seen = []

    def on_solution(objective: float, bound: float) -> None:
        seen.append((threading.current_thread() is threading.main_thread(), objective, bound))

    status = solver_progress.search(
        _solver(), model, on_solution=on_solution, on_wait=lambda: None, thread_name="cp-sat-test"
    )
    assert status == cp_model.OPTIMAL
    assert seen, "at least the optimal solution is relayed"
    assert all(on_main for on_main, _, _ in seen)
    assert seen[-1][1] == sum(range(7, 13))  # the six heaviest items
    assert all(objective <= bound for _, objective, bound in seen)
    assert not _relay_threads()


class Cancelled(Exception):
    pass


def test_raising_from_the_callback_stops_the_search_and_propagates():
    model, _ = _model(200)

    def on_solution(objective: float, bound: float) -> None:
        raise Cancelled

    with pytest.raises(Cancelled):
        solver_progress.search(
            _solver(), model, on_solution=on_solution, on_wait=on_solution, thread_name="cp-sat-test"
        )
    assert not _relay_threads()  # the worker was joined before the error went up


def test_an_error_of_the_solver_is_raised_on_the_callers_thread():
    with pytest.raises(AttributeError):  # ortools reads model.proto
        solver_progress.search(
            _solver(),
            "not a model",
            on_solution=lambda objective, bound: None,
            on_wait=lambda: None,
            thread_name="cp-sat-test",
        )
    assert not _relay_threads()
