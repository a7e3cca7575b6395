"""A Kubernetes API server that only answers discovery, for offline dry runs.

`kubectl apply --dry-run=client` maps each manifest's kind to a resource
through the API server's discovery documents, then asks for the live object
(here: never there) and prints what it would create. This server answers
those questions for the kinds deploy/k8s uses and 404s every object, so the
real kubectl runs its whole client-side path with no cluster.

    fake_apiserver.py PORT_FILE     serves on 127.0.0.1, an ephemeral port
"""
import http.server
import json
import sys

# group/version -> [(resource, kind, namespaced)]
RESOURCES = {
    "v1": [("services", "Service", True), ("configmaps", "ConfigMap", True),
           ("secrets", "Secret", True), ("serviceaccounts", "ServiceAccount", True),
           ("persistentvolumeclaims", "PersistentVolumeClaim", True),
           ("namespaces", "Namespace", False)],
    "apps/v1": [("statefulsets", "StatefulSet", True), ("deployments", "Deployment", True)],
    "policy/v1": [("poddisruptionbudgets", "PodDisruptionBudget", True)],
    "networking.k8s.io/v1": [("networkpolicies", "NetworkPolicy", True)],
}


def resource_list(group_version):
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
            "resources": [{"name": name, "singularName": kind.lower(), "namespaced": namespaced,
                           "kind": kind, "verbs": ["create", "delete", "get", "list", "patch",
                                                   "update", "watch"]}
                          for name, kind, namespaced in RESOURCES[group_version]]}


def group_list():
    groups = []
    for gv in RESOURCES:
        if "/" not in gv:
            continue
        group, version = gv.split("/")
        entry = {"groupVersion": gv, "version": version}
        groups.append({"name": group, "versions": [entry], "preferredVersion": entry})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def answer(path):
    path = path.split("?")[0].rstrip("/")
    if path == "/api":
        return 200, {"kind": "APIVersions", "versions": ["v1"],
                     "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                     "serverAddress": "127.0.0.1"}]}
    if path == "/api/v1":
        return 200, resource_list("v1")
    if path == "/apis":
        return 200, group_list()
    if path.startswith("/apis/") and path[len("/apis/"):] in RESOURCES:
        return 200, resource_list(path[len("/apis/"):])
    return 404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                 "reason": "NotFound", "code": 404, "message": f"{path} not found"}


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        code, body = answer(self.path)
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(sys.argv[1], "w") as out:
        out.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
