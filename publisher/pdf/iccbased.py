"""Photos keep their own colour profile in the PDF: an ICCBased colour space instead of DeviceRGB.

WeasyPrint writes every image as DeviceRGB and drops the ICC profile the file carries, and a
PDF reader or a print house's RIP takes DeviceRGB numbers as sRGB. A phone's Display P3 photo
or a camera's Adobe RGB photo then prints duller than it was taken. The JPEG bytes in the PDF
still hold the profile (WeasyPrint and pdf.photorefs embed the file's own bytes), so the
finished PDF is given it back: each such image's ``/ColorSpace`` becomes ``[/ICCBased
profile]``, one profile stream shared by every photo that carries it. Nothing is re-encoded.
A profile that means sRGB, or that images.pdf_colour_profile refuses, leaves DeviceRGB.
"""

from __future__ import annotations

import hashlib

import pikepdf

from ..images import pdf_colour_profile, photo_profile


class Profiles:
    """The ICCBased colour spaces of one PDF, one per distinct profile."""

    def __init__(self, pdf: pikepdf.Pdf, reuse: bool = False):
        self.pdf = pdf
        # PDF 1.4 (PDF/A-1, PDF/X-3) knows ICC profiles up to version 2; a v4 one (Display P3
        # is) would make the file invalid, so such a photo stays DeviceRGB there.
        self.v4 = str(pdf.pdf_version) >= "1.5"
        self.spaces: dict[str, pikepdf.Array] = {}
        for obj in pdf.objects if reuse else ():  # the spaces tag_photo_profiles gave already
            space = obj.get("/ColorSpace") if isinstance(obj, pikepdf.Stream) else None
            if isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == pikepdf.Name.ICCBased:
                self.spaces.setdefault(hashlib.sha256(space[1].read_bytes()).hexdigest(), space)

    def space(self, icc: bytes | None) -> pikepdf.Array | None:
        """The colour space for an RGB photo that carries ``icc``, or None to leave it DeviceRGB."""
        profile = pdf_colour_profile(icc)
        if profile is None or (profile[8] >= 4 and not self.v4):
            return None
        key = hashlib.sha256(profile).hexdigest()
        if key not in self.spaces:
            stream = pikepdf.Stream(self.pdf, profile)
            stream.N = 3
            stream.Alternate = pikepdf.Name.DeviceRGB
            self.spaces[key] = pikepdf.Array([pikepdf.Name.ICCBased, self.pdf.make_indirect(stream)])
        return self.spaces[key]


def tag_photo_profiles(pdf: pikepdf.Pdf) -> int:
    """Give every DeviceRGB JPEG image in ``pdf`` whose bytes carry a profile other than sRGB
    that profile (see the module doc); the number of images tagged."""
    profiles = Profiles(pdf)
    tagged = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Stream) or obj.get("/Subtype") != pikepdf.Name.Image:
            continue
        if obj.get("/Filter") != pikepdf.Name.DCTDecode or obj.get("/ColorSpace") != pikepdf.Name.DeviceRGB:
            continue
        space = profiles.space(photo_profile(obj.read_raw_bytes()))
        if space is not None:
            obj.ColorSpace = space
            tagged += 1
    return tagged
