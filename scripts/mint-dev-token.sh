#!/usr/bin/env bash
# Mints an HS256 JWT for trying the API in Jwt mode: mint-dev-token.sh TENANT [HOURS]
# Signs with $UPLOADS_SIGNING_KEY (the silo's Uploads:Auth:Jwt:SigningKey); adds iss/aud when
# $UPLOADS_ISSUER / $UPLOADS_AUDIENCE are set. Needs only bash, base64 and openssl.
set -euo pipefail

tenant=${1:?usage: mint-dev-token.sh TENANT [HOURS]}
hours=${2:-1}
key=${UPLOADS_SIGNING_KEY:?set UPLOADS_SIGNING_KEY to Uploads:Auth:Jwt:SigningKey of the silo}

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }

now=$(date +%s)
claims="\"sub\":\"$tenant\",\"iat\":$now,\"nbf\":$now,\"exp\":$((now + hours * 3600))"
[ -n "${UPLOADS_ISSUER:-}" ] && claims="$claims,\"iss\":\"$UPLOADS_ISSUER\""
[ -n "${UPLOADS_AUDIENCE:-}" ] && claims="$claims,\"aud\":\"$UPLOADS_AUDIENCE\""

header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{%s}' "$claims" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$key" -binary | b64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
