"""Invented UK people, and the same people as a partner would record them.

No real person's data may be used to build or test rocu, yet linkage is only worth
measuring against the mess real referrals carry: nicknames, typos, transliterated
names, people who moved, parcels with no date of birth, and holdings that hold the
same person twice. This module makes that mess deterministically from a seed, so the
demo, the trained model and the benchmarks all stand on data anyone can regenerate.
Plain Python: no Django, no I/O.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

# (name, relative frequency, variants a partner might write instead)
MALE_FIRST: list[tuple[str, int, tuple[str, ...]]] = [
    ("James", 40, ("Jim", "Jimmy", "Jamie")),
    ("John", 40, ("Jack", "Johnny", "Jon")),
    ("David", 38, ("Dave", "Davey")),
    ("Michael", 35, ("Mike", "Mick", "Micky")),
    ("Robert", 30, ("Rob", "Bob", "Bobby", "Robbie")),
    ("William", 28, ("Will", "Bill", "Billy", "Liam")),
    ("Thomas", 28, ("Tom", "Tommy")),
    ("Daniel", 26, ("Dan", "Danny")),
    ("Christopher", 24, ("Chris",)),
    ("Richard", 22, ("Rich", "Rick", "Dick")),
    ("Matthew", 22, ("Matt",)),
    ("Anthony", 20, ("Tony", "Ant")),
    ("Mark", 20, ()),
    ("Paul", 20, ()),
    ("Andrew", 20, ("Andy", "Drew")),
    ("Steven", 18, ("Steve", "Stephen")),
    ("Joseph", 18, ("Joe", "Joey")),
    ("Benjamin", 16, ("Ben", "Benny")),
    ("Samuel", 16, ("Sam", "Sammy")),
    ("Jack", 16, ()),
    ("Oliver", 15, ("Ollie", "Olly")),
    ("Harry", 15, ("Henry",)),
    ("Charles", 12, ("Charlie", "Chas")),
    ("Edward", 12, ("Ed", "Eddie", "Ted")),
    ("Kieran", 10, ("Kieron",)),
    ("Liam", 14, ()),
    ("Connor", 12, ("Conor",)),
    ("Callum", 12, ("Calum",)),
    ("Ryan", 14, ()),
    ("Jordan", 10, ()),
    ("Nathan", 10, ("Nate",)),
    ("Gareth", 8, ("Gaz",)),
    ("Rhys", 8, ("Reece", "Rees")),
    ("Dylan", 8, ()),
    ("Mohammed", 20, ("Muhammad", "Mohamed", "Mohammad")),
    ("Ahmed", 10, ("Ahmad",)),
    ("Yusuf", 8, ("Yousef", "Yusef")),
    ("Omar", 8, ("Umar",)),
    ("Ali", 8, ()),
    ("Hassan", 6, ("Hasan",)),
    ("Aleksandr", 4, ("Alexander", "Oleksandr", "Alex")),
    ("Dmitri", 3, ("Dmitry", "Dimitri")),
    ("Sergei", 3, ("Sergey",)),
    ("Piotr", 5, ("Peter",)),
    ("Łukasz", 5, ("Lukasz", "Lucas")),
    ("Tomasz", 4, ("Tomas", "Tom")),
    ("Mateusz", 3, ("Matthew",)),
    ("Andrei", 4, ("Andrey", "Andrew")),
    ("Ionuț", 3, ("Ionut",)),
    ("José", 3, ("Jose",)),
    ("Kwame", 3, ()),
    ("Chukwuemeka", 2, ("Emeka",)),
    ("Arjun", 4, ()),
    ("Rajesh", 3, ("Raj",)),
    ("Wei", 3, ()),
    ("Minh", 2, ()),
]
FEMALE_FIRST: list[tuple[str, int, tuple[str, ...]]] = [
    ("Sarah", 30, ("Sara",)),
    ("Emma", 28, ()),
    ("Laura", 24, ()),
    ("Rebecca", 22, ("Becky", "Becca")),
    ("Jessica", 22, ("Jess", "Jessie")),
    ("Elizabeth", 20, ("Liz", "Beth", "Lizzie", "Eliza")),
    ("Katherine", 18, ("Kate", "Katie", "Kathryn", "Catherine", "Cath")),
    ("Charlotte", 18, ("Charlie", "Lottie")),
    ("Hannah", 16, ("Hanna",)),
    ("Amy", 16, ("Aimee",)),
    ("Sophie", 16, ("Sophia",)),
    ("Chloe", 15, ("Chloé",)),
    ("Lucy", 15, ()),
    ("Emily", 15, ("Em", "Emmy")),
    ("Jennifer", 14, ("Jen", "Jenny")),
    ("Victoria", 12, ("Vicky", "Tori")),
    ("Samantha", 12, ("Sam", "Sammy")),
    ("Margaret", 10, ("Maggie", "Peggy", "Meg")),
    ("Abigail", 10, ("Abby", "Abi")),
    ("Natalie", 10, ("Nat",)),
    ("Megan", 10, ("Meg",)),
    ("Siobhán", 5, ("Siobhan", "Shivaun")),
    ("Zoë", 6, ("Zoe",)),
    ("Renée", 3, ("Renee",)),
    ("Fatima", 8, ("Fatimah",)),
    ("Aisha", 8, ("Ayesha", "Aysha")),
    ("Mariam", 6, ("Maryam", "Miriam")),
    ("Priya", 6, ()),
    ("Aleksandra", 4, ("Alexandra", "Ola")),
    ("Agnieszka", 4, ("Agnes",)),
    ("Natalia", 4, ("Natalya", "Nataliya")),
    ("Ewa", 3, ("Eva",)),
    ("Olga", 3, ()),
    ("Chidinma", 2, ()),
    ("Mei", 2, ()),
    ("Nicole", 8, ("Nikki", "Nicola")),
    ("Kayleigh", 6, ("Kayley", "Kaylee")),
    ("Gemma", 8, ("Jemma",)),
]
SURNAMES: list[tuple[str, int, tuple[str, ...]]] = [
    ("Smith", 120, ("Smyth",)),
    ("Jones", 90, ()),
    ("Williams", 70, ()),
    ("Taylor", 60, ("Tayler",)),
    ("Brown", 60, ("Browne",)),
    ("Davies", 55, ("Davis",)),
    ("Evans", 45, ()),
    ("Wilson", 40, ()),
    ("Thomas", 40, ()),
    ("Johnson", 38, ("Johnston",)),
    ("Roberts", 35, ()),
    ("Robinson", 30, ()),
    ("Thompson", 30, ("Thomson",)),
    ("Wright", 28, ()),
    ("Walker", 28, ()),
    ("White", 26, ("Whyte",)),
    ("Edwards", 24, ()),
    ("Hughes", 24, ()),
    ("Green", 22, ("Greene",)),
    ("Hall", 22, ()),
    ("Lewis", 22, ()),
    ("Harris", 20, ()),
    ("Clarke", 20, ("Clark",)),
    ("Patel", 30, ()),
    ("Jackson", 18, ()),
    ("Wood", 18, ()),
    ("Turner", 16, ()),
    ("Martin", 16, ()),
    ("Cooper", 16, ()),
    ("Hill", 16, ()),
    ("Ward", 15, ()),
    ("Morris", 15, ()),
    ("Moore", 15, ("More",)),
    ("Clark", 14, ("Clarke",)),
    ("Lee", 14, ("Li",)),
    ("King", 14, ()),
    ("Baker", 14, ()),
    ("Harrison", 13, ()),
    ("Morgan", 13, ()),
    ("Allen", 12, ("Allan",)),
    ("James", 12, ()),
    ("Scott", 12, ()),
    ("Phillips", 12, ("Philips",)),
    ("Watson", 11, ()),
    ("Davis", 11, ()),
    ("Parker", 11, ()),
    ("Price", 10, ()),
    ("Bennett", 10, ("Bennet",)),
    ("Young", 10, ()),
    ("Griffiths", 10, ("Griffith",)),
    ("Mitchell", 10, ()),
    ("Kelly", 10, ("Kelley",)),
    ("Cook", 10, ("Cooke",)),
    ("Carter", 10, ()),
    ("Richardson", 10, ()),
    ("Bailey", 10, ("Bayley",)),
    ("Collins", 10, ()),
    ("Bell", 9, ()),
    ("Shaw", 9, ()),
    ("Murphy", 9, ()),
    ("Miller", 9, ()),
    ("Pascoe", 5, ()),
    ("Trelawny", 3, ("Trelawney",)),
    ("Penrose", 3, ()),
    ("Nancarrow", 2, ()),
    ("Tregenza", 2, ()),
    ("Polglase", 1, ()),
    ("Khan", 20, ("Kahn",)),
    ("Ali", 16, ()),
    ("Ahmed", 14, ("Ahmad",)),
    ("Hussain", 14, ("Hussein", "Husain")),
    ("Begum", 10, ()),
    ("Singh", 14, ()),
    ("Kaur", 10, ()),
    ("Shah", 8, ()),
    ("Chaudhry", 6, ("Chaudhary", "Choudhury")),
    ("Rahman", 6, ("Rehman",)),
    ("Mahmood", 5, ("Mahmud", "Mehmood")),
    ("Nowak", 6, ("Novak",)),
    ("Kowalski", 5, ("Kowalsky",)),
    ("Wiśniewski", 4, ("Wisniewski",)),
    ("Lewandowski", 3, ()),
    ("Popescu", 3, ()),
    ("Ivanov", 3, ("Ivanoff",)),
    ("Petrov", 2, ("Petroff",)),
    ("Kovalenko", 2, ()),
    ("Okafor", 3, ()),
    ("Adeyemi", 3, ()),
    ("Mensah", 3, ()),
    ("Nguyen", 4, ("Nguyễn",)),
    ("Tran", 3, ("Trần",)),
    ("Chen", 4, ("Chan",)),
    ("Wang", 3, ()),
    ("Müller", 2, ("Muller", "Mueller")),
    ("García", 2, ("Garcia",)),
    ("Núñez", 1, ("Nunez",)),
    ("O'Brien", 6, ("OBrien", "O Brien")),
    ("O'Connor", 5, ("OConnor", "O'Conor")),
    ("McDonald", 6, ("MacDonald", "Mcdonald")),
    ("Fitzgerald", 4, ("Fitzgerald",)),
]
# (town, postcode area, districts)
TOWNS: list[tuple[str, str, tuple[int, ...], int]] = [
    ("Plymouth", "PL", (1, 2, 3, 4, 5, 6, 7, 9), 30),
    ("Exeter", "EX", (1, 2, 4), 18),
    ("Torquay", "TQ", (1, 2), 10),
    ("Truro", "TR", (1,), 6),
    ("Bristol", "BS", (1, 2, 3, 4, 5, 7, 13, 16), 40),
    ("Bath", "BA", (1, 2), 10),
    ("Taunton", "TA", (1, 2), 8),
    ("Bournemouth", "BH", (1, 7, 8, 9), 16),
    ("Poole", "BH", (12, 14, 15), 10),
    ("Gloucester", "GL", (1, 2, 4), 12),
    ("Cheltenham", "GL", (50, 51, 52), 10),
    ("Swindon", "SN", (1, 2, 3, 5), 16),
    ("Salisbury", "SP", (1, 2), 6),
    ("London", "E", (1, 2, 3, 5, 6, 8, 13, 15, 17), 60),
    ("London", "N", (1, 4, 7, 15, 17, 18), 40),
    ("London", "SE", (1, 5, 8, 13, 15, 18), 45),
    ("Birmingham", "B", (5, 6, 8, 10, 11, 12, 19, 21), 40),
    ("Manchester", "M", (1, 4, 8, 9, 13, 14, 16), 35),
    ("Liverpool", "L", (4, 5, 6, 7, 8, 11, 13), 25),
    ("Leeds", "LS", (6, 7, 8, 9, 11), 25),
    ("Sheffield", "S", (2, 3, 4, 5, 9), 20),
    ("Cardiff", "CF", (5, 10, 11, 14, 24), 18),
    ("Newcastle upon Tyne", "NE", (1, 4, 5, 6), 18),
    ("Southampton", "SO", (14, 15, 16, 17), 14),
    ("Portsmouth", "PO", (1, 2, 4, 5), 12),
    ("Leicester", "LE", (1, 2, 3, 4, 5), 15),
    ("Nottingham", "NG", (1, 2, 3, 5, 7), 15),
    ("Luton", "LU", (1, 2, 3, 4), 10),
    ("Slough", "SL", (1, 2), 8),
]
STREETS = [
    "High Street",
    "Station Road",
    "Church Street",
    "Victoria Road",
    "Park Road",
    "Green Lane",
    "Manor Road",
    "Church Lane",
    "Queens Road",
    "New Road",
    "Mill Lane",
    "Kings Road",
    "Grove Road",
    "Alexandra Road",
    "Springfield Road",
    "York Road",
    "The Crescent",
    "Albert Road",
    "Richmond Road",
    "Stanley Road",
    "Chapel Street",
    "Windsor Road",
    "Mount Pleasant",
    "Fore Street",
    "North Hill",
    "Union Street",
    "Mutley Plain",
    "Gloucester Road",
    "Stapleton Road",
    "Cheltenham Road",
    "Wells Road",
    "Holdenhurst Road",
    "Ashley Road",
    "Commercial Road",
    "Beechwood Avenue",
    "Oak Tree Close",
    "Meadow Way",
    "Harbour View",
    "Quay Road",
    "Castle Street",
]
FLAT_PREFIX = ("Flat 1", "Flat 2", "Flat 3", "Flat 4", "Flat A", "Flat B", "Apartment 12", "Room 3")
EMAIL_DOMAINS = ("gmail.com", "hotmail.co.uk", "outlook.com", "yahoo.co.uk", "icloud.com", "btinternet.com")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

COMMODITIES = [
    ("Cocaine", "g", (5, 2000)),
    ("Cannabis", "g", (50, 5000)),
    ("MDMA tablets", "tablets", (50, 5000)),
    ("Ketamine", "g", (10, 1000)),
    ("Heroin", "g", (5, 500)),
    ("Diazepam tablets", "tablets", (100, 20000)),
    ("Pregabalin capsules", "capsules", (100, 10000)),
    ("Firearm parts", "items", (1, 12)),
    ("Blank-firing pistol", "items", (1, 4)),
    ("Ammunition", "rounds", (10, 500)),
    ("Stun gun", "items", (1, 5)),
    ("Knuckle-duster", "items", (1, 10)),
    ("Indecent images (storage media)", "devices", (1, 6)),
    ("Cash", "GBP", (5000, 120000)),
    ("Counterfeit documents", "items", (1, 20)),
    ("Steroids", "vials", (10, 400)),
]
PORTS = [
    "East Midlands Airport",
    "Coventry (Parcelforce hub)",
    "Heathrow Worldwide Distribution Centre",
    "Stansted Airport",
    "Felixstowe",
    "Southampton Docks",
    "Bristol Airport",
    "Langley (Royal Mail International)",
]


def _weighted(items: list[tuple[str, int, tuple[str, ...]]]) -> tuple[list[tuple[str, tuple[str, ...]]], list[int]]:
    return [(n, v) for n, _, v in items], [w for _, w, _ in items]


_MALE, _MALE_W = _weighted(MALE_FIRST)
_FEMALE, _FEMALE_W = _weighted(FEMALE_FIRST)
_SURN, _SURN_W = _weighted(SURNAMES)
_TOWN_W = [t[3] for t in TOWNS]

# Nicknames and transliterations, for the linkage engine's name canonicalisation.
FIRST_NAME_VARIANTS: dict[str, str] = {}
for _name, _, _variants in MALE_FIRST + FEMALE_FIRST:
    for _v in _variants:
        # A variant that is itself a common given name (Jack, Liam, Henry) is not folded.
        if _v not in {n for n, _, _ in MALE_FIRST + FEMALE_FIRST}:
            FIRST_NAME_VARIANTS.setdefault(_v, _name)
SURNAME_VARIANTS: dict[str, str] = {}
for _name, _, _variants in SURNAMES:
    for _v in _variants:
        if _v not in {n for n, _, _ in SURNAMES}:
            SURNAME_VARIANTS.setdefault(_v, _name)


@dataclass
class Person:
    """One invented person as a record holds them: every field a string, '' when unknown."""

    person_id: str
    first_name: str
    surname: str
    dob: str
    address: str
    town: str
    postcode: str
    phone: str
    email: str
    truth: str = ""  # which invented human this record is about

    def row(self) -> dict[str, str]:
        return {
            "person_id": self.person_id,
            "first_name": self.first_name,
            "surname": self.surname,
            "dob": self.dob,
            "address": self.address,
            "town": self.town,
            "postcode": self.postcode,
            "phone": self.phone,
            "email": self.email,
        }


@dataclass
class Scenario:
    holdings: list[Person]
    referrals: list[Person]  # person_id holds the referral subject's id
    true_pairs: set[tuple[str, str]] = field(default_factory=set)  # (referral id, holding person_id)


class PeopleFactory:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.today = dt.date(2026, 1, 1)

    def first_name(self) -> tuple[str, tuple[str, ...]]:
        if self.rng.random() < 0.5:
            return self.rng.choices(_MALE, _MALE_W)[0]
        return self.rng.choices(_FEMALE, _FEMALE_W)[0]

    def surname(self) -> tuple[str, tuple[str, ...]]:
        return self.rng.choices(_SURN, _SURN_W)[0]

    def address(self) -> tuple[str, str, str]:
        rng = self.rng
        town, area, districts, _ = rng.choices(TOWNS, _TOWN_W)[0]
        street = rng.choice(STREETS)
        number = str(rng.randint(1, 240))
        line = f"{number} {street}"
        if rng.random() < 0.15:
            line = f"{rng.choice(FLAT_PREFIX)}, {line}"
        postcode = (
            f"{area}{rng.choice(districts)} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        )
        return line, town, postcode

    def dob(self) -> str:
        start = dt.date(1950, 1, 1).toordinal()
        end = dt.date(2007, 12, 31).toordinal()
        return dt.date.fromordinal(self.rng.randint(start, end)).isoformat()

    def phone(self) -> str:
        return f"07{self.rng.randint(100, 999)} {self.rng.randint(100000, 999999)}"

    def email(self, first: str, surname: str) -> str:
        rng = self.rng
        f = _ascii(first).lower().replace(" ", "").replace("'", "")
        s = _ascii(surname).lower().replace(" ", "").replace("'", "")
        n = rng.randint(1, 9999)
        local = rng.choice([f"{f}.{s}{n}", f"{f}{s}{n}", f"{f[0]}{s}{n}", f"{s}.{f}{n}", f"{f}_{n}"])
        return f"{local}@{rng.choice(EMAIL_DOMAINS)}"

    def person(self, person_id: str, truth: str) -> Person:
        rng = self.rng
        first, _ = self.first_name()
        surname, _ = self.surname()
        line, town, postcode = self.address()
        return Person(
            person_id=person_id,
            first_name=first,
            surname=surname,
            dob=self.dob(),
            address=line,
            town=town,
            postcode=postcode,
            phone=self.phone() if rng.random() < 0.7 else "",
            email=self.email(first, surname) if rng.random() < 0.5 else "",
            truth=truth,
        )


def _ascii(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randint(1, len(text) - 2)
    kind = rng.random()
    if kind < 0.33:  # swap two letters
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind < 0.66:  # drop one
        return text[:i] + text[i + 1 :]
    return text[:i] + rng.choice("aeioulnrst") + text[i + 1 :]  # change one


def _variant(rng: random.Random, name: str, table: list[tuple[str, int, tuple[str, ...]]]) -> str:
    for n, _, variants in table:
        if n == name and variants:
            return rng.choice(variants)
    return name


def as_recorded(rng: random.Random, p: Person, new_id: str, factory: PeopleFactory, *, referral: bool) -> Person:
    """The same human as another record keeper writes them down.

    Referral subjects come off parcel labels: often no date of birth, a nickname, a
    typo, sometimes names the wrong way round or a new address.
    """
    q = Person(**{**p.__dict__, "person_id": new_id})
    r = rng.random
    if r() < 0.25:
        q.first_name = _variant(rng, q.first_name, MALE_FIRST + FEMALE_FIRST)
    if r() < 0.08:
        q.surname = _variant(rng, q.surname, SURNAMES)
    if r() < 0.15:
        q.first_name = _typo(rng, q.first_name)
    elif r() < 0.12:
        q.surname = _typo(rng, q.surname)
    if r() < (0.2 if referral else 0.1):
        q.address, q.town, q.postcode = factory.address()  # moved
        if r() < 0.5:
            q.phone = ""
    elif r() < 0.1:
        q.address = _typo(rng, q.address)
    if referral:
        if r() < 0.45:
            q.dob = ""
        if r() < 0.04:
            q.first_name, q.surname = q.surname, q.first_name
        if r() < 0.4:
            q.phone = ""
        if r() < 0.5:
            q.email = ""
        if q.dob and r() < 0.04:  # a keying slip in one digit, or day and month transposed
            y, m, d = _ymd(q.dob)
            q.dob = f"{y}-{d}-{m}" if int(d) <= 12 and r() < 0.5 else f"{y}-{m}-{int(d) % 9 + 1:02d}"
        if r() < 0.05:  # an illegible label: the postcode survives, the street does not
            q.address = ""
        if q.email and r() < 0.08:
            q.email = q.email.split("@")[0] + "@" + rng.choice(EMAIL_DOMAINS)
        if r() < 0.3:
            q.first_name = q.first_name.upper()
            q.surname = q.surname.upper()
    else:
        if q.dob and r() < 0.03:  # day and month transposed, or a keying slip
            y, m, d = _ymd(q.dob)
            q.dob = f"{y}-{d}-{m}" if int(d) <= 12 else f"{y}-{m}-{int(d) % 28 + 1:02d}"
        if r() < 0.05:
            q.email = ""
    if q.dob and r() < 0.15:
        y, m, d = _ymd(q.dob)
        q.dob = f"{d}/{m}/{y}"  # the other accepted format
    return q


def _ymd(dob: str) -> tuple[str, str, str]:
    """Year, month and day of a date written either way the generator writes them
    (a record degraded twice may already be in DD/MM/YYYY)."""
    if "/" in dob:
        d, m, y = dob.split("/")
        return y, m, d
    y, m, d = dob.split("-")
    return y, m, d


def build_scenario(
    *, holdings: int, referrals: int = 1124, seed: int = 1124, known_share: float = 0.3, held_twice: float = 0.04
) -> Scenario:
    """`referrals` subjects against `holdings` records; `known_share` of subjects are held.

    Unknown subjects include relatives at a held person's address (same surname and
    address, different person): the cases that make linkage hard in practice.
    """
    rng = random.Random(seed)  # noqa: S311 - invented people, not secrets
    factory = PeopleFactory(rng)
    held: list[Person] = []
    for i in range(holdings):
        held.append(factory.person(f"H{i:07d}", truth=f"T{i:07d}"))
    twice = int(holdings * held_twice)
    for j in range(twice):
        original = held[rng.randrange(holdings)]
        held.append(as_recorded(rng, original, f"H{holdings + j:07d}", factory, referral=False))
    by_truth: dict[str, list[str]] = {}
    for h in held:
        by_truth.setdefault(h.truth, []).append(h.person_id)
    subjects: list[Person] = []
    pairs: set[tuple[str, str]] = set()
    for k in range(referrals):
        rid = f"R{k:05d}"
        roll = rng.random()
        if roll < known_share and holdings:
            original = held[rng.randrange(holdings)]
            subject = as_recorded(rng, original, rid, factory, referral=True)
            for pid in by_truth[original.truth]:
                pairs.add((rid, pid))
        elif roll < known_share + 0.06 and holdings:
            # A relative: same surname and address as someone held, not them.
            relative = held[rng.randrange(holdings)]
            subject = factory.person(rid, truth=f"X{k}")
            subject.surname, subject.address = relative.surname, relative.address
            subject.town, subject.postcode = relative.town, relative.postcode
            if rng.random() < 0.5:
                subject.dob = ""
        else:
            subject = factory.person(rid, truth=f"X{k}")
            if rng.random() < 0.45:
                subject.dob = ""
        subjects.append(subject)
    rng.shuffle(held)
    return Scenario(holdings=held, referrals=subjects, true_pairs=pairs)


def iter_rows(people: list[Person], id_column: str = "person_id") -> Iterator[dict[str, str]]:
    for p in people:
        row = p.row()
        if id_column != "person_id":
            row[id_column] = row.pop("person_id")
        yield row
