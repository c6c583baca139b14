# The verification service in a container (docs/deploy.md). Two stages:
#   build   — Debian bookworm with scripts/debian-packages (compiler, -dev libraries, fonts),
#             runs `make deb`: the same package as on a server, Depends from dpkg-shlibdeps;
#   runtime — bookworm-slim with only that package installed: apt pulls in exactly its
#             Depends (the runtime libraries and fonts), nothing of the build.
# docker build -t skillcert .
# docker run -d -p 8080:8080 -v skillcert-home:/var/lib/skillcert skillcert
#   (the volume holds the issuer home at /var/lib/skillcert/home, or only its public/ folder:
#    then `docker run … skillcert --public /var/lib/skillcert/public --trust …`)

FROM debian:bookworm-slim AS build
WORKDIR /src
# The package lists first: this layer is reused until they change.
COPY scripts/deps.sh scripts/debian-packages scripts/
RUN apt-get update && ./scripts/deps.sh scripts/debian-packages && rm -rf /var/lib/apt/lists/*
COPY . .
RUN make clean && make deb && cp build/skillcert_*.deb /tmp/

FROM debian:bookworm-slim AS runtime
COPY --from=build /tmp/skillcert_*.deb /tmp/
# ca-certificates: status lists and did:web documents are fetched over HTTPS;
# curl: the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends /tmp/skillcert_*.deb ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* /tmp/skillcert_*.deb \
 && useradd --system --uid 10001 --home-dir /var/lib/skillcert --shell /usr/sbin/nologin skillcert \
 && install -d -o skillcert -g skillcert -m 0750 /var/lib/skillcert \
 && install -d -o skillcert -g skillcert -m 0700 /var/cache/skillcert
USER skillcert
# The status-list cache is /var/cache/skillcert ($XDG_CACHE_HOME/skillcert).
ENV HOME=/var/lib/skillcert XDG_CACHE_HOME=/var/cache
VOLUME ["/var/lib/skillcert", "/var/cache/skillcert"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=5s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
# Behind a balancer or proxy every connection comes from its address: a higher per-address limit.
ENTRYPOINT ["/usr/bin/skillcert", "serve", "--listen", "0.0.0.0:8080"]
CMD ["--home", "/var/lib/skillcert/home", "--max-connections-per-ip", "512"]
