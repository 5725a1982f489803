"""Save a workbook as an .xls with a password, through LibreOffice (for tests/data/libreoffice).

    /usr/bin/python3 encrypt_xls.py SOURCE OUT.xls PASSWORD

Runs under the system python3 that LibreOffice's Python bridge (python3-uno) belongs to.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def pv(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main():
    src, out, password = sys.argv[1:4]
    profile = tempfile.mkdtemp()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--invisible",
            "--norestore",
            f"--accept=socket,host=127.0.0.1,port={port};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        url = f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
        for _ in range(120):
            try:
                ctx = resolver.resolve(url)
                break
            except Exception:
                time.sleep(0.5)
        else:
            sys.exit("LibreOffice did not answer")
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0, (pv("Hidden", True),)
        )
        doc.storeToURL(
            uno.systemPathToFileUrl(os.path.abspath(out)),
            (pv("FilterName", "MS Excel 97"), pv("Password", password)),
        )
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
