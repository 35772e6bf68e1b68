"""Fill the local cache of official UBL validation rules (XSD + Schematron XSLT).

Each file listed in setup/rules.lock is taken, in this order, from the cache itself,
from ../shared/validation (a local copy of the same official releases), or downloaded
from its pinned source; in every case its SHA-256 must match the lock, or it is not
used.

    python setup/rules.py ensure [--cache DIR]
"""

import argparse
import hashlib
import os
import shutil
import sys
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "setup" / "rules.lock"
LOCAL = Path(os.environ.get("EINVOICE_LOCAL", REPO / ".local"))
DEFAULT_CACHE = Path(os.environ.get("EINVOICE_RULES_DIR", LOCAL / "rules"))
SHARED = REPO.parent / "shared" / "validation"


def read_lock(lock=None):
    lock = lock or LOCK
    entries = []
    for line_no, line in enumerate(lock.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            path, sha, url = line.split()
        except ValueError:
            raise SystemExit(
                f"{lock}:{line_no}: expected '<path> <sha256> <url>'"
            ) from None
        entries.append((path, sha, url))
    return entries


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ensure(cache, offline=False):
    """Return the list of (path, reason) that could not be put in the cache."""
    missing = []
    for rel, sha, url in read_lock():
        target = cache / rel
        if target.is_file() and sha256(target) == sha:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".part")
        shared = SHARED / rel
        if shared.is_file() and sha256(shared) == sha:
            shutil.copyfile(shared, tmp)
        elif offline:
            missing.append((rel, "not in ../shared/validation and downloads are off"))
            continue
        else:
            try:
                with (
                    urllib.request.urlopen(url, timeout=60) as response,
                    open(tmp, "wb") as out,
                ):
                    shutil.copyfileobj(response, out)
            except OSError as exc:
                missing.append((rel, f"download failed: {exc}"))
                continue
        if sha256(tmp) != sha:
            tmp.unlink()
            missing.append((rel, "checksum differs from setup/rules.lock"))
            continue
        tmp.replace(target)
    return missing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["ensure"])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args(argv)
    missing = ensure(args.cache, offline=os.environ.get("EINVOICE_OFFLINE") == "1")
    for rel, reason in missing:
        print(f"[einvoice] validation rule file {rel}: {reason}", file=sys.stderr)
    if missing:
        print(
            f"[einvoice] {len(missing)} validation rule file(s) missing in"
            f" {args.cache}: "
            "UBL pre-flight validation will not be available",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
