"""Test support: `git` (the one git helper: run git, make and commit repositories, run a child
`ekc`), `store` (the one store builder: small readable data repositories), `leak_scan` (every
place a person's strings survive in a repository) and `office` (the red-team office
repository of issue 12)."""
