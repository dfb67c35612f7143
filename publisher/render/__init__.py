"""Renderers: the book HTML once (html, templates), then its EPUB and PDF packages."""
