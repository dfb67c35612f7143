"""Put camera photos into a finished PDF by reference: stand-ins while laying out, the real bytes at the end.

A print PDF keeps its photos at full resolution, as the camera's own JPEG bytes. Laying out,
caching and joining runs of pages with hundreds of those (2–5 MB each) would hold them in
memory several times over; instead WeasyPrint gets a stand-in of the same pixel size for each
(images.placeholder), and ``expand`` swaps each stand-in's image stream for the photo's
bytes as the finished file is written. The photo's bytes come from a one-image PDF kept in
the cache, which qpdf reads only while writing that stream.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pikepdf

from ..images import pdf_bytes, placeholder, placeholder_digest


def by_reference(images: dict[str, Path], cache: Path) -> tuple[dict[str, Path], dict[str, Path]]:
    """(the hrefs mapped to what WeasyPrint should load, digest -> photo file for ``expand``)."""
    served, photos = {}, {}
    for href, path in images.items():
        found = placeholder(path, cache)
        if found is None:
            served[href] = path
        else:
            served[href], photos[found[0]] = found[1], path
    return served, photos


def expand(data: bytes, target, photos: dict[str, Path], cache: Path) -> None:
    """Write the PDF ``data`` into ``target`` (a binary file) with each stand-in replaced by its photo."""
    if not photos:
        target.write(data)
        return
    with contextlib.ExitStack() as stack:
        pdf = stack.enter_context(pikepdf.open(io.BytesIO(data)))
        replaced: dict[tuple[int, int], pikepdf.Object] = {}

        def real(stream: pikepdf.Object) -> pikepdf.Object | None:
            if stream.objgen in replaced:
                return replaced[stream.objgen]
            if stream.get("/Filter") != pikepdf.Name.DCTDecode:
                return None
            digest = placeholder_digest(stream.read_raw_bytes()[:128])
            if digest is None or digest not in photos:
                return None
            source = stack.enter_context(pikepdf.open(_photo_pdf(digest, photos[digest], cache)))
            copied = pdf.copy_foreign(source.Root.Photo)
            for key, value in stream.stream_dict.items():
                if key != "/Length":
                    copied.stream_dict[key] = value
            replaced[stream.objgen] = copied
            return copied

        def walk(holder, depth: int = 0) -> None:
            resources = holder.get("/Resources")
            xobjects = resources.get("/XObject") if resources is not None else None
            if xobjects is None or depth > 8:
                return
            for name in list(xobjects.keys()):
                xobject = xobjects[name]
                if xobject.get("/Subtype") == pikepdf.Name.Image:
                    swapped = real(xobject)
                    if swapped is not None:
                        xobjects[name] = swapped
                elif xobject.get("/Subtype") == pikepdf.Name.Form:
                    walk(xobject, depth + 1)

        for page in pdf.pages:
            walk(page.obj)
        pdf.save(target, deterministic_id=True)


def _photo_pdf(digest: str, path: Path, cache: Path) -> Path:
    """A one-image PDF holding the photo's JPEG bytes as its /Photo stream, made once per photo."""
    made = cache / f"{digest[:32]}.photo.pdf"
    if not made.exists():
        holder = pikepdf.new()
        # Marked as a JPEG, so that qpdf keeps the bytes as they are (an unfiltered stream it would deflate).
        holder.Root.Photo = holder.make_indirect(pikepdf.Stream(holder, pdf_bytes(path), Filter=pikepdf.Name.DCTDecode))
        temp = made.with_name(f".{made.name}.{id(holder)}.tmp")
        holder.save(temp)
        temp.replace(made)
    return made
