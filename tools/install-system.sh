#!/usr/bin/env bash
# Install the Debian packages loaxa needs, only those missing. Usage: install-system.sh run|doc|test
set -euo pipefail
mode="${1:-run}"
need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

have_cmd ffmpeg || need+=(ffmpeg)
have_cmd espeak-ng || need+=(espeak-ng)
# PDF import (pdfinfo, pdftotext): small, so every station has it.
have_cmd pdftotext || need+=(poppler-utils)
# Word 97–2003 (.doc) import needs LibreOffice, a large install most stations never need: only on request
# (mode doc: `make system-doc`, or WITH_DOC=1 for `make run`); without it a .doc is refused in one sentence
# naming this package.
if [ "$mode" = doc ] || [ "${WITH_DOC:-}" = 1 ]; then
  have_cmd soffice || need+=(libreoffice-writer-nogui)
fi
have_cmd openssl || need+=(openssl)  # the panel's self-signed HTTPS certificate (LOAXA_HTTPS)
if [ "$mode" = test ]; then
  have_cmd chromium || need+=(chromium)
  have_cmd icecast2 || need+=(icecast2)
  have_cmd soffice || need+=(libreoffice-writer-nogui)
  have_cmd pdftoppm || need+=(poppler-utils)
  have_cmd sox || need+=(sox)
  have_cmd recode || need+=(recode)  # the reference the VPS table is checked against
  have_cmd wrk || need+=(wrk)
  have_pkg fonts-dejavu-core || need+=(fonts-dejavu-core)
  have_pkg fonts-liberation || need+=(fonts-liberation)
  have_cmd pg_ctlcluster || need+=(postgresql)
fi
[ ${#need[@]} -eq 0 ] && exit 0

echo "Cài các gói hệ thống còn thiếu: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if have_cmd sudo; then SUDO="sudo"; else
    echo "Cần quyền root để cài ${need[*]}: hãy chạy 'apt-get install ${need[*]}' bằng tài khoản root." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
