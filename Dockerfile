# tickwire with Agones support, for Kubernetes (deploy/agones/fleet.yaml) or any container host.
#   docker build -t tickwire .
#   docker run --rm -p 8080:8080 tickwire            # http://127.0.0.1:8080/
# The build stage needs protoc and its well-known types for the Agones SDK; the runtime image holds the binary alone (the
# browser client and the bundled map are embedded in it) and runs as a non-root user.

FROM rust:1.95-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends protobuf-compiler libprotobuf-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --features agones --bin tickwire \
    && cp target/release/tickwire /tickwire

# glibc and libgcc, nothing else. The user is given by number (distroless' "nonroot", 65532), so
# that Kubernetes' runAsNonRoot can check it.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /tickwire /usr/local/bin/tickwire
USER 65532:65532
# Inside a container, listen on every interface; flags and TICKWIRE_* variables add the rest.
ENV TICKWIRE_BIND=0.0.0.0:8080
EXPOSE 8080/tcp
# No HEALTHCHECK: the image has no shell or HTTP client, and Kubernetes and Agones check health
# their own way (probes on /healthz and /readyz, the Agones SDK's Health pings).
ENTRYPOINT ["/usr/local/bin/tickwire"]
