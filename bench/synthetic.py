"""Synthetic data stores: large, fictional, reproducible from a seed, valid under DATA-FORMAT.md.

Used by `bench/generate.py` (benchmarks), and meant for the git-history generator of the
purge benchmark and for `ekc init --sample`. Everything here is pure: one
`random.Random(seed)` drives every choice in a fixed order, so the same arguments give
byte-identical files. Nothing iterates a set or a hash-ordered value, because string
hashing is salted per process and would make the output differ between runs.

The shapes follow the 2024 research figures in DOMAIN.md: 70% professional referrers
(16% self, 14% network), 68% with a minor main person, 61% of requests reaching a
meeting, 92% of meetings ending in a plan, 55% of meetings within two months of the
request, venues (community centre 49%, agency office 16%, church 16%), 84% on a weekday,
70% daytime only, 3-5 hours in 62%, about 9 people a meeting, Noord-Holland about half
of all cases, and the satisfaction forms' return rates and grades.

How a case is made: a registration date, then a whole life (phases, meetings, outcome)
drawn independently of today; a municipality whose contract funds the start and a
coordinator who may take it (agreement for every year it runs, EK-2 where needed, trained
before, not on leave that day, not full); then `case_as_of(case, today)` cuts off what
has not happened yet. Phases never last six months, so no open case looks stale.

Lower-level pieces (`make_municipalities`, `make_coordinators`, `case_as_of`,
`dump_yaml`, ...) are public so that other generators can reuse them.
"""

from __future__ import annotations

import bisect
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import Any, Iterator, Sequence, get_args

from ekc.core.dates import add_months
from ekc.core.ids import CROCKFORD
from ekc.model.settings import Settings
from ekc.model.vocabulary import EK2_VARIANTS, ProfessionalHelp

RETENTION_MONTHS = Settings().retention_months  # the default; the generated purge log follows it
PHASE_TARIFFS_2026 = {"informative_talk": 450, "connect_activate": 1800, "meeting_aftercare": 2250, "follow_up": 1500}
MAX_PHASE_DAYS = 170  # below six months: an open case never trips the "stale" warning


# -- weighted tables --------------------------------------------------------------------

class _Table:
    """A weighted choice, precomputed: `table.pick(rng)`."""

    __slots__ = ("values", "cum")

    def __init__(self, weights: dict[Any, float] | Sequence[tuple[Any, float]]):
        pairs = list(weights.items()) if isinstance(weights, dict) else list(weights)
        self.values = [value for value, _ in pairs]
        self.cum = []
        total = 0.0
        for _, weight in pairs:
            total += weight
            self.cum.append(total)

    def pick(self, rng: Random) -> Any:
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


VARIANT = _Table({"family": 72, "individual": 16, "restorative": 8, "group": 4})
MINORS_BY_VARIANT = {"family": 0.83, "individual": 0.2, "restorative": 0.5, "group": 0.5}
REFERRER = _Table({"professional": 70, "self": 16, "network": 14})
REFERRER_ORG_MINORS = _Table({
    "youth_protection": 26, "youth_care": 24, "municipality": 22, "mental_health": 9,
    "education": 9, "justice": 5, "other": 5,
})
REFERRER_ORG_ADULTS = _Table({
    "municipality": 35, "mental_health": 30, "justice": 10, "youth_care": 5, "education": 3, "other": 17,
})
PROFESSIONAL_HELP = _Table({"none": 9, "lt_1y": 17, "1_5y": 20, "gt_5y": 17, "unknown": 37})
REASONS_MINORS = _Table({
    "parent_child_conflict": 20, "parenting": 18, "divorce": 14, "domestic_violence": 10,
    "mental_health": 10, "supervision_order": 7, "placement": 6, "addiction": 5, "debt": 5,
    "housing": 4, "disability": 3, "detention": 2, "suicidality": 2, "neighbourhood": 2, "other": 4,
})
REASONS_ADULTS = _Table({
    "mental_health": 18, "elderly_care": 12, "debt": 12, "addiction": 10, "housing": 10,
    "domestic_violence": 8, "disability": 8, "neighbourhood": 6, "detention": 5,
    "suicidality": 3, "parent_child_conflict": 2, "other": 6,
})
REASONS_RESTORATIVE = _Table({"domestic_violence": 30, "detention": 20, "neighbourhood": 20, "parent_child_conflict": 15, "other": 15})
REASONS_GROUP = _Table({"neighbourhood": 60, "housing": 15, "other": 25})
STOP_REASON = _Table({"circumstances_changed": 30, "network_too_small": 25, "unwilling": 25, "conflict": 15, "other": 5})
VENUE = _Table({"community_centre": 49, "agency_office": 16, "church": 16, "home": 9, "school": 4, "other": 6})
GOOD_DECISION = _Table({"fully": 73, "partly": 20, "not": 7})
ADULT_ROLE = _Table({"main": 30, "family": 50, "network": 20})
GENDER = _Table({"female": 75, "male": 23, "nonbinary": 2})
MAX_CASES = _Table({1: 5, 2: 25, 3: 40, 4: 25, 5: 5})

# Number of municipalities per province (CBS, 2024): where fictional municipalities lie.
PROVINCES = {
    "Groningen": 10, "Friesland": 18, "Drenthe": 12, "Overijssel": 25, "Flevoland": 6,
    "Gelderland": 51, "Utrecht": 26, "Noord-Holland": 44, "Zuid-Holland": 50, "Zeeland": 13,
    "Noord-Brabant": 56, "Limburg": 31,
}
# Noord-Holland brings half of all requests (DOMAIN.md): its municipalities weigh more.
PROVINCE_CASE_WEIGHT = {"Noord-Holland": 3.0}
# First two digits of the postcodes of each province, roughly.
POSTCODE_PREFIXES = {
    "Groningen": (97, 99), "Friesland": (84, 92), "Drenthe": (77, 79), "Overijssel": (74, 77),
    "Flevoland": (82, 83), "Gelderland": (65, 73), "Utrecht": (34, 39), "Noord-Holland": (10, 21),
    "Zuid-Holland": (22, 33), "Zeeland": (43, 45), "Noord-Brabant": (46, 58), "Limburg": (59, 64),
}
_NAME_STEMS = (
    "Beek", "Berg", "Veen", "Dijk", "Brug", "Hout", "Wold", "Zand", "Linde", "Eike", "Wil", "Mol",
    "Haver", "Rijp", "Lange", "Breede", "Kort", "Vos", "Ganze", "Kraai", "Ooster", "Wester",
    "Noorder", "Zuider", "Heide", "Bloem", "Appel", "Berk", "Esse", "Els", "Holt", "Steen",
    "Riet", "Blauw", "Groen", "Hazel", "Meer", "Moer", "Ven", "Ter",
)
_NAME_SUFFIXES = (
    "dam", "dorp", "veen", "horst", "hoven", "wijk", "zijl", "burg", "stede", "broek", "meer",
    "loo", "rode", "waard", "sloot", "woude", "kerk", "hem", "mond", "beek", "berg", "haven",
)
_REGION_PARTS = ("Noord", "Zuid", "Oost", "West", "Midden")

