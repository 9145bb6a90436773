"""Owns what "valid" means: the rules of DATA-FORMAT.md as plain functions from parsed
files to findings (`rules/`), the per-file judge whose verdicts the store caches
(`verdicts`), and the pipeline that runs the cross-file rules over a loaded repository.
"""
