"""The CMO's channel catalogue and the channel maths: which marketplaces and directories suit which kind
of business line, where each line stands on them, and in which order to list the missing ones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from firstmate.domain.business import Entity, EntityKind
from firstmate.domain.snapshot import ListingStatus, Snapshot

MISSING = "missing"
NOT_RELEVANT = "—"

_BOATS = frozenset({EntityKind.CHARTER, EntityKind.GUEST_BRAND})
_ALL = frozenset(EntityKind)


@dataclass(frozen=True)
class Channel:
    """A marketplace or directory: which entity kinds it suits, what it takes, what it costs to set up,
    and how many people it reaches (1–5)."""

    name: str
    kinds: frozenset[EntityKind]
    commission: Decimal  # fraction of each booking (or the lead fee as an estimated share of the job)
    setup_days: int
    reach: int

    @property
    def score(self) -> Decimal:
        """Sequencing score: reach × (1 − commission) / setup days; more reach, less take, less work first."""
        return Decimal(self.reach) * (1 - self.commission) / Decimal(self.setup_days)


#: Typical owner-side commissions and effort in 2026; reach is a 1–5 judgement of audience size.
CATALOGUE: tuple[Channel, ...] = (
    Channel("Airbnb", frozenset({EntityKind.RENTAL}), Decimal("0.15"), 2, 5),
    Channel("Airbnb Experiences", _BOATS, Decimal("0.20"), 5, 5),
    Channel("Angi", frozenset({EntityKind.JUNK_REMOVAL}), Decimal("0.20"), 2, 3),
    Channel("Boatsetter", _BOATS, Decimal("0.20"), 3, 4),
    Channel("Booking.com", frozenset({EntityKind.RENTAL}), Decimal("0.15"), 3, 5),
    Channel("Clutch", frozenset({EntityKind.CONSULTING}), Decimal("0"), 5, 3),
    Channel("GetMyBoat", _BOATS, Decimal("0.12"), 2, 4),
    Channel("Google Business Profile", _ALL, Decimal("0"), 1, 5),
    Channel("LinkedIn", frozenset({EntityKind.CONSULTING, EntityKind.DELIVERY}), Decimal("0"), 1, 4),
    Channel("Nextdoor", frozenset({EntityKind.JUNK_REMOVAL}), Decimal("0"), 1, 3),
    Channel("Thumbtack", frozenset({EntityKind.JUNK_REMOVAL}), Decimal("0.15"), 1, 3),
    Channel("TripAdvisor", _BOATS, Decimal("0"), 1, 4),
    Channel("Viator", _BOATS, Decimal("0.20"), 3, 5),
    Channel("Vrbo", frozenset({EntityKind.RENTAL}), Decimal("0.08"), 2, 4),
    Channel("YachtWorld directory", frozenset({EntityKind.DELIVERY}), Decimal("0"), 2, 3),
    Channel("Yelp", frozenset({EntityKind.JUNK_REMOVAL}), Decimal("0"), 1, 4),
)
BY_NAME = {c.name.lower(): c for c in CATALOGUE}


@dataclass(frozen=True)
class Step:
    """A missing channel of one entity, in the order to list it (1 = first)."""

    order: int
    entity: Entity
    channel: Channel


def slug(text: str) -> str:
    """A key-safe form of a name: "Google Business Profile" → "google-business-profile"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def canonical(channel: str) -> str:
    """The catalogue's spelling of a channel when it is one (case-insensitive), else the name as given."""
    known = BY_NAME.get(channel.strip().lower())
    return known.name if known else channel.strip()


def sorted_entities(snapshot: Snapshot) -> list[Entity]:
    """Entities by name, then id, so every table and finding comes out in the same order."""
    return sorted(snapshot.entities, key=lambda e: (e.name.lower(), e.id))


def statuses(snapshot: Snapshot) -> dict[tuple[str, str], ListingStatus]:
    """(entity id, channel) → status from channels.csv; when a channel is given twice, live wins."""
    found: dict[tuple[str, str], ListingStatus] = {}
    for listing in snapshot.listings:
        key = (listing.entity, canonical(listing.channel))
        if found.get(key) is not ListingStatus.LIVE:
            found[key] = listing.status
    return found


def matrix_channels(snapshot: Snapshot) -> list[str]:
    """Catalogue channels that suit any entity kind present, plus every channel named in channels.csv."""
    kinds = {e.kind for e in snapshot.entities}
    names = {c.name for c in CATALOGUE if c.kinds & kinds}
    names |= {canonical(listing.channel) for listing in snapshot.listings}
    return sorted(names, key=str.lower)


def cell(entity: Entity, channel: str, found: dict[tuple[str, str], ListingStatus]) -> str:
    """ "live" / "listed" from channels.csv; "missing" when the catalogue says it suits the entity's kind;
    "—" otherwise (a channel outside the catalogue only counts for the entities listed on it)."""
    status = found.get((entity.id, channel))
    if status is not None:
        return status.value
    known = BY_NAME.get(channel.lower())
    return MISSING if known is not None and entity.kind in known.kinds else NOT_RELEVANT


def missing_channels(entity: Entity, found: dict[tuple[str, str], ListingStatus]) -> list[Channel]:
    """The catalogue channels that suit this entity and have no row, best score first (then by name)."""
    missing = [c for c in CATALOGUE if entity.kind in c.kinds and (entity.id, c.name) not in found]
    return sorted(missing, key=lambda c: (-c.score, c.name))


def sequence(snapshot: Snapshot) -> list[Step]:
    """Every entity's missing channels in listing order, entities by name."""
    found = statuses(snapshot)
    return [
        Step(order, entity, channel)
        for entity in sorted_entities(snapshot)
        for order, channel in enumerate(missing_channels(entity, found), start=1)
    ]


def next_overall(steps: list[Step]) -> Step | None:
    """The single best next listing across entities: the highest-scoring first step (ties: entity name)."""
    firsts = [s for s in steps if s.order == 1]
    if not firsts:
        return None
    return min(firsts, key=lambda s: (-s.channel.score, s.entity.name.lower(), s.entity.id))
