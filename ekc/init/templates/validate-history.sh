#!/bin/sh
# Written by `ekc init`. Used by the CI files: check the commits a push or merge request
# brings in, for purged files brought back and personal data in case.yaml.
#   sh ci/validate-history.sh BEFORE AFTER DEFAULT_BRANCH
# BEFORE is all zeros for a new branch, and missing from the clone after a forced push
# (a purge rewrites history); then the range starts where AFTER left the default branch,
# or, when there is no such point, covers every commit of AFTER.
set -eu
before=${1:-}
after=$2
default_branch=${3:-main}
zero=0000000000000000000000000000000000000000

known() { git cat-file -e "$1^{commit}" 2>/dev/null; }

if [ -n "$before" ] && [ "$before" != "$zero" ] && ! known "$before"; then
    git fetch --quiet --no-tags origin "$before" 2>/dev/null || true
fi
if [ -n "$before" ] && [ "$before" != "$zero" ] && known "$before"; then
    range="$before..$after"
else
    base=""
    if git fetch --quiet --no-tags origin "$default_branch" 2>/dev/null; then
        base=$(git merge-base FETCH_HEAD "$after" 2>/dev/null || true)
    fi
    if [ -n "$base" ] && [ "$base" != "$(git rev-parse "$after^{commit}")" ]; then
        range="$base..$after"
    else
        range="$zero..$after"
    fi
fi
echo "ekc validate --history $range" >&2
exec ekc validate ${EKC_FORMAT:+--format "$EKC_FORMAT"} --history "$range"
