"""The edges: finding the data repository, reading and writing YAML, git."""