# Culture groups: self-described culture (None: not stated), languages beside Dutch,
# first names (female, male), family names; weight in the coordinator pool and among families.
_NEUTRAL_FIRST = ("Robin", "Sam", "Kim", "Charlie", "Noa", "Alex", "Luca", "Jip")
CULTURES: tuple[dict, ...] = (
    dict(key="nl", weight=42, family_weight=50, culture=None, languages=(), extra=("en", "de", "fr", "es"),
         female=("Anna", "Sanne", "Marieke", "Ingrid", "Els", "Petra", "Annemiek", "Wilma", "Joke", "Linda",
                 "Femke", "Lotte", "Esther", "Ria", "Marjolein", "Hanneke", "Karin", "Saskia", "Inge",
                 "Monique", "Yvonne", "Anouk", "Eva", "Fleur", "Iris", "Noor", "Julia", "Lieke", "Tessa", "Mirjam"),
         male=("Jan", "Pieter", "Kees", "Henk", "Ruud", "Bas", "Jeroen", "Mark", "Thijs", "Sander", "Erik",
               "Wim", "Frank", "Gerrit", "Hans", "Joost", "Maarten", "Niels", "Roel", "Tom", "Daan", "Sem"),
         family=("de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
                 "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
                 "Brouwer", "de Wit", "Smits", "de Graaf", "van der Meer", "van der Linden", "Kok",
                 "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen", "van Dijk",
                 "Schouten", "Willems", "van Beek", "Koster", "Prins", "Huisman", "Kuipers", "Verhoeven")),
    dict(key="fy", weight=3, family_weight=2, culture="Fries", languages=("fy",), extra=(),
         female=("Sytske", "Baukje", "Jildou", "Froukje", "Gerbrich", "Anke", "Tsjitske"),
         male=("Sjoerd", "Wybren", "Hylke", "Tjeerd", "Jelle", "Douwe", "Gerben"),
         family=("Hoekstra", "Dijkstra", "Postma", "Bergsma", "Wiersma", "Zijlstra", "Terpstra", "Jongsma")),
    dict(key="ma", weight=10, family_weight=11, culture="Marokkaans-Nederlands", languages=("ar", "rif", "zgh"), extra=("fr",),
         female=("Fatima", "Khadija", "Naima", "Samira", "Latifa", "Hanan", "Malika", "Souad", "Nadia", "Loubna"),
         male=("Mohamed", "Said", "Karim", "Youssef", "Mustafa", "Abdelkader", "Hamid", "Rachid", "Bilal"),
         family=("El Amrani", "Bouzid", "Ouali", "Aziz", "Benali", "El Idrissi", "Azzouz", "Tahiri",
                 "Chaouch", "Bakkali", "El Khattabi", "Amrani", "Boukhari")),
    dict(key="tr", weight=8, family_weight=9, culture="Turks-Nederlands", languages=("tr", "ku"), extra=("de",),
         female=("Ayşe", "Fatma", "Zeynep", "Elif", "Emine", "Hülya", "Sevgi", "Derya", "Gül", "Meryem"),
         male=("Mehmet", "Ahmet", "Hasan", "Emre", "Murat", "Ali", "Hüseyin", "Kemal", "Serkan"),
         family=("Yılmaz", "Kaya", "Demir", "Çelik", "Şahin", "Öztürk", "Aydın", "Doğan", "Arslan", "Koç", "Kurt")),
    dict(key="sr", weight=6, family_weight=6, culture="Surinaams-Nederlands", languages=("srn",), extra=("en",),
         female=("Gloria", "Marcia", "Joyce", "Sharon", "Ilse", "Rosita", "Audrey", "Chantal"),
         male=("Ronald", "Errol", "Glenn", "Hugo", "Clyde", "Ricardo", "Orlando", "Dennis"),
         family=("Pinas", "Kross", "Vlijter", "Sabajo", "Doelwijt", "Emanuels", "Pengel", "Wijngaarde", "Kasanpawiro")),
    dict(key="hi", weight=3, family_weight=3, culture="Hindostaans", languages=("srn", "hns"), extra=("hi",),
         female=("Sunita", "Anita", "Kamla", "Rekha", "Shanti", "Indra", "Radha"),
         male=("Ravi", "Anil", "Sunil", "Rajesh", "Dinesh", "Vikash", "Sanjay"),
         family=("Ramdin", "Jagessar", "Mahabier", "Sewdien", "Ramsaran", "Bhola", "Kalloe", "Soekhai")),
    dict(key="cw", weight=4, family_weight=4, culture="Curaçaos", languages=("pap",), extra=("es", "en"),
         female=("Giselle", "Yolanda", "Migdalia", "Jurmarie", "Sharline", "Nadine"),
         male=("Eugène", "Ryangelo", "Jurgen", "Edsel", "Raymond", "Shurwin"),
         family=("Martina", "Cijntje", "Girigorie", "Isenia", "Rosalia", "Statia", "Maduro", "Zimmerman")),
    dict(key="pl", weight=3, family_weight=3, culture="Pools", languages=("pl",), extra=("en",),
         female=("Agnieszka", "Katarzyna", "Magdalena", "Joanna", "Ewa", "Marta"),
         male=("Piotr", "Tomasz", "Krzysztof", "Paweł", "Marek", "Jakub"),
         family=("Nowak", "Wójcik", "Mazur", "Krawczyk", "Kaczmarek", "Zając", "Dudek")),
    dict(key="so", weight=2, family_weight=2, culture="Somalisch", languages=("so", "ar"), extra=("en",),
         female=("Hodan", "Amina", "Faduma", "Sahra", "Hibo", "Ifrah"),
         male=("Abdi", "Mahad", "Liban", "Abdirahman", "Hassan", "Yusuf"),
         family=("Warsame", "Farah", "Abdullahi", "Hussein", "Jama", "Osman", "Mohamud")),
    dict(key="er", weight=2, family_weight=3, culture="Eritrees", languages=("ti",), extra=("am", "en"),
         female=("Selam", "Helen", "Senait", "Rahel", "Luwam", "Saba"),
         male=("Yonas", "Dawit", "Tesfay", "Biniam", "Filmon", "Samuel"),
         family=("Tesfaye", "Gebremedhin", "Haile", "Kidane", "Berhane", "Ghebreyesus", "Tekle")),
    dict(key="sy", weight=3, family_weight=4, culture="Syrisch", languages=("ar",), extra=("ku", "en"),
         female=("Rania", "Lina", "Rasha", "Hala", "Dima", "Yasmin"),
         male=("Omar", "Khaled", "Ahmad", "Bassel", "Rami", "Tarek"),
         family=("Al-Hassan", "Haddad", "Kassem", "Al-Khatib", "Darwish", "Mansour", "Nasser")),
    dict(key="af", weight=2, family_weight=2, culture="Afghaans", languages=("prs", "ps"), extra=("fa",),
         female=("Farida", "Mariam", "Zahra", "Nasrin", "Shabnam"),
         male=("Farid", "Jawad", "Najib", "Hamid", "Wahid"),
         family=("Ahmadi", "Rahimi", "Hakimi", "Sultani", "Karimi", "Noori")),
    dict(key="gh", weight=1, family_weight=2, culture="Ghanees", languages=("tw", "en"), extra=(),
         female=("Akosua", "Abena", "Efua", "Ama", "Adwoa"),
         male=("Kwame", "Kofi", "Yaw", "Kwabena", "Kojo"),
         family=("Mensah", "Boateng", "Owusu", "Asante", "Appiah", "Agyeman")),
    dict(key="cv", weight=1, family_weight=1, culture="Kaapverdiaans", languages=("kea", "pt"), extra=(),
         female=("Fernanda", "Maria", "Djenifer", "Lurdes"),
         male=("João", "António", "Nelson", "Adilson"),
         family=("Fortes", "Lopes", "Monteiro", "Tavares", "Semedo", "Varela")),
    dict(key="mo", weight=1, family_weight=1, culture="Moluks", languages=("ms",), extra=(),
         female=("Josina", "Wilhelmina", "Debora", "Naomi"),
         male=("Johannes", "Izaak", "Frans", "Elias"),
         family=("Tuhumury", "Pattiasina", "Latuheru", "Manuhutu", "Sahetapy", "Wattimena")),
    dict(key="ua", weight=1, family_weight=2, culture="Oekraïens", languages=("uk", "ru"), extra=("en",),
         female=("Olena", "Iryna", "Oksana", "Natalia", "Kateryna"),
         male=("Andriy", "Oleksandr", "Dmytro", "Serhiy", "Mykola"),
         family=("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravets")),
    dict(key="ba", weight=1, family_weight=1, culture="Bosnisch", languages=("bs",), extra=("de",),
         female=("Amra", "Selma", "Lejla", "Emina"),
         male=("Adnan", "Emir", "Haris", "Senad"),
         family=("Hodžić", "Begić", "Kovačević", "Mehmedović", "Delić")),
)
CULTURE_FOR_COORDINATOR = _Table([(c, c["weight"]) for c in CULTURES])
CULTURE_FOR_FAMILY = _Table([(c, c["family_weight"]) for c in CULTURES])
CULTURE_BY_KEY = {c["key"]: c for c in CULTURES}

