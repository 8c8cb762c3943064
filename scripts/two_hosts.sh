#!/bin/sh
# Two simulated hosts on this machine, for MPI across "machines" without machines:
# two network namespaces joined by a bridge in the root namespace.
#
#   scripts/two_hosts.sh up ID     make them; prints "BRIDGE ADDRESS1 ADDRESS2"
#   scripts/two_hosts.sh down ID   remove them (also what `up` left half-made)
#
# ID is a small number (0-249) that names the interfaces (Linux allows 15 characters) and
# picks the subnet 10.228.ID.0/24, so that two test runs at once do not collide.  Then:
#   mpiexec -iface BRIDGE -launcher ssh -launcher-exec scripts/netns_launcher.sh \
#       -hosts ADDRESS1,ADDRESS2 -n 3 python -m mpi4py.futures -m ev.main ...
# Needs root and iproute2.
set -eu
command=${1:-}
id=${2:-}
case "$id" in ''|*[!0-9]*) echo "usage: $0 up|down ID (a number 0-249)" >&2; exit 2;; esac
[ "$id" -le 249 ] || { echo "usage: $0 up|down ID (a number 0-249)" >&2; exit 2; }
bridge="ev${id}br"
subnet="10.228.${id}"

down() {
    for host in 1 2; do
        ip netns delete "ev${id}h${host}" 2>/dev/null || true
        ip link delete "ev${id}v${host}" 2>/dev/null || true
    done
    ip link delete "$bridge" 2>/dev/null || true
}

up() {
    down
    trap down EXIT        # half-made: take it all down again
    ip link add "$bridge" type bridge
    ip addr add "${subnet}.254/24" dev "$bridge"
    ip link set "$bridge" up
    for host in 1 2; do
        ns="ev${id}h${host}"
        ip netns add "$ns"
        ip link add "ev${id}v${host}" type veth peer name "ev${id}p${host}"
        ip link set "ev${id}p${host}" netns "$ns"
        ip link set "ev${id}v${host}" master "$bridge"
        ip link set "ev${id}v${host}" up
        ip -n "$ns" link set lo up
        ip -n "$ns" addr add "${subnet}.${host}/24" dev "ev${id}p${host}"
        ip -n "$ns" link set "ev${id}p${host}" up
        ip -n "$ns" route add default via "${subnet}.254"
    done
    trap - EXIT
    echo "$bridge ${subnet}.1 ${subnet}.2"
}

case "$command" in
    up) up ;;
    down) down ;;
    *) echo "usage: $0 up|down ID (a number 0-249)" >&2; exit 2 ;;
esac
