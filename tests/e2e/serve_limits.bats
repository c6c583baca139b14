#!/usr/bin/env bats
# skillcert serve under hostile or clumsy clients: broken forms, endless chunked bodies, slow
# and many connections, forged log lines, NUL in the path, 304 headers, and SIGTERM with idle
# keep-alive connections. Raw-socket clients are small python scripts.
load helpers
load serve_helpers

setup() {
  work_setup
  make_home
  sc publish --home "$WORK/home" >/dev/null
}

teardown() {
  stop_server
  rm -rf "$WORK"
}

refute() {
  if "$@"; then return 1; fi
}

# POSTs the file $2 to /verify as Content-Type $1; prints the status.
post_form() {
  curl -s -o "$WORK/r" -w '%{http_code}' -H "Content-Type: $1" --data-binary @"$2" "$URL/verify"
}

# Sends raw bytes (a python bytes literal) and prints what the server answered, "" when it
# closed the connection without an answer.
raw_request() {
  "$PYTHON" - "${URL##*:}" "$1" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(eval(sys.argv[2]))
out = b""
try:
    while True:
        d = s.recv(65536)
        if not d:
            break
        out += d
except (ConnectionResetError, socket.timeout):
    pass
sys.stdout.write(out.decode("latin-1"))
EOF
}

@test "a multipart part without a name is a 400 page and the server keeps running" {
  start_server --home "$WORK/home" --offline
  printf -- '--XX\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--XX--\r\n' >"$WORK/noname"
  [ "$(post_form 'multipart/form-data; boundary=XX' "$WORK/noname")" = 400 ]
  printf -- '--XX\r\n\r\n\r\n--XX--\r\n' >"$WORK/nameless"
  [ "$(post_form 'multipart/form-data; boundary=XX' "$WORK/nameless")" = 400 ]
  [ "$(status_of "$URL/healthz")" = 200 ]
  kill -0 "$SERVER_PID"
}

@test "an unreadable form is a 400 'the form could not be read', not a 413" {
  start_server --home "$WORK/home" --offline
  printf '=x' >"$WORK/form"
  [ "$(post_form application/x-www-form-urlencoded "$WORK/form")" = 400 ]
  grep -q 'The form could not be read' "$WORK/r"
  { printf -- '--XX\r\nContent-Disposition: form-data; name="'
    head -c 20000 /dev/zero | tr '\0' n
    printf '"\r\n\r\nabc\r\n--XX--\r\n'; } >"$WORK/long-name"
  [ "$(post_form 'multipart/form-data; boundary=XX' "$WORK/long-name")" = 400 ]
  grep -q 'The form could not be read' "$WORK/r"
  { printf -- '--XX\r\nContent-Disposition: form-data; name="qr"\r\nX-Junk: '
    head -c 40000 /dev/zero | tr '\0' j
    printf '\r\n\r\nabc\r\n--XX--\r\n'; } >"$WORK/long-header"
  [ "$(post_form 'multipart/form-data; boundary=XX' "$WORK/long-header")" = 400 ]
  grep -q 'The form could not be read' "$WORK/r"
}

@test "a chunked body past the cap is cut off long before it ends" {
  start_server --home "$WORK/home" --offline
  # Up to 256 MiB in 64 KiB chunks; the server must stop reading soon after 1 MiB.
  run "$PYTHON" - "${URL##*:}" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          b"Transfer-Encoding: chunked\r\n\r\n")
chunk = b"%x\r\n" % 65536 + b"A" * 65536 + b"\r\n"
sent = 0
try:
    while sent < 256 << 20:
        s.sendall(chunk)
        sent += 65536
    print("read to the end")
except OSError:
    print("cut off after %d MiB" % (sent >> 20))
EOF
  echo "$output"
  [[ $output == "cut off after "* ]]
  [ "$(echo "$output" | awk '{print $4}')" -lt 32 ]
  eventually grep -q 'POST /credentials/verify 413 .*ms closed$' "$WORK/serve.log"
  [ "$(status_of "$URL/healthz")" = 200 ]
}

@test "connections beyond --max-connections-per-ip are closed at once" {
  start_server --home "$WORK/home" --offline --max-connections-per-ip 3
  run "$PYTHON" - "${URL##*:}" <<'EOF'
import socket, sys
port = int(sys.argv[1])
held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(3)]
# Each held connection is answered once (and kept alive) before the 4th opens: the server's
# threads accept concurrently, so without this the 4th could be counted before one of them.
for s in held:
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert s.recv(12) == b"HTTP/1.1 200", "a held connection was not answered"
extra = socket.create_connection(("127.0.0.1", port), timeout=5)
try:
    extra.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    print("4th answered: %r" % extra.recv(20))
except OSError as e:
    print("4th answered: %r" % e)
