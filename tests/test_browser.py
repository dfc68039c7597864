"""The built book in a real browser: what a reader sees, checked in headless Chromium.

The strict smoke build (``built_book_html`` in conftest.py) is served on 127.0.0.1 and
opened in headless Chromium through Selenium and chromedriver (Debian packages ``chromium``
and ``chromium-driver``, or Google Chrome and its chromedriver as on GitHub's runners).
Pages come from ``_toc.yml`` (tools/book.py), so every chapter is covered as it lands.
For each chapter page: its lesson starts on the first screen, its figures load and show,
its math is typeset (by the MathJax served with the book: no network), no stderr block and
no temporary path shows, its citations resolve to the References page, it links its
exercise and the exercise links back, its launch buttons point at Binder and Colab for this
notebook, and a stand-in warning is visible exactly where the run card lists stand-in or
offline-copy data. Across the book: next/previous links walk the table of contents in
order, the sidebar links resolve, and search finds each chapter. A screenshot of every
chapter's first screen is kept in ``test-artifacts/``.

The browser resolves no host names (everything but 127.0.0.1 maps to nothing), so no
request leaves the machine. Without a browser the tests skip, except under CI
(``CI`` set), where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest
import yaml
from book import pages as toc_pages
from local_http import serving
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())

#: The reader's first screen: a laptop browser window.
SCREEN = (1280, 900)
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    f"--window-size={SCREEN[0]},{SCREEN[1]}",
    # Nothing but the local server: every other host name resolves to nothing.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]
#: A code cell that calls one of these draws (at least) one figure.
PLOT_CALL = re.compile(r"\bplots\.\w+\(|\bplt\.(?:plot|imshow|subplots|figure|show|bar|hist|scatter)\(|\.imshow\(")


# -- the book -----------------------------------------------------------------------------------

CHAPTERS = [page for page in toc_pages() if page.startswith("chapters/")]


def expected_launch_links(page: str) -> dict[str, str]:
    """The Binder and Colab targets of a notebook page, built from ``_config.yml``."""
    repository = CONFIG["repository"]
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?", repository["url"])
    assert match, f"repository url is not a GitHub repository: {repository['url']}"
    org, repo = match.groups()
    branch = repository.get("branch", "main")
    notebook = "/".join(part for part in (repository.get("path_to_book", "").strip("/"), f"{page}.ipynb") if part)
    buttons = CONFIG["launch_buttons"]
    interface = "lab/tree" if buttons.get("notebook_interface") == "jupyterlab" else "tree"
    return {
        "binder": f"{buttons['binderhub_url'].rstrip('/')}/v2/gh/{org}/{repo}/{branch}?urlpath={interface}/{notebook}",
        "colab": f"{buttons['colab_url'].rstrip('/')}/github/{org}/{repo}/blob/{branch}/{notebook}",
    }


def figure_cells(page: str) -> int:
    """How many code cells of the chapter's notebook draw a figure."""
    notebook = nbformat.read(ROOT / f"{page}.ipynb", as_version=4)
    return sum(1 for cell in notebook.cells if cell.cell_type == "code" and PLOT_CALL.search(cell.source))


# -- a local web server and a WebDriver client ----------------------------------------------------


@pytest.fixture(scope="module")
def site(built_book_html):
    """The built HTML served on 127.0.0.1; yields its base URL."""
    with serving(built_book_html) as root:
        yield root


def find_browser() -> tuple[str | None, str | None]:
    browser = os.environ.get("BDLS_CHROME") or next(filter(None, map(shutil.which, BROWSERS)), None)
    candidates = [
        os.environ.get("BDLS_CHROMEDRIVER"),
        shutil.which("chromedriver"),
        os.path.join(os.environ.get("CHROMEWEBDRIVER", "/nonexistent"), "chromedriver"),
        "/usr/lib/chromium/chromedriver",
    ]
    driver = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
    return browser, driver


