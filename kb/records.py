"""Records that cross module boundaries: frozen dataclasses, UTC-aware datetimes.

``ArticleRecord`` is what ``ingest/`` hands to ``kb/``. ``Extraction`` and its parts are
what the NLP pipeline returns for one document; ``kb.store`` turns them into rows.
Character offsets in an ``Extraction`` refer to ``document_text(title, text)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

RELATION_TYPES = ("partnership", "investment", "acquisition", "supplier", "competitor")
#: Relation types whose source/target order carries no meaning.
UNDIRECTED_TYPES = frozenset({"partnership", "competitor"})
#: The side of a relation an organisation (a university, agency, public body) may take: a partner,
#: the customer of a supplier, the investor (a state fund, a development bank). An organisation
#: is not bought, and no company's rival (issue #4).
ORGANISATION_SIDES: dict[str, tuple[str, ...]] = {
    "partnership": ("source", "target"), "supplier": ("target",), "investment": ("source",),
}


def party_label(name: str, organisation: bool) -> str:
    """A relation party's name as people read it: marked when it is an organisation, not a company."""
    return f"{name} (organisation)" if organisation else name


def document_text(title: str | None, text: str) -> str:
    """The string the extractor reads: the title as its own paragraph, then the body."""
    title = (title or "").strip()
    return f"{title}\n\n{text}" if title else text


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """An article as ingest/ hands it to kb/; kb/ decides whether it is new."""

    url: str  #: canonical: no utm_*, fbclid, gclid, fragment
    source_url: str  #: the ``sources.url`` it came from
    title: str
    text: str  #: main text, plain (feed content, page extraction or file)
    guid: str | None = None
    author: str | None = None
    published: datetime | None = None  #: UTC; None when the source gave none
    summary: str | None = None
    text_origin: str = "feed"  #: feed | page | file


@dataclass(frozen=True, slots=True)
class KnownCompany:
    """A company the extractor should recognise: from the gazetteer or the knowledge base."""

    name: str
    aliases: tuple[str, ...] = ()
    ticker: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """One occurrence of a company in the document."""

    company: str  #: canonical name
    surface: str  #: the text as written
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Company:
    """A company the document mentions, once, under its canonical name."""

    name: str
    aliases: tuple[str, ...] = ()  #: other surface forms used in this document
    ticker: str | None = None


@dataclass(frozen=True, slots=True)
class Product:
    """A product or platform; never a company. ``owner`` when the text says whose it is."""

    name: str
    owner: str | None = None
    start: int = 0
    end: int = 0


@dataclass(frozen=True, slots=True)
class PersonRole:
    """A person, with a title and company when the text gives them."""

    name: str
    title: str | None = None
    company: str | None = None


@dataclass(frozen=True, slots=True)
class DealTerms:
    """Figures a relation's sentence states, when it states them."""

    amount: float | None = None  #: in units of ``currency`` (13e9 for "$13 billion")
    currency: str | None = None  #: ISO 4217 code
    stake: float | None = None  #: percent, 49.0 for "a 49% stake"
    date: str | None = None  #: as stated or normalised (e.g. "2025", "January 2022")

    def as_dict(self) -> dict[str, object]:
        return {k: v for k in self.__slots__ if (v := getattr(self, k)) is not None}


@dataclass(frozen=True, slots=True)
class Relation:
    """A business relation stated in one sentence of the document.

    Both parties are companies unless ``org_side`` names the side that is an other
    organisation: "KP Technology has partnered with Harvard University" is a partnership with
    ``org_side="target"``; an organisation is never bought nor a rival (kb.relations).
    """

    type: str  #: one of RELATION_TYPES
    source: str  #: canonical company name; for undirected types the order is arbitrary
    target: str
    sentence: str  #: the evidence
    start: int  #: offsets of the evidence sentence
    end: int
    confidence: float  #: 0..1
    terms: DealTerms = field(default_factory=DealTerms)
    #: "source" or "target" when that party is not a company but one of ``Extraction.other_orgs``
    #: (a university partner, an agency customer, a state fund investor), named as the text
    #: gives it; None when both parties are companies. At most one side is an organisation.
    org_side: str | None = None


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one document; a pure function of its text and the gazetteer."""

    companies: tuple[Company, ...] = ()
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()
    products: tuple[Product, ...] = ()
    people: tuple[PersonRole, ...] = ()
    other_orgs: tuple[str, ...] = ()  #: governments, regulators, universities...
