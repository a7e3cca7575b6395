# Build and test on the same package list CI uses, then ship a slim runtime.
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
# The shared corpora (../shared/data) are not in the build context, so the
# tests that need them (BBC) are skipped here; CI runs them.
RUN scripts/build.sh -DSTORYLINE_BUILD_BENCHMARKS=OFF \
 && ctest --test-dir build --output-on-failure -j2 -E 'BbcCorpus|BbcRecommend|Huffpost' \
 && cmake --install build --prefix /opt/storyline

FROM debian:bookworm-slim
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN /tmp/install-deps.sh runtime && rm -rf /var/lib/apt/lists/* /tmp/install-deps.sh \
 && useradd --system --uid 10001 --home-dir /data storyline \
 && mkdir -p /data && chown storyline /data
COPY --from=build /opt/storyline/bin/storyline-server /opt/storyline/bin/storyline /usr/local/bin/
COPY data/demo/articles.jsonl /usr/share/storyline/demo/articles.jsonl
USER storyline
VOLUME ["/data"]
EXPOSE 50051
STOPSIGNAL SIGTERM
ENTRYPOINT ["storyline-server", "--listen=0.0.0.0:50051", "--index_dir=/data/index"]
CMD ["--seed_jsonl=/usr/share/storyline/demo/articles.jsonl"]
