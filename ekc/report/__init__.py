"""Owns the yearly research figures: each figure defined once over `case.yaml` data
(`figures`, pure), and their editions as text, markdown and HTML (`render`).
"""
