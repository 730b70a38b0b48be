# Chromium for the web client's browser tests (tests/Concord.Server.Tests/Browser → web/tests, playwright-core).
# Playwright never downloads a browser here: the tests point it at the distribution's /usr/bin/chromium.
apt_packages+=(chromium)
apt_probe+=(/usr/bin/chromium)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Screenshots of the main views, kept after the run (the temporary folder is removed).
export CONCORD_TEST_ARTIFACTS="${CONCORD_TEST_ARTIFACTS:-$root/TestResults/browser}"
