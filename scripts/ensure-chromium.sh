#!/usr/bin/env bash
# The e2e tests drive Debian's Chromium at /usr/bin/chromium (see playwright.config.ts):
# Playwright's own browser downloads are not reachable from the machines this project runs on.
set -euo pipefail

readonly chromium=/usr/bin/chromium

if [[ -x $chromium ]]; then
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
  echo "ensure-chromium: $chromium missing; installing the Debian chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium
  if [[ ! -x $chromium ]]; then
    echo "ensure-chromium: apt-get installed chromium but $chromium is still missing" >&2
    exit 1
  fi
  "$chromium" --version
  exit 0
fi

cat >&2 <<MESSAGE
ensure-chromium: $chromium not found, and installing it needs root.
Install Debian's chromium package, then rerun:

    sudo apt-get install chromium

(Ubuntu's chromium is a snap, whose private /tmp
hides Playwright's temporary profile; run the tests in a Debian image instead.)
MESSAGE
exit 1
