#!/usr/bin/env python3
"""WAL bytes and SQLite CPU per check-in, for the statements CheckInProcessor runs on SQLite, without HTTP or .NET.

Builds the devices schema from migrations/sqlite (0020, 0021, 0023 and any extra files named after '+'), enrols
20,000 devices, lets them check in once in a full cycle (so last_seen_at order is check-in order, as with terminals on a
fixed interval), then measures 120 groups of 256 check-ins, each one transaction: a history row (INSERT … ON CONFLICT
DO NOTHING) and the device UPDATE, as the group-commit writer does. WAL growth with automatic checkpoints off, divided
by the check-ins, is what each check-in makes SQLite write and fsync.

Usage (from the repository root): python3 bench/checkin-wal-probe/checkin_wal_probe.py VARIANT...
  VARIANT = [wide-](v4|v7)[+path/to/extra.sql]...
  v4/v7: random or time-ordered history ids; wide-: 300 merchants x 10 stores, devices in random row order (many
  merchants, as in production) instead of 3 merchants x 20 stores in row order (as the checkins bench seeds them).
"""
import datetime, os, random, re, sqlite3, sys, tempfile, time, uuid

MIGRATIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "migrations", "sqlite")
DEVICES, GROUPS, GROUP_SIZE = 20_000, 120, 256


def v4():
    return str(uuid.uuid4()).upper()


def v7():
    # RFC 9562 version 7: 48-bit Unix milliseconds first, then version, variant and random bits (as Guid.CreateVersion7).
    ms, rand = int(time.time() * 1000), random.getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value)).upper()


def text(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def run(variant, folder):
    base, *extra = variant.split("+")
    wide = base.startswith("wide-")
    new_id = v7 if base.endswith("v7") else v4
    path = os.path.join(folder, re.sub(r"[^A-Za-z0-9]", "_", variant) + ".db")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")  # synchronous stays FULL, as in the portal
    db.execute("CREATE TABLE merchants (id TEXT PRIMARY KEY)")
    db.execute("CREATE TABLE stores (merchant_id TEXT, id TEXT, PRIMARY KEY (merchant_id, id))")
    for name in ["0020_devices.sql", "0021_device_list_filter_indexes.sql", "0023_checkin_idempotency.sql"]:
        db.executescript(open(os.path.join(MIGRATIONS, name)).read())
    for script in extra:
        db.executescript(open(script).read())

    merchants = [v4() for _ in range(300 if wide else 3)]
    stores = [(m, v4()) for m in merchants for _ in range(10 if wide else 20)]
    start = time.time() - 3600
    devices = []
    db.execute("BEGIN")
    for i in range(DEVICES):
        merchant, store = stores[i % len(stores)]
        device = v4()
        devices.append((merchant, device))
        db.execute(
            "INSERT INTO devices (merchant_id, id, store_id, serial_number, model, status, check_in_interval_seconds, is_online, "
            "offline_after, last_seen_at, created_at, updated_at, app_version, tamper_state) VALUES (?,?,?,?,?,1,300,1,?,?,?,?,'3.5.1',0)",
            (merchant, device, store, f"BENCH{i:08d}", ["A920", "P2", "X990", "N86"][i % 4], text(start + 900),
             text(start - 300 + i * 300 / DEVICES), text(start), text(start)))
    db.execute("COMMIT")
    if wide:
        random.shuffle(devices)

    update = ("UPDATE devices SET os_version=?, firmware_version=?, app_version=?, battery_percent=?, network_type=?, network_encrypted=?, "
              "latitude=?, longitude=?, location_accuracy_m=?, distance_from_store_m=?, tamper_state=?, tamper_detail=?, rooted=?, "
              "p2pe_keys_loaded=?, is_online=1, offline_after=?, last_seen_at=?, updated_at=? WHERE merchant_id=? AND id=?")
    insert = ("INSERT INTO device_check_ins (merchant_id, id, device_id, received_at, os_version, firmware_version, app_version, "
              "battery_percent, network_type, network_encrypted, latitude, longitude, location_accuracy_m, tamper_state, tamper_detail, "
              "rooted, p2pe_keys_loaded, idempotency_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")
    warm_groups = DEVICES // GROUP_SIZE + 1
    sent = 0
    for group in range(warm_groups + GROUPS):
        if group == warm_groups:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.execute("PRAGMA wal_autocheckpoint=0")
            cpu = time.process_time()
        db.execute("BEGIN")
        for _ in range(GROUP_SIZE):
            merchant, device = devices[sent % DEVICES]
            sent += 1
            at = start + 300 + sent * 0.0002
            db.execute(insert, (merchant, new_id(), device, text(at), "Android 11", "FW 2.1", "3.5.1", 80, "wifi", 1, 51.5, -0.1, 25.0, 0,
                                None, 0, 1, None))
            db.execute(update, ("Android 11", "FW 2.1", "3.5.1", 80, "wifi", 1, 51.5, -0.1, 25.0, 55.0, 0, None, 0, 1, text(at + 900),
                                text(at), text(at), merchant, device))
        db.execute("COMMIT")
    cpu = time.process_time() - cpu
    measured = GROUPS * GROUP_SIZE
    wal = os.path.getsize(path + "-wal")
    print(f"{variant}: {wal / measured:,.0f} WAL bytes per check-in ({wal / 4120 / GROUPS:,.0f} pages per group of {GROUP_SIZE}), "
          f"{(cpu / measured) * 1e6:,.0f} µs CPU per check-in (SQLite {sqlite3.sqlite_version} and the Python loop)")
    db.close()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        for argument in sys.argv[1:]:
            run(argument, folder)
