"""A co-operative's year-end surplus under the 2017 co-operatives law (农民专业合作社法), in integer fen.

Art. 42: a reserve (公积金) may be drawn from the year's surplus and is
quantified to each member (here by transaction volume). Art. 44: the
distributable surplus — after losses made good and the reserve — goes back to
the members by transaction volume, **at least 60 %**; the rest by each
member's contribution plus their reserve share plus an equal share of the
assets formed from state subsidies and donations. Every split is by largest
remainder, so no fen is made or lost; each member's share carries the
figures that explain it.
"""
from dataclasses import dataclass
from fractions import Fraction

from marketplace.domain.errors import DomainError
from marketplace.domain.money import BP, largest_remainder, round_half_up, share_bp

#: The law's floor for the part returned by transaction volume.
MIN_VOLUME_BP = 6_000


@dataclass(frozen=True)
class Member:
    member_id: int
    #: The year's transactions with the co-op (fen): what the member sold through it.
    volume_fen: int
    #: Paid-in contribution (fen).
    contribution_fen: int
    #: Reserve quantified to the member in earlier years (fen).
    reserve_share_fen: int = 0


@dataclass(frozen=True)
class Inputs:
    surplus_fen: int
    losses_covered_fen: int
    reserve_bp: int
    volume_bp: int
    #: Assets formed from state subsidies and donations, shared equally among members for the second part.
    subsidy_assets_fen: int = 0


@dataclass(frozen=True)
class Share:
    member_id: int
    reserve_fen: int
    by_volume_fen: int
    by_capital_fen: int
    #: The weight of the second part: contribution + reserve share + equal share of subsidy assets (fen, exact).
    capital_weight: Fraction

    @property
    def total_fen(self) -> int:
        return self.by_volume_fen + self.by_capital_fen


@dataclass(frozen=True)
class Distribution:
    reserve_fen: int
    distributable_fen: int
    volume_pool_fen: int
    capital_pool_fen: int
    shares: tuple[Share, ...]


def check_inputs(i: Inputs, members: list[Member]) -> None:
    if i.surplus_fen <= 0:
        raise DomainError("surplus_not_positive", field="surplus")
    if not 0 <= i.losses_covered_fen <= i.surplus_fen:
        raise DomainError("losses_out_of_range", field="losses")
    if not 0 <= i.reserve_bp <= BP:
        raise DomainError("percent_out_of_range", field="reserve_pct")
    if i.volume_bp < MIN_VOLUME_BP:
        raise DomainError("volume_share_below_law", field="volume_pct")
    if i.volume_bp > BP:
        raise DomainError("percent_out_of_range", field="volume_pct")
    if i.subsidy_assets_fen < 0:
        raise DomainError("advance_negative", field="subsidy_assets")
    if not members:
        raise DomainError("surplus_no_members")
    if any(m.volume_fen < 0 or m.contribution_fen < 0 or m.reserve_share_fen < 0 for m in members):
        raise DomainError("negative_input")


def distribute(i: Inputs, members: list[Member]) -> Distribution:
    check_inputs(i, members)
    after_losses = i.surplus_fen - i.losses_covered_fen
    reserve = share_bp(after_losses, i.reserve_bp)
    distributable = after_losses - reserve
    volume_pool = share_bp(distributable, i.volume_bp)
    capital_pool = distributable - volume_pool
    volumes = [m.volume_fen for m in members]
    if sum(volumes) == 0:  # no transactions at all: nothing can be returned by volume
        raise DomainError("surplus_no_volume")
    reserve_parts = largest_remainder(reserve, volumes)
    volume_parts = largest_remainder(volume_pool, volumes)
    equal = Fraction(i.subsidy_assets_fen, len(members))
    weights = [m.contribution_fen + m.reserve_share_fen + equal for m in members]
    # Exact weights as integers over their common denominator (the member count).
    scaled = [int(w * len(members)) for w in weights]
    if sum(scaled) == 0:
        capital_parts = largest_remainder(capital_pool, volumes)  # nothing else to go by: by volume
    else:
        capital_parts = largest_remainder(capital_pool, scaled)
    shares = tuple(Share(m.member_id, r, v, c, w)
                   for m, r, v, c, w in zip(members, reserve_parts, volume_parts, capital_parts, weights))
    return Distribution(reserve, distributable, volume_pool, capital_pool, shares)


def effective_volume_bp(d: Distribution) -> int:
    """The share actually returned by volume, in basis points of the distributable surplus (for display)."""
    return round_half_up(Fraction(d.volume_pool_fen * BP, d.distributable_fen)) if d.distributable_fen else 0
