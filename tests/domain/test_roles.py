"""The permission table of CONTRACT.md section 2, checked exhaustively.

`contract_allows` encodes the table literally, independently of bot.domain.roles: every subset of
the six roles (64) is tried against every act and category.
"""

from __future__ import annotations

import itertools

import pytest

from bot.domain.catalog import Category, UnknownName
from bot.domain.roles import EMAIL_COLLABORATION_NOTE, Act, Role, authorize, parse_role

GA = "global-administrator"
SA = "security-administrator"
SAEC = "security-administrator-email-collaboration"
ARA = "active-remediation-actions"
SP = "search-and-purge"
SR = "security-reader"
ALL_ROLES = (GA, SA, SAEC, ARA, SP, SR)
SUBSETS = [
    frozenset(combo)
    for n in range(len(ALL_ROLES) + 1)
    for combo in itertools.combinations(ALL_ROLES, n)
]


def _case_id(value: object) -> str:
    """frozensets print in hash order, which differs between processes (pytest-xdist workers)."""
    if isinstance(value, frozenset):
        return "+".join(sorted(value)) or "none"
    return str(value)


CASES = [
    (held, act, category)
    for held in SUBSETS
    for act in ("approve", "reject", "undo", "view")
    for category in ("device", "email")
]

# Display names in refusals: what a user would recognise from the admin centers.
NAMES = {
    GA: "Global Administrator",
    SA: "Security Administrator",
    ARA: "Active remediation actions",
    SP: "Search and Purge",
    SR: "Security Reader",
}


def contract_allows(held: frozenset[str], act: str, category: str) -> bool:
    """The contract's table, one row per line."""
    if act == "view":
        return GA in held or SA in held or ARA in held or SP in held or SR in held
    if category == "device":
        return GA in held or SA in held or ARA in held
    return GA in held or (SA in held and SP in held)


def test_there_are_six_roles_with_the_contracts_keys() -> None:
    assert {r.value for r in Role} == set(ALL_ROLES)
    assert len(SUBSETS) == 64
    assert len(CASES) == 64 * 4 * 2


@pytest.mark.parametrize(("held", "act", "category"), CASES, ids=_case_id)
def test_authorize_matches_the_contract(held: frozenset[str], act: str, category: str) -> None:
    verdict = authorize({Role(r) for r in held}, Act(act), Category(category))
    assert verdict.allowed is contract_allows(held, act, category)


@pytest.mark.parametrize(("held", "act", "category"), CASES, ids=_case_id)
def test_a_refusal_names_roles_that_would_allow_it(
    held: frozenset[str], act: str, category: str
) -> None:
    verdict = authorize({Role(r) for r in held}, Act(act), Category(category))
    if verdict.allowed:
        return
    text = verdict.explain()
    # Every role set the verdict offers really would allow the act, per the contract,
    for alternative in verdict.missing:
        assert contract_allows(held | {r.value for r in alternative}, act, category)
        for role in alternative:
            assert NAMES[role.value] in text
    # and the smallest offer is what the user lacks, never something they hold.
    for alternative in verdict.missing:
        assert not {r.value for r in alternative} & held
    assert SAEC not in {r.value for alt in verdict.alternatives for r in alt}


def test_email_refusal_says_which_half_of_the_pair_is_missing() -> None:
    verdict = authorize({Role.SEARCH_AND_PURGE}, Act.APPROVE, Category.EMAIL)
    assert not verdict.allowed
    assert frozenset({Role.SECURITY_ADMINISTRATOR}) in verdict.missing
    assert "you lack Security Administrator" in verdict.explain()
    verdict = authorize({Role.SECURITY_ADMINISTRATOR}, Act.REJECT, Category.EMAIL)
    assert frozenset({Role.SEARCH_AND_PURGE}) in verdict.missing
    assert "you lack Search and Purge" in verdict.explain()


def test_a_refusal_names_the_act_and_category() -> None:
    assert "undo device actions" in authorize(set(), Act.UNDO, Category.DEVICE).explain()
    assert "approve email actions" in authorize(set(), Act.APPROVE, Category.EMAIL).explain()
    assert "see" in authorize(set(), Act.VIEW).explain()


@pytest.mark.parametrize("act", list(Act))
@pytest.mark.parametrize("category", list(Category))
def test_email_collaboration_alone_grants_nothing_and_says_why(
    act: Act, category: Category
) -> None:
    verdict = authorize({Role.SECURITY_ADMINISTRATOR_EMAIL_COLLABORATION}, act, category)
    assert not verdict.allowed
    assert verdict.note == EMAIL_COLLABORATION_NOTE
    assert "Entra ID" in verdict.explain()
    assert "Microsoft 365 admin center" in verdict.explain()


def test_no_note_when_the_email_collaboration_role_is_not_held() -> None:
    assert authorize({Role.SECURITY_READER}, Act.APPROVE, Category.DEVICE).note is None


def test_view_needs_no_category_but_remediation_does() -> None:
    assert authorize({Role.SECURITY_READER}, Act.VIEW).allowed
    with pytest.raises(ValueError, match="category"):
        authorize({Role.GLOBAL_ADMINISTRATOR}, Act.APPROVE)


def test_allowed_verdict_explains_nothing_to_fix() -> None:
    assert authorize({Role.GLOBAL_ADMINISTRATOR}, Act.UNDO, Category.EMAIL).explain() == "Allowed."


def test_roles_by_key_or_display_name_in_any_case() -> None:
    assert parse_role("Security-Reader") is Role.SECURITY_READER
    assert parse_role("search and purge") is Role.SEARCH_AND_PURGE
    assert parse_role("GLOBAL ADMINISTRATOR") is Role.GLOBAL_ADMINISTRATOR
    with pytest.raises(UnknownName) as caught:
        parse_role("security-admin")
    assert "security-administrator" in caught.value.suggestions
