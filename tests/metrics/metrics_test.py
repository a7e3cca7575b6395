#!/usr/bin/python3
"""Prometheus metrics test for storyline-server (issue 9).

Starts storyline-server with --metrics_listen, makes RPCs with the
`storyline` CLI, then starts Debian's real `prometheus` binary with a
generated config that scrapes the server every second, and asks
Prometheus's HTTP API (/api/v1/query) for the server's metrics until they
show what the RPCs did. A second test scrapes /metrics directly and checks
every metric family issue 9 lists, and that open connections are counted.

Usage:
  /usr/bin/python3 metrics_test.py --server PATH/storyline-server \
      --cli PATH/storyline --demo PATH/articles.jsonl [--prometheus PATH] \
      [unittest args...]

Needs: Debian's prometheus (/usr/bin/prometheus) and python3-grpcio.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request

ARGS = None  # filled in by main()
DEMO_ARTICLES = 96
WAIT_SECONDS = 60


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as resp:
        return resp.read().decode("utf-8")


def wait_for(what, fn, timeout=WAIT_SECONDS, interval=0.2):
    """Calls fn() until it returns a true value; fails with `what` on timeout."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            last = fn()
            if last:
                return last
        except (OSError, ValueError) as e:
            last = e
        time.sleep(interval)
    raise AssertionError("timed out waiting for %s (last: %r)" % (what, last))


