"""Pydantic models, one module per file kind of DATA-FORMAT.md."""
