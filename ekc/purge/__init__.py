"""Owns the deletion of personal data: when a case's personal.yaml expires (`retention`),
which paths and cases a purge takes and what purge-log.yaml records (`plan`), reading
history for it (`scan`), the rewrite (`rewrite`, with `callbacks` running inside
git-filter-repo), the proof over every object (`proof`), and the journal that lets a killed
purge finish or roll back (`journal`). Which strings identify a person, and how they are
matched in every spelling, is ekc.core.identifying's.
"""

# git-filter-repo's callbacks (ekc.purge.callbacks) find the rules under .git/ekc/purge-work
# through it; here, not in `journal`, so that the callbacks' process imports nothing of git
RULES_ENV = "EKC_PURGE_RULES"
# and, beside them in the same folder, each commit's folder trees (rewrite.Plan.folder_trees):
# folders at most FOLDER_DEPTH deep, GONE the id where a folder went (scan.folder_trees)
FOLDER_TREES = "folder-trees.pickle"
FOLDER_DEPTH = 2  # `cases/2023`: where nearly every commit changes one
GONE = b"0" * 40
