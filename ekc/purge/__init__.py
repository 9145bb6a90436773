"""Owns the deletion of personal data: when a case's personal.yaml expires (`retention`),
what a purge removes (`plan`), reading history for it (`scan`), the rewrite itself and its
proof (`rewrite`), and the journal that lets a killed purge finish or roll back (`journal`).
"""
