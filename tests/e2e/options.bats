#!/usr/bin/env bats
# Options come from one table per command (cli/options.c): strict values, --help and the man
# page all follow from it.

load helpers
bats_require_minimum_version 1.5.0

COMMANDS="init key issue verify trust template list inspect render revoke suspend reinstate publish serve mail claim worker wallet"

# refused CMD ARGS... EXPECTED: exit 64 and one message (plus the --help hint) saying EXPECTED.
refused() {
  local expected=${*: -1}
  run timeout 20 "$SKILLCERT" "${@:1:$#-1}"
  echo "$output"
  [ "$status" -eq 64 ]
  [ "${#lines[@]}" -eq 2 ]
  [ "${lines[0]}" = "$expected" ]
}

@test "a number option takes a whole number in its range, or is refused naming the option" {
  refused serve --listen 127.0.0.1:0 --threads 4x \
    "skillcert: serve: --threads expects a whole number from 1 to 256, got '4x'"
  refused serve --listen 127.0.0.1:0 --threads 0 \
    "skillcert: serve: --threads expects a whole number from 1 to 256, got '0'"
  refused serve --listen 127.0.0.1:0 --threads " 4" \
    "skillcert: serve: --threads expects a whole number from 1 to 256, got ' 4'"
  refused serve --listen 127.0.0.1:0 --max-connections-per-ip -1 \
    "skillcert: serve: --max-connections-per-ip expects a whole number from 1 to 512, got '-1'"
  refused serve --listen 127.0.0.1:0 --request-timeout 5s \
    "skillcert: serve: --request-timeout expects a whole number from 1 to 3600, got '5s'"
  refused serve --listen 127.0.0.1:0 --request-timeout 99999999999999999999 \
    "skillcert: serve: --request-timeout expects a whole number from 1 to 3600, got '99999999999999999999'"
  refused issue -j 0 "skillcert: issue: -j expects a whole number from 1 to 256, got '0'"
  refused issue --jobs=+2 "skillcert: issue: --jobs expects a whole number from 1 to 256, got '+2'"
}

@test "a duration option takes N, Nm, Nh or Nd, or is refused naming the option" {
  refused publish --ttl 5q \
    "skillcert: publish: --ttl expects a duration: seconds, or Nm, Nh, Nd up to 10 years (e.g. 12h), got '5q'"
  refused publish --ttl 0 \
    "skillcert: publish: --ttl expects a duration: seconds, or Nm, Nh, Nd up to 10 years (e.g. 12h), got '0'"
  refused publish --ttl " 12h" \
    "skillcert: publish: --ttl expects a duration: seconds, or Nm, Nh, Nd up to 10 years (e.g. 12h), got ' 12h'"
}

@test "a bad --map is refused naming the value" {
  refused issue --roster r.csv --template t --map nocolumn \
    "skillcert: issue: --map expects COLUMN=FIELD, got 'nocolumn'"
}

@test "the commands checked here are every command skillcert --help names" {
  listed=$(sc --help | sed -nE 's/^  ([a-z]+)  .*/\1/p' | sort)
  [ -n "$listed" ]
  checked=$(tr ' ' '\n' <<<"$COMMANDS" | sort)
  [ "$listed" = "$checked" ] || { diff <(echo "$listed") <(echo "$checked"); false; }
}

@test "every command answers --help on standard output with exit 0" {
  for c in $COMMANDS; do
    run --separate-stderr sc "$c" --help
    [ "$status" -eq 0 ] || { echo "$c: exit $status"; false; }
    [[ "$output" == "usage: skillcert "* ]] || { echo "$c: $output"; false; }
    [ -z "$stderr" ]
  done
}

# The man page's part for a command: from its ".SS" line under OPTIONS to the next .SS or .SH.
man_part() {
  awk -v cmd="$1" '
    /^\.SH/ { in_options = ($2 == "OPTIONS"); on = 0; next }
    /^\.SS/ { on = in_options && index($0, cmd) > 0; next }
    on' "$ROOT/docs/man/skillcert.1"
}

@test "every option in a command's --help is in that command's part of the man page" {
  for c in $COMMANDS; do
    part=$(man_part "$c")
    [ -n "$part" ] || { echo "no .SS for $c under OPTIONS"; false; }
    options=$(sc "$c" --help | sed -nE 's/^  (-[a-zA-Z], )?--([a-z][a-z-]*).*/\1--\2/p')
    [ -n "$options" ]
    while read -r letter_and_name; do
      name=${letter_and_name##*--}
      roff="\\-\\-${name//-/\\-}"
      grep -qF -- "$roff" <<<"$part" || { echo "$c: --$name is not in the man page"; false; }
      if [[ $letter_and_name == -?,* ]]; then
        grep -qF -- "\\-${letter_and_name:1:1}," <<<"$part" ||
          { echo "$c: ${letter_and_name%%,*} is not in the man page"; false; }
      fi
    done <<<"$options"
  done
}
