# n8n 2.41.1 with this pack installed as a community package, for the queue-mode layout of
# docker-compose.yml (main, webhook processor and workers all run this image).
# Untested as an image here (no Docker on the test machine); the same install is what the scale
# tests do: the package in <N8N_USER_FOLDER>/.n8n/nodes of every process.
FROM n8nio/n8n:2.41.1
USER node
# Pinned to the version you want; --omit=peer: n8n-workflow comes from n8n itself.
ARG INCIDENT_DATA_VERSION=latest
RUN mkdir -p /home/node/.n8n/nodes \
	&& cd /home/node/.n8n/nodes \
	&& npm init -y >/dev/null \
	&& npm install --omit=peer --omit=dev --no-audit --no-fund "n8n-nodes-incident-data@${INCIDENT_DATA_VERSION}"
