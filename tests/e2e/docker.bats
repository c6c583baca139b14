#!/usr/bin/env bats
# The Dockerfile. No container engine runs here, so what can be checked without one is: the
# stages, what each installs, the user, the health check, the command line (run with the
# binary under test), and hadolint when installed.
load helpers
load serve_helpers

DOCKERFILE=$ROOT/Dockerfile

teardown() {
  stop_server
  rm -rf "$WORK"
}

# The lines of stage NAME ("build" or "runtime"), from its FROM to the next FROM.
stage() {
  awk -v name="$1" '/^FROM /{ on = ($NF == name) } on' "$DOCKERFILE"
}

# A JSON-array instruction (ENTRYPOINT, CMD) of the runtime stage, one word a line.
exec_form() {
  stage runtime | sed -n "s/^$1 //p" | $PYTHON -c 'import json, sys; print("\n".join(json.load(sys.stdin)))'
}

@test "docker: two stages, both Debian bookworm-slim" {
  run grep -c '^FROM debian:bookworm-slim AS ' "$DOCKERFILE"
  [ "$output" = 2 ]
  stage build | grep -q '^FROM debian:bookworm-slim AS build$'
  stage runtime | grep -q '^FROM debian:bookworm-slim AS runtime$'
}

@test "docker: the build stage installs scripts/debian-packages, all of it in this Debian" {
  stage build | grep -q '^COPY scripts/deps.sh scripts/debian-packages scripts/$'
  stage build | grep -q '\./scripts/deps\.sh scripts/debian-packages'
  stage build | grep -q 'make deb'
  # No package named by hand in the build: the one apt-get install is the runtime stage's.
  [ "$(grep -c 'apt-get install' "$DOCKERFILE")" = 1 ]
  [ "$(stage build | grep -c 'apt-get install')" = 0 ]
  # Every listed package has an installable candidate (the image is the same Debian release).
  grep -q '^12\.' /etc/debian_version || skip "not Debian 12 (bookworm): $(cat /etc/debian_version)"
  while read -r p; do
    case $p in '' | '#'*) continue ;; esac
    candidate=$(apt-cache policy "$p" | sed -n 's/^ *Candidate: //p')
    [ -n "$candidate" ] && [ "$candidate" != "(none)" ] || { echo "no candidate: $p"; return 1; }
  done <"$ROOT/scripts/debian-packages"
}

@test "docker: the runtime stage installs only the package, its CA bundle and curl" {
  run stage runtime
  [[ "$output" == *"apt-get install -y --no-install-recommends /tmp/skillcert_*.deb ca-certificates curl"* ]]
  [[ "$output" == *"COPY --from=build /tmp/skillcert_*.deb /tmp/"* ]]
  [[ "$output" != *"-dev"* && "$output" != *"build-essential"* && "$output" != *"make "* ]]
}

@test "docker: a non-root user, volumes, port 8080 and a health check on /healthz" {
  run stage runtime
  user=$(stage runtime | sed -n 's/^USER //p')
  [ -n "$user" ] && [ "$user" != root ] && [ "$user" != 0 ]
  [[ "$output" == *'VOLUME ["/var/lib/skillcert", "/var/cache/skillcert"]'* ]]
  [[ "$output" == *"EXPOSE 8080"* ]]
  [[ "$output" == *"HEALTHCHECK "* && "$output" == *"http://127.0.0.1:8080/healthz"* ]]
  run exec_form ENTRYPOINT
  [ "$output" = "$(printf '%s\n' /usr/bin/skillcert serve --listen 0.0.0.0:8080)" ]
}

@test "docker: the image's command line serves a home and answers the health check" {
  make_home
  # ENTRYPOINT and CMD as the image runs them, with the binary under test, the home here and
  # a free loopback port instead of 0.0.0.0:8080.
  mapfile -t cmd < <(exec_form CMD)
  [ "${cmd[0]}" = --home ]
  cmd[1]=$WORK/home
  start_server "${cmd[@]}"
  run curl -fsS "$URL/healthz"
  [ "$status" -eq 0 ]
  [ "$output" = ok ]
}

@test "docker: .dockerignore keeps the build folders out of the context" {
  for d in build build-san build-fuzz .git; do
    grep -qx "$d" "$ROOT/.dockerignore" || { echo "missing $d"; return 1; }
  done
}

@test "docker: hadolint accepts the Dockerfile" {
  command -v hadolint >/dev/null || skip "hadolint is not installed (not packaged in Debian 12)"
  run hadolint "$DOCKERFILE"
  echo "$output"
  [ "$status" -eq 0 ]
}
