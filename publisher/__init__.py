"""publisher: turn a folder of articles into a commemorative book (EPUB 3 and print PDF)."""

__version__ = "0.1.0"
