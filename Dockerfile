# Wattwire add-on image. The Supervisor passes BUILD_FROM (from build.yaml), BUILD_ARCH and
# BUILD_VERSION; the defaults make a plain `docker build .` work too.
ARG BUILD_FROM=ghcr.io/home-assistant/base:3.22

# Build stage: same Alpine (musl) as the runtime, so native modules match it.
FROM ${BUILD_FROM} AS build
# @serialport/bindings-cpp 13.0.0 carries N-API prebuilds for linux-x64 (glibc, musl),
# linux-arm64 (armv8 glibc, musl) and linux-arm (armv6 glibc, armv7 glibc and musl);
# node-gyp-build loads the musl one here. The toolchain stays for when no prebuild fits
# (another bindings-cpp version or arch): node-gyp-build then compiles it.
RUN apk add --no-cache nodejs npm python3 make g++ linux-headers
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The UI (vite → ui/dist) and the server (tsc → dist/server), with the server's data
# files (simulator pages and captures) beside the compiled code that reads them.
RUN npm run build
# Production dependencies alone, installed apart so that the runtime image needs no npm:
# the image runs the compiled JavaScript, so tsx, TypeScript and the UI's Preact (bundled
# into ui/dist) are build tools (test/integration/build checks what dist/server imports).
WORKDIR /prod
RUN cp /src/package.json /src/package-lock.json ./ \
    && npm ci --omit=dev --no-audit --no-fund

FROM ${BUILD_FROM}
ARG BUILD_ARCH
ARG BUILD_VERSION=0.3.0
RUN apk add --no-cache nodejs
ENV NODE_ENV=production
# The same layout as the source tree (server/, ui/dist, package.json side by side), so
# that paths the server resolves from its own location (../package.json, ../ui/dist)
# hold in the image too.
WORKDIR /opt/wattwire
COPY --from=build /prod/node_modules ./node_modules
COPY --from=build /src/package.json ./
COPY --from=build /src/dist/server ./server
COPY --from=build /src/ui/dist ./ui/dist
COPY rootfs /
RUN chmod a+x /etc/s6-overlay/s6-rc.d/wattwire/run /etc/s6-overlay/s6-rc.d/wattwire/finish

# Loopback is always allowed by the ingress guard; the Supervisor reads this state.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${WATTWIRE_HTTP_PORT:-8099}/" || exit 1

LABEL \
    io.hass.type="app" \
    io.hass.name="Wattwire" \
    io.hass.description="Energy devices to MQTT with Home Assistant discovery" \
    io.hass.url="https://github.com/wattwire/wattwire" \
    io.hass.arch="${BUILD_ARCH}" \
    io.hass.version="${BUILD_VERSION}" \
    org.opencontainers.image.title="Wattwire" \
    org.opencontainers.image.description="Energy devices to MQTT with Home Assistant discovery" \
    org.opencontainers.image.source="https://github.com/wattwire/wattwire" \
    org.opencontainers.image.licenses="MIT" \
    org.opencontainers.image.version="${BUILD_VERSION}"