STREETS = (
    "Kerkstraat", "Dorpsstraat", "Schoolstraat", "Molenweg", "Stationsweg", "Julianastraat",
    "Beatrixlaan", "Wilhelminastraat", "Lindenlaan", "Eikenlaan", "Berkenlaan", "Merelstraat",
    "Lijsterbesstraat", "Tulpstraat", "Rozenstraat", "Parallelweg", "Havenstraat", "Nieuwstraat",
    "Zonnebloemstraat", "Vondelstraat", "Rembrandtlaan", "Brink", "Plantsoen", "Kastanjelaan",
    "Populierenweg", "Esdoornstraat", "Meidoornlaan", "Sportlaan", "Componistenbuurt", "Dahliastraat",
)
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
RELATIONS = {
    "female": ("grandmother", "aunt", "sister", "godmother", "stepmother", "sister-in-law", "cousin",
               "neighbour", "friend", "teacher", "church member", "colleague"),
    "male": ("grandfather", "uncle", "brother", "godfather", "stepfather", "brother-in-law", "cousin",
             "neighbour", "friend", "football coach", "church member", "colleague"),
}
NOT_KIN = ("neighbour", "friend", "teacher", "football coach", "church member", "colleague")
ORGANISATIONS = {
    "youth_protection": ("Jeugdbescherming {region}", "Gecertificeerde Instelling {region}"),
    "youth_care": ("Jeugdzorg {region}", "Jeugdhulp {city}"),
    "municipality": ("Wijkteam {city}", "Sociaal team {city}", "Gemeente {city}"),
    "mental_health": ("GGZ {region}", "Ambulante GGZ {city}"),
    "education": ("Basisschool De {tree}", "{city} College", "Leerplicht {city}"),
    "justice": ("Reclassering {region}", "Raad voor de Kinderbescherming {region}"),
    "other": ("Huisartsenpraktijk {city}", "Veilig Thuis {region}", "Schuldhulp {city}"),
}
TREES = ("Linde", "Eik", "Wilg", "Kastanje", "Berk", "Esdoorn", "Regenboog", "Klimop")
NOTES = {
    "any": (
        "Niet bellen op vrijdag.",
        "Liever geen afspraken in de ochtend.",
        "Kring is groot; bijeenkomst in het buurthuis plannen.",
        "Grootmoeder spreekt weinig Nederlands; tolk regelen voor de bijeenkomst.",
        "Eerder contact met een coördinator liep goed; dezelfde aanpak graag.",
    ),
    "minors": (
        "Voorkeur voor afspraken na schooltijd.",
        "Vader werkt in ploegendienst; bellen na vier uur.",
        "Moeder wil eerst zelf haar broer benaderen.",
        "Buren willen meedenken over de opvang na school.",
    ),
    "adult": (
        "Contact loopt via de oudste dochter.",
        "Hoort slecht; liever langs dan bellen.",
    ),
    "youth_protection": ("Jeugdbeschermer wil bij het informatiedeel aanwezig zijn.",),
}


def note_for(rng: Random, case: dict) -> str:
    """A short free-text note (personal.yaml only) that fits the case."""
    choices = list(NOTES["any"]) + list(NOTES["minors" if case["minors_involved"] else "adult"])
    if case.get("referrer_org") == "youth_protection":
        choices.extend(NOTES["youth_protection"])
    return rng.choice(choices) + "\n"


# -- small helpers ----------------------------------------------------------------------

# Letters that Unicode does not decompose into an ASCII letter plus a mark.
_UNDECOMPOSED = str.maketrans({"ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss"})


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED)).encode("ascii", "ignore").decode("ascii").lower()


def ascii_slug(text: str) -> str:
    """`Ayşe Yılmaz` -> `ayseyilmaz`: for fictional e-mail addresses."""
    return "".join(ch for ch in _ascii(text) if ch.isalnum())


def slugify(text: str) -> str:
    """`Noord-Holland Noord` -> `noord-holland-noord`: a region id."""
    return "-".join("".join(ch if ch.isalnum() else " " for ch in _ascii(text)).split())


def phone(rng: Random) -> str:
    """A Dutch mobile number in the style of the sample data: `+31 6 1234 5678`."""
    return f"+31 6 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"


def new_case_id(rng: Random, year: int, taken: set[str]) -> str:
    """`EKC-<YYYY>-<5 Crockford base32>`, unique among `taken` (which it extends)."""
    while True:
        case_id = f"EKC-{year}-{''.join(rng.choices(CROCKFORD, k=5))}"
        if case_id not in taken:
            taken.add(case_id)
            return case_id


def _grade(rng: Random, mean: float, sd: float = 1.1) -> int:
    return max(1, min(10, round(rng.gauss(mean, sd))))


def _weekday_shift(rng: Random, day: date) -> date:
    """84% of meetings on a weekday (DOMAIN.md): move a date forward to fit, at most 6 days."""
    if rng.random() < 0.84:
        while day.weekday() >= 5:
            day += timedelta(days=1)
    else:
        while day.weekday() < 5:
            day += timedelta(days=1)
    return day


def _purge_day(closed: date) -> date:
    """Purges run on the first of each month: the first run on or after expiry."""
    due = add_months(closed, RETENTION_MONTHS)
    return due if due.day == 1 else add_months(due.replace(day=1), 1)


# -- municipalities and contracts ------------------------------------------------------

@dataclass
class _Contract:
    doc: dict
    start: date
    end: date
    variants: tuple[str, ...]
    municipality: int  # index


@dataclass
class _Municipality:
    code: str
    name: str
    province: str
    region: str
    weight: float
    postcode: int
    start_month: int
    contracts: list[_Contract] = field(default_factory=list)

    def contract_on(self, day: date) -> _Contract | None:
        return next((c for c in self.contracts if c.start <= day <= c.end), None)


@dataclass
class MunicipalityPool:
    """municipalities.yaml as a mapping (`doc`) plus what case generation needs to look up."""

    doc: dict
    municipalities: list[_Municipality]
    region_names: dict[str, str]
    by_month: dict[tuple[int, int], list[_Contract]]  # contracts covering a calendar month

    def funding(self, day: date, variant: str) -> list[_Contract]:
        return [c for c in self.by_month.get((day.year, day.month), ()) if variant in c.variants]


def _municipality_names(rng: Random, count: int) -> list[str]:
    names = [stem + suffix for stem in _NAME_STEMS for suffix in _NAME_SUFFIXES]
    rng.shuffle(names)
    while len(names) < count:  # more than the stems give: a second round with a prefix
        names.extend(f"{prefix}-{name}" for prefix in ("Nieuw", "Oud", "Groot", "Klein") for name in names[: count])
    return names[:count]


