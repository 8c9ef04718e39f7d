#!/usr/bin/env sh
# Writes the secrets docker-compose.yml reads into docker/secrets/ (or the directory given), each only if it is
# missing: a new keyset would leave every stored control password undecryptable, and a new database password would
# no longer open the control plane's existing data. Needs only sh, head, od, base64 and tr.
#
# The directory is 0700, so no other user of this machine can reach the files; the files themselves are 0644 because
# Compose bind-mounts them with their host owner and mode, and the containers' users (10001 for the services, 999 for
# postgres) must read them.
set -eu

dir=${1:-$(cd "$(dirname "$0")" && pwd)/secrets}
mkdir -p "$dir"
chmod 700 "$dir"

# 32 random bytes, URL-safe Base64 without padding (as the services' own random keys are).
random() {
  head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

# A Tink cleartext JSON keyset holding one AES-256-GCM key (what ControlPasswordCipher.generateKeyset writes): the
# key is an AesGcmKey message, field 3 (tag 0x1a) holding 32 bytes (0x20).
keyset() {
  id=$(( $(od -An -N4 -tu4 /dev/urandom | tr -d ' \n') % 2147483646 + 1 ))
  value=$( { printf '\032\040'; head -c 32 /dev/urandom; } | base64 | tr -d '\n')
  printf '{"primaryKeyId":%s,"key":[{"keyData":{"typeUrl":"type.googleapis.com/google.crypto.tink.AesGcmKey",' "$id"
  printf '"value":"%s","keyMaterialType":"SYMMETRIC"},"status":"ENABLED","keyId":%s,"outputPrefixType":"TINK"}]}\n' \
    "$value" "$id"
}

# create <file> <command>: the command's output becomes the file, whole or not at all.
create() {
  file="$dir/$1"
  if [ -e "$file" ]; then
    echo "kept     $file"
    return
  fi
  (umask 022 && "$2" > "$file.new")
  mv "$file.new" "$file"
  echo "created  $file"
}

db_password() { random; }
internal_token() { random; }
admin_key() { printf 'dbc_%s' "$(random)"; }
api_key() { printf 'dbc_%s' "$(random)"; }

create db_password db_password
create admin_key admin_key
create internal_token internal_token
create bootstrap_api_key api_key
create keyset.json keyset
