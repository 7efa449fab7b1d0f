# Progress for long downloads, sourced by the stack scripts and the Node provisioning. On a terminal a live line
# (curl's own bar for plain downloads); otherwise a "downloaded N MB" line every PROGRESS_INTERVAL seconds (10 by
# default), so CI logs stay readable. Sizes are measured on disk, so any downloader (Maven, npm, curl) can be watched.

progress_bytes() { if [ -e "$1" ]; then du -sb "$1" 2>/dev/null | cut -f1; else echo 0; fi; }
progress_mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# progress_run LABEL PATH COMMAND...: runs COMMAND while reporting how much PATH (a file or a directory) grew;
# returns COMMAND's exit status.
progress_run() {
  local label="$1" path="$2"; shift 2
  local interval="${PROGRESS_INTERVAL:-10}" tick="${PROGRESS_TICK:-1}" tty=0 start bytes last=$SECONDS began=$SECONDS rc=0
  [ -t 2 ] && tty=1
  start=$(progress_bytes "$path")
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep "$tick"
    bytes=$(( $(progress_bytes "$path") - start )); [ "$bytes" -lt 0 ] && bytes=0
    if [ "$tty" = 1 ]; then
      printf '\r%s: %s MB downloaded ' "$label" "$(progress_mb "$bytes")" >&2
    elif [ $((SECONDS - last)) -ge "$interval" ]; then
      last=$SECONDS
      echo "$label: downloaded $(progress_mb "$bytes") MB so far" >&2
    fi
  done
  wait "$pid" || rc=$?
  [ "$tty" = 1 ] && printf '\n' >&2
  bytes=$(( $(progress_bytes "$path") - start )); [ "$bytes" -lt 0 ] && bytes=0
  if [ "$rc" = 0 ]; then echo "$label: $(progress_mb "$bytes") MB downloaded in $((SECONDS - began)) s" >&2
  else echo "$label: download failed (exit $rc) after $(progress_mb "$bytes") MB" >&2; fi
  return "$rc"
}

# progress_download URL DEST [LABEL]: fetches URL into DEST (atomically: a partial file never takes DEST's name).
progress_download() {
  local url="$1" dest="$2" label="${3:-$(basename "$2")}"
  mkdir -p "$(dirname "$dest")"
  rm -f "$dest.part"
  if [ -t 2 ]; then
    echo "$label: downloading $url" >&2
    curl -fL --progress-bar -o "$dest.part" "$url" || { rm -f "$dest.part"; return 1; }
  else
    progress_run "$label" "$dest.part" curl -fsSL -o "$dest.part" "$url" || { rm -f "$dest.part"; return 1; }
  fi
  mv "$dest.part" "$dest"
}
