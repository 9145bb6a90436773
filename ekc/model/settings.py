"""`ekc.yaml`: the few numbers a foundation may tune."""

from pydantic import Field

from ekc.model.base import DataModel


class MatchWeights(DataModel):
    """How much each preference or default weighs in `ekc match`; see ekc/matching.py."""

    gender: float = 3.0
    language_asked: float = 4.0
    language_shared: float = 2.0
    culture: float = 2.0
    age: float = 2.0
    region: float = 1.5
    load: float = 1.0
    experience: float = 1.0
    not_home_municipality: float = 0.5


class Settings(DataModel):
    retention_months: int = Field(default=3, ge=0, le=120)
    appointment_within_days: int = Field(default=2, ge=0, le=365)
    match_weights: MatchWeights = MatchWeights()
