# pgadvise in a distroless image:
#
#   docker build -t pgadvise --build-arg VERSION=v0.1.0 .
#   docker run --rm -v "$PWD:/work" pgadvise analyze --schema schema.sql postgresql.log
#
# pg_query_go needs cgo (PostgreSQL's parser is C): the binary is built with
# the Debian 12 image's C compiler and runs on distroless's Debian 12 base,
# which has the same glibc. The image holds the binary alone, runs as the
# nonroot user and reads and writes the mounted /work directory.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/pgadvise ./cmd/pgadvise

FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /out/pgadvise /usr/local/bin/pgadvise
WORKDIR /work
USER nonroot
ENTRYPOINT ["/usr/local/bin/pgadvise"]
CMD ["help"]
