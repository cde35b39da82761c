# Shared by the server scripts of infra/ (rabbitmq, postgres, redis); sourced, not run.

# apt_install PACKAGE: installs a Debian package (as root), then stops the system instance Debian may have started,
# since the scripts run servers of their own (own folder, own port).
apt_install() {
  local package=$1
  echo "Installing $package (Debian package)…"
  if [ "$(id -u)" -ne 0 ]; then
    echo "$package is not installed; run as root or: sudo apt-get install -y $package" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
  (service "$package" stop >/dev/null 2>&1 || true)
}

# pid_status LABEL: whether the process recorded in $dir/pid is alive, said as the scripts' status commands say it.
pid_status() {
  if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    echo "running: $1 on 127.0.0.1:$(cat "$dir/port") (pid $(cat "$dir/pid"))"
  else
    echo "not running"
    return 1
  fi
}
