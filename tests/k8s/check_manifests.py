"""Offline checks of the Kubernetes manifests in deploy/k8s.

1. `kubectl apply --dry-run=client -k deploy/k8s` against a discovery-only
   API server (fake_apiserver.py): the real kubectl parses, builds the
   kustomization and maps every kind; each object must come back
   "created (dry run)".
2. Every rendered object is checked field by field against the Kubernetes
   API models of Debian's python3-kubernetes: unknown fields (a typo such
   as `readinesProbe`) and wrongly typed values fail.
3. Every `--flag` given to storyline-server or storyline in a container
   must be a flag the built binaries accept, so the manifests cannot drift
   from the code.

    check_manifests.py KUSTOMIZE_DIR SERVER_BINARY CLI_BINARY
"""
import os
import re
import subprocess
import sys
import tempfile
import time

import kubernetes.client as k8s
import yaml

PRIMITIVES = {"str": str, "int": int, "bool": bool, "float": (int, float), "object": object}


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def model_of(api_version, kind):
    version = api_version.split("/")[-1].capitalize()
    model = getattr(k8s, f"{version}{kind}", None)
    if model is None:
        fail(f"no API model for {api_version} {kind}")
    return model


def check_value(value, type_name, where):
    if type_name.startswith("list["):
        if not isinstance(value, list):
            fail(f"{where}: expected a list")
        for i, item in enumerate(value):
            check_value(item, type_name[5:-1], f"{where}[{i}]")
    elif type_name.startswith("dict("):
        if not isinstance(value, dict):
            fail(f"{where}: expected a map")
        inner = type_name[5:-1].split(", ", 1)[1]
        for key, item in value.items():
            check_value(item, inner, f"{where}.{key}")
    elif type_name in PRIMITIVES:
        if type_name == "str" and isinstance(value, (int, float)) and where.endswith(
                ("limits.cpu", "requests.cpu")):
            return  # quantities may be written as numbers
        if not isinstance(value, PRIMITIVES[type_name]) or (
                type_name == "int" and isinstance(value, bool)):
            fail(f"{where}: expected {type_name}, got {value!r}")
    else:
        check_object(value, getattr(k8s, type_name), where)


def check_object(obj, model, where):
    if not isinstance(obj, dict):
        fail(f"{where}: expected an object ({model.__name__})")
    by_json_name = {json: python for python, json in model.attribute_map.items()}
    for key, value in obj.items():
        if key not in by_json_name:
            fail(f"{where}: unknown field '{key}' in {model.__name__}")
        check_value(value, model.openapi_types[by_json_name[key]], f"{where}.{key}")


def accepted_flags(binary, help_flag):
    text = subprocess.run([binary, help_flag], capture_output=True, text=True).stdout
    text += subprocess.run([binary, help_flag], capture_output=True, text=True).stderr
    return set(re.findall(r"--([a-z][a-z0-9_-]*)", text))


def check_flags(objects, server, cli):
    known = {"storyline-server": accepted_flags(server, "--helpfull"),
             "storyline": accepted_flags(cli, "--help-all")}
    for obj in objects:
        pod = obj.get("spec", {}).get("template", {}).get("spec", {})
        for container in pod.get("containers", []) + pod.get("initContainers", []):
            words = container.get("command", []) + container.get("args", [])
            probes = [container.get(p, {}).get("exec", {}).get("command", [])
                      for p in ("readinessProbe", "livenessProbe", "startupProbe")]
            for line in [words] + probes:
                binary = os.path.basename(line[0]) if line else ""
                for word in line[1:]:
                    flag = re.match(r"--([a-z][a-z0-9_-]*)", word)
                    if binary in known and flag and flag.group(1) not in known[binary]:
                        fail(f"{obj['metadata']['name']}/{container['name']}: {binary} has no "
                             f"--{flag.group(1)}")


def dry_run(directory):
    with tempfile.TemporaryDirectory() as tmp:
        port_file = os.path.join(tmp, "port")
        server = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__),
                                                                "fake_apiserver.py"), port_file])
        try:
            for _ in range(100):
                if os.path.exists(port_file) and open(port_file).read():
                    break
                time.sleep(0.05)
            address = f"http://127.0.0.1:{open(port_file).read()}"
            run = subprocess.run(["kubectl", f"--server={address}", "apply", "--dry-run=client",
                                  "--validate=false", "-k", directory],
                                 capture_output=True, text=True, env={**os.environ,
                                                                      "KUBECONFIG": "/dev/null"})
        finally:
            server.kill()
    print(run.stdout + run.stderr)
    if run.returncode != 0:
        fail(f"kubectl apply --dry-run=client exited {run.returncode}")
    return run.stdout


def main():
    directory, server, cli = sys.argv[1:4]
    rendered = subprocess.run(["kubectl", "kustomize", directory], capture_output=True, text=True)
    if rendered.returncode != 0:
        fail(f"kubectl kustomize: {rendered.stderr}")
    objects = [o for o in yaml.safe_load_all(rendered.stdout) if o]
    created = dry_run(directory)
    for obj in objects:
        name = f"{obj['kind'].lower()}/{obj['metadata']['name']}"
        group = re.escape(obj["apiVersion"].rsplit("/", 1)[0]) if "/" in obj["apiVersion"] else ""
        line = rf"^{obj['kind'].lower()}(\.{group})?/{re.escape(obj['metadata']['name'])} created"
        if not re.search(line + r" \(dry run\)$", created, re.MULTILINE):
            fail(f"kubectl did not create {name}")
        check_object(obj, model_of(obj["apiVersion"], obj["kind"]), name)
    check_flags(objects, server, cli)
    kinds = sorted(o["kind"] for o in objects)
    print(f"OK: {len(objects)} objects ({', '.join(kinds)})")


if __name__ == "__main__":
    main()
