"""The stall backup file: a tar of a manifest, the schema's dump and the stall's public rows.

The manifest says what a sound file holds (format version, source schema, the migrations
it was at, every table's row count, its constraints, indexes and sequences, a SHA-256 and
size of each member), so a restore can refuse a damaged file before it touches anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

FORMAT = "gianhang-stall-backup"
VERSION = 1
MANIFEST = "manifest.json"
PUBLIC = "public.json"
DUMP = {"custom": "schema.dump", "plain": "schema.sql"}
NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class BackupError(Exception):
    """A backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True)
class Bundle:
    manifest: dict
    dump_path: Path
    public: dict

    @property
    def dump_format(self) -> str:
        return self.manifest["dump"]["format"]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bundle_write(*, path: Path, manifest: dict, dump_path: Path, dump_format: str, public: dict):
    """Write the backup file; a partly written file is never left under ``path``."""
    public_bytes = json.dumps(public, ensure_ascii=False, sort_keys=True).encode()
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        **manifest,
        "dump": {
            "name": DUMP[dump_format],
            "format": dump_format,
            "bytes": dump_path.stat().st_size,
            "sha256": _sha256(dump_path),
        },
        "public": {
            "name": PUBLIC,
            "bytes": len(public_bytes),
            "sha256": hashlib.sha256(public_bytes).hexdigest(),
        },
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    partial = path.with_name(path.name + ".partial")
    with tarfile.open(partial, "w") as tar:
        for name, data in ((MANIFEST, manifest_bytes), (PUBLIC, public_bytes)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        tar.add(dump_path, arcname=DUMP[dump_format])
    os.replace(partial, path)
    return manifest


def _refuse(reason: str) -> BackupError:
    return BackupError(
        _(
            "Tệp sao lưu bị hỏng hoặc không phải bản sao lưu gian hàng (%(reason)s); không khôi phục gì."
        )
        % {"reason": reason}
    )


def _checked_manifest(raw: bytes) -> dict:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse(_("bản kê không đọc được")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(_("bản kê không đúng định dạng"))
    if manifest.get("version") != VERSION:
        raise BackupError(
            _(
                "Tệp sao lưu có định dạng phiên bản %(v)s, bản này chỉ đọc phiên bản %(ours)s: "
                "hãy khôi phục bằng phiên bản phần mềm đã tạo ra nó."
            )
            % {"v": manifest.get("version"), "ours": VERSION}
        )
    try:
        schema = manifest["schema"]
        rows = manifest["rows"]
        objects = manifest["objects"]
        sequences = manifest["sequences"]
        dump, public = manifest["dump"], manifest["public"]
        valid = (
            isinstance(schema, str)
            and NAME.match(schema)
            and dump["format"] in DUMP
            and dump["name"] == DUMP[dump["format"]]
            and public["name"] == PUBLIC
            and all(NAME.match(t) and isinstance(n, int) and n >= 0 for t, n in rows.items())
            and all(isinstance(objects[k], int) for k in ("constraints", "indexes", "sequences"))
            and all(
                NAME.match(s) and (v is None or isinstance(v, int)) for s, v in sequences.items()
            )
            and isinstance(manifest["migrations"], list)
        )
    except (KeyError, TypeError, AttributeError):
        valid = False
    if not valid:
        raise _refuse(_("bản kê thiếu hoặc sai mục"))
    return manifest


def _member_bytes(tar: tarfile.TarFile, name: str) -> bytes:
    try:
        handle = tar.extractfile(name)
    except KeyError:
        raise _refuse(_("thiếu %(name)s") % {"name": name}) from None
    if handle is None:
        raise _refuse(_("thiếu %(name)s") % {"name": name})
    return handle.read()


def bundle_open(*, path: Path, workdir: Path) -> Bundle:
    """Read and verify a backup file; the dump is copied into ``workdir``. Raises BackupError."""
    with path.open("rb") as handle:
        head = handle.read(64)
    if head.startswith(b"PGDMP") or b"PostgreSQL database dump" in head:
        raise BackupError(
            _(
                "Đây là một bản pg_dump trần, không có bản kê để kiểm tra nên không được khôi "
                "phục. Hãy dùng tệp tạo bởi “gianhang stall backup” (phiên bản này trở đi)."
            )
        )
    try:
        with tarfile.open(path, "r:") as tar:
            manifest = _checked_manifest(_member_bytes(tar, MANIFEST))
            public_bytes = _member_bytes(tar, PUBLIC)
            dump_path = workdir / manifest["dump"]["name"]
            member = tar.extractfile(manifest["dump"]["name"])
            if member is None:
                raise _refuse(_("thiếu bản dump"))
            with dump_path.open("wb") as out:
                for block in iter(lambda: member.read(1 << 20), b""):
                    out.write(block)
    except BackupError:
        raise
    except KeyError:
        raise _refuse(_("thiếu bản dump")) from None
    except (tarfile.TarError, EOFError, OSError):
        raise _refuse(_("không phải tệp lưu trữ hợp lệ hoặc bị cắt cụt")) from None
    for what, expected, actual_bytes, actual_sha in (
        (
            PUBLIC,
            manifest["public"],
            len(public_bytes),
            hashlib.sha256(public_bytes).hexdigest(),
        ),
        (
            manifest["dump"]["name"],
            manifest["dump"],
            dump_path.stat().st_size,
            _sha256(dump_path),
        ),
    ):
        if actual_bytes != expected.get("bytes") or actual_sha != expected.get("sha256"):
            raise _refuse(_("mã kiểm tra của %(name)s không khớp") % {"name": what})
    try:
        public = json.loads(public_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _refuse(_("dữ liệu chung không đọc được")) from None
    return Bundle(manifest=manifest, dump_path=dump_path, public=public)
