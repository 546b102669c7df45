# syntax=docker/dockerfile:1
# The portal as a container; `docker compose up` runs it beside PostgreSQL.

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Dependencies first: this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# Static binary (no cgo) so that the runtime image needs no C library;
# timetzdata embeds the zone database (Europe/Brussels) into the binary.
RUN CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags="-s -w" -o /out/portal ./cmd/portal

# distroless/static: CA certificates and tzdata, no shell or package manager,
# and a non-root user.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/portal /portal
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/portal"]
CMD ["serve"]
