#!/bin/bash
# WAL bytes per check-in on PostgreSQL for the statements the group-commit writer runs (history INSERT, device UPDATE),
# the PostgreSQL counterpart of checkin_wal_probe.py. WAL positions are cluster-wide, so run it against a private,
# otherwise idle cluster (docs: /work/shared/NOTES.md "PostgreSQL as root"), e.g. one on port 5205.
#
# Usage (from the repository root): bench/checkin-wal-probe/checkin_wal_probe_postgres.sh PORT LAST_MIGRATION [GROUP_COUNT]
#   LAST_MIGRATION: apply migrations/postgres up to and including this number (e.g. 0077 for "before", 0078 for "after").
# Builds the schema in a new database (foreign keys of devices and device_check_ins dropped: no merchant rows needed),
# 20,000 devices over 300 merchants, a fixed random check-in order; every device checks in once (not measured), then
# GROUP_COUNT (120) groups of 256 check-ins, one transaction each; prints WAL bytes per check-in and the two indexes' sizes.
set -euo pipefail
PORT=$1; LAST=$2; GROUP_COUNT=${3:-120}; DB=checkin_wal_probe_$LAST
P="psql -q -X -h 127.0.0.1 -p $PORT -U postgres -v ON_ERROR_STOP=1"
$P -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
for f in migrations/postgres/0*.sql; do
  n=$(basename "$f"); [[ "${n:0:4}" > "$LAST" ]] && continue
  $P -d $DB -f "$f" >/dev/null
done
$P -d $DB >/dev/null <<'SQL'
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text IN ('devices', 'device_check_ins') LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname);
  END LOOP; END $$;
CREATE TABLE probe_merchants AS SELECT gen_random_uuid() AS id, g AS n FROM generate_series(1, 300) g;
INSERT INTO devices (merchant_id, id, store_id, serial_number, model, status, check_in_interval_seconds, is_online, app_version, os_version,
                     firmware_version, battery_percent, last_seen_at, created_at, updated_at, tamper_state)
SELECT m.id, gen_random_uuid(), gen_random_uuid(), 'SN' || g, (ARRAY['A920','A920Pro','A77','IM30','P400','Move5000','SUNMI P2','V240m'])[1 + g % 8],
       1, 300, true, (ARRAY['3.4.0','3.5.0','3.5.1','3.6.0'])[1 + g % 4], 'A10', 'F1', 50, now(), now(), now(), 0
FROM generate_series(1, 20000) g JOIN probe_merchants m ON m.n = 1 + (g * 7919) % 300;
CREATE TABLE probe_order AS SELECT row_number() OVER (ORDER BY random()) - 1 AS seq, merchant_id, id FROM devices;
CREATE UNIQUE INDEX ON probe_order (seq);
VACUUM ANALYZE;
SQL
groups_sql() { cat <<SQL
DO \$\$ DECLARE b int; t timestamptz := now(); BEGIN
  FOR b IN 0 .. $1 - 1 LOOP
    t := t + interval '10 ms';
    INSERT INTO device_check_ins (merchant_id, id, device_id, received_at, os_version, firmware_version, app_version, battery_percent,
                                  network_type, network_encrypted, tamper_state)
    SELECT o.merchant_id, gen_random_uuid(), o.id, t, 'A10', 'F1', '3.6.0', 60, 'wifi', true, 0
    FROM probe_order o WHERE o.seq >= (b * 256) % 20000 AND o.seq < (b * 256) % 20000 + 256;
    UPDATE devices d SET last_seen_at = t, updated_at = t, battery_percent = 60, is_online = true, offline_after = t + interval '15 minutes'
    FROM probe_order o WHERE o.seq >= (b * 256) % 20000 AND o.seq < (b * 256) % 20000 + 256 AND d.merchant_id = o.merchant_id AND d.id = o.id;
    COMMIT;
  END LOOP; END \$\$;
SQL
}
groups_sql 79 | $P -d $DB
$P -d $DB -c "VACUUM devices"
START=$($P -d $DB -Atc "SELECT pg_current_wal_insert_lsn()")
groups_sql "$GROUP_COUNT" | $P -d $DB
$P -d $DB -Atc "SELECT 'migrations up to $LAST: ' || round(pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '$START') / ($GROUP_COUNT * 256.0)) || ' WAL bytes per check-in; '
  || 'ix_devices_merchant_model ' || pg_size_pretty(pg_relation_size('ix_devices_merchant_model'))
  || ', ix_devices_merchant_app_version ' || pg_size_pretty(pg_relation_size('ix_devices_merchant_app_version'))"
$P -c "DROP DATABASE $DB"
