"""Test support that is bigger than a helper: the leak scanner and the red-team office repository."""
