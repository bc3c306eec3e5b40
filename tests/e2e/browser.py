"""The browser the end-to-end tests drive: Debian's Chromium, headless, at three screen sizes."""

from playwright.sync_api import Error as PlaywrightError

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]
TABLET = {"width": 1280, "height": 800}
PORTRAIT = {"width": 800, "height": 1280}
PHONE = {"width": 390, "height": 844}


def close_page(page) -> None:
    """Close a page without racing a navigation. Chromium can take a close that arrives as a
    navigation commits (a form's redirect, a page that moves itself on) and never close the
    page, and page.close() has no timeout: it hung a whole run (crbug.com/536385539). A blank
    page, loaded, has no navigation left to race."""
    try:
        page.goto("about:blank", timeout=15_000)
    except PlaywrightError:
        pass  # closing is still the right thing to try
    page.close()
