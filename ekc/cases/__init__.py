"""Owns a case's way through its phases: which transitions and data each phase needs
(`lifecycle`, pure), who may coordinate it (`eligibility`, pure), how a change is written
and committed (`workflow`), and how a clone hands out collision-free ids (`id_state`).
"""
