#!/bin/sh
# Written by `ekc init`. Used by the CI files: check the commits a push or merge request
# brings in, for purged files brought back and personal data in case.yaml.
#   sh ci/validate-history.sh BEFORE AFTER DEFAULT_BRANCH
# BEFORE is all zeros for a new branch, and missing from the clone after a forced push
# (a purge rewrites history); then the range starts where AFTER left the default branch,
# or, when there is no such point, covers every commit of AFTER.
# The purge log that counts is the one on the server's default branch, fetched here from
# the server: the pushed copy may come from a clone made before a purge.
set -eu
before=${1:-}
after=$2
default_branch=${3:-main}
zero=0000000000000000000000000000000000000000

known() { git cat-file -e "$1^{commit}" 2>/dev/null; }
server_log=refs/ekc/server-default

if git fetch --quiet --no-tags origin "+refs/heads/$default_branch:$server_log" 2>/dev/null; then
    from_server="--purge-log-from $server_log"
elif [ -z "$(git ls-remote origin "refs/heads/$default_branch" 2>/dev/null)" ] && git ls-remote origin >/dev/null 2>&1; then
    from_server=""  # a new repository: no default branch yet, so nothing purged yet
else
    echo "ekc: cannot fetch $default_branch from the server, so its purge-log.yaml cannot be read" >&2
    exit 2
fi

if [ -n "$before" ] && [ "$before" != "$zero" ] && ! known "$before"; then
    git fetch --quiet --no-tags origin "$before" 2>/dev/null || true
fi
if [ -n "$before" ] && [ "$before" != "$zero" ] && known "$before"; then
    range="$before..$after"
else
    base=""
    if [ -n "$from_server" ]; then
        base=$(git merge-base "$server_log" "$after" 2>/dev/null || true)
    fi
    if [ -n "$base" ] && [ "$base" != "$(git rev-parse "$after^{commit}")" ]; then
        range="$base..$after"
    else
        range="$zero..$after"
    fi
fi
echo "ekc validate --history $range" >&2
# $from_server is unquoted on purpose: empty, or an option and its value
exec ekc validate ${EKC_FORMAT:+--format "$EKC_FORMAT"} --history "$range" $from_server
