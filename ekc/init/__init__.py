"""Owns the making of a new data repository: the files, CI and hook configuration
(`scaffold`, `templates/`), its git start (`newrepo`), a fictional sample history
(`sample_history`), and the JSON Schemas of every file kind (`schema`, `schema_files`).
"""
