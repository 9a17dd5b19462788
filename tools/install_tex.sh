#!/usr/bin/env bash
# The Debian packages `make pdf` needs: Sphinx's LaTeX class and the packages it loads
# (texlive-latex-extra, texlive-fonts-recommended, tex-gyre), xelatex and the fonts the
# book is set in (texlive-xetex, fonts-freefont-otf), latexmk, rsvg-convert with the figures'
# font (librsvg2-bin, fonts-dejavu-core: the chapters' SVG figures become the PDF's, see
# _config.yml), and poppler-utils for the PDF tests. Installs the missing ones when run as root (apt-get update only then);
# otherwise prints the command to run and fails. Quick when all are there.
# `tools/install_tex.sh --list` prints the packages (.ci/run installs them with the others).
set -euo pipefail

packages=(texlive-latex-extra texlive-fonts-recommended tex-gyre texlive-xetex
          fonts-freefont-otf latexmk librsvg2-bin fonts-dejavu-core poppler-utils)
if [ "${1:-}" = --list ]; then
  echo "${packages[@]}"
  exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "tools/install_tex.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  $command -qq
else
  echo "make pdf needs these Debian packages; install them with:" >&2
  echo "  sudo $command" >&2
  exit 1
fi