class Browser:
    """A Selenium Chrome session with the few calls these tests make."""

    def __init__(self, driver: webdriver.Chrome):
        self.driver = driver

    def get(self, url: str) -> None:
        self.driver.get(url)

    @property
    def url(self) -> str:
        return self.driver.current_url

    def run(self, script: str, *args):
        """Run a JavaScript function body in the page; returns its JSON-able result."""
        return self.driver.execute_script(script, *args)

    def wait_for(self, script: str, timeout: float = 20.0, *args):
        """Poll a script until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.run(script, *args)
            if value or time.monotonic() > deadline:
                return value
            time.sleep(0.2)

    def click(self, css: str) -> None:
        self.driver.find_element(By.CSS_SELECTOR, css).click()

    def screenshot(self) -> bytes:
        return self.driver.get_screenshot_as_png()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chrome, chromedriver = find_browser()
    if not (chrome and chromedriver):
        message = (
            f"headless Chromium not found (browser: {chrome}, chromedriver: {chromedriver}); "
            "install the Debian packages chromium and chromium-driver"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    options = webdriver.ChromeOptions()
    options.binary_location = chrome
    for flag in CHROME_FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chrome-profile')}"]:
        options.add_argument(flag)
    service = Service(executable_path=chromedriver, log_output=str(tmp_path_factory.mktemp("chromedriver") / "log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(30)
    try:
        yield Browser(driver)
    finally:
        driver.quit()


def open_page(browser: Browser, site: str, page: str) -> None:
    browser.get(urllib.parse.urljoin(site, f"{page}.html"))
    assert browser.wait_for("return document.readyState === 'complete'"), f"{page} never finished loading"
    title = browser.run("return document.title")
    assert "404" not in title and "not found" not in title.lower(), f"{page}: {title}"


# -- per chapter ---------------------------------------------------------------------------------

FIGURES_JS = """
const images = [...document.querySelectorAll('.cell_output img')];
images.forEach(img => img.scrollIntoView());
return images.map(img => {
  const box = img.getBoundingClientRect();
  return {src: img.currentSrc || img.src, complete: img.complete, natural: [img.naturalWidth, img.naturalHeight],
          shown: [box.width, box.height], visibility: getComputedStyle(img).visibility};
});
"""


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_renders_its_figures(browser, site, page):
    open_page(browser, site, page)
    expected = figure_cells(page)
    browser.wait_for("return [...document.querySelectorAll('.cell_output img')].every(i => i.complete)")
    figures = browser.run(FIGURES_JS)
    assert len(figures) >= expected, (
        f"{page}: {expected} code cells draw a figure but the page shows {len(figures)} "
        "(was the book built with MPLBACKEND=agg? then the kernel displays no figures)"
    )
    for figure in figures:
        assert figure["complete"] and min(figure["natural"]) > 0, f"{page}: image not loaded: {figure}"
        assert min(figure["shown"]) > 0 and figure["visibility"] == "visible", f"{page}: image not shown: {figure}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_launch_buttons_point_at_binder_and_colab_for_this_notebook(browser, site, page):
    open_page(browser, site, page)
    links = set(browser.run("return [...document.querySelectorAll('a[href]')].map(a => a.href)"))
    expected = expected_launch_links(page)
    for service, url in expected.items():
        assert url in links, f"{page}: no {service} launch button for {url}; launch links: " + str(
            sorted(link for link in links if "binder" in link or "colab" in link)
        )
    assert (ROOT / f"{page}.ipynb").exists(), "the launch buttons open a notebook that is not in the repository"
    repository = CONFIG["repository"]["url"].rstrip("/")
    assert any(link.rstrip("/") == repository for link in links), f"{page}: no repository button"


RUN_CARD_JS = """
const card = document.querySelector('.bdls-run-card');
const rows = card ? [...card.querySelectorAll('tr')] : [];
const data = rows.filter(r => r.querySelector('th') && r.querySelector('th').textContent.trim() === 'data')
                 .map(r => r.querySelector('td').textContent.trim());
