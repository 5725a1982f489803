"""The OLE/CFB container of a legacy .xls (and of an encrypted .xlsx), read under limits.

Parsed here, in Python, before python-calamine sees a byte of it. calamine's
own container reader (src/cfb.rs) trusts the header: it reserves memory for
the declared number of FAT sectors (a forged count aborts the process), follows
the DIFAT and directory chains without looking for loops (a loop hangs it),
and indexes the FAT without a bounds check. So:

- `Container` parses the header (signature, byte order, version and sector
  size, mini sector size and cutoff), the DIFAT and FAT (every sector inside
  the file, each used once, counts no larger than the file can hold), the
  directory (entries, their tree walked with loops refused) and the mini FAT,
  and reads a stream by following its chain with every sector checked to lie
  inside the file and to be visited once: a loop, a chain that leaves the file
  or stops short of the stream's declared size is refused, as is a size past
  the limits. Work is bounded by the file's size.
- `rebuilt` writes a new, minimal container holding one stream (the
  workbook's, already read and checked here), so that calamine only ever
  parses a container this module wrote: none of the original's header, FAT,
  directory or other streams reaches it.

Every refusal is an `UnreadableWorkbook` with a catalogue code.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from sorachi_etl.intake.archive import DEFAULT_LIMITS, Limits, corrupt, megabytes, too_large
from sorachi_etl.model.errors import UnreadableWorkbook
from sorachi_etl.model.messages import phrase

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAXREGSECT = 0xFFFFFFFA
DIFSECT = 0xFFFFFFFC
FATSECT = 0xFFFFFFFD
ENDOFCHAIN = 0xFFFFFFFE
FREESECT = 0xFFFFFFFF
NOSTREAM = 0xFFFFFFFF
MINI_SECTOR = 64
MINI_CUTOFF = 4096
_ENTRY = 128

# Directory entry types.
EMPTY, STORAGE, STREAM, ROOT = 0, 1, 2, 5


def _bad(what: str) -> Exception:
    return corrupt(phrase("cfb_part", what=what))


@dataclass(frozen=True)
class Entry:
    """One directory entry: a stream or storage of the container."""

    sid: int
    name: str
    kind: int
    start: int
    size: int
    left: int
    right: int
    child: int


class Container:
    """An OLE/CFB container opened from bytes; raises UnreadableWorkbook when it is unsafe or broken.

    `top` maps the lower-cased names of the root storage's children to their
    entries (the streams Excel reads by name: Workbook, EncryptionInfo, ...).
    """

    def __init__(self, data: bytes, limits: Limits = DEFAULT_LIMITS) -> None:
        self.data = data
        self.limits = limits
        if len(data) < 512 or not data.startswith(MAGIC):
            raise _bad(phrase("cfb_header_cut"))
        (
            minor,
            major,
            byte_order,
            sector_shift,
            mini_shift,
        ) = struct.unpack_from("<HHHHH", data, 24)
        del minor
        if byte_order != 0xFFFE:
            raise _bad(phrase("cfb_header_byte_order"))
        if (major, sector_shift) not in ((3, 9), (4, 12)):
            raise _bad(phrase("cfb_header_version"))
        if mini_shift != 6:
            raise _bad(phrase("cfb_header_mini_sector"))
        (
            n_dir_sectors,
            n_fat,
            dir_start,
            _transaction,
            cutoff,
            mini_fat_start,
            n_mini_fat,
            difat_start,
            n_difat,
        ) = struct.unpack_from("<9I", data, 40)
        if cutoff != MINI_CUTOFF:
            raise _bad(phrase("cfb_header_mini_cutoff"))
        if major == 3 and n_dir_sectors != 0:
            raise _bad(phrase("cfb_header_directory_sectors"))
        self.version = major
        self.sector_size = ss = 1 << sector_shift
        if len(data) < ss:
            raise _bad(phrase("cfb_header_cut"))
        # Sector i starts at (i + 1) * sector size; a last sector cut short is read as it is.
        self.n_sectors = (len(data) - ss + ss - 1) // ss
        for count, what in (
            (n_fat, "FAT"),
            (n_difat, "DIFAT"),
            (n_mini_fat, phrase("cfb_mini_fat")),
        ):
            if count > self.n_sectors:
                raise _bad(phrase("cfb_header_count", what=what, count=count))
        self._visited = bytearray(self.n_sectors)  # sectors of the DIFAT and FAT
        self.fat = self._read_fat(n_fat, difat_start, n_difat)
        self.entries = self._read_directory(dir_start)
        self.top = self._walk_tree()
        self.mini_fat: list[int] = []
        self.mini_stream = b""
        if n_mini_fat:
            self._read_mini(mini_fat_start, n_mini_fat)

    def _read_mini(self, mini_fat_start: int, n_mini_fat: int) -> None:
        """The mini FAT and the mini stream (the root entry's stream) small streams live in."""
        ss = self.sector_size
        root = self.entries[0]
        self.mini_fat = list(
            struct.unpack(f"<{n_mini_fat * ss // 4}I", self._chain(mini_fat_start, n_mini_fat))
        )
        if root.size > self.n_sectors * ss:
            raise _bad(phrase("cfb_mini_stream_past_file"))
        n_root = (root.size + ss - 1) // ss
        self.mini_stream = self._chain(root.start, n_root)[: root.size]

    # --- sectors and chains ---------------------------------------------------------

    def _sector(self, sid: int) -> bytes:
        ss = self.sector_size
        start = (sid + 1) * ss
        return self.data[start : start + ss].ljust(ss, b"\x00")

    def _chain(self, start: int, count: int | None, *, what: str = "cfb_stream") -> bytes:
        """The bytes of the chain from `start`: `count` sectors (None: to its end);
        `what` is the phrase code naming the chain in a refusal."""
        what = phrase(what)
        out: list[bytes] = []
        sid = start
        fat = self.fat
        seen = bytearray(self.n_sectors)
        while sid != ENDOFCHAIN and (count is None or len(out) < count):
            if sid > MAXREGSECT or sid >= self.n_sectors:
                raise _bad(phrase("cfb_chain_outside", what=what))
            if seen[sid]:
                raise _bad(phrase("cfb_chain_loop", what=what))
            seen[sid] = 1
            out.append(self._sector(sid))
            sid = fat[sid] if sid < len(fat) else FREESECT
        if count is not None and len(out) < count:
            raise _bad(phrase("cfb_chain_short", what=what))
        return b"".join(out)

    def _read_fat(self, n_fat: int, difat_start: int, n_difat: int) -> list[int]:
        data, ss = self.data, self.sector_size
        ids = list(struct.unpack_from("<109I", data, 76))
        sid, seen = difat_start, 0
        per_sector = ss // 4 - 1
        while sid != ENDOFCHAIN and sid != FREESECT:
            if seen >= n_difat or sid >= self.n_sectors or self._visited[sid]:
                raise _bad(phrase("cfb_difat_broken"))
            self._visited[sid] = 1
            seen += 1
            values = struct.unpack(f"<{per_sector + 1}I", self._sector(sid))
            ids.extend(values[:per_sector])
            sid = values[per_sector]
        fat_sectors = [i for i in ids if i != FREESECT][:n_fat]
        if len(fat_sectors) != n_fat:
            raise _bad(phrase("cfb_fat_count"))
        fat: list[int] = []
        for sid in fat_sectors:
            if sid >= self.n_sectors or self._visited[sid]:
                raise _bad(phrase("cfb_fat_outside"))
            self._visited[sid] = 1
            fat.extend(struct.unpack(f"<{ss // 4}I", self._sector(sid)))
        return fat

    def _read_directory(self, start: int) -> list[Entry]:
        raw = self._chain(start, None, what="cfb_directory")
        count = len(raw) // _ENTRY
        if count == 0:
            raise _bad(phrase("cfb_no_directory"))
        if count > self.limits.max_cfb_entries:
            raise too_large(
                phrase("cfb_too_many_entries", count=count, limit=self.limits.max_cfb_entries)
            )
        entries = []
        for i in range(count):
            at = i * _ENTRY
            name_len, kind = struct.unpack_from("<HB", raw, at + 64)
            left, right, child = struct.unpack_from("<3I", raw, at + 68)
            start_sid, size_low, size_high = struct.unpack_from("<3I", raw, at + 116)
            if kind == EMPTY:
                entries.append(Entry(i, "", EMPTY, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM))
                continue
            if kind not in (STORAGE, STREAM, ROOT) or name_len > 64 or name_len % 2:
                raise _bad(phrase("cfb_entry_broken"))
            name = raw[at : at + max(name_len - 2, 0)].decode("utf-16-le", errors="replace")
            # Version 3 files keep the size in 32 bits; writers leave junk in the high half.
            size = size_low if self.version == 3 else size_low | size_high << 32
            for link in (left, right, child):
                if link != NOSTREAM and link >= count:
                    raise _bad(phrase("cfb_entry_links_broken"))
            entries.append(Entry(i, name, kind, start_sid, size, left, right, child))
        if entries[0].kind != ROOT:
            raise _bad(phrase("cfb_root_broken"))
        return entries

    def _walk_tree(self) -> dict[str, Entry]:
        """The root's children by lower-cased name; every entry reached once at most."""
        reached = bytearray(len(self.entries))
        reached[0] = 1
        top: dict[str, Entry] = {}
        stack = [(self.entries[0].child, True)]
        while stack:
            sid, under_root = stack.pop()
            if sid == NOSTREAM:
                continue
            if reached[sid]:
                raise _bad(phrase("cfb_tree_loop"))
            reached[sid] = 1
            entry = self.entries[sid]
            if entry.kind in (EMPTY, ROOT):
                raise _bad(phrase("cfb_tree_broken"))
            if under_root:
                key = entry.name.lower()
                if key in top:
                    raise _bad(phrase("cfb_duplicate_entry", name=entry.name[:30]))
                top[key] = entry
            stack += [(entry.left, under_root), (entry.right, under_root), (entry.child, False)]
        return top

    # --- streams ------------------------------------------------------------------------

    def stream(self, name: str) -> bytes | None:
        """The bytes of the root's stream `name` (case-insensitive); None when there is none."""
        entry = self.top.get(name.lower())
        if entry is None or entry.kind != STREAM:
            return None
        limits = self.limits
        size = entry.size
        if size > limits.max_member_bytes:
            raise too_large(
                phrase(
                    "cfb_stream_too_large",
                    name=entry.name[:30],
                    size=megabytes(size),
                    limit=megabytes(limits.max_member_bytes),
                )
            )
        if size > self.n_sectors * self.sector_size:
            raise _bad(phrase("cfb_stream_past_file", name=entry.name[:30]))
        if size >= MINI_CUTOFF:
            count = (size + self.sector_size - 1) // self.sector_size
            return self._chain(entry.start, count)[:size]
        return self._mini_chain(entry.start, size)

    def _mini_chain(self, start: int, size: int) -> bytes:
        count = (size + MINI_SECTOR - 1) // MINI_SECTOR
        n_mini = len(self.mini_stream) // MINI_SECTOR
        seen = bytearray(n_mini)
        out: list[bytes] = []
        sid = start
        while len(out) < count:
            if sid >= n_mini or sid >= len(self.mini_fat):
                raise _bad(phrase("cfb_mini_outside"))
            if seen[sid]:
                raise _bad(phrase("cfb_mini_loop"))
            seen[sid] = 1
            out.append(self.mini_stream[sid * MINI_SECTOR : (sid + 1) * MINI_SECTOR])
            sid = self.mini_fat[sid]
        return b"".join(out)[:size]


def decrypted(data: bytes, password: str) -> bytes:
    """The file inside a password-protected Office file (an OLE container: an encrypted
    .xlsx or .xls), decrypted in memory; raises UnreadableWorkbook (wrong_password, corrupt)."""
    import msoffcrypto
    from msoffcrypto.exceptions import InvalidKeyError

    out = io.BytesIO()
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=password)
        office.decrypt(out)
    except InvalidKeyError as exc:
        raise UnreadableWorkbook("wrong_password") from exc
    except Exception as exc:  # msoffcrypto raises its own and assorted stdlib errors
        raise corrupt(phrase("cfb_cannot_decrypt")) from exc
    return out.getvalue()


