#!/usr/bin/python3
"""grpcurl-style reflection test for storyline-server.

Proves that a client we did not write (Debian's python3-grpcio plus the
reflection protos from Debian's grpc-proto package) can discover the Storyline
API purely through gRPC server reflection -- list services, describe them,
build request messages from JSON and call methods -- the way grpcurl does.

This script knows nothing about Storyline's protos: every Storyline message
type used below is built from descriptors fetched over reflection.

Usage:
  /usr/bin/python3 reflection_test.py --server PATH/storyline-server \
      --demo PATH/articles.jsonl [unittest args...]

Needs: /usr/bin/python3 with python3-grpcio and python3-protobuf, `protoc` on
PATH, and /usr/share/grpc-proto (Debian package grpc-proto).
"""

import argparse
import importlib.util
import json
import os
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
    sys.stderr.write(
        "reflection_test: cannot import grpc/protobuf (%s). Run this with Debian's "
        "/usr/bin/python3 (packages python3-grpcio, python3-protobuf).\n" % e)
    sys.exit(2)

GRPC_PROTO_ROOT = "/usr/share/grpc-proto"
REFLECTION_PROTO = "grpc/reflection/v1alpha/reflection.proto"
REFLECTION_SERVICES = ("grpc.reflection.v1.ServerReflection",
                       "grpc.reflection.v1alpha.ServerReflection")

PORT_WAIT_SECONDS = 20
SHUTDOWN_WAIT_SECONDS = 10
RPC_TIMEOUT_SECONDS = 10

ARGS = None  # filled in by main()


def _log_tail(path, limit=4000):
    try:
        with open(path, "r", errors="replace") as f:
            data = f.read()
    except OSError as e:
        return "<cannot read server log %s: %s>" % (path, e)
    if len(data) > limit:
        data = "...\n" + data[-limit:]
    return data


def _status_of(err):
    return "%s: %s" % (err.code(), err.details())


class ReflectionClient(object):
    """Minimal grpcurl-like reflection client.

    Tries grpc.reflection.v1 first and falls back to v1alpha on UNIMPLEMENTED,
    as grpcurl does. The v1 and v1alpha messages are wire-identical, so the
    v1alpha Python classes serve both.
    """

    def __init__(self, channel, pb2):
        self._channel = channel
        self._pb2 = pb2
        self.service_used = None

    def _call(self, service, request):
        method = "/%s/ServerReflectionInfo" % service
        stub = self._channel.stream_stream(
            method,
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=self._pb2.ServerReflectionResponse.FromString)
        responses = list(stub(iter([request]), timeout=RPC_TIMEOUT_SECONDS))
        if len(responses) != 1:
            raise AssertionError("%s: expected exactly 1 reflection response, got %d"
                                 % (method, len(responses)))
        return responses[0]

    def request(self, **kwargs):
        req = self._pb2.ServerReflectionRequest(**kwargs)
        services = ([self.service_used] if self.service_used else
                    list(REFLECTION_SERVICES))
        last_err = None
        for service in services:
            try:
                resp = self._call(service, req)
            except grpc.RpcError as err:
                if err.code() == grpc.StatusCode.UNIMPLEMENTED:
                    last_err = err
                    continue
                raise AssertionError("reflection call on %s failed: %s"
                                     % (service, _status_of(err)))
            self.service_used = service
            if resp.HasField("error_response"):
                raise AssertionError(
                    "reflection request %r returned error_response: code=%d message=%r"
                    % (kwargs, resp.error_response.error_code,
                       resp.error_response.error_message))
            return resp
        raise AssertionError("server implements neither %s (last error: %s)"
                             % (" nor ".join(REFLECTION_SERVICES),
                                _status_of(last_err) if last_err else "none"))

    def list_services(self):
        resp = self.request(list_services="")
        if not resp.HasField("list_services_response"):
            raise AssertionError("list_services: unexpected response %s" % resp)
        return [s.name for s in resp.list_services_response.service]

    def _file_protos(self, resp, what):
        if not resp.HasField("file_descriptor_response"):
            raise AssertionError("%s: expected file_descriptor_response, got %s"
                                 % (what, resp))
        out = []
        for raw in resp.file_descriptor_response.file_descriptor_proto:
            fdp = descriptor_pb2.FileDescriptorProto()
            fdp.ParseFromString(raw)
            out.append(fdp)
        if not out:
            raise AssertionError("%s: file_descriptor_response carried no files" % what)
        return out

    def load_symbol(self, symbol, pool, loaded):
        """Loads the file defining `symbol` plus all transitive deps into pool.

        `loaded` is the set of file names already added to `pool`.
        """
        known = {}
        for fdp in self._file_protos(
                self.request(file_containing_symbol=symbol),
                "file_containing_symbol(%s)" % symbol):
            known.setdefault(fdp.name, fdp)

        def add(name, chain):
            if name in loaded:
                return
            if name in chain:
                raise AssertionError("import cycle via reflection: %s"
                                     % " -> ".join(chain + [name]))
            if name not in known:
                for fdp in self._file_protos(
                        self.request(file_by_filename=name),
                        "file_by_filename(%s)" % name):
                    known.setdefault(fdp.name, fdp)
                if name not in known:
                    raise AssertionError("file_by_filename(%s) did not return that file"
                                         % name)
            fdp = known[name]
            for dep in fdp.dependency:
                add(dep, chain + [name])
            pool.Add(fdp)
            loaded.add(name)

        for name in list(known):
            add(name, [])