const warnings = [...document.querySelectorAll('.bdls-standin-warning')].map(w => {
  w.scrollIntoView();
  const box = w.getBoundingClientRect();
  return {text: w.textContent, shown: box.width > 0 && box.height > 0 && getComputedStyle(w).visibility === 'visible'
          && getComputedStyle(w).display !== 'none'};
});
return {card: !!card, data: data, warnings: warnings};
"""


def substitute_rows(rows: list[str]) -> list[str]:
    """Run-card data rows of stand-in or offline-copy data (``Provenance.summary`` wording)."""
    return [row for row in rows if "STAND-IN" in row or "offline copy" in row]


def test_substitute_rows_follow_the_run_card_wording():
    from lib.sources import Provenance

    rows = [Provenance("A", "s", origin).summary() for origin in ("original", "packaged", "generated")]
    assert substitute_rows(rows) == rows[1:]


@pytest.mark.parametrize("page", CHAPTERS)
def test_stand_in_warnings_are_visible_where_the_run_used_stand_ins(browser, site, page):
    open_page(browser, site, page)
    found = browser.run(RUN_CARD_JS)
    assert found["card"], f"{page}: no run card on the page"
    assert found["data"], f"{page}: the run card names no data"
    substitutes = substitute_rows(found["data"])
    assert len(found["warnings"]) == len(substitutes), (
        f"{page}: {len(substitutes)} data sources are not the original ({substitutes}) but the page shows "
        f"{len(found['warnings'])} warnings"
    )
    for row in substitutes:
        dataset = row.split(":")[0]
        matching = [w for w in found["warnings"] if dataset in w["text"]]
        assert matching and all(w["shown"] for w in matching), f"{page}: no visible warning for {row}"
        if "STAND-IN" in row:
            assert any("Stand-in data" in w["text"] for w in matching), f"{page}: {dataset} warning is too mild"


PAGE_JS = r"""
const main = document.querySelector('main') || document.body;
const prose = main.cloneNode(true);
prose.querySelectorAll('pre, code, .highlight, script, style, mjx-container').forEach(e => e.remove());
return {
  rawMath: (prose.textContent.match(/\\\(|\\\[|\$\$/g) || []).length,
  mathNodes: main.querySelectorAll('.math').length,
  typeset: main.querySelectorAll('mjx-container').length,
  stderr: main.querySelectorAll('.output.stderr, .cell_output .stderr').length,
  tempPaths: main.textContent.match(/\/tmp\/[\w.\/-]+|\/var\/folders\/[\w.\/-]+/g) || [],
  citations: [...main.querySelectorAll('a[href*="references.html#"]')].map(a => a.href),
  links: [...main.querySelectorAll('a[href]')].map(a => a.href),
};
"""
MATH_DONE_JS = (
    "const m = document.querySelectorAll('main .math').length;"
    "return m === 0 || document.querySelectorAll('main mjx-container').length > 0;"
)


def page_facts(browser: Browser, site: str, page: str) -> dict:
    open_page(browser, site, page)
    browser.wait_for(MATH_DONE_JS, 20)
    return browser.run(PAGE_JS)


def link_paths(links: list[str]) -> set[str]:
    return {urllib.parse.urlparse(link).path.lstrip("/").removesuffix(".html") for link in links}


def exercise_of(page: str) -> str:
    """The exercise page of a chapter page: the assignment whose id starts with the chapter's number."""
    number = page.split("/")[-1][:2]
    (exercise,) = [p for p in toc_pages() if p.startswith(f"exercises/release/{number}_")]
    return exercise


@pytest.mark.parametrize("page", CHAPTERS)
def test_math_is_typeset_without_network(browser, site, page):
    facts = page_facts(browser, site, page)
    assert facts["rawMath"] == 0, f"{page}: {facts['rawMath']} raw TeX delimiters in the text (MathJax did not run)"
    if facts["mathNodes"]:
        assert facts["typeset"] > 0, f"{page}: math on the page but nothing typeset"


@pytest.mark.parametrize("page", CHAPTERS)
def test_no_stderr_block_and_no_temporary_path(browser, site, page):
    facts = page_facts(browser, site, page)
    assert facts["stderr"] == 0, f"{page}: {facts['stderr']} stderr output blocks (tag the cell remove-stderr)"
    assert not facts["tempPaths"], f"{page}: temporary paths on the page: {facts['tempPaths'][:3]}"


def test_every_citation_resolves_to_an_entry_of_the_references_page(browser, site):
    cited = {}
    for page in CHAPTERS:
        facts = page_facts(browser, site, page)
        assert facts["citations"], f"{page} cites nothing"
        cited[page] = {urllib.parse.urlparse(link).fragment for link in facts["citations"]}
    open_page(browser, site, "references")
    anchors = set(browser.run("return [...document.querySelectorAll('[id]')].map(e => e.id)"))
    for page, fragments in cited.items():
        assert fragments <= anchors, f"{page}: citations without an entry: {sorted(fragments - anchors)}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_chapter_links_its_exercise_and_the_exercise_links_back(browser, site, page):
    exercise = exercise_of(page)
    assert exercise in link_paths(page_facts(browser, site, page)["links"]), f"{page} does not link {exercise}"
    assert page in link_paths(page_facts(browser, site, exercise)["links"]), f"{exercise} does not link {page}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_first_screen_starts_the_lesson(browser, site, page):
    """The first section heading of the lesson is on the first screen; a screenshot of it is kept."""
    open_page(browser, site, page)
    browser.run("window.scrollTo(0, 0)")
    top = browser.run("const h = document.querySelector('article h2'); return h ? h.getBoundingClientRect().top : null")
    height = browser.run("return window.innerHeight")
    ARTIFACTS.mkdir(exist_ok=True)
    png = browser.screenshot()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == SCREEN[0]
    assert len(png) > 20_000, f"{page}: the first screen is nearly blank ({len(png)} bytes)"
    (ARTIFACTS / f"{page.split('/')[-1]}.png").write_bytes(png)
    assert top is not None, f"{page} has no section heading"
    assert top < height, f"{page}: the first section starts {top:.0f} px down, below the first screen ({height} px)"


# -- across the book ------------------------------------------------------------------------------


def current_page(browser: Browser, site: str) -> str:
    path = urllib.parse.urlparse(browser.url).path
    return path.lstrip("/").removesuffix(".html")


def test_next_and_previous_links_walk_the_table_of_contents(browser, site):
    pages = toc_pages()
    open_page(browser, site, pages[0])
    visited = [current_page(browser, site)]
    for _ in pages[1:]:
        browser.click("a.right-next")
        browser.wait_for("return document.readyState === 'complete'")
        visited.append(current_page(browser, site))
        assert browser.run("return !!document.querySelector('main h1')"), f"{visited[-1]} has no heading"
    assert visited == pages
    assert not browser.run("return !!document.querySelector('a.right-next')"), "the last page links further"
    for _ in pages[1:]:
        browser.click("a.left-prev")
        browser.wait_for("return document.readyState === 'complete'")
        visited.append(current_page(browser, site))
    assert visited[len(pages) - 1 :] == pages[::-1]


def test_sidebar_lists_every_page_and_its_links_resolve(browser, site):
    open_page(browser, site, toc_pages()[0])
    links = browser.run("return [...document.querySelectorAll('nav.bd-docs-nav a[href]')].map(a => a.href)")
    listed = {urllib.parse.urlparse(link).path.lstrip("/").removesuffix(".html") for link in links}
    assert set(toc_pages()) <= listed
    for link in links:
        with urllib.request.urlopen(link, timeout=10) as response:
            assert response.status == 200, link


def search(browser: Browser, site: str, query: str) -> tuple[str, list[str]]:
    """Run the book's search page; returns its summary line and the pages found."""
    browser.get(urllib.parse.urljoin(site, "search.html?" + urllib.parse.urlencode({"q": query})))
    summary = browser.wait_for(
        "const s = document.querySelector('#search-results .search-summary, #search-results p');"
        "return s && s.textContent.trim() && !/Preparing|Searching/i.test(s.textContent) ? s.textContent : ''",
        30,
    )
    hits = browser.run("return [...document.querySelectorAll('#search-results ul.search li a')].map(a => a.href)")
    pages = sorted({urllib.parse.urlparse(hit).path.lstrip("/").removesuffix(".html") for hit in hits})
    return summary, pages


@pytest.mark.parametrize("page", CHAPTERS)
def test_search_finds_the_chapter_by_a_word_of_its_title(browser, site, page):
    open_page(browser, site, page)
    title = browser.run("return document.querySelector('main h1').textContent")
    word = max(re.findall(r"[A-Za-z]{4,}", title), key=len)
    summary, pages = search(browser, site, word.lower())
    assert summary, f"the search page never finished for {word!r}"
    assert page in pages, f"searching {word!r} (from {title!r}) found {pages}: {summary}"


def test_search_reports_no_results_for_a_nonsense_word(browser, site):
    summary, pages = search(browser, site, "qxzvjkwq")
    assert summary and pages == []


# -- every reader ---------------------------------------------------------------------------------

#: axe-core, pinned and fetched by tools/setup.sh (with the browser) into the virtual environment.
AXE = ROOT / ".venv" / "share" / "axe-core" / "axe.min.js"
#: The rules of WCAG 2.1, levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Violations the book does not control, by (rule, page), with the reason. A theme or Sphinx
#: upgrade that fixes one makes `test_known_accessibility_exceptions_still_occur` fail: drop it here.
KNOWN_VIOLATIONS = {
    ("aria-deprecated-role", "references"): "Sphinx's HTML writer marks bibliography entries "
    "role='doc-biblioentry', a role DPUB-ARIA 1.1 deprecated",
    ("aria-required-children", "references"): "Sphinx's citation list (role='doc-bibliography') "
    "holds its back-reference links directly",
}
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})
  .then(result => done(result.violations.map(v => ({
    id: v.id, count: v.nodes.length,
    where: v.nodes.slice(0, 2).map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').split('\\n')[1])}))))
  .catch(error => done(String(error)));
"""


def axe_violations(browser: Browser, site: str, page: str) -> list[dict]:
    if not AXE.exists():
        message = f"axe-core not found at {AXE}: run BDLS_SETUP_BROWSER=1 bash tools/setup.sh"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    open_page(browser, site, page)
    browser.driver.set_script_timeout(120)
    browser.run(AXE.read_text())
    violations = browser.driver.execute_async_script(AXE_RUN, WCAG_AA)
    assert isinstance(violations, list), f"axe-core failed on {page}: {violations}"
    return violations


@pytest.mark.parametrize("page", toc_pages())
def test_every_page_passes_wcag_aa(browser, site, page):
    """axe-core's WCAG 2.1 A/AA rules find nothing the book controls: contrast >= 4.5:1 (model
    summaries included), named controls, valid roles."""
    found = [v for v in axe_violations(browser, site, page) if (v["id"], page) not in KNOWN_VIOLATIONS]
    assert not found, f"{page}: " + "; ".join(f"{v['id']} x{v['count']} ({v['where']})" for v in found)


def test_a_feedback_page_passes_wcag_aa(browser, tmp_path, monkeypatch):
    """The feedback a student reads (nbgrader's page through the grader's template): axe-core's
    WCAG 2.1 A/AA rules find nothing. Graded without kernels, as in tests/test_grading_fast.py."""
    import grading_fixtures as fx
    from test_grading_fast import SCORES, FakeWorker, run

    course = fx.copy_course(fx.build_course(tmp_path / "template"), tmp_path / "course")
    subs = tmp_path / "subs"
    for student in SCORES:
        fx.submit(subs, student, fx.answered(course, {"square": fx.WRONG_SQUARE} if student == "s2" else None))
    run(course, subs, tmp_path / "run", FakeWorker(monkeypatch), feedback=True)
    with serving(course / "feedback") as feedback:
        found = axe_violations(browser, feedback, f"s2/{fx.ASSIGNMENT}/{fx.ASSIGNMENT}")
    assert not found, "; ".join(f"{v['id']} x{v['count']} ({v['where']})" for v in found)


def test_known_accessibility_exceptions_still_occur(browser, site):
    for page in {page for _, page in KNOWN_VIOLATIONS}:
        rules = {v["id"] for v in axe_violations(browser, site, page)}
        fixed = [rule for rule, where in KNOWN_VIOLATIONS if where == page and rule not in rules]
        assert not fixed, f"fixed upstream, remove from KNOWN_VIOLATIONS: {fixed}"


CODE_COLUMN_JS = """
const pre = document.querySelector('.cell_input pre');
const style = getComputedStyle(pre);
const probe = document.createElement('span');
probe.textContent = 'x'.repeat(100);
pre.appendChild(probe);
const character = probe.getBoundingClientRect().width / 100;
probe.remove();
const inner = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
const scrolling = [...document.querySelectorAll('.cell_input pre')].filter(p => p.scrollWidth > p.clientWidth + 1);
return {characters: inner / character, scrolling: scrolling.map(p => p.textContent.split('\\n')[0].slice(0, 60))};
"""


@pytest.mark.parametrize("page", CHAPTERS)
def test_code_fits_the_column(browser, site, page):
    """At a laptop's width the code column holds 88 characters (the chapters' line length) and no
    code cell scrolls sideways or is cut off."""
    open_page(browser, site, page)
    facts = browser.run(CODE_COLUMN_JS)
    assert facts["characters"] >= 88, f"{page}: the code column holds {facts['characters']:.1f} characters"
    assert not facts["scrolling"], f"{page}: code cells that scroll sideways: {facts['scrolling'][:3]}"


def test_one_search_box(browser, site):
    open_page(browser, site, CHAPTERS[0])
    shown = browser.run(
        "return [...document.querySelectorAll('.search-button-field, .search-button__button')]"
        ".filter(b => b.offsetParent !== null && b.getBoundingClientRect().width > 0).length"
    )
    assert shown == 1, f"{shown} search buttons on the page"
