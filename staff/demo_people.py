"""The people of the demo database (:mod:`staff.demo`): Montenegrin names, the countries and
cities where the diaspora lives, what members do and say, and phone numbers that reach nobody.

Every phone number is in a range a regulator keeps for films and books (Ofcom's 07700 900xxx,
ARCEP's 06 39 98 xx xx, ACMA's 0491 570 xxx, the North American 555-01xx), so a demo database
run by mistake with real credentials still cannot message a real person; e-mail addresses are
at example.org, Telegram ids above the ones Telegram has handed out.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

WOMEN = (
    "Ana", "Milica", "Jelena", "Marija", "Ivana", "Jovana", "Tijana", "Dragana", "Snežana",
    "Maja", "Sanja", "Nina", "Katarina", "Teodora", "Sara", "Anđela", "Nataša", "Vesna",
    "Danijela", "Biljana", "Milena", "Bojana", "Ljiljana", "Aleksandra", "Tamara", "Jasmina",
    "Amra", "Elma", "Lejla", "Merima", "Alma", "Dijana", "Kristina", "Radmila", "Gordana",
)  # fmt: skip
MEN = (
    "Marko", "Nikola", "Stefan", "Luka", "Milan", "Petar", "Vuk", "Filip", "Aleksandar",
    "Miloš", "Dejan", "Nemanja", "Igor", "Vladimir", "Dragan", "Zoran", "Goran", "Đorđe",
    "Bojan", "Darko", "Mirko", "Ivan", "Andrija", "Balša", "Danilo", "Vasilije", "Lazar",
    "Edin", "Amar", "Emir", "Almir", "Admir", "Nermin", "Gjergj", "Arben", "Gjon",
)  # fmt: skip
SURNAMES = (
    "Marković", "Popović", "Vujović", "Radović", "Vuković", "Nikolić", "Jovanović",
    "Petrović", "Đurović", "Kovačević", "Đukanović", "Vujošević", "Perović", "Bulatović",
    "Radulović", "Šćekić", "Brajović", "Lekić", "Drobnjak", "Vučinić", "Mijatović", "Knežević",
    "Raičević", "Bošković", "Šoć", "Ivanović", "Vešović", "Vukčević", "Mugoša", "Lakić",
    "Kaluđerović", "Bećirović", "Hodžić", "Kurpejović", "Murić", "Dešić", "Kalač", "Gjokaj",
    "Camaj", "Dedvukaj", "Nikprelaj", "Šabotić", "Medojević", "Milatović", "Martinović",
)  # fmt: skip

# Where the diaspora lives, weighted roughly as the programme's own estimates; each country's
# cities as members type them (local spellings, and now and then the Montenegrin one), all
# GeoNames cities of 15,000 people or more.
COUNTRIES: dict[str, tuple[int, tuple[str, ...]]] = {
    "DE": (22, ("Berlin", "München", "Frankfurt am Main", "Stuttgart", "Hamburg", "Köln",
                "Düsseldorf", "Dortmund", "Nürnberg", "Mannheim", "Minhen")),
    "US": (14, ("New York", "Chicago", "Detroit", "Los Angeles", "San Francisco", "Phoenix",
                "Houston", "Seattle", "Njujork")),
    "RS": (9, ("Beograd", "Novi Sad", "Niš", "Kragujevac", "Subotica", "Belgrade")),
    "AT": (8, ("Wien", "Graz", "Linz", "Salzburg", "Innsbruck", "Beč")),
    "CH": (8, ("Zürich", "Basel", "Bern", "Genève", "Luzern", "Lausanne", "Cirih")),
    "LU": (7, ("Luxembourg", "Esch-sur-Alzette", "Differdange", "Dudelange", "Luksemburg")),
    "FR": (5, ("Paris", "Lyon", "Marseille", "Nice", "Strasbourg", "Pariz")),
    "SE": (5, ("Stockholm", "Göteborg", "Malmö", "Uppsala", "Štokholm")),
    "BA": (5, ("Sarajevo", "Banja Luka", "Trebinje", "Bijeljina", "Mostar")),
    "HR": (4, ("Zagreb", "Split", "Rijeka", "Dubrovnik")),
    "TR": (4, ("Istanbul", "Ankara", "İzmir", "Bursa", "Istanbul")),
    "IT": (3, ("Roma", "Milano", "Trieste", "Torino", "Bari", "Rim")),
    "AU": (3, ("Sydney", "Melbourne", "Perth", "Brisbane")),
    "CA": (3, ("Toronto", "Vancouver", "Montreal", "Calgary")),
    "GB": (3, ("London", "Manchester", "Birmingham", "Edinburgh", "London")),
}  # fmt: skip
# The languages members there speak besides Montenegrin (programme.yaml's spoken_languages).
LOCAL_LANGUAGES = {
    "DE": ("de",), "AT": ("de",), "CH": ("de", "fr"), "LU": ("lb", "fr", "de"), "FR": ("fr",),
    "SE": ("sv",), "IT": ("it",), "TR": ("tr",), "US": ("en",), "CA": ("en", "fr"),
    "AU": ("en",), "GB": ("en",),
}  # fmt: skip
# Where members come from: the larger municipalities send more people abroad.
MUNICIPALITY_WEIGHTS = {
    "Podgorica": 14, "Nikšić": 8, "Bijelo Polje": 9, "Berane": 8, "Rožaje": 9, "Bar": 6,
    "Pljevlja": 5, "Plav": 6, "Ulcinj": 5, "Gusinje": 4, "Cetinje": 3, "Herceg Novi": 3,
    "Petnjica": 3, "Tuzi": 3, "Kotor": 2, "Budva": 2,
}  # fmt: skip
SECTOR_WEIGHTS = {
    "it": 12, "engineering": 9, "health": 10, "education": 6, "business": 8, "finance": 5,
    "law": 2, "public": 2, "tourism": 7, "construction": 9, "transport": 5, "agriculture": 2,
    "arts": 2, "student": 8, "retired": 5, "other": 3,
}  # fmt: skip
# Skills as members type them, in English and Montenegrin.
SKILLS = {
    "it": ("Software engineering, Python, cloud", "Programiranje, Java, baze podataka",
           "Data science and machine learning", "Sajber bezbjednost, mreže"),
    "engineering": ("Civil engineering, bridges", "Mašinski inženjer, energetika",
                    "Electrical engineering, renewables"),
    "health": ("Nurse, intensive care", "Ljekar, interna medicina", "Pharmacist",
               "Medicinska sestra, hitna pomoć"),
    "education": ("Teacher of mathematics", "Profesor njemačkog jezika", "University lecturer"),
    "business": ("Small business owner, retail", "Preduzetnik, ugostiteljstvo",
                 "Import-export, logistics"),
    "finance": ("Accountant, audit", "Bankarstvo, krediti za mala preduzeća"),
    "law": ("Lawyer, EU law", "Pravnik, radno pravo"),
    "public": ("Public administration, EU funds", "Lokalna samouprava, projekti"),
    "tourism": ("Hotel management", "Turistički vodič, agencija", "Chef, restaurant owner"),
    "construction": ("Site manager, construction", "Građevinarstvo, fasade",
                     "Carpenter and joiner"),
    "transport": ("Truck driver, logistics", "Vozač, međunarodni transport"),
    "agriculture": ("Organic farming, orchards", "Poljoprivreda, pčelarstvo"),
    "arts": ("Graphic design", "Muzičar, kompozitor"),
    "student": ("Master's in economics", "Student medicine", "PhD in physics"),
    "retired": ("Retired engineer, mentoring", "Penzioner, bivši nastavnik"),
    "other": ("Caregiver", "Frizer, sopstveni salon"),
}  # fmt: skip
MOTIVATIONS = {
    "en": (
        "I would like to bring what I learned abroad back to institutions at home.",
        "After fifteen years abroad I want to help my municipality with concrete projects.",
        "I have led similar reforms here and would like to share the experience.",
    ),
    "cnr": (
        "Želim da znanje koje sam stekao u inostranstvu prenesem institucijama u domovini.",
        "Nakon petnaest godina u inostranstvu želim da pomognem svojoj opštini.",
        "Vodila sam slične projekte ovdje i rado bih podijelila iskustvo.",
    ),
}
NOTES = (
    "Strong profile; invite to an interview.",
    "Jak profil, pozvati na razgovor.",
    "Host institution confirmed interest.",
    "Čeka se potvrda ministarstva.",
    "References checked.",
    "Available only remotely for the first month.",
)
IMPORT_SOURCES = ("diaspora-register-2019.xlsx", "embassy-berlin-contacts.csv")


def _ranges() -> Iterator[str]:
    """Phone numbers (E.164) from the ranges kept for fiction, mixed so every country's appear
    early."""
    pools = [
        iter([f"+447700900{n:03d}" for n in range(1000)]),
        iter([f"+3363998{n:04d}" for n in range(10000)]),
        iter([f"+61491570{n:03d}" for n in range(6, 160)]),
        iter(
            [
                f"+1{area}55501{n:02d}"
                for n in range(100)
                for area in (212, 312, 313, 415, 646, 718, 773, 416, 604, 514)
            ]
        ),
    ]
    while pools:
        for pool in list(pools):
            number = next(pool, None)
            if number is None:
                pools.remove(pool)
            else:
                yield number


@dataclass
class Phones:
    """Hands out each fictional number once (None once all are taken)."""

    numbers: Iterator[str]

    @classmethod
    def new(cls) -> Phones:
        return cls(_ranges())

    def take(self) -> str | None:
        return next(self.numbers, None)


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    """One key of ``weights``, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def name(rng: random.Random) -> str:
    """A Montenegrin first name and surname."""
    return f"{rng.choice(rng.choice((WOMEN, MEN)))} {rng.choice(SURNAMES)}"


def email(rng: random.Random, full_name: str, number: int) -> str:
    """An address at example.org made of the name (without accents)."""
    plain = full_name.lower().translate(str.maketrans("čćšžđ", "ccszd")).replace(" ", ".")
    return f"{plain}{number}@example.org"


def country(rng: random.Random) -> str:
    return rng.choices(list(COUNTRIES), weights=[weight for weight, _ in COUNTRIES.values()])[0]


def city(rng: random.Random, code: str) -> str:
    return rng.choice(COUNTRIES[code][1])


def languages(rng: random.Random, code: str, spoken: Sequence[str]) -> list[str]:
    """Montenegrin, the country's language(s), and often English."""
    chosen = ["cnr", *LOCAL_LANGUAGES.get(code, ())[: rng.randint(1, 2)]]
    if "en" not in chosen and rng.random() < 0.6:
        chosen.append("en")
    return [language for language in dict.fromkeys(chosen) if language in spoken]
