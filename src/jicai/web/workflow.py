"""State machines of the workflows: each declares its transitions in one table.

>>> m = Machine("demo", {"submit": Transition("submit", {"draft"}, "submitted")})
>>> m.check("draft", "submit").target
'submitted'
>>> m.allowed("submitted")
[]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """A refused action: not allowed in this state, or its input breaks a rule.

    The message is meant for the user (translated); views show it, the API
    returns it with status 409.
    """


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str | None  # None: the status does not change (a note, an escalation)

    def __init__(self, name: str, sources: Iterable[str], target: str | None) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)

    def next_status(self, current: str) -> str:
        """The status after this transition (unchanged when it has no target)."""
        return current if self.target is None else self.target


@dataclass(frozen=True)
class Machine:
    workflow: str
    transitions: dict[str, Transition]

    def check(self, status: str, name: str) -> Transition:
        """The transition ``name`` from ``status``, or WorkflowError."""
        transition = self.transitions.get(name)
        if transition is None:
            raise WorkflowError(_("Unknown action “%(action)s”.") % {"action": name})
        if status not in transition.sources:
            raise WorkflowError(
                _("“%(action)s” is not allowed while the record is “%(status)s”.")
                % {"action": name, "status": status})
        return transition

    def allowed(self, status: str) -> list[str]:
        return [t.name for t in self.transitions.values() if status in t.sources]
