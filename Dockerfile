# One image for every service; docker-compose.yml picks the app with `command`.
FROM node:20-bookworm-slim AS build
WORKDIR /srv/lbaas
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm ci --no-audit --no-fund && npm run build

FROM node:20-bookworm-slim
# The node agents drive Debian's HAProxy and keepalived in network namespaces; PING monitors run iputils-ping;
# the config renderer makes a throwaway certificate with openssl to check TLS frontends.
RUN apt-get update && apt-get install -y --no-install-recommends haproxy keepalived iproute2 iptables iputils-ping curl openssl && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/lbaas
COPY --from=build /srv/lbaas /srv/lbaas
ENV LBAAS_NATS_URL=nats://nats:4222
