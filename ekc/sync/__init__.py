"""Owns `ekc sync` (sync.py: fetch, and after a purge elsewhere the move onto the new
history) and the stale-clone check every other command makes (stale.py)."""
