#!/bin/sh
# mpiexec's "ssh" for hosts that are network namespaces on this machine (scripts/two_hosts.sh):
# MPICH's hydra runs `LAUNCHER [ssh options] HOST COMMAND...`; this drops the options, finds the
# namespace that owns the address HOST and runs COMMAND in it.  Use it as
#   mpiexec -iface BRIDGE -launcher ssh -launcher-exec scripts/netns_launcher.sh -hosts A1,A2 ...
while [ $# -gt 0 ]; do
    case "$1" in
        -[46AaCfgKkMNnqsTtVvXxYy]) shift ;;           # ssh flags without a value
        -[BbcDEeFIiJLlmOopQRSWw]) shift 2 ;;          # ssh options with a value
        -*) shift ;;
        *) break ;;
    esac
done
host=${1:?"usage: $0 [ssh options] HOST COMMAND..."}
shift
for ns in $(ip netns list | awk '{print $1}'); do
    if ip -n "$ns" -o -4 addr show | grep -q " inet $host/"; then
        exec ip netns exec "$ns" sh -c "$*"
    fi
done
echo "netns_launcher: no network namespace has the address $host" >&2
exit 255
