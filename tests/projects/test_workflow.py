import pytest

from partez.projects import workflow


def test_every_status_is_reachable_from_draft():
    reached, frontier = {workflow.Status.DRAFT}, [workflow.Status.DRAFT]
    while frontier:
        status = frontier.pop()
        for t in workflow.available(status):
            if t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(workflow.STATUS_LABELS)


@pytest.mark.parametrize(
    ("status", "action"),
    [("draft", "validate"), ("submitted", "depart"), ("evaluated", "withdraw"), ("withdrawn", "submit")],
)
def test_illegal_transitions_are_refused_in_french(status, action):
    with pytest.raises(ValueError, match="Impossible de"):
        workflow.check(status, action)


def test_closed_projects_cannot_be_withdrawn():
    for status in ["departed", "returned", "evaluated", "refused", "withdrawn"]:
        assert "withdraw" not in {t.action for t in workflow.available(status)}