def rebuilt(name: str, body: bytes) -> bytes:
    """A new container (version 4, 4096-byte sectors) holding only the stream `name`.

    The stream is written as a regular stream (padded with zero bytes to the
    mini stream cutoff when shorter, which a BIFF reader never reaches: it
    stops at the EOF records), so the container needs no mini stream, no DIFAT
    and a single directory sector.
    """
    ss = 4096
    body = body.ljust(MINI_CUTOFF, b"\x00")
    n_data = (len(body) + ss - 1) // ss
    dir_sid = n_data
    n_fat = 1
    while (n_data + 1 + n_fat) > n_fat * (ss // 4):
        n_fat += 1
    if n_fat > 109:
        raise too_large(phrase("cfb_body_too_large", size=megabytes(len(body))))
    fat = [FREESECT] * (n_fat * (ss // 4))
    for i in range(n_data):
        fat[i] = i + 1 if i + 1 < n_data else ENDOFCHAIN
    fat[dir_sid] = ENDOFCHAIN
    for i in range(n_fat):
        fat[dir_sid + 1 + i] = FATSECT
    difat = [dir_sid + 1 + i for i in range(n_fat)] + [FREESECT] * (109 - n_fat)
    header = (
        MAGIC
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 4, 0xFFFE, 12, 6)
        + bytes(6)
        + struct.pack("<9I", 1, n_fat, dir_sid, 0, MINI_CUTOFF, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
        + struct.pack("<109I", *difat)
    ).ljust(ss, b"\x00")

    directory = _directory_sector(name, dir_sid, len(body), ss)
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    return header + body.ljust(n_data * ss, b"\x00") + directory + fat_bytes


def _directory_sector(name: str, dir_sid: int, size: int, ss: int) -> bytes:
    """The one directory sector of `rebuilt`: the root and the stream `name` of `size` bytes
    at sector 0, then two empty entries."""
    # The root's start points at the directory sector with size 0: calamine refuses a
    # version 4 root whose start is ENDOFCHAIN, and reads no mini stream of size 0.
    directory = (
        _directory_entry("Root Entry", ROOT, 1, dir_sid, 0)
        + _directory_entry(name, STREAM, NOSTREAM, 0, size)
        + bytes(_ENTRY * 2)
    ).ljust(ss, b"\x00")
    for i in range(2, 4):
        at = i * _ENTRY
        directory = (
            directory[: at + 68]
            + struct.pack("<3I", NOSTREAM, NOSTREAM, NOSTREAM)
            + directory[at + 80 :]
        )
    return directory


def _directory_entry(entry_name: str, kind: int, child: int, start: int, size: int) -> bytes:
    encoded = (entry_name + "\x00").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB3I", len(encoded), kind, 1, NOSTREAM, NOSTREAM, child)
        + bytes(16 + 4 + 16)
        + struct.pack("<IQ", start, size)
    )
