# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Live mode and appends (new and late entries), the admin endpoints, and TLS."""

from __future__ import annotations

import datetime
import os
import time

import pytest
import requests

CONTRACT = 31909628
POLL_SECONDS = 10.0


def utc(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def now_args(days: str = "1") -> tuple:
    """Data that ends now, so live entries (stamped now) follow it directly."""
    until = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    return until, ("--until", utc(until), "--days", days, "--entries", "300", "--contracts", "2")


def wait_for(condition, what: str):
    """Poll a condition a bounded number of times."""
    deadline = time.monotonic() + POLL_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_live_entries_appear_and_a_pinned_date_end_keeps_the_window_stable(start_emulator):
    until, args = now_args()
    with start_emulator(*args, "--live-rate", "40") as process:
        pinned = utc(datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1))
        stable = process.page(CONTRACT, limit=0, dateEnd=pinned)["hits"]["total"]
        wait_for(lambda: process.page(CONTRACT, limit=0)["hits"]["total"] > 320, "live entries")
        newest = process.page(CONTRACT, limit=5)["hits"]["hits"]
        assert all(hit["_source"]["meta"]["time"] >= utc(until) for hit in newest)
        assert process.page(CONTRACT, limit=0, dateEnd=pinned)["hits"]["total"] == stable
        assert process.page(31909629, limit=0)["hits"]["total"] > 300  # every contract grows
        truth = process.ground_truth(CONTRACT)
        paged = process.paged_sources(CONTRACT, 1000, dateEnd=pinned)
        assert len({entry["@uuid"] for entry in paged}) == len(paged) == stable
        assert len(truth["ids"]) == len(set(truth["ids"])) >= 320


def test_live_lag_lands_entries_inside_earlier_windows(start_emulator):
    until, args = now_args()
    earlier = {"dateStart": utc(until - datetime.timedelta(hours=1)), "dateEnd": utc(until)}
    with start_emulator(*args, "--live-rate", "40", "--live-lag", "3600") as process:
        before = process.ground_truth(CONTRACT, **earlier)["total"]
        wait_for(lambda: process.ground_truth(CONTRACT, **earlier)["total"] > before + 5, "late entries in an earlier window")
        # Entries keep arriving between the calls: the API's count lies between the store's counts before and after it.
        first = process.ground_truth(CONTRACT, **earlier)["total"]
        counted = process.page(CONTRACT, limit=0, **earlier)["hits"]["total"]
        assert first <= counted <= process.ground_truth(CONTRACT, **earlier)["total"]


def test_append_endpoint_now_and_lagged(start_emulator):
    until, args = now_args()
    with start_emulator(*args) as process:
        url = f"{process.url}/_emulator/append/{CONTRACT}"
        appended = process.session.post(url, params={"count": 5}, timeout=10).json()
        assert appended["count"] == 5 and len(set(appended["ids"])) == 5
        newest = [hit["_source"]["@uuid"] for hit in process.page(CONTRACT, limit=5)["hits"]["hits"]]
        assert sorted(newest) == sorted(appended["ids"])
        assert process.page(CONTRACT, limit=0)["hits"]["total"] == 305

        day = {"dateStart": utc(until - datetime.timedelta(days=2)), "dateEnd": utc(until)}
        before = process.ground_truth(CONTRACT, **day)["ids"]
        late = process.session.post(url, params={"count": 30, "lag": 86400}, timeout=10).json()["ids"]
        after = process.ground_truth(CONTRACT, **day)["ids"]
        landed = [uuid for uuid in late if uuid in after]
        assert len(landed) >= 25  # all but those stamped in the few seconds since --until
        assert sorted(after) == sorted(before + landed)
        paged = [entry["@uuid"] for entry in process.paged_sources(CONTRACT, 100, **day)]
        assert paged == after[::-1]


@pytest.mark.parametrize("params, status", [({"count": "x"}, 400), ({"count": "-1"}, 400), ({"lag": "soon"}, 400), ({"count": "200000"}, 400)])
def test_append_validates_its_parameters(emulator, params, status):
    response = emulator.session.post(f"{emulator.url}/_emulator/append/{emulator.contracts[0]}", params=params, timeout=10)
    assert response.status_code == status and response.json()["httpStatus"] == status


def test_admin_errors_and_openapi(emulator):
    assert emulator.session.get(f"{emulator.url}/_emulator/entries/999", timeout=10).status_code == 404
    assert emulator.session.get(f"{emulator.url}/_emulator/entries/{emulator.contracts[0]}", params={"dateEnd": "bad"}, timeout=10).status_code == 400
    assert emulator.session.get(f"{emulator.url}/_emulator/nothing", timeout=10).status_code == 404
    assert emulator.session.get(f"{emulator.url}/_emulator/append/{emulator.contracts[0]}", timeout=10).status_code == 405
    document = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs", "openapi.yaml")
    response = emulator.session.get(f"{emulator.url}/_emulator/openapi.yaml", timeout=10)
    if os.path.exists(document):
        with open(document, "rb") as handle:
            assert response.status_code == 200 and response.content == handle.read()
    else:
        assert response.status_code == 404


@pytest.fixture(name="tls_files", scope="module")
def tls_files_fixture(tmp_path_factory):
    trustme = pytest.importorskip("trustme")
    directory = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    paths = {name: str(directory / f"{name}.pem") for name in ("ca", "cert", "key")}
    authority.cert_pem.write_to_path(paths["ca"])
    for blob in certificate.cert_chain_pems:
        blob.write_to_path(paths["cert"], append=True)
    certificate.private_key_pem.write_to_path(paths["key"])
    return paths


def test_tls_serves_https_verifiable_with_the_ca(start_emulator, tls_files):
    with start_emulator("--entries", "50", "--contracts", "1", "--tls-cert", tls_files["cert"], "--tls-key", tls_files["key"]) as process:
        assert process.line.startswith("emulator listening on https://127.0.0.1:")
        response = requests.get(f"{process.url}/activitylog/v1/contracts/{CONTRACT}", verify=tls_files["ca"], timeout=10,
                                headers={"Authorization": "Bearer reseller-token"})
        assert response.status_code == 200 and response.json()["hits"]["total"] == 50
        assert requests.get(f"{process.url}/activitylog/v1", verify=tls_files["ca"], timeout=10).json()["href"].startswith("https://")
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{process.url}/activitylog/v1", timeout=10)
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(f"http://127.0.0.1:{process.port}/activitylog/v1", timeout=5)
        assert requests.get(f"{process.url}/_emulator/health", verify=tls_files["ca"], timeout=10).json() == {"ok": True}


def test_tls_with_a_bad_key_is_refused(run_emulator, tls_files):
    result = run_emulator("--port", "0", "--tls-cert", tls_files["cert"], "--tls-key", tls_files["ca"])
    assert result.returncode == 2 and "emulator: error:" in result.stderr
