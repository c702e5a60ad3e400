#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for test/sweep/slurm.test.ts (which runs the job-array
# script of docs/sweeps.md on it). Needs Debian's slurm-wlm and munge (.ci/run installs them) and
# root (slurmd runs jobs as the submitting user). Everything lives in one state folder; clients
# find the cluster through SLURM_CONF.
#   .ci/slurm-cluster.sh start   writes slurm.conf, starts munged, slurmctld and slurmd (idempotent);
#                                prints the SLURM_CONF path on stdout
#   .ci/slurm-cluster.sh stop    stops the daemons it started
set -euo pipefail
D="${ACCELSCOPE_SLURM_DIR:-/tmp/accelscope-slurm}"
CONF="$D/slurm.conf"
HOST="$(hostname -s)"

stop() {
  for p in slurmd slurmctld; do
    if [ -f "$D/$p.pid" ]; then kill "$(cat "$D/$p.pid")" 2>/dev/null || true; rm -f "$D/$p.pid"; fi
  done
}

if [ "${1:-}" = stop ]; then stop; exit 0; fi
[ "${1:-}" = start ] || { echo "usage: $0 start|stop" >&2; exit 2; }
for b in munged slurmctld slurmd sbatch scontrol; do
  command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || { echo "error: $b not found: apt-get install slurm-wlm munge" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "error: the test cluster's daemons run as root" >&2; exit 1; }
export PATH="$PATH:/usr/sbin"
mkdir -p "$D/state" "$D/spool"
export SLURM_CONF="$CONF"

# munge: the key Debian's package generated; the daemon runs as the munge user.
mkdir -p /run/munge && chown munge:munge /run/munge
if ! munge -n >/dev/null 2>&1; then
  [ -f /etc/munge/munge.key ] || { mungekey --create >/dev/null 2>&1 || /usr/sbin/create-munge-key -f; chown munge:munge /etc/munge/munge.key; }
  runuser -u munge -- munged
  for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done
fi

if scontrol ping 2>/dev/null | grep -q UP && sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mix|alloc'; then
  echo "$CONF"; exit 0
fi
stop
cat > "$CONF" <<CONF
# One-node test cluster (written by .ci/slurm-cluster.sh)
ClusterName=accelscope-ci
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
NodeName=$HOST CPUs=$(nproc) State=UNKNOWN
PartitionName=ci Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$CONF"
slurmd -f "$CONF"
for _ in $(seq 100); do
  if sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then echo "$CONF"; exit 0; fi
  sleep 0.2
done
echo "error: the Slurm node did not come up (logs: $D/slurmctld.log, $D/slurmd.log)" >&2
exit 1