EOF
  echo "$output"
  [ "$output" = "4th answered: b''" ] || [[ $output == *"reset"* ]]
  [ "$(status_of "$URL/healthz")" = 200 ]
}

@test "a request that trickles in past --request-timeout is refused" {
  start_server --home "$WORK/home" --offline --request-timeout 1
  # The headers after the request line one byte every 0.15 s: 408 once they are in.
  run "$PYTHON" - "${URL##*:}" <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET /healthz HTTP/1.1\r\n")
for b in b"Host: x\r\n\r\n":
    s.send(bytes([b]))
    time.sleep(0.15)
print(s.recv(30).decode().split("\r\n")[0])
EOF
  [ "$output" = "HTTP/1.1 408 Request Timeout" ]
  # A body at 10 bytes/s: the connection is closed mid-body.
  run "$PYTHON" - "${URL##*:}" <<'EOF'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"POST /credentials/verify HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
try:
    for _ in range(100):
        s.send(b"a")
        time.sleep(0.1)
    print("answered: %r" % s.recv(30))
except OSError:
    print("closed")
EOF
  [ "$output" = closed ] || [ "$output" = "answered: b''" ]
  eventually grep -q 'POST /credentials/verify 408 .*ms closed$' "$WORK/serve.log"
  [ "$(status_of "$URL/healthz")" = 200 ]
}

@test "SIGTERM: new connections are refused and an idle keep-alive connection does not delay the exit" {
  start_server --home "$WORK/home" --offline
  port=${URL##*:}
  # A keep-alive connection that got its answer and stays open (idle) for 20 s.
  "$PYTHON" - "$port" >"$WORK/idle.out" <<'EOF' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
print(s.recv(100).decode().split("\r\n")[0], flush=True)
time.sleep(20)
EOF
  idle=$!
  for _ in $(seq 50); do [ -s "$WORK/idle.out" ] && break; sleep 0.1; done
  grep -q '200 OK' "$WORK/idle.out"
  start=$(date +%s%N)
  kill -TERM "$SERVER_PID"
  sleep 0.3
  refute curl -s -o /dev/null --max-time 2 "$URL/healthz"
  wait "$SERVER_PID"
  SERVER_PID=
  elapsed_ms=$((($(date +%s%N) - start) / 1000000))
  kill "$idle" 2>/dev/null || true
  echo "exit after ${elapsed_ms} ms"
  [ "$elapsed_ms" -lt 3000 ]
}

@test "the request log shows method and path only as printable ASCII" {
  start_server --home "$WORK/home" --offline
  status_of "$URL/x%20200%200.1ms%E2%80%AEabc" >/dev/null
  raw_request 'b"G\x1b[31mET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"' >/dev/null
  status_of "$URL/a%0D%0Ab" >/dev/null
  eventually grep -qF ' GET /a%0D%0Ab 404 ' "$WORK/serve.log"
  eventually grep -qF ' GET /x%20200%200.1ms%E2%80%AEabc 404 ' "$WORK/serve.log"
  eventually grep -qF ' G%1B[31mET /healthz ' "$WORK/serve.log"
  cat "$WORK/serve.log"
  # Nothing but printable ASCII, except the "…" the log itself writes.
  refute grep -qP '[^\x20-\x7e…]' "$WORK/serve.log"
}

@test "libmicrohttpd's own refusals are logged too" {
  start_server --home "$WORK/home" --offline
  long=$(head -c 40000 /dev/zero | tr '\0' x)
  status_of -H "X-Long: $long" "$URL/healthz" >/dev/null
  eventually grep -qE ' /healthz (431|413) [0-9.]+ms$' "$WORK/serve.log"
}

@test "a path with a NUL (%00) is a 400, not the file before it" {
  start_server --home "$WORK/home" --offline
  [ "$(status_of "$URL/issuer.json")" = 200 ]
  [ "$(status_of "$URL/issuer.json%00.txt")" = 400 ]
  [ "$(status_of "$URL/healthz%00")" = 400 ]
}

@test "a 304 has no Content-Length, or the file's own length, never 0" {
  start_server --home "$WORK/home" --offline
  curl -s -D "$WORK/h200" -o "$WORK/body" "$URL/issuer.json"
  etag=$(sed -n 's/^ETag: //Ip' "$WORK/h200" | tr -d '\r')
  curl -s -D "$WORK/h304" -o /dev/null -H "If-None-Match: $etag" "$URL/issuer.json"
  grep -q '^HTTP/1.1 304' "$WORK/h304"
  length=$(sed -n 's/^Content-Length: //Ip' "$WORK/h304" | tr -d '\r')
  [ -z "$length" ] || [ "$length" = "$(stat -c %s "$WORK/body")" ]
}