def read(path):
    try:
        with open(path, "r", errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def scrape_value(text, name, labels=None):
    """The value of `name{labels}` in a /metrics exposition, or None."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        if all(got.get(k) == v for k, v in (labels or {}).items()):
            return float(m.group(3))
    return None


class MetricsTest(unittest.TestCase):
    tmpdir = None
    server = None
    prometheus = None

    @classmethod
    def setUpClass(cls):
        cls.tmpdir = tempfile.mkdtemp(prefix="storyline-metrics-")
        cls.start_server()
        cls.make_rpcs()
        cls.start_prometheus()

    @classmethod
    def tearDownClass(cls):
        for proc in (cls.prometheus, cls.server):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if cls.tmpdir:
            shutil.rmtree(cls.tmpdir, ignore_errors=True)

    @classmethod
    def start_server(cls):
        port_file = os.path.join(cls.tmpdir, "port")
        cls.server_log = os.path.join(cls.tmpdir, "server.log")
        with open(cls.server_log, "w") as log:
            cls.server = subprocess.Popen(
                [ARGS.server, "--index_dir=" + os.path.join(cls.tmpdir, "index"),
                 "--listen=127.0.0.1:0", "--port_file=" + port_file,
                 "--seed_jsonl=" + ARGS.demo, "--metrics_listen=127.0.0.1:0",
                 "--log_level=info"],
                stdout=log, stderr=subprocess.STDOUT)
        cls.grpc_port = int(wait_for("the server's port file",
                                     lambda: read(port_file).strip()))
        match = wait_for("the metrics port in the server log",
                         lambda: re.search(r"metrics at .* \(port (\d+)\)",
                                           read(cls.server_log)))
        cls.metrics_url = "http://127.0.0.1:%s/metrics" % match.group(1)
        cls.metrics_port = int(match.group(1))

    @classmethod
    def cli(cls, *args, expect=0):
        proc = subprocess.run([ARGS.cli, "--addr", "127.0.0.1:%d" % cls.grpc_port] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              timeout=60)
        if proc.returncode != expect:
            raise AssertionError("storyline %s exited %d, not %d: %s"
                                 % (" ".join(args), proc.returncode, expect, proc.stderr))
        return proc.stdout

    @classmethod
    def make_rpcs(cls):
        for query in ("council", "tidal barrage", "rovers"):
            cls.cli("search", query)
        cls.cli("get", "demo-002")
        cls.cli("get", "no-such-article", expect=3)
        cls.cli("stats")
        extra = os.path.join(cls.tmpdir, "extra.jsonl")
        with open(extra, "w") as f:
            for i in range(3):
                f.write(json.dumps({"id": "metrics-%d" % i, "title": "Metrics test %d" % i,
                                    "body": "An article about metrics number %d." % i}) + "\n")
        cls.cli("ingest", extra)

    @classmethod
    def start_prometheus(cls):
        config = os.path.join(cls.tmpdir, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: storyline\n    static_configs:\n"
                    "      - targets: ['127.0.0.1:%d']\n" % cls.metrics_port)
        cls.prometheus_log = os.path.join(cls.tmpdir, "prometheus.log")
        for _ in range(3):  # a free port can be taken between choosing and binding it
            port = free_port()
            with open(cls.prometheus_log, "w") as log:
                cls.prometheus = subprocess.Popen(
                    [ARGS.prometheus, "--config.file=" + config,
                     "--storage.tsdb.path=" + os.path.join(cls.tmpdir, "tsdb"),
                     "--web.listen-address=127.0.0.1:%d" % port],
                    stdout=log, stderr=subprocess.STDOUT)
            cls.prometheus_url = "http://127.0.0.1:%d" % port
            try:
                wait_for("prometheus to be ready",
                         lambda: cls.prometheus.poll() is None and
                         "Ready" in http_get(cls.prometheus_url + "/-/ready"), timeout=30)
                return
            except AssertionError:
                if cls.prometheus.poll() is None:
                    cls.prometheus.kill()
                cls.prometheus.wait()
        raise AssertionError("prometheus did not start:\n" + read(cls.prometheus_log)[-3000:])

    def query(self, promql):
        """Prometheus's instant vector for `promql`: [(labels, value)]."""
        url = self.prometheus_url + "/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        body = json.loads(http_get(url))
        self.assertEqual(body["status"], "success", body)
        return [(r["metric"], float(r["value"][1])) for r in body["data"]["result"]]

    def await_query(self, promql, predicate):
        def check():
            result = self.query(promql)
            return result if result and predicate(result) else None
        return wait_for("%s in Prometheus" % promql, check)

    def test_prometheus_scrapes_the_server_and_answers_queries(self):
        self.await_query('up{job="storyline"}', lambda r: r[0][1] == 1)
        self.await_query('storyline_rpcs_total{method="Search",code="OK"}',
                         lambda r: r[0][1] == 3)
        self.await_query('storyline_rpcs_total{method="GetArticle",code="NOT_FOUND"}',
                         lambda r: r[0][1] == 1)
        self.await_query('storyline_rpc_latency_seconds_count{method="Search"}',
                         lambda r: r[0][1] == 3)
        self.await_query('storyline_index_articles', lambda r: r[0][1] == DEMO_ARTICLES + 3)
        self.await_query('storyline_ingest_articles_total{result="indexed"}',
                         lambda r: r[0][1] == 3)
        self.await_query('storyline_admission_max_running{limiter="topic_clusters"}',
                         lambda r: r[0][1] >= 1)
        # Histograms work with PromQL's functions.
        self.await_query('histogram_quantile(0.99, sum by (le) '
                         '(storyline_rpc_latency_seconds_bucket{method="Search"}))',
                         lambda r: 0 < r[0][1] < 10)

    def test_direct_scrape_has_every_issue_9_metric(self):
        families = [
            "storyline_rpcs_total", "storyline_rpc_latency_seconds_bucket",
            "storyline_rpcs_in_flight", "storyline_rpcs_rejected_total",
            "storyline_rpcs_shed_total", "storyline_admission_running",
            "storyline_admission_waiting", "storyline_index_articles",
            "storyline_index_revision", "storyline_index_last_commit_timestamp_seconds",
            "storyline_semantic_model_age_seconds", "storyline_semantic_model_build_seconds",
            "storyline_ingest_articles_total", "storyline_writer_failures_total",
            "storyline_index_writable", "storyline_open_connections"]
        # The semantic model is built in the background a few seconds in.
        text = wait_for("every metric family",
                        lambda: (lambda t: t if all(scrape_value(t, f) is not None
                                                    for f in families) else None)(
                            http_get(self.metrics_url)))
        self.assertGreater(scrape_value(text, "storyline_index_revision"), 0)
        self.assertAlmostEqual(scrape_value(text, "storyline_index_last_commit_timestamp_seconds"),
                               time.time(), delta=600)
        self.assertEqual(scrape_value(text, "storyline_index_writable"), 1)
        self.assertEqual(scrape_value(text, "storyline_writer_failures_total"), 0)
        self.assertEqual(scrape_value(text, "storyline_ingest_articles_total",
                                      {"result": "received"}), 3)

    def test_open_connections_counts_client_connections(self):
        import grpc  # Debian's python3-grpcio
        target = "127.0.0.1:%d" % self.grpc_port
        channels = [grpc.insecure_channel(target, options=[("grpc.use_local_subchannel_pool", 1)])
                    for _ in range(3)]
        try:
            for ch in channels:
                grpc.channel_ready_future(ch).result(timeout=10)
            wait_for("3 open connections",
                     lambda: scrape_value(http_get(self.metrics_url),
                                          "storyline_open_connections") >= 3)
        finally:
            for ch in channels:
                ch.close()
        wait_for("connections to close",
                 lambda: scrape_value(http_get(self.metrics_url),
                                      "storyline_open_connections") == 0)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--demo", required=True)
    parser.add_argument("--prometheus", default=shutil.which("prometheus") or "/usr/bin/prometheus")
    ARGS, rest = parser.parse_known_args()
    if not os.access(ARGS.prometheus, os.X_OK):
        sys.stderr.write("metrics_test: no prometheus binary at %s (Debian package "
                         "'prometheus'; see scripts/install-deps.sh)\n" % ARGS.prometheus)
        return 2
    result = unittest.main(argv=[sys.argv[0]] + rest, exit=False).result
    if not result.wasSuccessful():
        sys.stderr.write("server log:\n%s\n" % read(MetricsTest.server_log)[-4000:]
                         if hasattr(MetricsTest, "server_log") else "")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
