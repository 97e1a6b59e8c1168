"""The development identity provider's test persons, as the Suomi.fi test service lists
its own: a name, a birth date and a test personal identity code.

The codes have individual numbers 900-999, the range kept for test codes: no real
person has them. They exist only here, in code; the provider sends them in its ID
tokens and the app keeps only their keyed hash.
"""

import datetime
from dataclasses import dataclass

CENTURIES = {"+": 1800, "-": 1900, "A": 2000}


@dataclass(frozen=True)
class TestPerson:
    key: str
    given_name: str
    family_name: str
    identity_code: str

    @property
    def name(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def birth_date(self):
        code = self.identity_code
        year = CENTURIES[code[6]] + int(code[4:6])
        return datetime.date(year, int(code[2:4]), int(code[0:2]))

    @property
    def username(self):
        """The provider's user name for this person (never the code)."""
        return f"dev-idp-{self.key}"


PERSONS = [
    TestPerson("matti", "Matti", "Meikäläinen", "010150-917X"),
    TestPerson("aino", "Aino", "Virtanen", "150385-9024"),
    TestPerson("elias", "Elias", "Korhonen", "290702A914B"),
    TestPerson("brita", "Brita", "Lindqvist", "121260-958T"),
]
BY_KEY = {person.key: person for person in PERSONS}
BY_USERNAME = {person.username: person for person in PERSONS}
