"""Owns the gate against purged data coming back: the check of a range of commits
(`history_check`, behind `ekc validate --history` and CI) and the server's pre-receive
hook (`pre_receive`).
"""
