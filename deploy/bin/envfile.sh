# shellcheck shell=bash
# Reads a systemd-style environment file (NAME=value lines, '#' comments, optional "…" or '…' quotes) and exports
# its variables, without executing the file: the same file systemd's EnvironmentFile= reads.
# Usage: . deploy/bin/envfile.sh; tcxd_load_env /etc/tcxd/tcxd.env

tcxd_load_env() {
  local file=$1 line key value n=0
  [ -r "$file" ] || { echo "tcxd: cannot read $file" >&2; return 1; }
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    line=${line%$'\r'}
    line=${line#"${line%%[![:space:]]*}"}
    case $line in '' | '#'* | ';'*) continue ;; esac
    if [[ $line != *=* ]]; then
      echo "tcxd: $file:$n: not NAME=value" >&2
      return 1
    fi
    key=${line%%=*}
    key=${key%"${key##*[![:space:]]}"}
    value=${line#*=}
    value=${value#"${value%%[![:space:]]*}"}
    if [[ ! $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
      echo "tcxd: $file:$n: bad variable name '$key'" >&2
      return 1
    fi
    if [[ ${#value} -ge 2 && ( ($value == \"*\" && $value == *\") || ($value == \'*\' && $value == *\') ) ]]; then
      value=${value:1:${#value}-2}
    fi
    export "$key=$value"
  done <"$file"
}
