"""`ekc.yaml`: the few numbers a foundation may tune."""

from pydantic import Field

from ekc.model.base import DataModel


class MatchWeights(DataModel):
    """How much each preference or default weighs in `ekc match`: the one place they live.

    A coordinator's score is the sum of the points earned; a preference that is missed or
    not stated earns nothing, so scores of one case compare like with like. Set any of
    them in `ekc.yaml` under `match_weights:`; the rules that earn them are in
    ekc/match/ranking.py. Hard rules (ekc/cases/eligibility.py) are never outweighed: an ineligible
    coordinator ranks below every eligible one whatever the weights.
    """

    gender: float = Field(default=3.0, ge=0, le=1000, allow_inf_nan=False, description="The family asked for a woman or a man, and the coordinator is one.")
    language_asked: float = Field(default=4.0, ge=0, le=1000, allow_inf_nan=False, description="Shared out over the languages the family asked for: each one the coordinator speaks earns its part.")
    language_shared: float = Field(default=2.0, ge=0, le=1000, allow_inf_nan=False, description="The coordinator can talk with the family without an interpreter: speaks one of the languages asked, or Dutch when none was asked.")
    culture: float = Field(default=2.0, ge=0, le=1000, allow_inf_nan=False, description="The culture the family asked for is among the coordinator's self-described cultures (case-insensitive).")
    age: float = Field(default=2.0, ge=0, le=1000, allow_inf_nan=False, description="The coordinator's age this year lies in the range the family asked for.")
    region: float = Field(default=1.5, ge=0, le=1000, allow_inf_nan=False, description="The case's municipality lies in one of the coordinator's home regions; half of it when only in the same province.")
    load: float = Field(default=1.0, ge=0, le=1000, allow_inf_nan=False, description="Times the share of the coordinator's places still free: spreads the work.")
    experience: float = Field(default=3.0, ge=0, le=1000, allow_inf_nan=False, description="A case with conditions and a coordinator with at least two conferences (closed cases that reached a meeting).")
    not_home_municipality: float = Field(default=0.5, ge=0, le=1000, allow_inf_nan=False, description="The coordinator lives outside the family's municipality (known from `home`): a preference, not a rule.")


class Settings(DataModel):
    retention_months: int = Field(default=3, ge=0, le=120)
    appointment_within_days: int = Field(default=2, ge=0, le=365)
    match_weights: MatchWeights = MatchWeights()
