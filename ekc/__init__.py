"""ekc: Eigen Kracht-conferenties over a git repository of plain YAML files."""

__version__ = "0.1.0"
