"""The sandbox's demo people: their roles cover the permission table (CONTRACT.md section 2)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.roles import Role

TEAM_ID = "T0SANDBOX01"
EXTERNAL_TEAM_ID = "T0EXTERNAL1"
BOT_USER_ID = "U0ACTIONBOT"
ACTIONS_CHANNEL = "C0ACTIONS01"
ACTIONS_CHANNEL_NAME = "security-approvals"

ROLE_NAMES = {
    Role.GLOBAL_ADMINISTRATOR: "Global Administrator",
    Role.SECURITY_ADMINISTRATOR: "Security Administrator",
    Role.SECURITY_ADMINISTRATOR_EMAIL_COLLABORATION: (
        "Security Administrator (Email & collaboration only)"
    ),
    Role.ACTIVE_REMEDIATION_ACTIONS: "Active remediation actions",
    Role.SEARCH_AND_PURGE: "Search and Purge",
    Role.SECURITY_READER: "Security Reader",
}


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    email: str
    roles: tuple[Role, ...] = ()
    team_id: str = TEAM_ID

    @property
    def external(self) -> bool:
        return self.team_id != TEAM_ID

    @property
    def label(self) -> str:
        if self.external:
            return f"{self.name}: external Slack Connect user"
        if not self.roles:
            return f"{self.name}: no role"
        return f"{self.name}: " + " + ".join(ROLE_NAMES[r] for r in self.roles)


PEOPLE: tuple[Person, ...] = (
    Person("U0GLOBAL001", "Grace Admin", "grace@contoso.example", (Role.GLOBAL_ADMINISTRATOR,)),
    Person("U0SECADM001", "Sam Secadmin", "sam@contoso.example", (Role.SECURITY_ADMINISTRATOR,)),
    Person(
        "U0REMEDY001",
        "Riley Remediator",
        "riley@contoso.example",
        (Role.ACTIVE_REMEDIATION_ACTIONS,),
    ),
    Person(
        "U0PURGE0001",
        "Pat Purger",
        "pat@contoso.example",
        (Role.SECURITY_ADMINISTRATOR, Role.SEARCH_AND_PURGE),
    ),
    Person(
        "U0EMAILCOL1",
        "Emma Emailcollab",
        "emma@contoso.example",
        (Role.SECURITY_ADMINISTRATOR_EMAIL_COLLABORATION,),
    ),
    Person("U0READER001", "Rosa Reader", "rosa@contoso.example", (Role.SECURITY_READER,)),
    Person("U0NOROLE001", "Noah Norole", "noah@contoso.example"),
    Person(
        "U0EXTERN001",
        "Xavier External",
        "xavier@partner.example",
        (Role.GLOBAL_ADMINISTRATOR,),
        team_id=EXTERNAL_TEAM_ID,
    ),
)
BY_ID = {p.user_id: p for p in PEOPLE}
