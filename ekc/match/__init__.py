"""Owns the choice of a coordinator: the score and its reasons for one case and the exact
assignment of every waiting case at once (`ranking`), and the names of languages
(`languages`). Pure: the hard rules come from `ekc.cases.eligibility`.
"""