def make_municipalities(
    rng: Random, count: int, today: date, first_year: int = 2000, contract_share: float = 0.1
) -> MunicipalityPool:
    """Regions, `count` fictional municipalities and their contracts from `first_year` to today.

    Each contract year only some municipalities have a contract (`contract_share` of them,
    at least three), with continuity from year to year: EKC works where a municipality
    pays. Most periods follow the calendar; some run from July or April. Some contracts
    lack `budget_eur` or `tariffs_eur`, some restrict `variants`. `conferences` and
    `budget_eur` stay 0 until `set_contract_budgets` fills them from the cases.
    """
    codes = sorted(rng.sample(range(1, 2000), count))
    names = _municipality_names(rng, count)
    provinces = _Table(PROVINCES)
    munis: list[_Municipality] = []
    for code, name in zip(codes, names):
        province = provinces.pick(rng)
        low, high = POSTCODE_PREFIXES[province]
        munis.append(_Municipality(
            code=f"GM{code:04d}", name=name, province=province, region="",
            weight=rng.lognormvariate(0, 0.8) * PROVINCE_CASE_WEIGHT.get(province, 1.0),
            postcode=rng.randint(low, high) * 100 + rng.randint(0, 89),
            start_month=_Table({1: 85, 7: 10, 4: 5}).pick(rng),
        ))
    region_names: dict[str, str] = {}
    for province in PROVINCES:
        members = [m for m in munis if m.province == province]
        if not members:
            continue
        parts = max(1, min(len(_REGION_PARTS), round(len(members) / 8)))
        for i, muni in enumerate(members):
            name = province if parts == 1 else f"{province} {_REGION_PARTS[i * parts // len(members)]}"
            muni.region = slugify(name)
            region_names[muni.region] = name

    per_year = min(count, max(3, round(count * contract_share)))
    active: list[int] = []
    for year in range(first_year - 1, today.year + 1):
        active = [i for i in active if rng.random() < 0.85]
        others = [i for i in range(count) if i not in active]
        while len(active) < per_year and others:
            weights = _Table([(i, munis[i].weight) for i in others])
            chosen = weights.pick(rng)
            others.remove(chosen)
            active.append(chosen)
        for i in sorted(active):
            muni = munis[i]
            start = date(year, muni.start_month, 1)
            end = add_months(start, 12) - timedelta(days=1)
            if end < date(first_year, 1, 1) or start > today:
                continue
            label = str(year) if muni.start_month == 1 else f"{year}-{(year + 1) % 100:02d}"
            doc: dict[str, Any] = {"id": f"{muni.code}-{label}", "start": start, "end": end, "conferences": 0}
            if rng.random() < 0.8:
                doc["budget_eur"] = 0
            if rng.random() < 0.9:
                factor = 1.025 ** (year - 2026) * rng.uniform(0.9, 1.1)
                doc["tariffs_eur"] = {phase: int(round(price * factor / 5) * 5) for phase, price in PHASE_TARIFFS_2026.items()}
            variants: tuple[str, ...] = ("family", "individual", "restorative", "group")
            roll = rng.random()
            if roll < 0.08:
                variants = ("family", "individual")
            elif roll < 0.12:
                variants = ("family", "individual", "restorative")
            if len(variants) < 4:
                doc["variants"] = list(variants)
            muni.contracts.append(_Contract(doc, start, end, variants, i))

    by_month: dict[tuple[int, int], list[_Contract]] = {}
    for muni in munis:
        for contract in muni.contracts:
            month = contract.start
            while month <= contract.end:
                by_month.setdefault((month.year, month.month), []).append(contract)
                month = add_months(month, 1)
    doc = {
        "regions": [{"id": rid, "name": region_names[rid]} for rid in sorted(region_names)],
        "municipalities": [
            {"code": m.code, "name": m.name, "province": m.province, "region": m.region,
             **({"contracts": [c.doc for c in m.contracts]} if m.contracts else {})}
            for m in munis
        ],
    }
    return MunicipalityPool(doc, munis, region_names, by_month)


def set_contract_budgets(pool: MunicipalityPool, cases: Sequence[dict], rng: Random, today: date) -> None:
    """Fill `conferences` and `budget_eur` from what the cases used, with over- and under-use.

    A running period is projected to its end first, as a regiomanager would budget it.
    """
    by_code = {m.code: m for m in pool.municipalities}
    starts: dict[int, int] = {}
    spent: dict[int, float] = {}
    for case in cases:
        muni = by_code[case["municipality"]]
        for entry in case["history"]:
            if entry["phase"] not in PHASE_TARIFFS_2026:
                continue
            contract = muni.contract_on(entry["date"])
            if contract is None:
                continue
            key = id(contract)
            if entry["phase"] == "informative_talk":
                starts[key] = starts.get(key, 0) + 1
            tariffs = contract.doc.get("tariffs_eur")
            spent[key] = spent.get(key, 0.0) + (tariffs[entry["phase"]] if tariffs else 0.0)
    for muni in pool.municipalities:
        for contract in muni.contracts:
            length = (contract.end - contract.start).days + 1
            elapsed = max(1, min(length, (today - contract.start).days + 1))
            projection = length / elapsed
            used = starts.get(id(contract), 0) * projection
            contract.doc["conferences"] = max(1, round(used * rng.uniform(0.8, 1.3)))
            if "budget_eur" in contract.doc:
                amount = spent.get(id(contract), 0.0) * projection
                if not amount:
                    amount = contract.doc["conferences"] * 4000
                contract.doc["budget_eur"] = max(1000, int(round(amount * rng.uniform(0.9, 1.35) / 500) * 500))


# -- coordinators -----------------------------------------------------------------------

@dataclass
class _Coordinator:
    id: str
    doc: dict
    gender: str
    birth_year: int
    culture: dict
    languages: list[str]
    regions: list[str]
    ek1: date
    ek2: date | None
    agreements: frozenset[int]
    max_cases: int
    unavailable: list[tuple[date, date]]
    ends: list[date] = field(default_factory=list)  # closure dates of assigned cases (date.max: open)

    def on_leave(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self.unavailable)

    def load(self, day: date) -> int:
        if len(self.ends) > 8:
            horizon = day - timedelta(days=60)
            self.ends = [end for end in self.ends if end >= horizon]
        return sum(1 for end in self.ends if end >= day)


@dataclass
class CoordinatorPool:
    """coordinators.yaml as a mapping (`doc`) plus indexes for assignment."""

    doc: dict
    coordinators: list[_Coordinator]
    by_year: dict[int, list[_Coordinator]]
    by_year_region: dict[tuple[int, str], list[_Coordinator]]


def person_name(rng: Random, culture: dict, gender: str) -> tuple[str, str]:
    if gender == "nonbinary":
        first = rng.choice(_NEUTRAL_FIRST)
    else:
        first = rng.choice(culture["female" if gender == "female" else "male"])
    return first, rng.choice(culture["family"])


