"""Roles and the Action center's permission table (CONTRACT.md section 2), as one function.

approve / reject / undo a device action: global-administrator, security-administrator or
    active-remediation-actions;
approve / reject / undo an email action: global-administrator, or security-administrator AND
    search-and-purge;
view (pending, history, details, export, digests): any of global-administrator,
    security-administrator, active-remediation-actions, search-and-purge, security-reader.

security-administrator-email-collaboration (assigned only in the Security & Compliance Center)
grants nothing by itself; a user who holds it is told why it does not count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.catalog import Category, NameIndex


class Role(StrEnum):
    GLOBAL_ADMINISTRATOR = "global-administrator"
    SECURITY_ADMINISTRATOR = "security-administrator"
    SECURITY_ADMINISTRATOR_EMAIL_COLLABORATION = "security-administrator-email-collaboration"
    ACTIVE_REMEDIATION_ACTIONS = "active-remediation-actions"
    SEARCH_AND_PURGE = "search-and-purge"
    SECURITY_READER = "security-reader"

    @property
    def display_name(self) -> str:
        return _ROLE_NAMES[self]


_ROLE_NAMES = {
    Role.GLOBAL_ADMINISTRATOR: "Global Administrator",
    Role.SECURITY_ADMINISTRATOR: "Security Administrator",
    Role.SECURITY_ADMINISTRATOR_EMAIL_COLLABORATION: (
        "Security Administrator (Email & collaboration only)"
    ),
    Role.ACTIVE_REMEDIATION_ACTIONS: "Active remediation actions",
    Role.SEARCH_AND_PURGE: "Search and Purge",
    Role.SECURITY_READER: "Security Reader",
}


class Act(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    UNDO = "undo"
    VIEW = "view"


RoleSet = frozenset[Role]

_R = Role
_DEVICE_REMEDIATORS: tuple[RoleSet, ...] = (
    frozenset({_R.GLOBAL_ADMINISTRATOR}),
    frozenset({_R.SECURITY_ADMINISTRATOR}),
    frozenset({_R.ACTIVE_REMEDIATION_ACTIONS}),
)
_EMAIL_REMEDIATORS: tuple[RoleSet, ...] = (
    frozenset({_R.GLOBAL_ADMINISTRATOR}),
    frozenset({_R.SECURITY_ADMINISTRATOR, _R.SEARCH_AND_PURGE}),
)
_VIEWERS: tuple[RoleSet, ...] = (
    frozenset({_R.GLOBAL_ADMINISTRATOR}),
    frozenset({_R.SECURITY_ADMINISTRATOR}),
    frozenset({_R.ACTIVE_REMEDIATION_ACTIONS}),
    frozenset({_R.SEARCH_AND_PURGE}),
    frozenset({_R.SECURITY_READER}),
)

EMAIL_COLLABORATION_NOTE = (
    "Security Administrator assigned only in Email & collaboration (Security & Compliance Center) "
    "roles does not count: it must be assigned in Entra ID (Azure AD) or the Microsoft 365 admin "
    "center."
)


@dataclass(frozen=True)
class Verdict:
    """The answer of the permission table for one act."""

    allowed: bool
    act: Act
    category: Category | None
    alternatives: tuple[RoleSet, ...]
    """Each role set that would allow the act on its own."""
    held: RoleSet
    note: str | None = None
    """Why a held role does not count, when that is the reason for a refusal."""

    @property
    def missing(self) -> tuple[RoleSet, ...]:
        """For each alternative, the roles the user still lacks (fewest first)."""
        return tuple(sorted((alt - self.held for alt in self.alternatives), key=len))

    def explain(self) -> str:
        """One sentence a refused user can act on."""
        if self.allowed:
            return "Allowed."
        what = (
            self.act.value if self.category is None else f"{self.act.value} {self.category} actions"
        )
        if self.act is Act.VIEW:
            what = "see Action center actions"
        options = " or ".join(_describe(alt, self.held) for alt in self.alternatives)
        sentence = f"You need {options} to {what}."
        return f"{sentence} {self.note}" if self.note else sentence


def _describe(alternative: RoleSet, held: RoleSet) -> str:
    names = " and ".join(r.display_name for r in sorted(alternative, key=list(Role).index))
    lacking = alternative - held
    if len(alternative) > 1 and lacking != alternative:
        lacks = " and ".join(r.display_name for r in sorted(lacking, key=list(Role).index))
        return f"({names}; you lack {lacks})"
    return names


def required_for(act: Act, category: Category | None) -> tuple[RoleSet, ...]:
    """The role sets that allow `act`; remediation acts need the action's category."""
    if act is Act.VIEW:
        return _VIEWERS
    if category is None:
        raise ValueError(f"{act.value} needs the action's category")
    return _DEVICE_REMEDIATORS if category is Category.DEVICE else _EMAIL_REMEDIATORS


def authorize(roles: Iterable[Role], act: Act, category: Category | None = None) -> Verdict:
    """Apply the permission table: allowed when the user holds every role of one alternative."""
    held = frozenset(roles)
    alternatives = required_for(act, category)
    allowed = any(alt <= held for alt in alternatives)
    note = None
    if not allowed and Role.SECURITY_ADMINISTRATOR_EMAIL_COLLABORATION in held:
        note = EMAIL_COLLABORATION_NOTE
    return Verdict(allowed, act, category, alternatives, held, note)


parse_role = NameIndex(Role, "role", ((r, r.display_name) for r in Role))
