#!/usr/bin/env bash
# Fails when any tracked C++ file differs from clang-format's output (the
# repo's .clang-format, Debian's clang-format-14). Fix with:
#   scripts/check_format.sh --fix
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT="${CLANG_FORMAT:-clang-format-14}"
mapfile -t files < <(git ls-files '*.cc' '*.h' ':!:fuzz/corpus/*')
if [[ "${1:-}" == "--fix" ]]; then
  "$CLANG_FORMAT" -i "${files[@]}"
  exit 0
fi
if ! "$CLANG_FORMAT" --dry-run --Werror "${files[@]}" 2>/tmp/check_format.$$; then
  grep -E '^[^ ].*: (error|warning):' /tmp/check_format.$$ | cut -d: -f1 | sort -u |
    sed 's/^/check_format.sh: not clang-format clean: /' >&2
  rm -f /tmp/check_format.$$
  echo "check_format.sh: run scripts/check_format.sh --fix" >&2
  exit 1
fi
rm -f /tmp/check_format.$$
echo "check_format.sh: ${#files[@]} files clean"