def make_coordinators(rng: Random, count: int, municipalities: MunicipalityPool, today: date, first_year: int = 2000) -> CoordinatorPool:
    """`count` fictional coordinators with careers between `first_year` and today.

    A few veterans work from the start to today, so every year has someone; the others
    start in any year and keep a yearly agreement for a few years. Who has no agreement
    for this year is inactive. Leave (`unavailable`) is listed for this year and last.
    """
    region_ids = sorted(municipalities.region_names)
    munis_by_region: dict[str, list[str]] = {}
    for muni in municipalities.municipalities:
        munis_by_region.setdefault(muni.region, []).append(muni.code)
    veterans = max(2, count // 20)
    emails: set[str] = set()
    coordinators: list[_Coordinator] = []
    for n in range(count):
        if n < veterans:
            start_year, end_year = first_year, today.year
        else:
            start_year = rng.randint(first_year - 1, today.year)
            end_year = min(today.year, start_year + min(25, int(rng.expovariate(1 / 6))))
        culture = CULTURE_FOR_COORDINATOR.pick(rng)
        gender = GENDER.pick(rng)
        first, last = person_name(rng, culture, gender)
        name = f"{first} {last}"
        birth_year = start_year - (rng.randint(27, 45) if n < veterans else rng.randint(27, 58))
        ek1 = date(start_year, 1, 1) - timedelta(days=rng.randint(14, 200))
        ek2 = None
        if rng.random() < (0.5 if n < veterans else 0.4):
            ek2_day = ek1 + timedelta(days=rng.randint(200, 1100))
            ek2 = ek2_day if ek2_day <= today else None
        if n == 0 and ek2 is None:
            ek2 = min(ek1 + timedelta(days=365), today)  # one EK-2 veteran at least: restorative cases need one
        languages = ["nl"]
        if culture["languages"]:
            languages.extend(rng.sample(culture["languages"], rng.randint(1, len(culture["languages"]))))
        if culture["extra"] and rng.random() < 0.4:
            languages.append(rng.choice(culture["extra"]))
        if "en" not in languages and rng.random() < 0.3:
            languages.append("en")
        region = rng.choice(region_ids)
        regions = [region]
        if rng.random() < 0.2:
            other = rng.choice(region_ids)
            if other != region:
                regions.append(other)
        unavailable: list[tuple[date, date]] = []
        if end_year == today.year:
            for year in (today.year - 1, today.year):
                if rng.random() < 0.7:
                    summer = date(year, 7, rng.randint(1, 25))
                    unavailable.append((summer, summer + timedelta(days=rng.choice((13, 20, 27)))))
                if rng.random() < 0.3:
                    christmas = date(year, 12, rng.randint(18, 23))
                    unavailable.append((christmas, christmas + timedelta(days=rng.randint(9, 15))))
        cid = f"C-{n + 1:04d}"
        doc: dict[str, Any] = {"id": cid, "name": name}
        if rng.random() < 0.95:
            local = f"{ascii_slug(first)[:1]}.{ascii_slug(last)}"
            email = f"{local}@example.org"
            suffix = 2
            while email in emails:
                email = f"{local}{suffix}@example.org"
                suffix += 1
            emails.add(email)
            doc["email"] = email
        if rng.random() < 0.9:
            doc["phone"] = phone(rng)
        doc["gender"] = gender
        doc["birth_year"] = birth_year
        doc["languages"] = languages
        if culture["culture"] and rng.random() < 0.8:
            doc["cultures"] = [culture["culture"]]
        elif culture["culture"] is None and rng.random() < 0.3:
            doc["cultures"] = ["Nederlands"]
        doc["regions"] = regions
        if rng.random() < 0.8:
            doc["home"] = rng.choice(munis_by_region[region])
        doc["trained"] = {"ek1": ek1, **({"ek2": ek2} if ek2 else {})}
        doc["agreements"] = list(range(start_year, end_year + 1))
        max_cases = MAX_CASES.pick(rng)
        doc["max_cases"] = max_cases
        if unavailable:
            doc["unavailable"] = [{"from": a, "to": b} for a, b in unavailable]
        doc["active"] = end_year == today.year
        coordinators.append(_Coordinator(
            cid, doc, gender, birth_year, culture, languages, regions, ek1, ek2,
            frozenset(doc["agreements"]), max_cases, unavailable,
        ))
    by_year: dict[int, list[_Coordinator]] = {}
    by_year_region: dict[tuple[int, str], list[_Coordinator]] = {}
    for coordinator in coordinators:
        for year in coordinator.doc["agreements"]:
            by_year.setdefault(year, []).append(coordinator)
            for region in coordinator.regions:
                by_year_region.setdefault((year, region), []).append(coordinator)
    return CoordinatorPool({"coordinators": [c.doc for c in coordinators]}, coordinators, by_year, by_year_region)


def _eligible(c: _Coordinator, start: date, years: range, ek2: bool) -> bool:
    return (
        c.ek1 <= start
        and (not ek2 or (c.ek2 is not None and c.ek2 <= start))
        and all(year in c.agreements for year in years)
        and not c.on_leave(start)
        and c.load(start) < c.max_cases
    )


def pick_coordinator(
    rng: Random, pool: CoordinatorPool, start: date, last_day: date, variant: str, region: str
) -> _Coordinator | None:
    """Someone who may take a case running from `start` to `last_day`, preferring the region.

    Agreement for every year the case runs (so no open case outlives its coordinator's
    agreement), EK-2 for restorative and group, trained before, not on leave, not full.
    """
    years = range(start.year, last_day.year + 1)
    ek2 = variant in EK2_VARIANTS
    if rng.random() < 0.75:
        local = pool.by_year_region.get((start.year, region), [])
        for candidate in rng.sample(local, min(len(local), 12)):
            if _eligible(candidate, start, years, ek2):
                return candidate
    national = pool.by_year.get(start.year, [])
    if not national:
        return None
    for _ in range(min(40, len(national))):
        candidate = national[rng.randrange(len(national))]
        if _eligible(candidate, start, years, ek2):
            return candidate
    offset = rng.randrange(len(national))
    for i in range(len(national)):
        candidate = national[(offset + i) % len(national)]
        if _eligible(candidate, start, years, ek2):
            return candidate
    return None


# -- cases ------------------------------------------------------------------------------

def _days(rng: Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def draw_life(rng: Random, registered: date, variant: str, minors: bool) -> dict:
    """A case's whole life from its registration, without regard to today.

    Returns `history`, `meetings`, `outcome` and `stop_reason` (None unless stopped).
    Where requests end (DOMAIN.md): some are withdrawn at registration or after the
    informative talk, a quarter end in connect_activate (60% with an own plan), 61% reach
    a meeting, 92% of meetings end in a plan; a stalled plan gets a follow-up conference.
    """
    history = [{"phase": "registered", "date": registered}]
    meetings: list[dict] = []
    stop_reason = None
    roll = rng.random()
    if roll < 0.06:
        history.append({"phase": "closed", "date": registered + _days(rng, 1, 30)})
        outcome = "declined" if rng.random() < 0.6 else "stopped"
        stop_reason = rng.choice(("circumstances_changed", "unwilling", "other")) if outcome == "stopped" else None
        return {"history": history, "meetings": meetings, "outcome": outcome, "stop_reason": stop_reason}
    delay = _Table({0: 5, 1: 40, 2: 35, 3: 8, 4: 5, 5: 3, 7: 2, 10: 2}).pick(rng)
    talk = registered + timedelta(days=delay)
    history.append({"phase": "informative_talk", "date": talk})
    if roll < 0.15:
        history.append({"phase": "closed", "date": talk + _days(rng, 3, 30)})
        outcome = _Table({"own_plan": 45, "declined": 45, "stopped": 10}).pick(rng)
        stop_reason = STOP_REASON.pick(rng) if outcome == "stopped" else None
        return {"history": history, "meetings": meetings, "outcome": outcome, "stop_reason": stop_reason}
    connect = talk + _days(rng, 1, 14)
    history.append({"phase": "connect_activate", "date": connect})
    if roll < 0.39:
        history.append({"phase": "closed", "date": connect + _days(rng, 14, 150)})
        outcome = "own_plan" if rng.random() < 0.6 else "stopped"
        stop_reason = STOP_REASON.pick(rng) if outcome == "stopped" else None
        return {"history": history, "meetings": meetings, "outcome": outcome, "stop_reason": stop_reason}
    # request -> meeting: 55% under two months, 10% three months or more, shortest two days
    span = _Table({(2, 13): 3, (14, 59): 52, (60, 89): 35, (90, MAX_PHASE_DAYS): 10}).pick(rng)
    meeting_day = max(connect + timedelta(days=1), registered + _days(rng, *span))
    meeting_day = _weekday_shift(rng, meeting_day)
    meeting_day = min(meeting_day, connect + timedelta(days=MAX_PHASE_DAYS))
    history.append({"phase": "meeting_aftercare", "date": meeting_day})
    plan_made = rng.random() < 0.92
    meetings.append(draw_meeting(rng, meeting_day, follow_up=False, minors=minors, plan_made=plan_made))
    follow_ups = 0
    while plan_made and follow_ups < 3 and rng.random() < (0.12 if follow_ups == 0 else 0.2):
        meetings[-1]["follow_up_agreed"] = True
        entry = meeting_day + _days(rng, 30, 150)
        history.append({"phase": "follow_up", "date": entry})
        meeting_day = _weekday_shift(rng, entry + _days(rng, 0, 10))
        plan_made = rng.random() < 0.9
        meetings.append(draw_meeting(rng, meeting_day, follow_up=True, minors=minors, plan_made=plan_made))
        follow_ups += 1
    history.append({"phase": "closed", "date": meeting_day + _days(rng, 21, 90)})
    return {"history": history, "meetings": meetings, "outcome": "plan" if plan_made else "no_plan", "stop_reason": None}


def draw_meeting(rng: Random, day: date, follow_up: bool, minors: bool, plan_made: bool) -> dict:
    """One formal meeting: about 9 people, 3-5 hours in 62%, private part 1-3 hours in 74%."""
    hours_total = _Table({2.0: 6, 2.5: 7, 3.0: 12, 3.5: 14, 4.0: 16, 4.5: 11, 5.0: 9, 5.5: 9, 6.0: 8, 7.0: 8}).pick(rng)
    hours_private = min(hours_total - 0.5, _Table({0.5: 8, 1.0: 20, 1.5: 22, 2.0: 18, 2.5: 10, 3.0: 4, 3.5: 10, 4.0: 8}).pick(rng))
    attendees = {
        "minor_main": (rng.choice((1, 1, 1, 2)) if rng.random() < 0.8 else 0) if minors else 0,
        "adult_main": rng.choice((0, 1, 1, 1, 2)),
        "family": max(1, round(rng.gauss(4.2, 2.0))),
        "network": max(0, round(rng.gauss(1.7, 1.3))),
        "professional": max(0, round(rng.gauss(1.7, 1.0))),
    }
    meeting: dict[str, Any] = {
        "date": day,
        "follow_up": follow_up,
        "venue": VENUE.pick(rng),
        "daytime_only": rng.random() < 0.7,
        "hours_total": hours_total,
        "hours_private": hours_private,
        "attendees": attendees,
    }
    if plan_made:
        meeting["plan"] = {
            "made": True,
            "evaluation": rng.random() < 0.95,
            "contingency": rng.random() < 0.89,
            "professional_help": rng.random() < 0.91,
        }
    else:
        meeting["plan"] = {"made": False}
    meeting["follow_up_agreed"] = False
    return meeting


def draw_satisfaction(rng: Random, meeting: dict) -> dict:
    """Anonymous forms after the meeting: returned by children 9%, adults 46%, professionals 31%."""
    people = meeting["attendees"]
    minors_out = people["minor_main"]
    adults_out = people["adult_main"] + people["family"] + people["network"]
    professionals_out = people["professional"]
    satisfaction: dict[str, Any] = {"forms_out": {"minors": minors_out, "adults": adults_out, "professionals": professionals_out}}
    minors = [
        {"meeting": _grade(rng, 7.8), "plan": _grade(rng, 7.6), "coordinator": _grade(rng, 8.3)}
        for _ in range(minors_out) if rng.random() < 0.09
    ]
    adults = [
        {"role": ADULT_ROLE.pick(rng), "meeting": _grade(rng, 8.0), "plan": _grade(rng, 8.0),
         "coordinator": _grade(rng, 8.5), "referrer": _grade(rng, 7.4, 1.4)}
        for _ in range(adults_out) if rng.random() < 0.46
    ]
    professionals = [
        {"meeting": _grade(rng, 7.3), "plan": _grade(rng, 6.8), "coordinator": _grade(rng, 7.8),
         "good_decision": GOOD_DECISION.pick(rng)}
        for _ in range(professionals_out) if rng.random() < 0.31
    ]
    if minors:
        satisfaction["minors"] = minors
    if adults:
        satisfaction["adults"] = adults
    if professionals:
        satisfaction["professionals"] = professionals
    own = {}
    if rng.random() < 0.8:
        own["professionals"] = _grade(rng, 7.6)
    if rng.random() < 0.8:
        own["regional_manager"] = _grade(rng, 8.2, 0.9)
    if own:
        satisfaction["coordinator"] = own
    return satisfaction


def _reasons(rng: Random, variant: str, minors: bool) -> list[str]:
    table = {"restorative": REASONS_RESTORATIVE, "group": REASONS_GROUP}.get(variant) or (REASONS_MINORS if minors else REASONS_ADULTS)
    reasons: list[str] = []
    for _ in range(_Table({1: 45, 2: 40, 3: 15}).pick(rng)):
        reason = table.pick(rng)
        if reason not in reasons:
            reasons.append(reason)
    return reasons


def case_as_of(case: dict, day: date) -> dict | None:
    """The case as it stood at the end of `day`: what had not happened yet cut off.

    None if it was not registered yet. The coordinator shows from the informative talk
    on; the outcome, stop reason and satisfaction forms only once closed.
    """
    history = [entry for entry in case["history"] if entry["date"] <= day]
    if not history:
        return None
    if len(history) == len(case["history"]):
        return case
    reached = {entry["phase"] for entry in history}
    cut: dict[str, Any] = {}
    for key, value in case.items():
        if key == "history":
            cut[key] = history
        elif key == "meetings":
            meetings = [m for m in value if m["date"] <= day]
            if meetings:
                cut[key] = meetings
        elif key in ("outcome", "stop_reason", "satisfaction"):
            continue  # only a closed case has them, and this one is not closed yet
        elif key in ("coordinator", "unfunded_start") and "informative_talk" not in reached:
            continue
        else:
            cut[key] = value
    return cut


# -- personal data ----------------------------------------------------------------------

def make_personal(
    rng: Random,
    case: dict,
    municipality: _Municipality,
    region_name: str,
    coordinator: _Coordinator | None,
    coordinator_ids: Sequence[str],
) -> dict:
    """A fictional family for a case: main persons, address, network, referrer contact,
    preferences (matching the assigned coordinator: the regiomanager did their work),
    people excluded for knowing the family, and a note now and then."""
    registered: date = case["history"][0]["date"]
    same_culture = coordinator is not None and rng.random() < 0.5
    culture = coordinator.culture if same_culture else CULTURE_FOR_FAMILY.pick(rng)
    family_name = rng.choice(culture["family"])
    main_persons = []
    if case["minors_involved"]:
        oldest = registered
        for _ in range(_Table({1: 60, 2: 30, 3: 10}).pick(rng)):
            first = rng.choice(culture[rng.choice(("female", "male"))])
            born = registered - timedelta(days=rng.randint(120, 17 * 365))
            oldest = min(oldest, born)
            main_persons.append({"name": f"{first} {family_name}", "birth_date": born, "role": "child"})
        if rng.random() < 0.7:
            first = rng.choice(culture[rng.choice(("female", "female", "male"))])
            born = oldest - timedelta(days=rng.randint(18 * 365, 42 * 365))
            main_persons.append({"name": f"{first} {family_name}", "birth_date": born, "role": "parent"})
    else:
        older = "elderly_care" in case["reasons"]
        first = rng.choice(culture[rng.choice(("female", "male"))])
        born = registered - timedelta(days=rng.randint(70 * 365, 95 * 365) if older else rng.randint(18 * 365 + 30, 80 * 365))
        main_persons.append({"name": f"{first} {family_name}", "birth_date": born, "role": "adult"})
    contact_first = main_persons[-1]["name"].split(" ")[0]
    postcode = municipality.postcode + rng.randint(0, 9)
    letters = "".join(rng.choices(POSTCODE_LETTERS, k=2))
    if letters in ("SA", "SD", "SS"):
        letters = "AB"
    personal: dict[str, Any] = {
        "main_persons": main_persons,
        "address": f"{rng.choice(STREETS)} {rng.randint(1, 180)}, {postcode} {letters} {municipality.name}",
        "phone": phone(rng),
    }
    if rng.random() < 0.8:
        personal["email"] = f"{ascii_slug(contact_first)[:1]}.{ascii_slug(family_name)}{rng.randint(1, 99)}@example.org"
    network = []
    for _ in range(rng.randint(2, 7)):
        kin = rng.random() < 0.8
        gender = rng.choice(("female", "male"))
        first, last = person_name(rng, culture if kin else CULTURE_FOR_FAMILY.pick(rng), gender)
        relation = rng.choice(RELATIONS[gender]) if kin else rng.choice(NOT_KIN)
        member: dict[str, Any] = {"name": f"{first} {last}", "relation": relation}
        if rng.random() < 0.6:
            member["phone"] = phone(rng)
        network.append(member)
    personal["network"] = network
    if case["referrer"] == "professional":
        org = rng.choice(ORGANISATIONS[case["referrer_org"]]).format(
            region=region_name, city=municipality.name, tree=rng.choice(TREES))
        ref_culture = CULTURE_FOR_FAMILY.pick(rng)
        initial = rng.choice("ABCDEFGHIJKLMNPRSTW")
        last = rng.choice(ref_culture["family"])
        personal["referrer_contact"] = {
            "name": f"{initial}. {last}",
            "organisation": org,
            "email": f"{initial.lower()}.{ascii_slug(last)}@example.org",
        }
    if rng.random() < 0.35:
        preferences: dict[str, Any] = {}
        if coordinator is not None:
            if rng.random() < 0.6:
                preferences["coordinator_gender"] = coordinator.gender if coordinator.gender != "nonbinary" else "any"
            spoken = [code for code in coordinator.languages if code != "nl"]
            if same_culture and spoken:
                preferences["languages"] = [spoken[0], "nl"]
            if same_culture and culture["culture"] and rng.random() < 0.5:
                preferences["culture"] = culture["culture"]
            if rng.random() < 0.3:
                age = registered.year - coordinator.birth_year
                preferences["coordinator_age"] = {"min": max(16, min(age, 100) - rng.randint(0, 15)), "max": min(100, max(age, 16) + rng.randint(0, 20))}
        else:
            preferences["coordinator_gender"] = rng.choice(("female", "male", "any"))
            if culture["languages"]:
                preferences["languages"] = [culture["languages"][0], "nl"]
        if preferences:
            personal["preferences"] = preferences
    if rng.random() < 0.08 and len(coordinator_ids) > 2:
        assigned = coordinator.id if coordinator else None
        excluded = sorted({rng.choice(coordinator_ids) for _ in range(rng.randint(1, 2))} - {assigned})
        if excluded:
            personal["exclude_coordinators"] = excluded
    if rng.random() < 0.25:
        personal["notes"] = note_for(rng, case)
    return personal


# -- the whole store --------------------------------------------------------------------

@dataclass
class GeneratedCase:
    case: dict
    personal: dict | None  # None: purged (see the purge log)

    @property
    def id(self) -> str:
        return self.case["id"]

    @property
    def folder(self) -> str:
        return f"cases/{self.id[4:8]}/{self.id}"


@dataclass
class SyntheticStore:
    today: date
    municipalities: dict
    coordinators: dict
    cases: list[GeneratedCase]
    purge_log: dict | None = None

    def files(self) -> Iterator[tuple[str, str]]:
        """Every file as (relative path, text), in a fixed order."""
        yield "municipalities.yaml", dump_yaml(self.municipalities)
        yield "coordinators.yaml", dump_yaml(self.coordinators)
        if self.purge_log is not None and self.purge_log["purges"]:
            yield "purge-log.yaml", dump_yaml(self.purge_log)
        for generated in self.cases:
            yield f"{generated.folder}/case.yaml", dump_yaml(generated.case)
            if generated.personal is not None:
                yield f"{generated.folder}/personal.yaml", dump_yaml(generated.personal)


def _registration_dates(rng: Random, count: int, first_year: int, today: date) -> list[date]:
    """Dates from `first_year` to today, growing during the first eight years, then flat."""
    years = list(range(first_year, today.year + 1))
    weights = []
    for year in years:
        weight = 0.4 + 0.6 * min(1.0, (year - first_year) / 8)
        if year == today.year:
            weight *= (today.timetuple().tm_yday) / 365
        weights.append((year, weight))
    table = _Table(weights)
    dates = []
    for _ in range(count):
        year = table.pick(rng)
        last = today if year == today.year else date(year, 12, 31)
        dates.append(date(year, 1, 1) + timedelta(days=rng.randint(0, (last - date(year, 1, 1)).days)))
    dates.sort()
    return dates


def generate(
    cases: int,
    coordinators: int,
    municipalities: int,
    seed: int,
    today: date,
    *,
    first_year: int = 2000,
    personal_within_days: int | None = 365,
    contract_share: float = 0.1,
    unfunded_share: float = 0.005,
    with_purge_log: bool = True,
) -> SyntheticStore:
    """A whole data store in memory, from one seed.

    `personal_within_days`: personal.yaml is kept for open cases and for cases closed
    within that many days (None: for every case); older ones count as purged by the
    monthly purge runs and are listed in the purge log (unless `with_purge_log` is false).
    Cases closed more than `retention_months` but less than `personal_within_days` ago
    keep their personal.yaml and so are "purge due": the work a purge benchmark measures.
    """
    if today.year < first_year:
        raise ValueError(f"today ({today}) lies before first_year ({first_year})")
    rng = Random(seed)
    pool = make_municipalities(rng, municipalities, today, first_year, contract_share)
    team = make_coordinators(rng, coordinators, pool, today, first_year)
    coordinator_ids = [c.id for c in team.coordinators]
    taken: set[str] = set()
    generated: list[GeneratedCase] = []
    purges: list[dict] = []
    for registered in _registration_dates(rng, cases, first_year, today):
        variant = VARIANT.pick(rng)
        minors = rng.random() < MINORS_BY_VARIANT[variant]
        referrer = REFERRER.pick(rng)
        referrer_org = (REFERRER_ORG_MINORS if minors else REFERRER_ORG_ADULTS).pick(rng) if referrer == "professional" else None
        conditions = rng.random() < (0.6 if referrer_org == "youth_protection" else 0.15 if referrer == "professional" else 0.03)
        life = draw_life(rng, registered, variant, minors)
        history = life["history"]
        start = history[1]["date"] if history[1]["phase"] == "informative_talk" else None
        muni, unfunded, coordinator = _place(rng, pool, team, registered, start, history[-1]["date"], variant, unfunded_share, today)
        if start is not None and coordinator is None and variant in EK2_VARIANTS:
            variant = "family"
            muni, unfunded, coordinator = _place(rng, pool, team, registered, start, history[-1]["date"], variant, unfunded_share, today)
        if start is not None and coordinator is None:
            # nobody free: the request is withdrawn before a talk (a realistic end, too)
            life = {"history": [history[0], {"phase": "closed", "date": registered + _days(rng, 2, 21)}],
                    "meetings": [], "outcome": "stopped", "stop_reason": "other"}
            history, start = life["history"], None
        if coordinator is not None:
            last_day = history[-1]["date"] if history[-1]["phase"] == "closed" and history[-1]["date"] <= today else date.max
            coordinator.ends.append(last_day)
        case_id = new_case_id(rng, registered.year, taken)
        case: dict[str, Any] = {
            "id": case_id,
            "variant": variant,
            "municipality": muni.code,
            "referrer": referrer,
        }
        if referrer_org:
            case["referrer_org"] = referrer_org
        case["minors_involved"] = minors
        case["conditions"] = conditions
        case["professional_help"] = PROFESSIONAL_HELP.pick(rng)
        case["reasons"] = _reasons(rng, variant, minors)
        if coordinator is not None:
            case["coordinator"] = coordinator.id
        if unfunded:
            case["unfunded_start"] = True
        case["history"] = history
        case["outcome"] = life["outcome"]
        if life["stop_reason"]:
            case["stop_reason"] = life["stop_reason"]
        if life["meetings"]:
            case["meetings"] = life["meetings"]
            if rng.random() < 0.85:
                case["satisfaction"] = draw_satisfaction(rng, life["meetings"][0])
        now = case_as_of(case, today)
        assert now is not None  # registered on or before today
        if coordinator is not None and "coordinator" not in now and rng.random() < 0.5:
            now = _insert_before(now, "history", "coordinator", coordinator.id)  # matched; the talk is to come
        personal = make_personal(rng, now, muni, pool.region_names[muni.region], coordinator, coordinator_ids)
        closed = now["history"][-1]["date"] if now["history"][-1]["phase"] == "closed" else None
        if closed is not None and personal_within_days is not None:
            purged = _purge_day(closed)
            if (today - closed).days > personal_within_days and purged <= today:
                personal = None
                purges.append({"case": case_id, "closed": closed, "purged": purged,
                               "paths": [f"cases/{registered.year}/{case_id}/personal.yaml"]})
        generated.append(GeneratedCase(now, personal))
    set_contract_budgets(pool, [g.case for g in generated], rng, today)
    purges.sort(key=lambda record: (record["purged"], record["case"]))
    generated.sort(key=lambda g: g.id)
    return SyntheticStore(today, pool.doc, team.doc, generated, {"purges": purges} if with_purge_log else None)


def _insert_before(mapping: dict, before: str, key: str, value: Any) -> dict:
    out: dict[str, Any] = {}
    for k, v in mapping.items():
        if k == before:
            out[key] = value
        out[k] = v
    return out


def _place(rng, pool: MunicipalityPool, team: CoordinatorPool, registered: date, start: date | None,
           last_day: date, variant: str, unfunded_share: float, today: date):
    """A municipality (funding the start if there is one) and a coordinator for a case."""
    munis = pool.municipalities
    unfunded = False
    if start is None:
        funded = pool.funding(registered, variant)
        muni = munis[_Table([(c.municipality, munis[c.municipality].weight) for c in funded]).pick(rng)] if funded else rng.choice(munis)
        return muni, False, None
    funded = pool.funding(start, variant)
    if funded and rng.random() >= unfunded_share:
        muni = munis[_Table([(c.municipality, munis[c.municipality].weight) for c in funded]).pick(rng)]
    else:
        covered = {c.municipality for c in funded}
        uncovered = [m for i, m in enumerate(munis) if i not in covered]
        if not uncovered:
            muni = munis[rng.choice(sorted(covered))]
        else:
            muni = rng.choice(uncovered)
            unfunded = True
    coordinator = pick_coordinator(rng, team, start, min(last_day, today), variant, muni.region)
    return muni, unfunded, coordinator


def write_store(store: SyntheticStore, out: Path) -> int:
    """Write every file under `out` (created if needed); returns the number of files."""
    out.mkdir(parents=True, exist_ok=True)
    made: set[str] = set()
    written = 0
    for relative, text in store.files():
        folder = relative.rpartition("/")[0]
        if folder and folder not in made:
            (out / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        with open(out / relative, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written += 1
    return written


def generate_store(out: Path, cases: int, coordinators: int, municipalities: int, seed: int, today: date, **options: Any) -> SyntheticStore:
    """Generate a store (see `generate` for the options) and write it under `out`."""
    store = generate(cases, coordinators, municipalities, seed, today, **options)
    write_store(store, Path(out))
    return store


# -- YAML, written fast -----------------------------------------------------------------
#
# The data is plain (mappings, lists, str, int, float, bool, date), so string formatting
# beats any YAML library by an order of magnitude. Style follows DATA-FORMAT.md: block
# mappings, flow style for a list of scalars and for a mapping of scalars, strings
# double-quoted (JSON escapes are valid YAML) unless they are safe as plain scalars.

_RESERVED = frozenset({"", "~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"})
_PLAIN_EXTRA = frozenset(" .-_/'()@")
# vocabulary codes that start with a digit yet are strings (`1_5y`)
_PLAIN_CODES = frozenset(code for code in get_args(ProfessionalHelp) if code[0].isdigit())


def _plain_ok(text: str, flow: bool) -> bool:
    if text in _PLAIN_CODES:
        return True
    if text.lower() in _RESERVED or not text[0].isalpha() or text[-1] == " ":
        return False
    for ch in text:
        if not (ch.isalnum() or ch in _PLAIN_EXTRA or (ch == "," and not flow)):
            return False
    return True


def _scalar(value: Any, flow: bool = False) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return value if _plain_ok(value, flow) else json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float, date)):
        return str(value)  # date: ISO 8601; float: repr, always with a dot or exponent
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _flow_map(mapping: dict) -> str:
    return "{" + ", ".join(f"{key}: {_scalar(value, True)}" for key, value in mapping.items()) + "}"


def _mapping(mapping: dict, indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in mapping.items():
        if isinstance(value, dict):
            if not value:
                out.append(f"{pad}{key}: {{}}\n")
            elif all(_is_scalar(v) for v in value.values()):
                out.append(f"{pad}{key}: {_flow_map(value)}\n")
            else:
                out.append(f"{pad}{key}:\n")
                _mapping(value, indent + 2, out)
        elif isinstance(value, list):
            if not value:
                out.append(f"{pad}{key}: []\n")
            elif all(_is_scalar(v) for v in value):
                out.append(f"{pad}{key}: [{', '.join(_scalar(v, True) for v in value)}]\n")
            else:
                out.append(f"{pad}{key}:\n")
                _sequence(value, indent + 2, out)
        elif isinstance(value, str) and "\n" in value and value.endswith("\n") and not value.endswith("\n\n") and not value.startswith(" "):
            out.append(f"{pad}{key}: |\n")
            inner = " " * (indent + 2)
            out.extend(f"{inner}{line}\n" if line else "\n" for line in value[:-1].split("\n"))
        else:
            out.append(f"{pad}{key}: {_scalar(value)}\n")


def _sequence(items: list, indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item and all(_is_scalar(v) for v in item.values()):
            out.append(f"{pad}- {_flow_map(item)}\n")
        elif isinstance(item, dict) and item:
            inner: list[str] = []
            _mapping(item, indent + 2, inner)
            out.append(f"{pad}- {inner[0][indent + 2:]}")
            out.extend(inner[1:])
        elif _is_scalar(item):
            out.append(f"{pad}- {_scalar(item)}\n")
        else:
            raise TypeError("nested lists and empty mappings in lists are not written")


def dump_yaml(data: dict) -> str:
    """A mapping as YAML 1.2 text that ruamel's safe loader reads back as the same data.

    Keys must be plain identifiers (they are written unquoted); values may be mappings,
    lists, str, int, float, bool, None or dates. Not a general YAML writer.
    """
    out: list[str] = []
    _mapping(data, 0, out)
    return "".join(out)
