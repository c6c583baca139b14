#!/usr/bin/env bats
# The Makefile: what a change of flags or PREFIX rebuilds, and which build is strict.
# Each test compiles one small object into its own BUILD folder.
load helpers

# Run from `make test`, the variables of that make (MAKEFLAGS) must not reach these.
unset MAKEFLAGS MFLAGS MAKELEVEL CFLAGS WARN DEVELOPER

build_time_o() { # extra make arguments...
  make -C "$ROOT" --no-print-directory BUILD="$WORK/b" "$@" "$WORK/b/core/time.o"
}

@test "a change of PREFIX rebuilds the objects, the same PREFIX does not" {
  run build_time_o PREFIX=/opt/one
  [ "$status" -eq 0 ]
  grep -q '/opt/one' "$WORK/b/flags"
  run build_time_o PREFIX=/opt/one
  [ "$status" -eq 0 ]
  [[ "$output" != *"core/time.c"* ]]
  run build_time_o PREFIX=/opt/two
  [ "$status" -eq 0 ]
  [[ "$output" == *"core/time.c"* ]]
  [[ "$output" == *"SC_PREFIX='\"/opt/two\"'"* ]]
}

@test "a change of CFLAGS rebuilds the objects" {
  run build_time_o
  [ "$status" -eq 0 ]
  run build_time_o CFLAGS="-O1 -g"
  [ "$status" -eq 0 ]
  [[ "$output" == *"core/time.c"* ]]
}

@test "the developer build is strict, a packager's build is not" {
  run make -C "$ROOT" -n BUILD="$WORK/b" "$WORK/b/core/time.o"
  [[ "$output" == *"-Werror"* && "$output" == *"-Wmissing-prototypes"* ]]
  run make -C "$ROOT" -n BUILD="$WORK/b" DEVELOPER=0 "$WORK/b/core/time.o"
  [[ "$output" == *"-Wall"* && "$output" != *"-Werror"* ]]
  run make -C "$ROOT" -n BUILD="$WORK/b" CFLAGS="-O2" "$WORK/b/core/time.o"
  [[ "$output" != *"-Werror"* ]]
  run env CFLAGS="-O2" make -C "$ROOT" -n BUILD="$WORK/b" "$WORK/b/core/time.o"
  [[ "$output" != *"-Werror"* ]]
  run make -C "$ROOT" -n BUILD="$WORK/b" CFLAGS="-O2" DEVELOPER=1 "$WORK/b/core/time.o"
  [[ "$output" == *"-Werror"* ]]
}

@test "the program is linked with jemalloc, a sanitizer build and ALLOCATOR=system with glibc's malloc" {
  run make -C "$ROOT" -n -W cli/main.c BUILD="$WORK/b" "$WORK/b/skillcert"
  [ "$status" -eq 0 ]
  [[ "$output" == *"-ljemalloc"* ]]
  run make -C "$ROOT" -n -W cli/main.c BUILD="$WORK/b" ALLOCATOR=system "$WORK/b/skillcert"
  [ "$status" -eq 0 ]
  [[ "$output" == *"-ljansson"* && "$output" != *"-ljemalloc"* ]]
  run make -C "$ROOT" -n -W cli/main.c BUILD="$WORK/b" SANFLAGS="-fsanitize=address" "$WORK/b/skillcert"
  [ "$status" -eq 0 ]
  [[ "$output" == *"-ljansson"* && "$output" != *"-ljemalloc"* ]]
}

@test "an ALLOCATOR other than jemalloc or system stops the build, naming the setting" {
  run make -C "$ROOT" -n BUILD="$WORK/b" ALLOCATOR=jemaloc "$WORK/b/skillcert"
  [ "$status" -ne 0 ]
  [[ "$output" == *"ALLOCATOR=jemaloc: expected jemalloc or system"* ]]
}

@test "the release program's malloc is jemalloc's" {
  if nm -D "$SKILLCERT" | grep -q __asan_init; then
    skip "a sanitizer build keeps the sanitizer's allocator"
  fi
  run env LD_DEBUG=bindings "$SKILLCERT" --version
  [ "$status" -eq 0 ]
  # ld.so's line for each binding: "binding file <user> [0] to <provider> [0]: normal symbol `malloc'"
  printf '%s\n' "$output" | grep -q "libjemalloc\.so\.2 \[0\]: normal symbol \`malloc'"
}

@test "every layer includes only the layers below it" {
  run "$ROOT/scripts/check-layers.sh" "$WORK/no-build"
  [ "$status" -eq 0 ]
  [[ "$output" != *"not ok"* ]]
}

@test "make uninstall removes what make install put under DESTDIR and PREFIX, nothing else" {
  mkdir -p "$WORK/root/usr/local/bin"
  echo keep >"$WORK/root/usr/local/bin/other-tool"
  run make -C "$ROOT" --no-print-directory DESTDIR="$WORK/root" install
  [ "$status" -eq 0 ]
  [ -x "$WORK/root/usr/local/bin/skillcert" ]
  [ -f "$WORK/root/usr/local/share/man/man1/skillcert.1" ]
  [ -d "$WORK/root/usr/local/share/skillcert/templates" ]
  [ -f "$WORK/root/usr/local/share/locale/id/LC_MESSAGES/skillcert.mo" ]
  run make -C "$ROOT" --no-print-directory DESTDIR="$WORK/root" uninstall
  [ "$status" -eq 0 ]
  [ ! -e "$WORK/root/usr/local/bin/skillcert" ]
  [ ! -e "$WORK/root/usr/local/share/man/man1/skillcert.1" ]
  [ ! -e "$WORK/root/usr/local/share/skillcert" ]
  [ ! -e "$WORK/root/usr/local/share/locale/id/LC_MESSAGES/skillcert.mo" ]
  [ "$(cat "$WORK/root/usr/local/bin/other-tool")" = keep ]
}
