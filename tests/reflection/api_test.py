#!/usr/bin/python3
"""The Storyline API as other services see it, from Python grpcio.

A client we did not write (Debian's python3-grpcio and python3-protobuf)
calls a real storyline-server and checks:
  - error details: the `grpc-status-details-bin` trailer decodes as a
    google.rpc.Status (the way grpcio-status' rpc_status.from_call does),
    with ErrorInfo, BadRequest and RetryInfo;
  - paging: SimilarStories and Recommend page tokens (no gaps, no
    duplicates, refused for another request), a Search total_size that
    stays put while paging;
  - the API design guide changes: ORDER_BY_ enum names with the old names
    still accepted (JSON and binary), TimeWindow beside the deprecated
    filter fields, DeleteArticles allow_missing;
  - every JSON example in README.md parses as the request it is sent as.

Message classes are built at test time from our .proto files (protoc
--descriptor_set_out), never from generated code in the tree.

Usage:
  /usr/bin/python3 api_test.py --server PATH/storyline-server \
      --demo PATH/articles.jsonl --proto_dir PATH/proto --readme PATH/README.md
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

try:
    import grpc
    from google.protobuf import descriptor_pb2
    from google.protobuf import descriptor_pool
    from google.protobuf import json_format
    from google.protobuf import message_factory
except ImportError as e:  # pragma: no cover - environment problem
    sys.stderr.write("api_test: cannot import grpc/protobuf (%s); run with /usr/bin/python3\n" % e)
    sys.exit(2)

GRPC_PROTO_ROOT = "/usr/share/grpc-proto"
DETAILS_KEY = "grpc-status-details-bin"
TIMEOUT = 10
ARGS = None


class Api(object):
    """Message classes from our protos, and calls by method name."""

    def __init__(self, tmpdir):
        desc = os.path.join(tmpdir, "api.desc")
        cmd = ["protoc", "--include_imports", "--descriptor_set_out=" + desc,
               "-I", ARGS.proto_dir, "-I", GRPC_PROTO_ROOT,
               "storyline/v1/story_service.proto", "google/rpc/status.proto",
               "google/rpc/error_details.proto", "grpc/health/v1/health.proto"]
        subprocess.run(cmd, check=True)
        files = descriptor_pb2.FileDescriptorSet()
        with open(desc, "rb") as f:
            files.ParseFromString(f.read())
        self.pool = descriptor_pool.DescriptorPool()
        for fdp in files.file:
            self.pool.Add(fdp)
        self.factory = message_factory.MessageFactory(self.pool)

    def cls(self, full_name):
        return self.factory.GetPrototype(self.pool.FindMessageTypeByName(full_name))

    def method(self, path):
        service, name = path.split("/")
        return self.pool.FindServiceByName(service).FindMethodByName(name)

    def request(self, path, json_text):
        req = self.factory.GetPrototype(self.method(path).input_type)()
        json_format.Parse(json_text, req)
        return req


class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmpdir = tempfile.mkdtemp(prefix="storyline-api-")
        cls.proc = None
        try:
            cls.api = Api(cls.tmpdir)
            cls._start_server()
            cls.channel = grpc.insecure_channel("127.0.0.1:%d" % cls.port)
            grpc.channel_ready_future(cls.channel).result(timeout=TIMEOUT)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "channel", None) is not None:
            cls.channel.close()
            cls.channel = None
        if cls.proc is not None and cls.proc.poll() is None:
            cls.proc.send_signal(signal.SIGTERM)
            try:
                cls.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                cls.proc.kill()
                cls.proc.wait()
        cls.proc = None
        shutil.rmtree(cls.tmpdir, ignore_errors=True)

    @classmethod
    def _start_server(cls):
        index_dir = os.path.join(cls.tmpdir, "index")
        os.mkdir(index_dir)
        port_file = os.path.join(cls.tmpdir, "port")
        cls.log_path = os.path.join(cls.tmpdir, "server.log")
        # No semantic model (TopicClusters stays UNAVAILABLE), one expensive
        # read at a time and none waiting, each read held 100 ms: a second
        # concurrent TopicClusters is refused with RESOURCE_EXHAUSTED.
        cmd = [ARGS.server, "--index_dir=" + index_dir, "--listen=127.0.0.1:0",
               "--port_file=" + port_file, "--seed_jsonl=" + ARGS.demo, "--semantic_rank=0",
               "--max_inflight_expensive=1", "--max_waiting_expensive=0",
               "--TEST_read_delay_ms=100"]
        with open(cls.log_path, "wb") as log:
            cls.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if cls.proc.poll() is not None:
                raise AssertionError("server exited (%s):\n%s"
                                     % (cls.proc.returncode, open(cls.log_path).read()))
            try:
                text = open(port_file).read().strip()
                if text.isdigit() and int(text) > 0:
                    cls.port = int(text)
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("no port file within 20 s")

    # ---------------------------------------------------------- helpers ----

    def call(self, path, json_text="{}", request=None, raw=None):
        """Calls /path with a JSON request (or a message, or raw bytes)."""
        method = self.api.method(path)
        resp_cls = self.factory_cls(method.output_type)
        if raw is not None:
            serializer = lambda b: b  # noqa: E731 - bytes as they are
            request = raw
        else:
            serializer = lambda m: m.SerializeToString()  # noqa: E731
            if request is None:
                request = self.api.request(path, json_text)
        stub = self.channel.unary_unary("/" + path, request_serializer=serializer,
                                        response_deserializer=resp_cls.FromString)
        return stub(request, timeout=TIMEOUT)

    def factory_cls(self, descriptor):
        return self.api.factory.GetPrototype(descriptor)

    def refusal(self, path, json_text, code):
        with self.assertRaises(grpc.RpcError) as cm:
            self.call(path, json_text)
        err = cm.exception
        self.assertEqual(err.code(), code, "%s %s: %s" % (path, json_text, err.details()))
        return err

    def details(self, err):
        """The google.rpc.Status of a failed call, as grpcio-status reads it:
        the trailer must be there and agree with the call's code and message."""
        raw = [v for k, v in (err.trailing_metadata() or ()) if k == DETAILS_KEY]
        self.assertEqual(len(raw), 1, "no %s trailer: %s" % (DETAILS_KEY, err.trailing_metadata()))
        status = self.api.cls("google.rpc.Status")()
        status.ParseFromString(raw[0])
        self.assertEqual(status.code, err.code().value[0])
        self.assertEqual(status.message, err.details())
        out = {}
        for any_msg in status.details:
            name = any_msg.type_url.split("/")[-1]
            msg = self.api.cls(name)()
            msg.ParseFromString(any_msg.value)
            out[name] = msg
        return out

    def reason(self, err):
        info = self.details(err)["google.rpc.ErrorInfo"]
        self.assertEqual(info.domain, "storyline.v1")
        return info.reason

    # ----------------------------------------------------- error details ----

    def test_bad_request_names_the_field(self):
        err = self.refusal("storyline.v1.StoryService/Search", '{"pageSize": 500}',
                           grpc.StatusCode.INVALID_ARGUMENT)
        d = self.details(err)
        self.assertEqual(d["google.rpc.ErrorInfo"].reason, "PAGE_SIZE_OUT_OF_RANGE")
        violations = d["google.rpc.BadRequest"].field_violations
        self.assertEqual([v.field for v in violations], ["page_size"])
        self.assertIn("between 0 and 100", violations[0].description)

    def test_bad_request_field_path_into_a_list(self):
        history = ",".join('{"articleId": "%s"}' % i for i in ["demo-001", "a", "b", "", "c"])
        err = self.refusal("storyline.v1.StoryService/Recommend", '{"history": [%s]}' % history,
                           grpc.StatusCode.INVALID_ARGUMENT)
        d = self.details(err)
        self.assertEqual([v.field for v in d["google.rpc.BadRequest"].field_violations],
                         ["history[3].article_id"])
        self.assertEqual(d["google.rpc.ErrorInfo"].reason, "ARTICLE_ID_EMPTY")

    def test_not_found_has_a_reason(self):
        err = self.refusal("storyline.v1.StoryService/GetArticle", '{"id": "no-such-article"}',
                           grpc.StatusCode.NOT_FOUND)
        self.assertEqual(self.reason(err), "ARTICLE_NOT_FOUND")

    def test_unavailable_says_when_to_retry(self):
        err = self.refusal("storyline.v1.StoryService/TopicClusters", '{}',
                           grpc.StatusCode.UNAVAILABLE)
        d = self.details(err)
        self.assertEqual(d["google.rpc.ErrorInfo"].reason, "MODEL_NOT_READY")
        delay = d["google.rpc.RetryInfo"].retry_delay
        self.assertGreater(delay.seconds * 1e9 + delay.nanos, 0)

    def test_resource_exhausted_says_when_to_retry(self):
        path = "storyline.v1.StoryService/TopicClusters"
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(self.call, path, "{}") for _ in range(4)]
            errors = []
            for f in futures:
                try:
                    f.result()
                except grpc.RpcError as err:
                    errors.append(err)
        busy = [e for e in errors if e.code() == grpc.StatusCode.RESOURCE_EXHAUSTED]
        self.assertTrue(busy, "no call was refused: %s" % [e.code() for e in errors])
        d = self.details(busy[0])
        self.assertEqual(d["google.rpc.ErrorInfo"].reason, "INDEX_BUSY")
        delay = d["google.rpc.RetryInfo"].retry_delay
        ms = dict(busy[0].trailing_metadata())["retry-after-ms"]
        self.assertEqual(delay.seconds * 1000 + delay.nanos // 1000000, int(ms))

    # ------------------------------------------------------------ paging ----

    def pages(self, path, json_text, field, limit=50):
        """Every page of a list, as (ids per page, responses)."""
        req = self.api.request(path, json_text)
        ids, responses = [], []
        for _ in range(limit):
            resp = self.call(path, request=req)
            responses.append(resp)
            ids.append([getattr(s, "article").id for s in getattr(resp, field)])
            if not resp.next_page_token:
                break
            req.page_token = resp.next_page_token
        return ids, responses

    def check_paging(self, path, json_body, field, page_size=2, depth=6):
        pages, _ = self.pages(path, '{%s, "pageSize": %d}' % (json_body, page_size), field)
        flat = [i for page in pages for i in page]
        self.assertEqual(len(flat), len(set(flat)), "duplicates across pages: %s" % pages)
        self.assertGreater(len(pages), 1, "only one page: %s" % pages)
        whole = self.call(path, '{%s, "pageSize": %d}' % (json_body, depth))
        self.assertEqual(flat[:depth], [s.article.id for s in getattr(whole, field)],
                         "pages %s are not the list %s" % (pages, whole))

    def test_similar_stories_pages(self):
        self.check_paging("storyline.v1.StoryService/SimilarStories",
                          '"articleId": "demo-002"', "stories")

    def test_recommend_pages(self):
        self.check_paging("storyline.v1.StoryService/Recommend",
                          '"history": [{"articleId": "demo-002"}, {"articleId": "demo-005"}]',
                          "stories")

    def test_a_token_from_another_request_is_refused(self):
        path = "storyline.v1.StoryService/SimilarStories"
        first = self.call(path, '{"articleId": "demo-002", "pageSize": 1}')
        self.assertTrue(first.next_page_token)
        err = self.refusal(path, '{"articleId": "demo-005", "pageSize": 1, "pageToken": "%s"}'
                           % first.next_page_token, grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(self.reason(err), "PAGE_TOKEN_INVALID")
        self.assertEqual([v.field for v in
                          self.details(err)["google.rpc.BadRequest"].field_violations],
                         ["page_token"])
        self.refusal("storyline.v1.StoryService/Search", '{"pageToken": "%s"}'
                     % first.next_page_token, grpc.StatusCode.INVALID_ARGUMENT)

    def test_search_total_size_is_the_same_on_every_page(self):
        pages, responses = self.pages("storyline.v1.StoryService/Search",
                                      '{"query": "the", "pageSize": 2}', "results")
        self.assertGreater(len(responses), 2)
        totals = {r.total_size for r in responses}
        self.assertEqual(len(totals), 1, "total_size moved while paging: %s"
                         % [r.total_size for r in responses])
        flat = [i for page in pages for i in page]
        self.assertEqual(len(flat), len(set(flat)))

    # ------------------------------------------- requests old and new ----

    def ids(self, resp):
        return [r.article.id for r in resp.results]

    def test_old_enum_names_still_work(self):
        path = "storyline.v1.StoryService/Search"
        new = self.call(path, '{"orderBy": "ORDER_BY_NEWEST", "pageSize": 5}')
        old = self.call(path, '{"orderBy": "NEWEST", "pageSize": 5}')
        snake = self.call(path, '{"order_by": "NEWEST", "page_size": 5}')
        self.assertEqual(self.ids(new), self.ids(old))
        self.assertEqual(self.ids(new), self.ids(snake))
        # A binary request as an old client encodes it: order_by (5) = 2,
        # page_size (3) = 5, field by field.
        binary = self.call(path, raw=b"\x28\x02\x18\x05")
        self.assertEqual(self.ids(binary), self.ids(new))
        times = [r.article.publish_time.seconds for r in new.results]
        self.assertEqual(times, sorted(times, reverse=True))

    def test_time_window_and_the_deprecated_fields_agree(self):
        path = "storyline.v1.StoryService/Search"
        old = self.call(path, '{"pageSize": 100, "filter": {"publishedAfter": '
                        '"2025-03-01T00:00:00Z", "publishedBefore": "2025-03-31T00:00:00Z"}}')
        new = self.call(path, '{"pageSize": 100, "filter": {"publishTime": {"startTime": '
                        '"2025-03-01T00:00:00Z", "endTime": "2025-03-31T00:00:00Z"}}}')
        self.assertEqual(self.ids(old), self.ids(new))
        everything = self.call(path, '{"pageSize": 100}')
        self.assertLess(len(new.results), len(everything.results))
        err = self.refusal(path, '{"filter": {"publishedAfter": "2025-03-01T00:00:00Z", '
                           '"publishTime": {"endTime": "2025-03-31T00:00:00Z"}}}',
                           grpc.StatusCode.INVALID_ARGUMENT)
        self.assertEqual(self.reason(err), "TIME_WINDOW_CONFLICT")

    def test_delete_allow_missing(self):
        path = "storyline.v1.IngestService/DeleteArticles"
        err = self.refusal(path, '{"ids": ["no-such-article"]}', grpc.StatusCode.NOT_FOUND)
        self.assertEqual(self.reason(err), "ARTICLE_NOT_FOUND")
        resp = self.call(path, '{"ids": ["no-such-article"], "allowMissing": true}')
        self.assertEqual(list(resp.not_found_ids), ["no-such-article"])
        self.assertEqual(resp.deleted_count, 0)

    # ------------------------------------------------------------ README ----

    def test_readme_json_examples_parse(self):
        with open(ARGS.readme) as f:
            text = f.read()
        joined = re.sub(r"\\\n\s*", " ", text)
        calls = re.findall(r"grpcurl [^\n]*?-d '([^']*)'[^\n]*? ([\w.]+/\w+)", joined)
        self.assertGreaterEqual(len(calls), 4, "README grpcurl examples: %s" % calls)
        for body, path in calls:
            with self.subTest(path=path, body=body):
                self.api.request(path, body)  # raises on a field that does not exist
        blocks = re.findall(r"```json\n(.*?)```", text, re.S)
        articles = [b for b in blocks if '"id"' in b and '"title"' in b]
        self.assertTrue(articles, "README has no Article JSON example")
        for block in articles:
            json_format.Parse(block.replace("\n", " "), self.api.cls("storyline.v1.Article")())


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--demo", required=True)
    parser.add_argument("--proto_dir", required=True)
    parser.add_argument("--readme", required=True)
    ARGS, rest = parser.parse_known_args()
    if shutil.which("protoc") is None:
        print("FAIL: protoc not found on PATH", file=sys.stderr)
        return 2
    prog = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
