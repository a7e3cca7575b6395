#!/usr/bin/python3
"""Defect 10 of issue 11 on a real corpus: Search's total_size must not
change while paging. On the BBC corpus, "economy growth" used to report 400
on the first pages and 319 (the exact count) on the last ones.

Usage:
  /usr/bin/python3 total_size_test.py --server PATH/storyline-server \
      --corpus PATH/bbc/articles.jsonl --proto_dir PATH/proto
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import grpc

import api_test

ARGS = None
PATH = "storyline.v1.StoryService/Search"


class TotalSizeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmpdir = tempfile.mkdtemp(prefix="storyline-total-")
        api_test.ARGS = ARGS
        cls.api = api_test.Api(cls.tmpdir)
        port_file = os.path.join(cls.tmpdir, "port")
        cls.proc = subprocess.Popen(
            [ARGS.server, "--index_dir=" + os.path.join(cls.tmpdir, "index"),
             "--listen=127.0.0.1:0", "--port_file=" + port_file, "--seed_jsonl=" + ARGS.corpus,
             "--semantic_rank=0", "--log_level=warn"],
            stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            if time.monotonic() > deadline or cls.proc.poll() is not None:
                raise AssertionError("the server did not start")
            time.sleep(0.1)
        with open(port_file) as f:
            cls.channel = grpc.insecure_channel("127.0.0.1:" + f.read().strip())

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.proc.send_signal(signal.SIGTERM)
        cls.proc.wait(timeout=30)
        shutil.rmtree(cls.tmpdir, ignore_errors=True)

    def test_total_size_is_the_same_on_every_page(self):
        method = self.api.method(PATH)
        stub = self.channel.unary_unary(
            "/" + PATH, request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=self.api.factory.GetPrototype(method.output_type).FromString)
        for query in ("economy growth", "film award", "rates"):
            with self.subTest(query=query):
                req = self.api.request(PATH, '{"query": "%s", "pageSize": 10}' % query)
                totals, seen = [], 0
                for _ in range(200):
                    resp = stub(req, timeout=10)
                    totals.append(resp.total_size)
                    seen += len(resp.results)
                    if not resp.next_page_token:
                        break
                    req.page_token = resp.next_page_token
                self.assertGreater(len(totals), 2)
                self.assertEqual(len(set(totals)), 1, "total_size moved: %s" % sorted(set(totals)))
                self.assertGreaterEqual(totals[0], seen)


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--proto_dir", required=True)
    ARGS, rest = parser.parse_known_args()
    prog = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
