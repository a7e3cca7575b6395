# Build and test on the same package list CI uses, then ship a slim runtime.
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
# The shared corpora (../shared/data) are not in the build context, so the
# tests labelled `corpus` (tests/CMakeLists.txt) are left out here; CI runs them.
RUN scripts/build.sh -DSTORYLINE_BUILD_BENCHMARKS=OFF \
 && ctest --test-dir build --output-on-failure -j2 -LE corpus \
 && cmake --install build --prefix /opt/storyline

FROM debian:bookworm-slim
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN /tmp/install-deps.sh runtime && rm -rf /var/lib/apt/lists/* /tmp/install-deps.sh \
 && useradd --system --uid 10001 --home-dir /data storyline \
 && mkdir -p /data && chown storyline /data
COPY --from=build /opt/storyline/bin/storyline-server /opt/storyline/bin/storyline \
     /opt/storyline/bin/storyline-admin /usr/local/bin/
COPY data/demo/articles.jsonl /usr/share/storyline/demo/articles.jsonl
USER storyline
VOLUME ["/data"]
EXPOSE 50051
STOPSIGNAL SIGTERM
ENTRYPOINT ["storyline-server", "--listen=0.0.0.0:50051", "--index_dir=/data/index"]
# Safe by default: on 0.0.0.0 the server needs TLS and a write token, so the
# container only starts once the operator mounts them at /etc/storyline
# (tls.crt, tls.key, write.token; see README "Docker"). To run without them
# on a trusted network, replace this CMD and say so explicitly:
#   docker run ... storyline --insecure_public --seed_jsonl=/usr/share/storyline/demo/articles.jsonl
CMD ["--tls_cert=/etc/storyline/tls.crt", "--tls_key=/etc/storyline/tls.key", \
     "--write_token_file=/etc/storyline/write.token", \
     "--seed_jsonl=/usr/share/storyline/demo/articles.jsonl"]
