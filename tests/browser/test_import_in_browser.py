"""In headless Chromium: a registrar uploads a 5,000-row decision file and watches a real worker import it."""

import pytest

from registry.models import Decision, ImportBatch, ImportStatus
from tests.registry.test_import_jobs import HEADER, csv_rows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROWS = 5_000
# Record every count the page shows, so the test knows the progress moved while the worker ran.
WATCH_COUNTS = """() => {
  window.seenCounts = [];
  new MutationObserver(() => window.seenCounts.push(parseInt(document.getElementById('rows_total').textContent, 10)))
    .observe(document.getElementById('rows_total'), {childList: true, characterData: true, subtree: true});
}"""


def test_registrar_uploads_5000_rows_and_watches_progress_to_the_report(
    browser, sign_in, live_server, users, settings, celery_worker_process, tmp_path, screenshot_dir
):
    settings.IMPORT_CHUNK_ROWS = 250
    path = tmp_path / "beslissingen.csv"
    path.write_text(HEADER + csv_rows(ROWS, bad_every=1000, bad_at=999), encoding="utf-8")
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam")
    page = context.new_page()
    page.goto(live_server.url + "/registratie/import/")
    sign_in(page, live_server.url, "alice")
    page.goto(live_server.url + "/registratie/import/")

    page.set_input_files("#import-file", str(path))
    page.click("#import-form button[type=submit]")
    page.wait_for_url("**/registratie/import/*/")
    page.evaluate(WATCH_COUNTS)
    try:
        page.wait_for_selector("#job-status[data-status=done]", timeout=120_000)
    except Exception:
        print(celery_worker_process.read_text())
        raise

    job = ImportBatch.objects.get()
    assert (job.status, job.rows_total, job.rows_rejected) == (ImportStatus.DONE, ROWS, 5)
    seen = page.evaluate("window.seenCounts")
    assert any(0 < count < ROWS for count in seen), seen  # the page showed the job part-way
    assert page.inner_text("#rows_total") == str(ROWS) and page.inner_text("#rows_created") == str(ROWS - 5)
    assert page.inner_text("#job-percent") == "100"
    lines = page.eval_on_selector_all("#report-rows tr", "rows => rows.map(r => parseInt(r.dataset.line, 10))")
    assert lines == [1001, 2001, 3001, 4001, 5001]  # line 1 is the header
    assert "radius_m" in page.inner_text("#report-rows")
    assert Decision.objects.count() == ROWS - 5
    page.screenshot(path=str(screenshot_dir / "import-job-report.png"))
    context.close()