class ReflectionGrpcurlStyleTest(unittest.TestCase):
    proc = None
    tmpdir = None
    channel = None

    @classmethod
    def setUpClass(cls):
        cls.tmpdir = tempfile.mkdtemp(prefix="storyline-reflection-")
        try:
            cls._start_server()
            cls._gen_reflection_pb2()
            cls.channel = grpc.insecure_channel("127.0.0.1:%d" % cls.port)
            try:
                grpc.channel_ready_future(cls.channel).result(timeout=RPC_TIMEOUT_SECONDS)
            except grpc.FutureTimeoutError:
                raise AssertionError("channel to 127.0.0.1:%d not ready within %ds"
                                     % (cls.port, RPC_TIMEOUT_SECONDS))
            cls.refl = ReflectionClient(cls.channel, cls.reflection_pb2)
            cls.pool = descriptor_pool.DescriptorPool()
            cls.loaded_files = set()
            cls.factory = message_factory.MessageFactory(cls.pool)
        except BaseException:
            cls._cleanup(check_exit=False)
            raise

    @classmethod
    def tearDownClass(cls):
        cls._cleanup(check_exit=True)

    # ----------------------------------------------------------- server ----

    @classmethod
    def _start_server(cls):
        index_dir = os.path.join(cls.tmpdir, "index")
        os.mkdir(index_dir)
        port_file = os.path.join(cls.tmpdir, "port")
        cls.log_path = os.path.join(cls.tmpdir, "server.log")
        cmd = [ARGS.server, "--index_dir=" + index_dir, "--listen=127.0.0.1:0",
               "--port_file=" + port_file, "--seed_jsonl=" + ARGS.demo]
        print("starting: %s" % " ".join(cmd), file=sys.stderr)
        log = open(cls.log_path, "wb")
        try:
            cls.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)
        finally:
            log.close()
        deadline = time.monotonic() + PORT_WAIT_SECONDS
        port = None
        while time.monotonic() < deadline:
            if cls.proc.poll() is not None:
                raise AssertionError(
                    "server exited with code %s before writing the port file; log:\n%s"
                    % (cls.proc.returncode, _log_tail(cls.log_path)))
            try:
                with open(port_file) as f:
                    text = f.read().strip()
                if text.isdigit() and int(text) > 0:
                    port = int(text)
                    break
            except OSError:
                pass
            time.sleep(0.05)
        if port is None:
            raise AssertionError("port file %s did not contain a port within %ds; log:\n%s"
                                 % (port_file, PORT_WAIT_SECONDS, _log_tail(cls.log_path)))
        cls.port = port
        print("server pid %d listening on port %d" % (cls.proc.pid, port), file=sys.stderr)

    @classmethod
    def _cleanup(cls, check_exit):
        problem = None
        try:
            if cls.channel is not None:
                cls.channel.close()
                cls.channel = None
            if cls.proc is not None:
                if cls.proc.poll() is not None:
                    problem = ("server had already exited (code %s) before shutdown"
                               % cls.proc.returncode)
                else:
                    cls.proc.send_signal(signal.SIGTERM)
                    try:
                        code = cls.proc.wait(timeout=SHUTDOWN_WAIT_SECONDS)
                        if code != 0:
                            problem = ("server exited with code %d after SIGTERM "
                                       "(expected 0, graceful shutdown)" % code)
                    except subprocess.TimeoutExpired:
                        cls.proc.kill()
                        cls.proc.wait()
                        problem = ("server did not exit within %ds of SIGTERM; "
                                   "killed with SIGKILL" % SHUTDOWN_WAIT_SECONDS)
                if problem:
                    problem += "; server log:\n" + _log_tail(cls.log_path)
                cls.proc = None
        finally:
            if cls.tmpdir:
                shutil.rmtree(cls.tmpdir, ignore_errors=True)
                cls.tmpdir = None
        if problem and check_exit:
            raise AssertionError(problem)
        if problem:
            print("FAIL: " + problem, file=sys.stderr)

    @classmethod
    def _gen_reflection_pb2(cls):
        out = os.path.join(cls.tmpdir, "gen")
        os.mkdir(out)
        cmd = ["protoc", "--python_out=" + out, "-I", GRPC_PROTO_ROOT, REFLECTION_PROTO]
        res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if res.returncode != 0:
            raise AssertionError("%s failed (%d): %s"
                                 % (" ".join(cmd), res.returncode,
                                    res.stdout.decode(errors="replace")))
        sys.path.insert(0, out)
        # protoc writes grpc/reflection/v1alpha/reflection_pb2.py. Importing it
        # as "grpc.reflection.v1alpha.reflection_pb2" would resolve against the
        # installed grpc package, so load the file under a private module name
        # (reflection.proto has no imports, so nothing else needs resolving).
        path = os.path.join(out, "grpc", "reflection", "v1alpha", "reflection_pb2.py")
        spec = importlib.util.spec_from_file_location("storyline_test_reflection_pb2", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        cls.reflection_pb2 = mod

    # ---------------------------------------------------------- helpers ----

    def _service(self, name):
        self.refl.load_symbol(name, self.pool, self.loaded_files)
        return self.pool.FindServiceByName(name)

    def _message_class(self, full_name):
        return self.factory.GetPrototype(self.pool.FindMessageTypeByName(full_name))

    def _unary(self, service_name, method_name, json_request):
        """Calls service/method with a JSON request, grpcurl -d style."""
        svc = self._service(service_name)
        method = svc.FindMethodByName(method_name)
        self.assertIsNotNone(method, "%s has no method %s" % (service_name, method_name))
        req_cls = self.factory.GetPrototype(method.input_type)
        resp_cls = self.factory.GetPrototype(method.output_type)
        req = req_cls()
        json_format.Parse(json_request, req)
        call = self.channel.unary_unary(
            "/%s/%s" % (service_name, method_name),
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=resp_cls.FromString)
        return call(req, timeout=RPC_TIMEOUT_SECONDS)

    # ------------------------------------------------------------ tests ----

    def test_1_list_services(self):
        services = self.refl.list_services()
        print("list_services (via %s): %s" % (self.refl.service_used, services),
              file=sys.stderr)
        for want in ("storyline.v1.StoryService", "storyline.v1.IngestService",
                     "grpc.health.v1.Health"):
            self.assertIn(want, services, "list_services lacks %s: got %s" % (want, services))
        self.assertTrue(any(s in services for s in REFLECTION_SERVICES),
                        "list_services lacks the reflection service: got %s" % services)

    def test_2_describe_story_service(self):
        svc = self._service("storyline.v1.StoryService")
        methods = sorted(m.name for m in svc.methods)
        print("StoryService methods: %s; files loaded: %s"
              % (methods, sorted(self.loaded_files)), file=sys.stderr)
        for want in ("Search", "GetArticle", "SimilarStories", "Recommend",
                     "TopicClusters", "GetIndexStats"):
            self.assertIn(want, methods, "StoryService lacks method %s: got %s"
                          % (want, methods))
        self.assertIn("google/protobuf/timestamp.proto", self.loaded_files,
                      "timestamp.proto dependency was not loaded: %s"
                      % sorted(self.loaded_files))
        req = self.pool.FindMessageTypeByName("storyline.v1.SearchRequest")
        fields = [f.name for f in req.fields]
        for want in ("query", "filter", "page_size", "page_token", "order_by", "facets"):
            self.assertIn(want, fields, "SearchRequest lacks field %s: got %s"
                          % (want, fields))

    def test_3_search_json(self):
        try:
            resp = self._unary("storyline.v1.StoryService", "Search",
                               '{"query": "councillors approve tidal barrage", "pageSize": 5, '
                               '"facets": ["topic"]}')
        except grpc.RpcError as err:
            self.fail("Search failed: %s" % _status_of(err))
        text = json_format.MessageToJson(resp)
        print("Search response JSON:\n%s" % text[:3000], file=sys.stderr)
        doc = json.loads(text)
        results = doc.get("results", [])
        self.assertGreaterEqual(len(results), 1, "Search returned no results: %s" % text)
        first_id = results[0].get("article", {}).get("id")
        self.assertEqual(first_id, "demo-002",
                         "first result should be demo-002 (tidal barrage plan approved), "
                         "got %r" % first_id)
        for i, r in enumerate(results):
            self.assertTrue(r.get("snippet"), "result %d (%s) has no snippet"
                            % (i, r.get("article", {}).get("id")))
        total = int(doc.get("totalSize", "0"))
        self.assertGreaterEqual(total, 1, "totalSize should be >= 1, got %r"
                                % doc.get("totalSize"))
        facet_fields = [f.get("field") for f in doc.get("facets", [])]
        self.assertIn("topic", facet_fields, "no facets entry for 'topic': %s"
                      % doc.get("facets"))

    def test_4_search_invalid_page_size(self):
        with self.assertRaises(grpc.RpcError,
                               msg="Search with pageSize 500 unexpectedly succeeded") as cm:
            self._unary("storyline.v1.StoryService", "Search", '{"pageSize": 500}')
        err = cm.exception
        print("Search pageSize=500 -> %s" % _status_of(err), file=sys.stderr)
        self.assertEqual(err.code(), grpc.StatusCode.INVALID_ARGUMENT,
                         "expected INVALID_ARGUMENT, got %s" % _status_of(err))
        self.assertIn("page_size", err.details() or "",
                      "error details should mention page_size: %r" % err.details())

    def test_5_health_check(self):
        try:
            resp = self._unary("grpc.health.v1.Health", "Check", '{}')
        except grpc.RpcError as err:
            self.fail("Health/Check failed: %s" % _status_of(err))
        text = json_format.MessageToJson(resp)
        print("Health/Check response: %s" % text.strip(), file=sys.stderr)
        status_field = resp.DESCRIPTOR.fields_by_name.get("status")
        self.assertIsNotNone(status_field, "HealthCheckResponse has no status field")
        status_name = status_field.enum_type.values_by_number[resp.status].name
        self.assertEqual(status_name, "SERVING", "health status is %s, want SERVING"
                         % status_name)


    # Both reflection versions, each asked on its own, and the proto
    # comments in the files they serve (what `grpcurl describe` prints).

    def _ask(self, service, **kwargs):
        client = ReflectionClient(self.channel, self.reflection_pb2)
        client.service_used = service
        return client.request(**kwargs)

    def test_6_v1_and_v1alpha_both_answer(self):
        for service in REFLECTION_SERVICES:
            with self.subTest(service=service):
                resp = self._ask(service, list_services="")
                names = [s.name for s in resp.list_services_response.service]
                self.assertIn("storyline.v1.StoryService", names)
                self.assertIn(service, names)

    def _file(self, service, symbol):
        resp = self._ask(service, file_containing_symbol=symbol)
        files = [descriptor_pb2.FileDescriptorProto.FromString(raw)
                 for raw in resp.file_descriptor_response.file_descriptor_proto]
        self.assertTrue(files, "no file for %s" % symbol)
        return files[0], [f.name for f in files]

    def _comment(self, fdp, message, field=None):
        """The leading comment of `message` (or its `field`) in `fdp`."""
        m_index = [m.name for m in fdp.message_type].index(message)
        path = [4, m_index]
        if field is not None:
            f_index = [f.name for f in fdp.message_type[m_index].field].index(field)
            path += [2, f_index]
        for loc in fdp.source_code_info.location:
            if list(loc.path) == path:
                return loc.leading_comments
        return ""

    def test_7_described_messages_carry_their_comments(self):
        for service in REFLECTION_SERVICES:
            with self.subTest(service=service):
                fdp, names = self._file(service, "storyline.v1.SearchRequest")
                self.assertEqual(fdp.name, "storyline/v1/story_service.proto")
                self.assertIn("google/protobuf/timestamp.proto", names)
                self.assertIn("Results per page", self._comment(fdp, "SearchRequest",
                                                                "page_size"))
                self.assertIn("full-text search", self._comment(fdp, "SearchRequest").lower())
                article, _ = self._file(service, "storyline.v1.Article")
                self.assertIn("upsert key", self._comment(article, "Article", "id"))

    def test_8_unknown_symbols_get_not_found(self):
        client = ReflectionClient(self.channel, self.reflection_pb2)
        req = self.reflection_pb2.ServerReflectionRequest(
            file_containing_symbol="storyline.v1.NoSuchThing")
        for service in REFLECTION_SERVICES:
            resp = client._call(service, req)
            self.assertTrue(resp.HasField("error_response"), service)
            self.assertEqual(resp.error_response.error_code, grpc.StatusCode.NOT_FOUND.value[0])


def main():
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="storyline-server binary")
    parser.add_argument("--demo", required=True, help="demo articles.jsonl")
    ARGS, rest = parser.parse_known_args()
    for path in (ARGS.server, ARGS.demo):
        if not os.path.exists(path):
            print("FAIL: %s does not exist" % path, file=sys.stderr)
            return 2
    if shutil.which("protoc") is None:
        print("FAIL: protoc not found on PATH", file=sys.stderr)
        return 2
    prog = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
    ok = prog.result.wasSuccessful()
    print("reflection_test: %s" % ("PASS" if ok else "FAIL"), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
