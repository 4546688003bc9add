"""The benchmark command end to end on a tiny corpus: every section, every URL, the counts."""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from cables.benchmarking.urls import URLS

pytestmark = pytest.mark.django_db


def test_benchmark_writes_every_section(tmp_path):
    databases = ["sqlite"] + (["postgres"] if connection.vendor == "postgresql" else [])
    output = tmp_path / "results.json"
    call_command(
        "benchmark",
        cables=100,
        databases=",".join(databases),
        parse_pages=50,
        requests=2,
        seconds_per_url=5,
        workers=1,
        # Its own name, so that a benchmark run elsewhere on the server is left alone.
        postgres_database=f"cable_archive_bench_test_{tmp_path.name[-12:].lower()}",
        output=str(output),
    )
    results = json.loads(output.read_text())

    assert {"cores", "memory_mb", "cpu"} <= set(results["machine"])
    assert {"python", "django", "sqlite"} <= set(results["versions"])
    assert results["parse"]["cables"] == 50
    assert results["parse"]["per_second"] > 0
    assert results["corpus"]["cables"] == 100
    assert set(results["databases"]) == set(databases)
    for data in results["databases"].values():
        assert data["import"]["counts"] == {
            "imported": 100,
            "updated": 0,
            "unchanged": 0,
            "rejected": 0,
        }
        assert data["reimport"]["counts"]["unchanged"] == 100
        for key in ("main_peak_rss_mb", "tree_peak_rss_mb", "largest_process_maxrss_mb"):
            assert data["import"][key] > 0
        assert data["size"]["bytes"] > 0
        assert "cables_cable" in {table["table"] for table in data["size"]["tables"]}
        urls = data["web"]["urls"]
        assert [url["name"] for url in urls] == [name for name, _, _ in URLS]
        for url in urls:
            assert url["requests"] >= 1
            for key in ("p50_ms", "p95_ms", "p99_ms"):
                assert isinstance(url[key], float | int)
        home = next(url for url in urls if url["name"] == "home")
        assert home["errors"] == 0, home
